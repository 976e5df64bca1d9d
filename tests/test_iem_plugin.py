"""Tests against a real IEM StereoEncoder (standalone JUCE program), an OSC peer no one here wrote.

* JUCE encodings used to configure it (pure unit tests, always run);
* the plug-in applies OSC sent by liblo's ``oscsend`` (checks the test rig itself);
* end to end: a text cue sent to the ``oscbridge`` daemon moves the plug-in.

The plug-in tests need Xvfb, jackd2, liblo-tools and iem-plugin-suite-standalone; without them they
are skipped with the reason, or fail when CI=true (see ``iem.require_iem``).
"""

from __future__ import annotations

import random
import signal
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import iem
from peers import DaemonProcess

REPO_ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------------------------
# JUCE MemoryBlock::toBase64Encoding / copyXmlToBinary
# ----------------------------------------------------------------------------------------------


def _juce_base64_bitwise(data: bytes) -> str:
    """Independent, literal model of JUCE's loop: char i = table[getBitRange(6 * i, 6)].

    getBitRange collects bits LSB-first: bit k of the block is bit (k % 8) of byte k // 8, and the
    first bit collected becomes the least significant bit of the result; bits past the end are 0.
    """
    def bit(k: int) -> int:
        return (data[k // 8] >> (k % 8)) & 1 if k // 8 < len(data) else 0

    n_chars = (len(data) * 8 + 5) // 6
    out = [iem.JUCE_BASE64_ALPHABET[sum(bit(6 * i + j) << j for j in range(6))]
           for i in range(n_chars)]
    return f"{len(data)}." + "".join(out)


# Vectors derived by hand (alphabet index: 0 '.', 1..26 'A'..'Z', 27..52 'a'..'z', 53..62 '0'..'9',
# 63 '+'):
#  b""            -> no characters: "0."
#  b"\x00"        -> 8 bits -> ceil(8/6) = 2 chars, both 0 ('.') -> "1." + ".." = "1..."
#  b"A" = 0x41 = 0b01_000001: bits 0-5 = 0b000001 = 1 -> 'A'; bits 6-7 = 0b01 = 1 -> 'A' -> "1.AA"
#  b"\x01\x02\x03": the block as a little-endian integer is 0x030201 = 0b000000_110000_001000_000001
#                  -> groups from the least significant end: 1 'A', 8 'H', 48 'v', 0 '.' -> "3.AHv."
#  b"\xff\xff\xff" -> four groups of 63 -> "3.++++"
#  b"\xff"        -> bits 0-5 = 63 '+', bits 6-7 = 0b11 = 3 -> 'C' -> "1.+C"
#  An RFC 4648 encoder would give "QQ==" for b"A" and "AQID" for b"\x01\x02\x03".
KNOWN_VECTORS = [
    (b"", "0."),
    (b"\x00", "1..."),
    (b"A", "1.AA"),
    (b"\x01\x02\x03", "3.AHv."),
    (b"\xff\xff\xff", "3.++++"),
    (b"\xff", "1.+C"),
]


@pytest.mark.parametrize(("data", "expected"), KNOWN_VECTORS)
def test_juce_base64_known_vectors(data, expected):
    assert iem.juce_base64(data) == expected
    assert _juce_base64_bitwise(data) == expected
    assert iem.juce_base64_decode(expected) == data


def test_juce_base64_matches_bitwise_model_and_round_trips():
    rng = random.Random(1234)
    for n in list(range(0, 20)) + [255, 256, 1000]:
        data = bytes(rng.randrange(256) for _ in range(n))
        text = iem.juce_base64(data)
        assert text == _juce_base64_bitwise(data)
        assert text.startswith(f"{n}.")
        assert len(text) == len(f"{n}.") + (8 * n + 5) // 6
        assert set(text[len(str(n)) + 1:]) <= set(iem.JUCE_BASE64_ALPHABET)
        assert iem.juce_base64_decode(text) == data


def test_juce_base64_decode_rejects_garbage():
    for bad in ("AA", "1.A", "1.AA/", "1.+G"):  # no count, too short, bad char, padding bits set
        with pytest.raises(ValueError):
            iem.juce_base64_decode(bad)


def test_juce_xml_to_binary_layout():
    xml = "<A b=\"1\"/>"
    blob = iem.juce_xml_to_binary(xml)
    assert blob[:4] == b"VC2!"  # int32 0x21324356, little-endian
    assert int.from_bytes(blob[4:8], "little") == len(xml) == len(blob) - 9
    assert blob[8:-1] == xml.encode() and blob[-1:] == b"\0"
    assert iem.juce_binary_to_xml(blob) == xml


def test_write_settings_file(tmp_path):
    path = iem.write_settings(tmp_path, "StereoEncoder", receiver_port=9123, sender_port=9124,
                              interval_ms=100)
    assert path == tmp_path / "IEMAudioPlugins" / "StereoEncoder.settings"
    root = ET.parse(path).getroot()
    assert root.tag == "PROPERTIES"
    (value,) = root.findall("VALUE")
    assert value.get("name") == "filterState"
    state = ET.fromstring(iem.juce_binary_to_xml(iem.juce_base64_decode(value.get("val"))))
    assert state.tag == "StereoEncoder"
    assert state.find("OSCConfig").attrib == {
        "ReceiverPort": "9123", "SenderIP": "127.0.0.1", "SenderPort": "9124",
        "SenderOSCAddress": "/StereoEncoder", "SenderInterval": "100",
    }


# ----------------------------------------------------------------------------------------------
# The real plug-in
# ----------------------------------------------------------------------------------------------


@pytest.fixture
def plugin():
    iem.require_iem()
    with iem.running_iem_plugin("StereoEncoder", "iem-plugin-stereoencoder") as handle:
        print(f"\n[iem] StereoEncoder up: {handle.timings}, receive port {handle.receive_port}, "
              f"jackd {handle.jack_server or 'none: ' + str(handle.jack_error)}")
        yield handle


def _assert_at_rest(plugin, **expected):
    for param, value in expected.items():
        assert plugin.latest(param) == pytest.approx(value, abs=1e-6), (
            f"precondition: {param} should start at {value}, plug-in reports {plugin.params()}")


@pytest.mark.iem
def test_plugin_applies_direct_osc(plugin):
    _assert_at_rest(plugin, azimuth=0.0, elevation=0.0)
    t0 = time.monotonic()
    iem.oscsend(plugin.receive_port, "/StereoEncoder/azimuth", "f", 45.0)
    iem.oscsend(plugin.receive_port, "/StereoEncoder/elevation", "f", -20.0)
    az = plugin.wait_for("azimuth", lambda v: abs(v - 45.0) <= 0.01, timeout=5, what="45 ± 0.01")
    el = plugin.wait_for("elevation", lambda v: abs(v - -20.0) <= 0.01, timeout=5,
                         what="-20 ± 0.01")
    print(f"[iem] feedback after {time.monotonic() - t0:.3f} s: azimuth {az}, elevation {el}")
    # the full state agrees (explicit dump on request)
    state = plugin.snapshot()
    assert state["azimuth"] == pytest.approx(45.0, abs=0.01)
    assert state["elevation"] == pytest.approx(-20.0, abs=0.01)
    assert state["roll"] == pytest.approx(0.0, abs=0.01)


@pytest.mark.iem
def test_plugin_feedback_address_is_configurable():
    """SenderOSCAddress changes only the feedback prefix; the receiver keeps /StereoEncoder/..."""
    iem.require_iem()
    with iem.running_iem_plugin(sender_address="/oscbridge/enc7") as p:
        assert all(m.address.startswith("/oscbridge/enc7/") for m in p.messages())
        t0 = time.monotonic()
        iem.oscsend(p.receive_port, "/StereoEncoder/width", "f", 60.0)
        p.wait_for("width", lambda v: abs(v - 60.0) <= 0.01, timeout=5, since=t0, what="60 ± 0.01")


@pytest.mark.iem
@pytest.mark.peers
def test_cue_moves_plugin_through_oscbridge(plugin):
    _assert_at_rest(plugin, azimuth=0.0, elevation=0.0)
    t0 = time.monotonic()
    with DaemonProcess("--send", f"iem-stereo-encoder@127.0.0.1:{plugin.receive_port}") as daemon:
        print(f"[iem] daemon listening on {daemon.port} after {time.monotonic() - t0:.2f} s")

        def output() -> str:
            return "\nstdout:\n" + "\n".join(daemon.stdout_lines[-5:]) + "\nstderr:\n" + "\n".join(daemon.stderr_lines[-10:])

        def cue(text: str, azimuth: float, elevation: float, timeout: float) -> None:
            t = time.monotonic()
            iem.oscsend(daemon.port, "/cue", "s", text)
            try:
                az = plugin.wait_for("azimuth", lambda v: abs(v - azimuth) <= 0.5, timeout,
                                     what=f"{azimuth} ± 0.5 after cue {text!r}")
                el = plugin.wait_for("elevation", lambda v: abs(v - elevation) <= 0.5, 3,
                                     what=f"{elevation} ± 0.5 after cue {text!r}")
            except AssertionError as exc:
                raise AssertionError(f"{exc}\ndaemon {output()}") from None
            # still there once the plug-in has gone quiet (no overshoot or later drift)
            plugin.wait_quiet(0.3, timeout=5)
            assert plugin.latest("azimuth") == pytest.approx(azimuth, abs=0.5), output()
            assert plugin.latest("elevation") == pytest.approx(elevation, abs=0.5), output()
            print(f"[iem] cue {text!r}: azimuth {az}, elevation {el} after {time.monotonic() - t:.3f} s")

        cue("a bird sings on the left, 20 degrees up", 90.0, 20.0, timeout=15)
        cue("the cello is at 2 o'clock", -60.0, 0.0, timeout=10)

        assert daemon.alive(), "daemon died:" + output()
        rc, took = daemon.stop(signal.SIGTERM, timeout=2)
        assert rc == 0, f"daemon exited with {rc} after SIGTERM" + output()

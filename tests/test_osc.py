"""The OSC codec, checked against known bytes and against python-osc as an independent peer."""

import struct

import pytest
from pythonosc.osc_bundle_builder import OscBundleBuilder, IMMEDIATELY
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from oscbridge.osc import Encoder, OscDecodeError, decode_message, decode_packet, encode_bundle, encode_message


def test_encode_known_bytes():
    # "/a\0\0" ",f\0\0" then 1.0 as big-endian float32
    assert encode_message("/a", [1.0]) == b"/a\x00\x00,f\x00\x00" + struct.pack(">f", 1.0)
    assert encode_message("/cue", ["hi"]) == b"/cue\x00\x00\x00\x00,s\x00\x00hi\x00\x00"


def test_encoded_message_parses_in_python_osc():
    data = encode_message("/adm/obj/2/aed", [60.0, 0.0, 0.15])
    m = OscMessage(data)
    assert m.address == "/adm/obj/2/aed"
    assert m.params == pytest.approx([60.0, 0.0, 0.15], abs=1e-6)


def test_encoder_matches_generic_encoder():
    enc = Encoder("/spat/serv", "sifffff")
    assert enc("deg", 3, -90.0, 0.0, 0.15, 0.1, 0.0) == encode_message(
        "/spat/serv", ["deg", 3, -90.0, 0.0, 0.15, 0.1, 0.0], "sifffff"
    )
    assert Encoder("/x", "fff")(1.0, 2.0, 3.0) == encode_message("/x", [1.0, 2.0, 3.0])


def test_encoder_refuses_non_finite():
    with pytest.raises(ValueError, match="non-finite"):
        Encoder("/x", "f")(float("nan"))
    with pytest.raises(ValueError, match="non-finite"):
        encode_message("/x", [float("inf")])


def test_decode_python_osc_message():
    b = OscMessageBuilder("/cue")
    b.add_arg(2)
    b.add_arg("a violin at 10 o'clock")
    m = decode_message(b.build().dgram)
    assert (m.address, m.typetags, m.args) == ("/cue", "is", (2, "a violin at 10 o'clock"))


def test_decode_bundle_from_python_osc():
    bb = OscBundleBuilder(IMMEDIATELY)
    for text in ("one", "two"):
        mb = OscMessageBuilder("/cue")
        mb.add_arg(text)
        bb.add_content(mb.build())
    msgs = decode_packet(bb.build().dgram)
    assert [m.args for m in msgs] == [("one",), ("two",)]


def test_our_bundle_roundtrip():
    data = encode_bundle([encode_message("/a", [1.0]), encode_message("/b", ["x"])])
    assert [(m.address, m.args) for m in decode_packet(data)] == [("/a", (1.0,)), ("/b", ("x",))]


def test_decode_all_types():
    data = encode_message("/t", [1, 2.5, "s", b"\x01\x02\x03", True, False, None])
    m = decode_message(data)
    assert m.typetags == "ifsbTFN"
    assert m.args == (1, 2.5, "s", b"\x01\x02\x03", True, False, None)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"abc\x00", "does not start with '/'"),
        (b"/cue\x00\x00", "multiple of 4"),
        (b"/cue\x00\x00\x00\x00s\x00\x00\x00", "type tag string does not start"),
        (b"/cue\x00\x00\x00\x00,s\x00\x00\xff\xfe\x00\x00", "not valid UTF-8"),
        (b"/cue\x00\x00\x00\x00,f\x00\x00", "runs past the end"),
        (b"/cue\x00\x00\x00\x00,q\x00\x00", "unsupported type tag"),
        (b"/cue\x00\x00\x00\x00,s\x00\x00abcd", "not NUL-terminated"),
        (b"/cue\x00\x00\x00\x00,i\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00", "trailing bytes"),
        (b"#bundle\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x07", "bad size"),
        (b"#bundlX\x00", "not a bundle"),
    ],
)
def test_malformed_packets_give_a_reason(data, reason):
    with pytest.raises(OscDecodeError, match=reason):
        decode_packet(data)


def test_nested_bundles_are_bounded():
    data = encode_message("/a", [1])
    for _ in range(20):
        data = encode_bundle([data])
    with pytest.raises(OscDecodeError, match="nested deeper"):
        decode_packet(data)

import pytest

from oscbridge.cues import MAX_CUE_CHARS, Cue, NotACue, Panic, looks_like_cue, parse_line, parse_message
from oscbridge.errors import CueError
from oscbridge.osc import Message


@pytest.mark.parametrize(
    "line, source, text",
    [
        ("a dog barks on the left", 1, "a dog barks on the left"),
        ("2: a violin at 10 o'clock, 3 meters away", 2, "a violin at 10 o'clock, 3 meters away"),
        ("  17:   rain everywhere  ", 17, "rain everywhere"),
        ("12:30 the bells ring", 1, "12:30 the bells ring"),  # a time, not a prefix
    ],
)
def test_stdin_lines(line, source, text):
    cue = parse_line(line)
    assert (cue.source, cue.text) == (source, text)


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "  # indented comment"])
def test_ignored_lines(line):
    assert parse_line(line) is None


@pytest.mark.parametrize(
    "line, match",
    [("0: nothing", "outside 1..128"), ("200: too many", "outside 1..128"), ("3:", "empty cue"),
     ("x" * (MAX_CUE_CHARS + 1), "over the limit")],
)
def test_bad_lines(line, match):
    with pytest.raises(CueError, match=match):
        parse_line(line)


def test_osc_forms():
    assert parse_message(Message("/cue", "s", ("left",)), "udp", None).source == 1
    assert parse_message(Message("/cue", "is", (5, "left")), "udp", None).source == 5
    assert parse_message(Message("/cue", "fs", (5.0, "left")), "udp", None).source == 5  # tablets send floats
    assert parse_message(Message("/source/7/cue", "s", ("left",)), "udp", None).source == 7
    assert isinstance(parse_message(Message("/panic", "", ()), "udp", None), Panic)
    assert isinstance(parse_message(Message("/cue", "s", ("x",)), "udp", None), Cue)


@pytest.mark.parametrize(
    "msg, match",
    [
        (Message("/cue", "", ()), "expected /cue s TEXT"),
        (Message("/cue", "i", (3,)), "got /cue ,i"),
        (Message("/cue", "ss", ("a", "b")), "got /cue ,ss"),
        (Message("/cue", "fs", (float("nan"), "left")), "finite"),
        (Message("/cue", "fs", (float("inf"), "left")), "finite"),
        (Message("/cue", "fs", (2.5, "left")), "whole number"),
        (Message("/cue", "is", (0, "left")), "outside"),
        (Message("/cue", "s", ("   ",)), "empty cue"),
        (Message("/cue", "s", ("y" * 2001,)), "over the limit"),
        (Message("/source/x/cue", "s", ("left",)), "not a number"),
        (Message("/source/3/cue", "f", (1.0,)), "got /source/3/cue ,f"),
    ],
)
def test_bad_osc_cues(msg, match):
    with pytest.raises(CueError, match=match):
        parse_message(msg, "udp", None)


def test_unknown_address_is_not_a_cue():
    with pytest.raises(NotACue):
        parse_message(Message("/foo", "s", ("x",)), "udp", None)


def test_looks_like_cue():
    assert looks_like_cue(b"/cue\x00\x00\x00\x00,s\x00\x00\xff")
    assert looks_like_cue(b"/source/3/cue\x00\x00\x00")
    assert not looks_like_cue(b"/cuex\x00\x00\x00")
    assert not looks_like_cue(b"\x00\x01")

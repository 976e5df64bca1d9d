"""Cue input: stdin lines and OSC messages in, ``Cue`` / ``Panic`` out (conventions.md §3).

    stdin                    OSC
    TEXT        -> source 1  /cue s TEXT              -> source 1
    N: TEXT     -> source N  /cue i N s TEXT          -> source N (an integral float N is accepted)
    # comment   -> ignored   /source/N/cue s TEXT     -> source N
    (blank)     -> ignored   /panic                   -> stop all motion, hold positions

Every rejection raises ``CueError`` (a cue we can answer with /cue/error) or ``NotACue``
(a packet for an address we do not serve: counted and dropped). Messages are one line.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field

from oscbridge.errors import CueError, CueTooLongError
from oscbridge.osc import Message
from oscbridge.params import MAX_SOURCES

MAX_CUE_CHARS = 2000
_PREFIX_RE = re.compile(r"^\s*(\d{1,4})\s*:(?:\s+|$)(.*)$", re.DOTALL)
_SOURCE_ADDR_RE = re.compile(r"^/source/([^/]+)/cue$")
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class NotACue(Exception):
    """A packet for an address the daemon does not serve."""


@dataclass(frozen=True)
class Cue:
    source: int
    text: str
    origin: str = "stdin"  # "udp", "tcp" or "stdin"
    reply_to: object = None  # where /cue/ack goes: (host, port) for UDP, a connection for TCP
    received_s: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class Panic:
    origin: str = "udp"
    reply_to: object = None


def check_source(source: int) -> int:
    if not 1 <= source <= MAX_SOURCES:
        raise CueError(f"source {source} is outside 1..{MAX_SOURCES}")
    return source


def clean_text(text: str) -> str:
    """The cue text as the predictor sees it; rejects empty and over-long cues."""
    text = _CONTROL_CHARS_RE.sub(" ", text).strip()
    if not text:
        raise CueError("empty cue: say where the sound is, e.g. 'a dog barks on the left'")
    if len(text) > MAX_CUE_CHARS:
        raise CueTooLongError(f"cue of {len(text)} characters is over the limit of {MAX_CUE_CHARS}")
    return text


def split_prefix(line: str) -> tuple[int, str]:
    """'2: violin at 10 o'clock' -> (2, "violin at 10 o'clock"); no prefix -> source 1."""
    m = _PREFIX_RE.match(line)
    if m is None:
        return 1, line
    return check_source(int(m.group(1))), m.group(2)


def parse_line(line: str) -> Cue | None:
    """One stdin line -> a Cue, or None for blank and comment lines. Raises CueError."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    source, text = split_prefix(stripped)
    return Cue(source, clean_text(text), origin="stdin")


def _source_arg(value: object) -> int:
    if isinstance(value, bool) or value is None:
        raise CueError(f"source must be an integer, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CueError(f"source must be a finite number, got {value}")
        if value != int(value):
            raise CueError(f"source must be a whole number, got {value:g}")
        value = int(value)
    if not isinstance(value, int):
        raise CueError(f"source must be an integer, got a {type(value).__name__}")
    return check_source(value)


_USAGE = "expected /cue s TEXT, /cue i SOURCE s TEXT or /source/N/cue s TEXT"


def parse_message(msg: Message, origin: str, reply_to: object) -> Cue | Panic:
    """One OSC message -> Cue or Panic. Raises CueError (answerable) or NotACue."""
    if msg.address == "/panic":
        return Panic(origin, reply_to)
    if msg.address == "/cue":
        if msg.typetags == "s":
            source, text = 1, msg.args[0]
        elif len(msg.typetags) == 2 and msg.typetags[0] in "ifhd" and msg.typetags[1] == "s":
            source, text = _source_arg(msg.args[0]), msg.args[1]
        else:
            raise CueError(f"{_USAGE}; got /cue ,{msg.typetags}")
    else:
        m = _SOURCE_ADDR_RE.match(msg.address)
        if m is None:
            raise NotACue(msg.address)
        if not m.group(1).isdigit():
            raise CueError(f"source {m.group(1)!r} in {msg.address} is not a number")
        source = check_source(int(m.group(1)))
        if msg.typetags != "s":
            raise CueError(f"{_USAGE}; got {msg.address} ,{msg.typetags}")
        text = msg.args[0]
    return Cue(source, clean_text(text), origin=origin, reply_to=reply_to)  # type: ignore[arg-type]


def looks_like_cue(packet: bytes) -> bool:
    """Whether an undecodable packet was meant as a cue (so it deserves a /cue/error)."""
    return packet.startswith(b"/cue\x00") or (packet.startswith(b"/source/") and b"/cue\x00" in packet[:64])

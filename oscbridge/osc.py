"""OSC 1.0 wire format: a strict decoder for what comes in, a fast encoder for what goes out.

Why not python-osc's ``OscPacket`` on the receiving side: it logs unknown type tags through the
root logger (a fuzzed packet floods the terminal), lets ``UnicodeDecodeError`` escape on invalid
UTF-8, and gives no reason a user can act on. Here every malformed packet raises
``OscDecodeError`` with a one-line reason, and nothing else escapes.

On the sending side an ``Encoder`` precompiles the address and type-tag prefix of a message
once, so each send only packs its numbers (the daemon sends 64 sources x 100 Hz).
python-osc remains the independent peer in the tests and provides SLIP framing for TCP.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Sequence, Union

Arg = Union[int, float, str, bytes, bool, None]

BUNDLE_TAG = b"#bundle\x00"
IMMEDIATELY = b"\x00\x00\x00\x00\x00\x00\x00\x01"
MAX_DEPTH = 8


class OscDecodeError(ValueError):
    """A packet that is not valid OSC. The message is one line."""


@dataclass(frozen=True)
class Message:
    address: str
    typetags: str
    args: tuple[Arg, ...]


def _pad4(n: int) -> int:
    return (n + 4) & ~3  # length of a string of n bytes plus its NUL, padded to 4


def _read_string(data: bytes, pos: int, what: str) -> tuple[str, int]:
    end = data.find(b"\x00", pos)
    if end < 0:
        raise OscDecodeError(f"{what} is not NUL-terminated")
    nxt = pos + _pad4(end - pos)
    if nxt > len(data):
        raise OscDecodeError(f"{what} padding runs past the end of the packet")
    try:
        return data[pos:end].decode("utf-8"), nxt
    except UnicodeDecodeError as e:
        raise OscDecodeError(f"{what} is not valid UTF-8 (byte {e.start})") from None


def decode_message(data: bytes) -> Message:
    """Decode one OSC message (not a bundle). Raises OscDecodeError."""
    if len(data) % 4:
        raise OscDecodeError(f"packet length {len(data)} is not a multiple of 4")
    if not data.startswith(b"/"):
        raise OscDecodeError("address does not start with '/'")
    address, pos = _read_string(data, 0, "address")
    if pos == len(data):
        return Message(address, "", ())  # OSC 1.0 allows a message with no type tag
    if data[pos : pos + 1] != b",":
        raise OscDecodeError("type tag string does not start with ','")
    tags, pos = _read_string(data, pos, "type tag string")
    tags = tags[1:]
    args: list[Arg] = []
    for i, t in enumerate(tags, 1):
        if t in "if":
            if pos + 4 > len(data):
                raise OscDecodeError(f"argument {i} ({t}) runs past the end of the packet")
            args.append(struct.unpack_from(">i" if t == "i" else ">f", data, pos)[0])
            pos += 4
        elif t in "hd":
            if pos + 8 > len(data):
                raise OscDecodeError(f"argument {i} ({t}) runs past the end of the packet")
            args.append(struct.unpack_from(">q" if t == "h" else ">d", data, pos)[0])
            pos += 8
        elif t in "sS":
            s, pos = _read_string(data, pos, f"argument {i} (string)")
            args.append(s)
        elif t == "b":
            if pos + 4 > len(data):
                raise OscDecodeError(f"argument {i} (blob) runs past the end of the packet")
            (size,) = struct.unpack_from(">i", data, pos)
            if size < 0 or pos + 4 + size > len(data):
                raise OscDecodeError(f"argument {i} (blob) has a bad size {size}")
            args.append(data[pos + 4 : pos + 4 + size])
            pos += 4 + ((size + 3) & ~3)
        elif t == "T":
            args.append(True)
        elif t == "F":
            args.append(False)
        elif t in "NI":
            args.append(None)
        else:
            raise OscDecodeError(f"argument {i} has an unsupported type tag {t!r}")
    if pos != len(data):
        raise OscDecodeError(f"{len(data) - pos} trailing bytes after the arguments")
    return Message(address, tags, tuple(args))


def decode_packet(data: bytes, _depth: int = 0) -> list[Message]:
    """Decode a message or a bundle (recursively) into its messages, in order.

    Bundle timetags are ignored on purpose: receivers here act at once, senders schedule.
    """
    if not data:
        raise OscDecodeError("empty packet")
    if data.startswith(b"#"):
        if not data.startswith(BUNDLE_TAG):
            raise OscDecodeError("packet starts with '#' but is not a bundle")
        if _depth >= MAX_DEPTH:
            raise OscDecodeError(f"bundles nested deeper than {MAX_DEPTH}")
        if len(data) < 16:
            raise OscDecodeError("bundle is shorter than its header")
        pos, out = 16, []
        while pos < len(data):
            if pos + 4 > len(data):
                raise OscDecodeError("bundle element size runs past the end")
            (size,) = struct.unpack_from(">i", data, pos)
            if size <= 0 or size % 4 or pos + 4 + size > len(data):
                raise OscDecodeError(f"bundle element has a bad size {size}")
            out.extend(decode_packet(data[pos + 4 : pos + 4 + size], _depth + 1))
            pos += 4 + size
        return out
    return [decode_message(data)]


def _encode_string(s: str) -> bytes:
    b = s.encode("utf-8")
    if b"\x00" in b:
        raise ValueError("an OSC string cannot contain NUL")
    return b + b"\x00" * (_pad4(len(b)) - len(b))


def _typetag(value: Arg) -> str:
    if isinstance(value, bool):
        return "T" if value else "F"
    if value is None:
        return "N"
    if isinstance(value, int):
        return "i"
    if isinstance(value, float):
        return "f"
    if isinstance(value, str):
        return "s"
    if isinstance(value, (bytes, bytearray)):
        return "b"
    raise TypeError(f"cannot send {type(value).__name__} over OSC")


def _encode_args(typetags: str, args: Sequence[Arg]) -> bytes:
    parts = []
    for t, v in zip(typetags, args):
        if t == "f":
            parts.append(struct.pack(">f", v))
        elif t == "i":
            parts.append(struct.pack(">i", v))
        elif t == "d":
            parts.append(struct.pack(">d", v))
        elif t == "s":
            parts.append(_encode_string(v))  # type: ignore[arg-type]
        elif t == "b":
            b = bytes(v)  # type: ignore[arg-type]
            parts.append(struct.pack(">i", len(b)) + b + b"\x00" * (-len(b) % 4))
        # T, F, N carry no data
    return b"".join(parts)


def encode_message(address: str, args: Sequence[Arg] = (), typetags: str | None = None) -> bytes:
    """Encode one message; type tags are inferred from the Python types unless given."""
    if typetags is None:
        typetags = "".join(_typetag(a) for a in args)
    if len(typetags) != len(args):
        raise ValueError(f"{len(typetags)} type tags for {len(args)} arguments")
    for t, v in zip(typetags, args):
        if t in "fd" and not math.isfinite(v):  # type: ignore[arg-type]
            raise ValueError(f"refusing to send a non-finite float to {address}")
    return _encode_string(address) + _encode_string("," + typetags) + _encode_args(typetags, args)


def encode_bundle(messages: Sequence[bytes], timetag: bytes = IMMEDIATELY) -> bytes:
    """Wrap encoded messages into one bundle (for atomic updates; timetag 'immediately')."""
    parts = [BUNDLE_TAG, timetag]
    for m in messages:
        parts.append(struct.pack(">i", len(m)))
        parts.append(m)
    return b"".join(parts)


class Encoder:
    """A message of fixed address and type tags, encoded fast: ``Encoder("/a", "fff")(1, 2, 3)``."""

    __slots__ = ("address", "typetags", "_prefix", "_struct")

    def __init__(self, address: str, typetags: str):
        self.address = address
        self.typetags = typetags
        self._prefix = _encode_string(address) + _encode_string("," + typetags)
        self._struct = struct.Struct(">" + typetags) if typetags and set(typetags) <= set("fid") else None

    def __call__(self, *args: Arg) -> bytes:
        if self._struct is not None:
            for t, v in zip(self.typetags, args):
                if t != "i" and not math.isfinite(v):  # type: ignore[arg-type]
                    raise ValueError(f"refusing to send a non-finite float to {self.address}")
            return self._prefix + self._struct.pack(*args)
        return encode_message(self.address, args, self.typetags)

"""Fuzz the running daemon with random and mutated datagrams; it must answer the next valid cue."""

from __future__ import annotations

import random
import struct
import time

import pytest

from oscbridge.daemon import encode_cue
from oscbridge.osc import decode_packet, encode_bundle, encode_message
from peers import DaemonProcess, OscDump, UdpSink, require_tools

N_DATAGRAMS = 10_000


def mutated(rng: random.Random) -> bytes:
    seeds = [
        encode_cue("a dog barks behind me on the left, far away"),
        encode_cue("violin at 10 o'clock, 3 metres", 2),
        encode_message("/source/3/cue", ["the helicopter circles slowly overhead"]),
        encode_message("/panic", []),
        encode_bundle([encode_cue("rain on the right"), encode_message("/foo", [1.0])]),
    ]
    kind = rng.randrange(9)
    base = bytearray(rng.choice(seeds))
    if kind == 0:  # pure noise
        return rng.randbytes(rng.randrange(0, 600))
    if kind == 1:  # bit flips
        for _ in range(rng.randrange(1, 8)):
            i = rng.randrange(len(base))
            base[i] ^= 1 << rng.randrange(8)
        return bytes(base)
    if kind == 2:  # truncation
        return bytes(base[: rng.randrange(len(base))])
    if kind == 3:  # random type tags on a cue address
        tags = "".join(rng.choice("ifsbdhTFNIrmt[]c") for _ in range(rng.randrange(0, 6)))
        return b"/cue\x00\x00\x00\x00" + (("," + tags).encode() + b"\x00" * (4 - (len(tags) + 1) % 4)) + rng.randbytes(rng.randrange(0, 40))
    if kind == 4:  # invalid UTF-8 / control characters in the text
        return encode_message("/cue", ["x"]).replace(b"x\x00\x00\x00", bytes([rng.randrange(128, 256), 0, 0, 0]))
    if kind == 5:  # non-finite and absurd sources
        v = rng.choice([float("nan"), float("inf"), -float("inf"), 1e30, -5.0, 0.5])
        return b"/cue\x00\x00\x00\x00,fs\x00" + struct.pack(">f", v) + b"left\x00\x00\x00\x00"
    if kind == 6:  # huge or empty cues
        return encode_cue("x" * rng.choice([0, 1999, 2000, 2001, 8000]) or " ")
    if kind == 7:  # lying blob / bundle sizes
        return b"#bundle\x00" + b"\x00" * 7 + b"\x01" + struct.pack(">i", rng.randrange(-5, 10_000)) + rng.randbytes(12)
    return bytes(base) + rng.randbytes(rng.randrange(1, 9))  # trailing junk


@pytest.mark.peers
@pytest.mark.slow
def test_fuzzed_daemon_answers_the_next_valid_cue():
    require_tools("oscdump")
    rng = random.Random(20261121)
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}") as d, UdpSink() as me:
        addr = ("127.0.0.1", d.port)
        for i in range(N_DATAGRAMS):
            me.sock.sendto(mutated(rng), addr)
            if i % 200 == 199:
                time.sleep(0.01)  # stay within the socket buffers: every datagram should be looked at
        assert d.alive()
        me.sock.settimeout(0.2)
        deadline = time.monotonic() + 20
        while True:  # drain the /cue/error replies, then the valid cue must be acked
            me.sock.sendto(encode_cue("a fox on the left, far away", 4), addr)
            ack = None
            try:
                while ack is None:
                    for m in decode_packet(me.sock.recvfrom(65536)[0]):
                        if m.address == "/cue/ack" and m.args[0] == 4:
                            ack = m
            except TimeoutError:
                pass
            if ack is not None or time.monotonic() > deadline:
                break
        assert ack is not None, "the daemon did not answer a valid cue after the fuzzing"
        assert ack.args[2] == pytest.approx(90)
        dump.wait_address("/adm/obj/4/aed")
        assert d.alive()
        code, _ = d.stop()
        assert code == 0
        summary = d.wait_line("stopped:", stream="stderr")
        print(summary)

"""``oscbridge play`` as a real process against real peers.

REAPER's part is played by a separate Python process that sends its transport feedback over UDP
as REAPER's OSC surface does (bundles of /time f and /time/str every ~30 ms while playing, /play
and /stop flags), encoded by python-osc, the independent peer. Every process stamps times with
``time.perf_counter``, which on Linux is CLOCK_MONOTONIC, one clock for all processes, so the
simulated playhead's crossing of a cue and the arrival of oscbridge's message can be compared.

Where a test measures timing, what oscbridge sends is captured by ``StampedSink``: a UDP socket
whose datagrams carry the kernel's arrival time (SO_TIMESTAMPNS), decoded by python-osc. Stamps
taken by the kernel do not depend on when this test's threads get a CPU, so the measurement is
of oscbridge, not of the machine's load. The dry-run test listens with liblo's oscdump.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

import pytest
import yaml

from peers import REPO, Dumped, OscbridgeProcess, OscDump, free_udp_port, require_tools

pytestmark = pytest.mark.peers

PERIOD_S = 0.030  # REAPER's feedback period as simulated: /time every 30 ms while playing
# Allowed lateness beyond one feedback period. oscbridge interpolates the playhead and fires about
# 1 ms after the crossing; arrival stamps come from the kernel (loopback delivery: tens of us). What
# is left is scheduling: the simulator and oscbridge are ordinary processes on a 2-core machine that
# other jobs share, and a runnable process can wait one scheduler period (CFS: up to ~20 ms with a
# few busy tasks) before it gets a core, to send /time or to fire.
TOLERANCE_S = 0.020
EARLY_S = 0.001  # a message can never precede the crossing; 1 ms covers float rounding of the times
AZ_TOL_DEG = 3.0  # identifies which cue a message belongs to; the expected values differ by >= 45 deg
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; Python's socket module does not name it

REAPER_SIM = r'''
"""REAPER's transport feedback over UDP, as its OSC control surface sends it."""
import json
import socket
import sys
import time

from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder


def msg(address, *args):
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return b.build()


def bundle(*messages):
    b = OscBundleBuilder(IMMEDIATELY)
    for m in messages:
        b.add_content(m)
    return b.build().dgram


host, port, period = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
segments = json.loads(sys.argv[4])  # [[start position, seconds of playing], ...]: a seek between two
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


sent = []  # perf_counter of every /time sent


def feedback(position, *extra):
    sent.append(time.perf_counter())
    sock.sendto(bundle(msg("/time", float(position)), msg("/time/str", "%.3f" % position), *extra), (host, port))


def sleep_until(t):
    while True:
        left = t - time.perf_counter()
        if left <= 0:
            return
        time.sleep(left if left > 0.002 else 0)


feedback(segments[0][0], msg("/stop", 1.0), msg("/play", 0.0))  # stopped at the start
time.sleep(0.3)
log = []
for k, (start, length) in enumerate(segments):
    wall = time.perf_counter()  # the playhead is at `start` from this moment on
    if k == 0:
        sock.sendto(bundle(msg("/play", 1.0), msg("/stop", 0.0)), (host, port))
    else:
        feedback(start)  # the seek: REAPER reports the new position at once
    log.append({"from": start, "wall": wall})
    n = 1
    while n * period < length:
        sleep_until(wall + n * period)
        now = time.perf_counter()
        feedback(start + (now - wall))
        n += 1
    sleep_until(wall + length)
end = time.perf_counter()
feedback(start + (end - wall), msg("/play", 0.0), msg("/stop", 1.0))
print(json.dumps({"segments": log, "stopped": end, "time_sent": sent}), flush=True)
'''


class PlayProcess(OscbridgeProcess):
    """``python -m oscbridge play ...`` as a real process (keyword predictor), its output collected as it comes."""

    def __init__(self, *args: str):
        super().__init__("play", *args, "--predictor", "keyword")

    def wait_line(self, pattern: str, stream: str = "stderr", timeout: float = 20.0, start: int = 0) -> str:
        return super().wait_line(pattern, stream, timeout, start)


class StampedSink:
    """A UDP socket on an OS-assigned port; each OSC message it gets is kept with the kernel's
    arrival time on the perf_counter clock. Decoded by python-osc (bundles too)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.messages: list[Dumped] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from pythonosc.osc_packet import OscPacket

        while not self._closed.is_set():
            try:
                data, ancillary, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(16))
            except (TimeoutError, OSError):
                continue
            a, realtime, b = time.perf_counter(), time.time(), time.perf_counter()
            stamps = [struct.unpack("qq", d[:16]) for level, kind, d in ancillary
                      if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS]
            assert stamps, "the kernel gave no arrival time"
            sec, nsec = stamps[0]
            arrived = sec + nsec * 1e-9 - (realtime - (a + b) / 2)  # realtime stamp -> perf_counter clock
            with self._lock:
                for timed in OscPacket(data).messages:
                    m = timed.message
                    self.messages.append(Dumped(m.address, "", tuple(m.params), arrived))

    def close(self) -> None:
        self._closed.set()
        self._thread.join(2)
        self.sock.close()

    def __enter__(self) -> "StampedSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def angle_err(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def aed(capture: StampedSink | OscDump, source: int) -> list[Dumped]:
    with capture._lock if isinstance(capture, StampedSink) else capture._cond:
        return [m for m in capture.messages if m.address == f"/adm/obj/{source}/aed"]


def arrival(capture: StampedSink, source: int, after_s: float, az_deg: float) -> Dumped:
    """The first aed message for ``source`` at or after ``after_s`` that carries ``az_deg``."""
    for m in aed(capture, source):
        if m.received_s >= after_s and angle_err(m.args[0], az_deg) <= AZ_TOL_DEG:
            return m
    seen = [(round(m.received_s - after_s, 3), round(m.args[0], 1)) for m in aed(capture, source)]
    raise AssertionError(f"source {source}: no aed with az {az_deg} after {after_s}; (t - after, az): {seen}")


ROWS = [  # time, source, text, duration
    (0.5, 1, "a dog barks at 9 o'clock", None),
    ("0:01.0", 2, "a car drives past from left to right", 2),
    (1.5, 1, "a bell rings at 3 o'clock", None),
    (2.0, 3, "rain falls at 2 o'clock", None),
    (4.0, 1, "a bird sings at 6 o'clock", None),
    (4.5, 3, "a violin plays at 10 o'clock", None),
]
SHOW = yaml.safe_dump({"cues": [{"time": t, "source": s, "text": text, **({"duration": d} if d else {})}
                                for t, s, text, d in ROWS]})
DOG, BELL, RAIN, BIRD, VIOLIN, CAR_START = 90.0, -90.0, -60.0, 180.0, 60.0, 90.0
CAR_AT_1_5 = -45.0  # 1.5 s into the 2 s line: 3/4 of the 180 deg from +90 to -90
# REAPER's playhead: 0 -> 2.3, seek back to 0.8 -> 1.6, seek forward to 2.5 -> 4.8, stop
SEGMENTS = [[0.0, 2.3], [0.8, 0.8], [2.5, 2.3]]


def test_follows_reaper_transport_with_seeks(tmp_path):
    show = tmp_path / "show.yaml"
    show.write_text(SHOW)
    sim = tmp_path / "reaper_sim.py"
    sim.write_text(REAPER_SIM)
    listen = free_udp_port()
    with StampedSink() as dump, PlayProcess(str(show), "--follow-reaper", f"127.0.0.1:{listen}",
                                        "--send", f"adm-osc@127.0.0.1:{dump.port}") as play:
        play.wait_line(rf"following REAPER on udp://127\.0\.0\.1:{listen}")
        r = subprocess.run([sys.executable, str(sim), "127.0.0.1", str(listen), str(PERIOD_S), json.dumps(SEGMENTS)],
                           capture_output=True, text=True, timeout=30, env={**os.environ})
        assert r.returncode == 0, r.stderr
        time.sleep(0.1)  # the last datagrams
        code, took = play.stop()
        assert code == 0 and took < 1.0, (code, took)
        play.wait_line(r"stopped: 8 fired, 4 chased, 2 seeks \(6 cues in the list\)")
        play.wait_line(r"transport stopped: motion frozen")
    sim = json.loads(r.stdout)
    w0, w1, w2 = (s["wall"] for s in sim["segments"])

    # (what, source, when the simulated playhead crossed the cue or jumped, azimuth it must carry)
    expected = [
        ("fire", 1, w0 + 0.5, DOG), ("fire", 2, w0 + 1.0, CAR_START), ("fire", 1, w0 + 1.5, BELL),
        ("fire", 3, w0 + 2.0, RAIN),
        # seek back to 0.8: source 1 chases the dog; sources 2 and 3 have no cue yet and are held
        ("chase", 1, w1, DOG), ("fire", 2, w1 + 0.2, CAR_START), ("fire", 1, w1 + 0.7, BELL),
        # seek forward to 2.5: every source chases; the car joins its motion 1.5 s in
        ("chase", 1, w2, BELL), ("chase", 2, w2, CAR_AT_1_5), ("chase", 3, w2, RAIN),
        ("fire", 1, w2 + 1.5, BIRD), ("fire", 3, w2 + 2.0, VIOLIN),
    ]
    delays: list[tuple[str, float]] = []
    waits: list[float] = []  # for each fire: how long until the next /time would have told of the crossing
    for what, source, when, az in expected:
        m = arrival(dump, source, when - EARLY_S, az)
        delay = m.received_s - when
        assert -EARLY_S <= delay <= PERIOD_S + TOLERANCE_S, (what, source, when - w0, delay)
        delays.append((what, delay))
        if what == "fire":
            waits.append(min(t for t in sim["time_sent"] if t >= when) - when)
    # static sources get exactly their fires and chases, nothing early, late or repeated
    assert len(aed(dump, 1)) == 6 and len(aed(dump, 3)) == 3
    # the car is silent before its cue and after the seek back (held), until it fires again
    assert aed(dump, 2)[0].received_s >= w0 + 1.0 - EARLY_S
    assert not [m for m in aed(dump, 2) if w1 + 0.05 < m.received_s < w1 + 0.2 - EARLY_S]
    # after the chase it moves on from -45 towards -90 and stops there at the end of its 2 s
    chased = arrival(dump, 2, w2 - EARLY_S, CAR_AT_1_5).received_s  # (a tick of the old motion may come first)
    after = [m.args[0] for m in aed(dump, 2) if m.received_s >= chased]
    assert after[-1] == pytest.approx(-90.0, abs=1e-3) and len(after) > 10
    assert all(angle_err(a, -45.0) <= AZ_TOL_DEG or a < -45.0 for a in after)

    fires = [d for what, d in delays if what == "fire"]
    ms = [d * 1000.0 for _, d in delays]
    print(f"\nREAPER follow: {len(delays)} events ({len(fires)} fires, {len(delays) - len(fires)} chases), "
          f"delay after the playhead crossed: median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms, "
          f"min {min(ms):.1f} ms (bound {1000 * (PERIOD_S + TOLERANCE_S):.0f} ms = one {1000 * PERIOD_S:.0f} ms "
          f"feedback period + {1000 * TOLERANCE_S:.0f} ms); fires took {1000 * sum(fires):.1f} ms in all where "
          f"waiting for the next /time would have taken {1000 * sum(waits):.1f} ms")
    # interpolated, not waiting for the next /time: a follower that waits can only be later than the
    # next /time after each crossing (sum(fires) >= sum(waits)); this one fires about 1 ms after it
    assert sum(fires) < 0.5 * sum(waits)


def test_wall_clock_plays_three_cues_on_time_and_ends_after_the_motion(tmp_path):
    show = tmp_path / "three.csv"
    show.write_text("time,source,text,duration\n"
                    "0.3,1,a dog barks at 10 o'clock,\n"
                    "0.8,2,a bell rings at 3 o'clock,\n"
                    "1.3,1,a car drives past from left to right,0.6\n")
    with StampedSink() as dump, PlayProcess(str(show), "--send", f"adm-osc@127.0.0.1:{dump.port}") as play:
        code = play.proc.wait(20)
        ended = time.perf_counter()
        play.wait_line(r"done: 3 fired \(3 cues in the list\)")
        time.sleep(0.1)
    assert code == 0, play.stderr_lines
    first = arrival(dump, 1, 0.0, 60.0)
    second = arrival(dump, 2, first.received_s, -90.0)
    third = arrival(dump, 1, first.received_s + 0.1, 90.0)
    # intervals between arrivals cancel the process start-up (see TOLERANCE_S)
    d2, d3 = second.received_s - first.received_s, third.received_s - first.received_s
    print(f"\nwall clock: cue 2 at +{d2 * 1000:.1f} ms (0.5 s after cue 1), cue 3 at +{d3 * 1000:.1f} ms (1.0 s)")
    assert d2 == pytest.approx(0.5, abs=TOLERANCE_S) and d3 == pytest.approx(1.0, abs=TOLERANCE_S)
    # the car moves for 0.6 s, ends at -90, and the process ends once it has
    car = [m for m in aed(dump, 1) if m.received_s >= third.received_s]
    assert len(car) >= 20 and car[-1].args[0] == pytest.approx(-90.0, abs=1e-3)
    assert car[-1].received_s - third.received_s == pytest.approx(0.6, abs=0.04)  # within a 20 ms tick
    assert 0.0 < ended - car[-1].received_s < 1.5


def test_dry_run_sends_nothing_and_prints_every_cue(tmp_path):
    show = tmp_path / "show.yaml"
    show.write_text(SHOW)
    require_tools("oscdump")
    listen = free_udp_port()
    with OscDump() as dump:
        r = subprocess.run([sys.executable, "-m", "oscbridge", "play", str(show), "--dry-run", "--predictor", "keyword",
                            "--send", f"adm-osc@127.0.0.1:{dump.port}", "--follow-reaper", f"127.0.0.1:{listen}"],
                           cwd=REPO, capture_output=True, text=True, timeout=30)
        time.sleep(0.3)
        assert not dump.messages
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == len(ROWS)
    for line, (_, source, text, _), az in zip(lines, ROWS, [DOG, CAR_START, BELL, RAIN, BIRD, VIOLIN]):
        assert line.endswith(f'"{text}"') and f"[{source}]" in line
        assert angle_err(float(re.search(r"az +([+-]\d+\.\d)", line).group(1)), az) < 1e-6
    assert "line 2s to az -90" in lines[1]
    assert f"feedback on 127.0.0.1:{listen}" in r.stderr
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", listen))  # the dry run never bound the feedback port


def test_wall_clock_start_chases_earlier_cues_and_a_signal_stops_an_endless_orbit(tmp_path):
    show = tmp_path / "orbit.yaml"
    show.write_text("- {time: 0.3, source: 1, text: \"a dog barks at 10 o'clock\"}\n"
                    "- {time: 0.8, source: 2, text: \"a bell rings at 3 o'clock\"}\n"
                    "- {time: 1.3, source: 3, text: a bee circles around my head}\n")
    with StampedSink() as sink, PlayProcess(str(show), "--start", "0:01.0",
                                            "--send", f"adm-osc@127.0.0.1:{sink.port}") as play:
        play.wait_line(r"source\(s\) 3 orbit without end")
        bee = sink_wait(sink, 3, 2.0)
        dog = arrival(sink, 1, 0.0, 60.0)  # both chased at once: the list starts 1 s in
        bell = arrival(sink, 2, 0.0, -90.0)
        assert abs(bell.received_s - dog.received_s) < TOLERANCE_S
        assert bee.received_s - dog.received_s == pytest.approx(0.3, abs=TOLERANCE_S)
        time.sleep(1.0)
        assert play.proc.poll() is None  # an orbit with no end keeps the show running
        code, took = play.stop(signal.SIGINT)
        play.wait_line(r"stopped: 1 fired \(3 cues in the list\)")
    assert code == 0 and took < 1.0
    orbit = [m.args[0] for m in aed(sink, 3)]
    assert len(orbit) > 40 and len({round(a) for a in orbit}) > 40  # it kept moving until stopped
    assert len(aed(sink, 1)) == 1 and len(aed(sink, 2)) == 1


def sink_wait(sink: StampedSink, source: int, timeout: float) -> Dumped:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = aed(sink, source)
        if found:
            return found[0]
        time.sleep(0.01)
    raise AssertionError(f"nothing for source {source} within {timeout}s")

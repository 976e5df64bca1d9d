"""ADM-OSC stress: 64 moving objects streamed at 100 Hz to a receiver in another process.

ADM-OSC's own stress profile is 64 objects every 10 ms. Here the daemon's motion player
(``oscbridge.motion.MotionPlayer``) and its ADM-OSC target stream 64 orbiting sources for
--seconds; a separate process counts every ``/adm/obj/N/aed`` it receives. Reported:

    lost            updates sent but never received, per object and in all (ADM-OSC has no
                    sequence field: sent and received are counted per object)
    jitter          how far each tick's send time strays from its ideal time (t0 + k / rate), p50/p99/max
    late ticks      ticks skipped because the player fell behind (latest value wins)
    cpu             the sender's CPU time / wall time (1.0 = one core)

    .venv/bin/python tests/bench/stress.py [--objects 64] [--rate 100] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from oscbridge.mapping import load_profile  # noqa: E402
from oscbridge.motion import MotionPlayer  # noqa: E402
from oscbridge.params import Motion, SpatialParams  # noqa: E402
from oscbridge.targets import Target  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import pct  # noqa: E402

RECEIVER = r"""
import json, socket, sys, time
from collections import Counter
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(0.5)
counts, end = Counter(), time.monotonic() + float(sys.argv[1]) + float(sys.argv[2])
while time.monotonic() < end:
    try:
        data = s.recv(65536)
    except TimeoutError:
        continue
    address = data[: data.index(b"\0")]  # only the address is needed: keep the receiver light
    if address.endswith(b"/aed"):
        counts[int(address.split(b"/")[3])] += 1
print(json.dumps(counts), flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=64)
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()

    rx = subprocess.Popen([sys.executable, "-c", RECEIVER, str(args.seconds), "3"],
                          stdout=subprocess.PIPE, text=True)
    port = int(rx.stdout.readline())
    target = Target(load_profile("adm-osc"), "127.0.0.1", port, report=print)
    sent = [0] * (args.objects + 1)
    tick_times: list[float] = []

    def send(source: int, params: SpatialParams) -> None:
        if source == 1:
            tick_times.append(time.perf_counter())
        target.send(source, params)
        sent[source] += 1

    player = MotionPlayer(send, rate_hz=args.rate, glide_s=0.0)
    player.start()
    t_start = time.perf_counter()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    for k in range(1, args.objects + 1):  # every object orbits, each at its own speed and phase
        player.play(k, SpatialParams(azimuth_deg=(k * 37) % 360 - 179), Motion("orbit", 4.0 + k % 7, direction="ccw"))
    time.sleep(args.seconds)
    player.panic()
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - t_start
    player.stop()
    received = json.loads(rx.stdout.readline())
    rx.wait(10)

    period = 1.0 / args.rate
    t0 = tick_times[0]
    jitter_ms = [abs((t - t0) - round((t - t0) / period) * period) * 1000 for t in tick_times]
    lost = {k: sent[k] - received.get(str(k), 0) for k in range(1, args.objects + 1)}
    cpu_s = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    result = {
        "objects": args.objects, "rate_hz": args.rate, "seconds": round(wall, 1),
        "updates_sent": sum(sent), "updates_received": sum(received.values()),
        "lost": sum(lost.values()), "objects_with_loss": sum(1 for v in lost.values() if v),
        "ticks": len(tick_times), "ticks_expected": int(args.seconds * args.rate),
        "late_ticks_skipped": player.stats.late_ticks,
        "jitter_p50_ms": round(pct(jitter_ms, 50), 3), "jitter_p99_ms": round(pct(jitter_ms, 99), 3),
        "jitter_max_ms": round(max(jitter_ms), 3),
        "sender_cpu_fraction_of_one_core": round(cpu_s / wall, 3),
        "target_dropped": target.stats.dropped, "target_refused": target.stats.refused,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

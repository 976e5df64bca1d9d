"""Cue-to-OSC latency and throughput, measured from a separate process.

The daemon runs as its own process (``python -m oscbridge serve``), sending ADM-OSC to a
socket owned by this process. For each of N distinct cues this process sends ``/cue`` and
waits for the target's ``/adm/obj/N/aed``: that round trip is the latency (UDP in, parse,
predict, map, UDP out). Then the same N cues are sent back to back and the time until the
last target message arrives gives the throughput.

    .venv/bin/python tests/bench/latency.py [--cues 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from oscbridge.daemon import encode_cue  # noqa: E402
from oscbridge.osc import decode_packet  # noqa: E402

SOUNDS = ["a dog", "a violin", "the rain", "a helicopter", "a cello", "footsteps", "a bell", "an owl", "a car", "a choir"]
PLACES = ["on the left", "on the right", "behind me", "in front", "at 2 o'clock", "at 10 o'clock", "30 degrees to the left",
          "behind me on the right", "above me", "far away on the left"]
DISTANCES = ["", ", 3 metres away", ", far away", ", very close", ", 10 feet away"]


def distinct_cues(n: int) -> list[str]:
    cues = [f"{s} {p}{d}" for s, p, d in itertools.product(SOUNDS, PLACES, DISTANCES)]
    out = []
    for i in itertools.count():
        for c in cues:
            out.append(c if i == 0 else f"{c} (take {i + 1})")
            if len(out) == n:
                return out


def rss_of(pid: int) -> float | None:
    """Resident memory of a process in MB (VmRSS), after the run."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def start_daemon(*args: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """``oscbridge serve ARGS`` on an OS-assigned UDP port, no stdin; returns the process and its port.
    Its stderr stays a pipe (read it for the final summary)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "oscbridge", "serve", "--no-stdin", "--listen", "127.0.0.1:0", *args],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    while True:
        line = proc.stderr.readline()
        if not line:
            raise SystemExit(f"daemon did not start (exit {proc.wait()})")
        m = re.search(r"listening on udp://[\d.]+:(\d+)", line)
        if m:
            return proc, int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cues", type=int, default=1000)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--predictor", choices=["model", "keyword"], default="model")
    ap.add_argument("--model", default=None, help="checkpoint (default: the shipped model)")
    args = ap.parse_args()

    target = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target.bind(("127.0.0.1", 0))
    target.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    target.settimeout(5)
    proc, port = start_daemon("--predictor", args.predictor, *(["--model", args.model] if args.model else []),
                              "--send", f"adm-osc@127.0.0.1:{target.getsockname()[1]}")
    try:
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        addr = ("127.0.0.1", port)
        cues = distinct_cues(args.cues)
        sources = [1 + i % 64 for i in range(len(cues))]

        def wait_aed(source: int) -> None:
            want = f"/adm/obj/{source}/aed"
            while True:
                if any(m.address == want for m in decode_packet(target.recv(65536))):
                    return

        for c, s in zip(cues[:50], sources[:50]):  # warm-up: first-call costs are not the steady state
            client.sendto(encode_cue(c, s), addr)
            wait_aed(s)

        latencies_ms = []
        for c, s in zip(cues, sources):
            t0 = time.perf_counter()
            client.sendto(encode_cue(c, s), addr)
            wait_aed(s)
            latencies_ms.append((time.perf_counter() - t0) * 1000)

        # throughput: all cues back to back, count target aed messages until the last arrives
        t0 = time.perf_counter()
        for i, (c, s) in enumerate(zip(cues, sources)):
            client.sendto(encode_cue(c, s), addr)
            if i % 100 == 99:
                time.sleep(0.001)  # let the kernel move datagrams; keeps the socket buffers from overflowing
        got = 0
        while got < len(cues):
            got += sum(m.address.endswith("/aed") for m in decode_packet(target.recv(65536)))
        throughput = len(cues) / (time.perf_counter() - t0)
        rss_mb = rss_of(proc.pid)
    finally:
        proc.terminate()
        proc.wait(5)

    result = {
        "cues": len(cues),
        "p50_ms": round(statistics.median(latencies_ms), 3),
        "p99_ms": round(pct(latencies_ms, 99), 3),
        "max_ms": round(max(latencies_ms), 3),
        "mean_ms": round(statistics.fmean(latencies_ms), 3),
        "throughput_cues_per_s": round(throughput, 1),
        "daemon_rss_mb": rss_mb,
        "predictor": "model + explicit parser" if args.predictor == "model" else "keyword rules + explicit parser",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Offline render speed: how many times faster than real time, on one core.

Renders --seconds of noise (48 kHz) through ``oscbridge.bounce.render`` (the same engine as the
monitor, 2048-frame blocks) in three cases, each --repeats times, and reports the best and median
real-time factor (seconds of audio per second of wall time):

    static            a point source, dry (wet 0): HRTF, distance law, air absorption, gain
    static+reverb     the same with the default reverb (wet 0.2, DRR 6 dB)
    moving+spread+rev a line from left to right over the whole file with a 60 degree spread and
                      reverb: the filter is redesigned every block and crossfaded

The process is pinned to one core (os.sched_setaffinity) and numpy's BLAS to one thread, so the
figure is per core. Targets: >= 200x static, >= 50x with motion, spread and reverb.

    .venv/bin/python tests/bench/render.py [--seconds 60] [--repeats 3] [--format binaural]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from oscbridge.bounce import TimedCue, render  # noqa: E402
from oscbridge.hrtf import Hrtf  # noqa: E402
from oscbridge.params import Motion, Position, SpatialParams  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--format", default="binaural", choices=["binaural", "stereo", "foa"])
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    fs = 48000
    x = (0.1 * np.random.default_rng(0).standard_normal(int(args.seconds * fs))).astype(np.float32)
    hrtf = Hrtf.load(fs=fs) if args.format == "binaural" else None
    static = SpatialParams(azimuth_deg=60.0, distance_m=3.0, wet=0.0)
    cases = {
        "static": ([TimedCue(0.0, 1, static)], False),
        "static+reverb": ([TimedCue(0.0, 1, static.with_(wet=0.2, drr_db=6.0))], True),
        "moving+spread+reverb": ([TimedCue(0.0, 1, SpatialParams(azimuth_deg=90.0, spread_deg=60.0, wet=0.3),
                                           Motion("line", args.seconds, Position(-90.0, 0.0, 2.0)))], True),
    }
    render({1: x[:fs]}, cases["moving+spread+reverb"][0], args.format, fs, hrtf)  # warm-up (FFT plans, caches)
    out = {"format": args.format, "seconds_of_audio": args.seconds, "cores": 1}
    for name, (cues, reverb) in cases.items():
        factors = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            y = render({1: x}, cues, args.format, fs, hrtf, length_s=args.seconds, reverb=reverb)
            factors.append(args.seconds / (time.perf_counter() - t))
            assert y.shape[0] == len(x) and np.isfinite(y).all()
        out[name] = {"best_x_realtime": round(max(factors), 1), "median_x_realtime": round(statistics.median(factors), 1)}
    print(json.dumps(out, indent=1))
    s, m = out["static"]["median_x_realtime"], out["moving+spread+reverb"]["median_x_realtime"]
    print(f"{'PASS' if s >= 200 else 'MISS'}: static {s:.0f}x real time (target >= 200x); "
          f"{'PASS' if m >= 50 else 'MISS'}: motion+spread+reverb {m:.0f}x (target >= 50x), one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())

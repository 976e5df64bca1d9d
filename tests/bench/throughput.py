"""Batch throughput of ``oscbridge predict`` with the shipped model, and the cost of one cue.

    .venv/bin/python tests/bench/throughput.py [--cues 1000] [--batch 64] [--model PATH]

Reports cues/s for the predictor alone (batches of --batch), single-cue latency (p50/p99),
and the wall time of the real command ``oscbridge predict --json`` over the same cues
(model loading included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from latency import distinct_cues, pct  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cues", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()

    from oscbridge.predictor import load_predictor

    t0 = time.perf_counter()
    pred = load_predictor("model", Path(args.model) if args.model else None)
    load_s = time.perf_counter() - t0
    cues = distinct_cues(args.cues)
    pred.predict(cues[:64])  # warm-up
    t0 = time.perf_counter()
    for i in range(0, len(cues), args.batch):
        pred.predict(cues[i : i + args.batch])
    batch_rate = len(cues) / (time.perf_counter() - t0)
    single = []
    for c in cues[:300]:
        t = time.perf_counter()
        pred.predict([c])
        single.append((time.perf_counter() - t) * 1000)

    cmd = [sys.executable, "-m", "oscbridge", "predict", "--json", "--batch", str(args.batch)]
    if args.model:
        cmd += ["--model", args.model]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, input="\n".join(cues) + "\n", capture_output=True, text=True, cwd=REPO)
    cli_s = time.perf_counter() - t0
    if r.returncode != 0 or len(r.stdout.splitlines()) != len(cues):
        raise SystemExit(f"predict failed ({r.returncode}): {r.stderr[-500:]}")
    result = {
        "cues": len(cues), "batch": args.batch, "model_load_s": round(load_s, 2),
        "predictor_cues_per_s": round(batch_rate, 1),
        "single_cue_p50_ms": round(pct(single, 50), 2), "single_cue_p99_ms": round(pct(single, 99), 2),
        "cli_wall_s_including_load": round(cli_s, 2), "cli_cues_per_s_including_load": round(len(cues) / cli_s, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

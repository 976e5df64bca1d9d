"""Judge of the word-level elevation head (the model card's rule): elevation errors of two checkpoints.

    .venv/bin/python tests/bench/elevation_judge.py [--test N] [--sets A,B] BEFORE.pt AFTER.pt

Model+parser, the served int8 model, one cue at a time. Prints the elevation MAE over raised and
level cues of the elevation development sets (``oscbridge/data/dev_elevation.jsonl`` and
``dev_elevation2.jsonl``, 150 cues each written by helpers: 75 at a height, 75 level whose words only
look like height: "creeps up", "turn it down", "upstage"; the data README says how each was used)
and of the synthetic test split that ``oscbridge evaluate`` reads (seed 2), and counts the
predictions whose other fields (azimuth, distance, motion, confidence...) differ between the two
checkpoints.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from oscbridge import corpus
from oscbridge.neural import NeuralPredictor

DATA = Path(__file__).resolve().parents[2] / "oscbridge" / "data"


def sets(names: list[str], n_test: int) -> dict[str, tuple[list[str], np.ndarray]]:
    out = {}
    for name in names:
        rows = [json.loads(x) for x in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        out[name] = ([r["text"] for r in rows], np.array([r["labels"]["elevation_deg"] for r in rows], float))
    if n_test:
        test = corpus.generate(n_test, seed=2, split="test")
        out["synthetic test"] = ([r["text"] for r in test], np.array([r["labels"]["elevation_deg"] for r in test], float))
    return out


def answers(path: str, texts: list[str]) -> list[dict]:
    p = NeuralPredictor(Path(path))
    out = []
    for t in texts:
        d = p.predict([t])[0].to_json_dict()
        out.append(d)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--test", type=int, default=3000, help="synthetic test cues (0: none)")
    ap.add_argument("--sets", default="dev_elevation,dev_elevation2", help="development sets in oscbridge/data")
    ap.add_argument("checkpoints", nargs=2)
    args = ap.parse_args()
    for name, (texts, y) in sets(args.sets.split(","), args.test).items():
        runs = [answers(c, texts) for c in args.checkpoints]
        level = np.abs(y) < 1e-6
        print(f"{name}: {len(y)} cues, {int((~level).sum())} raised, {int(level.sum())} level")
        for c, r in zip(args.checkpoints, runs):
            el = np.array([d["elevation_deg"] for d in r], float)
            e = np.abs(el - y)
            print(f"  {c}: elevation MAE {e.mean():.2f}  raised {e[~level].mean():.2f}  level {e[level].mean():.2f}"
                  f"  (level cues given >= 10 deg: {int((np.abs(el[level]) >= 10).sum())})")
        changed = 0
        for a, b in zip(*runs):
            a, b = dict(a), dict(b)
            for d in (a, b):
                d.pop("elevation_deg", None)
                if d.get("motion") and d["motion"].get("end"):
                    d["motion"]["end"].pop("elevation_deg", None)
            changed += a != b
        print(f"  predictions with another field changed: {changed}")


if __name__ == "__main__":
    main()

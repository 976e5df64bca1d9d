"""Judge of the end-elevation head (the model card's rule): where line movements end, two checkpoints.

    .venv/bin/python tests/bench/end_elevation_judge.py [--test N] [--set NAME] BEFORE.pt AFTER.pt

Model+parser, the served int8 model, one cue at a time. On ``oscbridge/data/dev_motion_elevation.jsonl`` (80
moving cues written by a helper: 50 whose height changes, 30 level) and on the line cues of the synthetic test
split (seed 2; vertical = start and end 20 or more degrees apart) prints the MAE of the end elevation and of the
start elevation, and counts predictions whose other fields changed between the two checkpoints.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from oscbridge import corpus
from oscbridge.neural import NeuralPredictor

DATA = Path(__file__).resolve().parents[2] / "oscbridge" / "data"


def groups(name: str, n_test: int) -> dict[str, list[tuple[str, float, float]]]:
    """{group: [(text, start elevation, end elevation)]}"""
    out: dict[str, list] = {}
    if name:
        for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            lab = r["labels"]
            g = f"{name} / {'vertical' if 'vertical' in r['categories'] else 'level'}"
            out.setdefault(g, []).append((r["text"], lab["elevation_deg"], lab["motion"]["end_elevation_deg"]))
    for r in corpus.generate(n_test, seed=2, split="test") if n_test else []:
        m = r["labels"]["motion"]
        if not m or m["kind"] != "line":
            continue
        s, e = r["labels"]["elevation_deg"], m["end"]["elevation_deg"]
        out.setdefault(f"synthetic test lines / {'vertical' if abs(e - s) >= 20 else 'other'}", []).append((r["text"], s, e))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--test", type=int, default=3000)
    ap.add_argument("--set", default="dev_motion_elevation")
    ap.add_argument("checkpoints", nargs=2)
    args = ap.parse_args()
    sets = groups(args.set, args.test)
    answers = {c: NeuralPredictor(Path(c)) for c in args.checkpoints}
    for g, cues in sets.items():
        print(f"{g}: {len(cues)} cues")
        runs = []
        for c, p in answers.items():
            preds = [p.predict([t])[0] for t, _, _ in cues]
            runs.append(preds)
            end = np.array([q.motion.end.elevation_deg if q.motion is not None and q.motion.end is not None
                            else q.params.elevation_deg for q in preds])
            start = np.array([q.params.elevation_deg for q in preds])
            ys, ye = np.array([s for _, s, _ in cues]), np.array([e for _, _, e in cues])
            print(f"  {Path(c).name}: end elevation MAE {np.abs(end - ye).mean():.2f}  start {np.abs(start - ys).mean():.2f}")
        changed = 0
        for a, b in zip(*runs):
            da, db = a.to_json_dict(), b.to_json_dict()
            for d in (da, db):
                if d.get("motion") and d["motion"].get("end"):
                    d["motion"]["end"].pop("elevation_deg", None)
            changed += da != db
        print(f"  predictions with another field changed: {changed}")


if __name__ == "__main__":
    main()

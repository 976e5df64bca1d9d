"""Judge of the word-level azimuth reader (the model card's rule): two checkpoints side by side.

    .venv/bin/python tests/bench/word_judge.py [--sets dev_long11,dev_long12] [--test N] BEFORE.pt AFTER.pt

Model+parser, the served int8 model, one cue at a time: azimuth AE on the named development sets, and on the
synthetic test split that ``oscbridge evaluate`` reads (seed 2) the AE over cues with a direction and the share
of cues without one that get confidence < 0.5.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from oscbridge import corpus
from oscbridge import evaluate as ev
from oscbridge.neural import NeuralPredictor


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="dev_long11,dev_long12")
    ap.add_argument("--test", type=int, default=3000, help="synthetic test cues (0: none)")
    ap.add_argument("checkpoints", nargs=2)
    args = ap.parse_args()
    sets = {n: ev.load_handwritten(ev.HANDWRITTEN.parent / f"{n}.jsonl") for n in args.sets.split(",") if n}
    if args.test:
        sets["synthetic test"] = ev.items_from_corpus(corpus.generate(args.test, seed=2, split="test"))
    for path in args.checkpoints:
        p = NeuralPredictor(Path(path))
        cells = []
        for name, items in sets.items():
            m = ev.metrics(items, ev.run_predictor(p, [i.text for i in items], 1))
            cell = f"{name} {m['ae_deg']:.2f}°"
            if m["n_unreadable"]:
                cell += f" (no direction: {m['low_conf_rate']:.3f} below 0.5)"
            cells.append(cell)
        print(f"{Path(path).name}: " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()

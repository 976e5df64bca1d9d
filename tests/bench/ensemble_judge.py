"""Judge of an ensemble against a single model (the model card's rule): every metric on chosen sets.

    .venv/bin/python tests/bench/ensemble_judge.py [--test N] [--sets A,B] [--batch B] BEFORE.pt AFTER.pt

Model+parser, the served int8 model, ``--batch`` cues per forward pass (1, the default, is how the daemon
answers). For each development set named (``oscbridge/data/NAME.jsonl``) and the synthetic test split
that ``oscbridge evaluate`` reads (seed 2, ``--test`` cues), prints each checkpoint's metrics
(``oscbridge.evaluate.metrics``: azimuth AE, front/back, distance class, motion kind, end AE, the share
of cues with no direction given confidence < 0.5...) and the mean AE over the development sets.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from oscbridge import corpus
from oscbridge import evaluate as ev
from oscbridge.neural import NeuralPredictor

DATA = Path(__file__).resolve().parents[2] / "oscbridge" / "data"
KEYS = ("n", "ae_deg", "ae_median_deg", "front_back_rate", "elevation_mae_deg", "dlog", "distance_class_acc",
        "motion_kind_acc", "end_ae_deg", "spread_mae_deg", "wet_mae", "gain_mae_db", "drr_mae_db", "n_unreadable",
        "low_conf_rate")


def judge_args(default_sets: str) -> argparse.ArgumentParser:
    """The options every judge takes: ``--test``, ``--sets``, ``--batch``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--test", type=int, default=3000, help="synthetic test cues (0: none)")
    ap.add_argument("--sets", default=default_sets, help="development sets in oscbridge/data")
    ap.add_argument("--batch", type=int, default=1)
    return ap


def load_sets(args: argparse.Namespace) -> tuple[dict, list[str]]:
    """The development sets ``args.sets`` names and the synthetic test split (``args.test`` cues), and those names."""
    names = [s for s in args.sets.split(",") if s]
    sets = {name: ev.load_handwritten(DATA / f"{name}.jsonl") for name in names}
    if args.test:
        sets["synthetic test"] = ev.items_from_corpus(corpus.generate(args.test, seed=2, split="test"))
    return sets, names


def main() -> None:
    ap = judge_args("dev_long13,dev_long14")
    ap.add_argument("checkpoints", nargs=2)
    args = ap.parse_args()
    sets, names = load_sets(args)
    for path in args.checkpoints:
        report(NeuralPredictor(Path(path)), path, sets, names, args.batch)


def report(p: NeuralPredictor, label: str, sets: dict, names: list[str], batch: int) -> None:
    """Print ``p``'s metrics on each set (model+parser) and its mean AE over the development sets ``names``."""
    print(f"{label} ({p.members} member{'s' if p.members > 1 else ''}), model+parser, batch {batch}")
    dev = []
    for name, items in sets.items():
        m = ev.metrics(items, ev.run_predictor(p, [it.text for it in items], batch))
        if name in names:
            dev.append(m["ae_deg"])
        print(f"  {name}: " + ", ".join(f"{k} {m[k]}" for k in KEYS if m.get(k) is not None))
    if dev:
        print(f"  mean AE over {', '.join(names)}: {sum(dev) / len(dev):.3f}")


if __name__ == "__main__":
    main()

"""Judge of the second reading of cues with numbers (``oscbridge.reread``; the model card's rule): one
checkpoint answering without and with it, every metric on chosen sets.

    .venv/bin/python tests/bench/reread_judge.py [--test N] [--sets A,B] [--batch B] [CHECKPOINT]

Model+parser, the served int8 model, ``--batch`` cues per forward pass (1, the default, is how the daemon
answers); the sets and metrics of ``ensemble_judge.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ensemble_judge import judge_args, load_sets, report  # noqa: E402

from oscbridge.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402
from oscbridge.neural import NeuralPredictor  # noqa: E402


def main() -> None:
    ap = judge_args("dev_numeric3,dev_numeric4")
    ap.add_argument("checkpoint", nargs="?", default=str(DEFAULT_CHECKPOINT))
    args = ap.parse_args()
    sets, names = load_sets(args)
    p = NeuralPredictor(Path(args.checkpoint))
    for reread in (False, True):
        p.reread = reread
        report(p, f"{args.checkpoint}, second reading {'on' if reread else 'off'}", sets, names, args.batch)


if __name__ == "__main__":
    main()

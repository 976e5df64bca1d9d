"""Judge of one of the served model's switches, as the model card's rules ask: one checkpoint answering with
the switch off and then on, every metric on chosen sets.

    .venv/bin/python tests/bench/switch_judge.py [--switch S] [--off S ...] [--test N] [--sets A,B] [--batch B]
        [CHECKPOINT]

``reread`` is the second reading of cues with numbers (``oscbridge.reread``), ``mend`` the mending of misspelt
direction words (``oscbridge.spelling``), ``idioms`` the idioms made plain for the model (``oscbridge.idioms``). The
other switches stay on, as served, unless ``--off`` names them: each switch was judged with the ones before it, so
``--switch reread --off mend --off idioms`` and ``--switch mend --off idioms`` repeat the earlier judgements.
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

SWITCHES = ("reread", "mend", "idioms")


def main() -> None:
    ap = judge_args("dev_numeric3,dev_numeric4")
    ap.add_argument("--switch", choices=SWITCHES, default="reread")
    ap.add_argument("--off", choices=SWITCHES, action="append", default=[], help="keep this switch off")
    ap.add_argument("checkpoint", nargs="?", default=str(DEFAULT_CHECKPOINT))
    args = ap.parse_args()
    sets, names = load_sets(args)
    p = NeuralPredictor(Path(args.checkpoint))
    for name in args.off:
        setattr(p, name, False)
    for on in (False, True):
        setattr(p, args.switch, on)
        report(p, f"{args.checkpoint}, {args.switch} {'on' if on else 'off'}", sets, names, args.batch)


if __name__ == "__main__":
    main()

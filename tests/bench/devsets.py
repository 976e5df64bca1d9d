"""Development sets: what model and recipe choices are made on (never the hand-written set).

    .venv/bin/python tests/bench/devsets.py [--valid N] [CHECKPOINT ...]

For each checkpoint (default: the shipped one) prints the azimuth AE of the keyword rule, the model
and the model with the parser on each development set, one cue at a time (as the daemon serves)
and in batches of 64 (as ``predict`` does), plus the front/back confusion rate. ``--valid N`` adds
the first N rows of the synthetic validation split that ``oscbridge train`` validates on (seed 1).

``oscbridge/data/dev_long.jsonl`` holds 80 long cues (36-50 words, one stated direction among scene
notes) written for development after the hand-written set's long subset was missed; they were
written without reading the hand-written set. ``oscbridge/data/dev_paraphrase.jsonl`` holds 120 cues
that word a direction as a paraphrase (body-relative, nautical, aviation, stage, driving, sports),
15 per sector, no numbers, written the same way after the paraphrase subset was missed. Its errors
chose the direction phrases of candidate corpora and the parser's body and stage wording, so it is
not blind either. ``dev_long2.jsonl`` and ``dev_paraphrase2.jsonl`` (96 cues each) were written the
same way later, and judged that wording blind (only their aggregate figures were read).
``dev_long3.jsonl`` (96 rich long cues: a worded direction with distance, height, room and loudness,
some movements) judged two corpus candidates; its texts were not read. ``dev_long4.jsonl`` and
``dev_long5.jsonl`` (96 long notes each that also name other places: another sound, an earlier version, a
correction, a camera or character turning, the set's layout) were written from one prompt by two helpers:
the errors of the fourth chose parser rules and a corpus family; the fifth judged them blind.
``dev_long6.jsonl`` (96 more from the same prompt, a third helper) judged four more corpus candidates.
``dev_long7.jsonl`` (the same prompt) and ``dev_long8.jsonl`` (notes with words that only look like places)
judged the keyword fallback of the model card. ``dev_long9.jsonl`` (notes as people type them) and
``dev_long10.jsonl`` (notes with other places and words that only look like places) judge its sentence-reading
candidate.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from oscbridge import corpus
from oscbridge import evaluate as ev
from oscbridge.checkpoint import DEFAULT_CHECKPOINT
from oscbridge.keywords import KeywordPredictor
from oscbridge.neural import NeuralPredictor

#: every development set beside the hand-written one, "dev_long2.jsonl" shown as "dev long 2"
DEV_SETS = {re.sub(r"(?<=\D)(\d+)$", r" \1", p.stem.replace("_", " ")): p
            for p in sorted(ev.HANDWRITTEN.parent.glob("dev_*.jsonl"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoints", nargs="*", help="default: the shipped model")
    ap.add_argument("--valid", type=int, default=0, metavar="N", help="also the synthetic valid split's first N rows")
    args = ap.parse_args()
    sets = {name: ev.load_handwritten(p) for name, p in DEV_SETS.items()}
    if args.valid:
        sets["synthetic valid"] = ev.items_from_corpus(corpus.generate(args.valid, seed=1, split="valid"))
    kw = KeywordPredictor()
    for path in args.checkpoints or [str(DEFAULT_CHECKPOINT)]:
        with_parser = NeuralPredictor(Path(path), use_parser=True)
        preds = {"keyword": kw, "model": with_parser.without_parser(), "model+parser": with_parser}
        for batch in (1, 64):
            res = ev.evaluate_all(preds, sets, batch)
            for name in sets:
                cells = [f"{p} {res[name]['all'][p]['ae_deg']:.2f}° fb {res[name]['all'][p]['front_back_rate']:.3f}"
                         for p in preds]
                print(f"{Path(path).name} | batch {batch} | {name} (n={len(sets[name])}) | " + " | ".join(cells),
                      flush=True)


if __name__ == "__main__":
    main()

"""The keyword-fallback candidate of the model card, judged on development sets: AE of the shipped model+parser
without and with the fallback at 0.7, one cue at a time. Usage: python tests/bench/fallback_experiment.py dev_long7,dev_long8
(needs the candidate commit, where NeuralPredictor has fallback_confidence)."""
import sys
from pathlib import Path
from oscbridge import evaluate as ev
from oscbridge.checkpoint import DEFAULT_CHECKPOINT
from oscbridge.neural import NeuralPredictor
mp = NeuralPredictor(Path(DEFAULT_CHECKPOINT), use_parser=True)
def ae(a, b): return abs((a - b + 180) % 360 - 180)
for name in sys.argv[1].split(","):
    items = [it for it in ev.load_handwritten(ev.HANDWRITTEN.parent / f"{name}.jsonl") if it.azimuth_deg is not None]
    res = []
    for fb in (0.0, 0.7):
        mp.fallback_confidence = fb
        errs = [ae(mp.predict([it.text])[0].params.azimuth_deg, it.azimuth_deg) for it in items]
        res.append(sum(errs) / len(errs))
    print(f"{name}: n={len(items)} without {res[0]:.2f}  with 0.7 {res[1]:.2f}  change {res[1]-res[0]:+.2f}")

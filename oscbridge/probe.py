"""The linear-probe baseline (seed paper Table 2, "linear probe on SBERT"): ridge regression
from the frozen encoder's mean-pooled sentence embedding to every parameter.

Fitted at evaluation time on a slice of the synthetic training split (a few seconds on CPU);
never saved, never used by the daemon.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from oscbridge.params import Motion, Position, Prediction, SpatialParams

KINDS = ("static", "line", "orbit", "approach", "recede")


def embed(tokenizer, bert, texts: Sequence[str], batch: int = 128) -> np.ndarray:
    """(N, H) L2-normalised mean-pooled embeddings of the frozen encoder."""
    import torch

    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            enc = tokenizer(list(texts[i : i + batch]), padding=True, truncation=True, max_length=64, return_tensors="pt")
            h = bert(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).float()
            e = (h * m).sum(1) / m.sum(1)
            out.append(torch.nn.functional.normalize(e, dim=-1).numpy())
    return np.concatenate(out) if out else np.zeros((0, bert.config.hidden_size), dtype=np.float32)


class LinearProbePredictor:
    name = "linear probe"

    def __init__(self, tokenizer, bert, rows: list[dict], ridge: float = 1.0):
        self.tokenizer, self.bert = tokenizer, bert
        x = embed(tokenizer, bert, [r["text"] for r in rows])
        y = np.array([self._targets(r["labels"]) for r in rows], dtype=np.float64)
        x1 = np.hstack([x, np.ones((len(x), 1))])
        a = x1.T @ x1 + ridge * np.eye(x1.shape[1])
        self.w = np.linalg.solve(a, x1.T @ y)  # (H + 1, outputs)

    @staticmethod
    def _targets(lab: dict) -> list[float]:
        az = math.radians(lab["azimuth_deg"])
        m = lab.get("motion") or {}
        kind = m.get("kind", "static")
        end = m.get("end") or {}
        end_az = math.radians(end.get("azimuth_deg", lab["azimuth_deg"]))
        onehot = [1.0 if kind == k else 0.0 for k in KINDS]
        return [math.sin(az), math.cos(az), lab["elevation_deg"], math.log(lab["distance_m"]), lab["spread_deg"],
                lab["wet"], lab["drr_db"], lab["gain_db"], math.sin(end_az), math.cos(end_az),
                math.log(m.get("duration_s", 4.0)), *onehot]

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        x = embed(self.tokenizer, self.bert, texts)
        y = np.hstack([x, np.ones((len(x), 1))]) @ self.w
        out = []
        for text, v in zip(texts, y):
            params = SpatialParams.clamped(
                azimuth_deg=math.degrees(math.atan2(v[0], v[1])), elevation_deg=v[2], distance_m=math.exp(v[3]),
                spread_deg=v[4], wet=v[5], drr_db=v[6], gain_db=v[7])
            kind = KINDS[int(np.argmax(v[11:16]))]
            dur = float(min(max(math.exp(v[10]), 0.05), 3600.0))
            motion = None
            if kind == "line":
                motion = Motion("line", dur, Position.clamped(math.degrees(math.atan2(v[8], v[9])), params.elevation_deg,
                                                              params.distance_m))
            elif kind == "orbit":
                motion = Motion("orbit", dur, direction="ccw")
            elif kind in ("approach", "recede"):
                d = params.distance_m * (0.3 if kind == "approach" else 3.0)
                motion = Motion(kind, dur, Position.clamped(params.azimuth_deg, params.elevation_deg, d))
            conf = float(min(1.0, math.hypot(v[0], v[1])))
            out.append(Prediction(text, params, motion=motion, confidence=conf))
        return out

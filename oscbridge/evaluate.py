"""``oscbridge evaluate``: the seed paper's metrics and ours, per set, for four predictors.

Sets: the synthetic test split (unseen templates and vocabulary) and the hand-written set
(``oscbridge/data/handwritten.jsonl``, never trained on) with its subsets. Predictors side by
side: keyword rule, linear probe on frozen embeddings, the model, the model with the parser.

Metrics (each over the items that carry the label; None where no item does):
    ae_deg              azimuth angular error, mean, degrees (items with a readable direction)
    dlog                mean |ln d_pred - ln d_true|
    spread_mae_deg, wet_mae, gain_mae_db, drr_mae_db   (synthetic labels only)
    elevation_mae_deg
    front_back_rate     share of clearly-front (|az| < 75) or clearly-back (|az| > 105) items
                        predicted in the other hemisphere
    distance_class_acc  near (< 1.5 m) / mid / far (> 6 m)
    motion_kind_acc     static / line / orbit / approach / recede
    end_ae_deg          end azimuth of line motions (a predicted static source counts with its start)
    low_conf_rate       unreadable texts only: share with confidence < 0.5
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from oscbridge.params import Prediction, angular_error_deg as _ae

HANDWRITTEN = Path(__file__).resolve().parent / "data" / "handwritten.jsonl"
SUBSETS = ("numeric", "long", "metaphorical", "paraphrase", "plain", "elevation", "distance", "motion")
PAPER = {"keyword": 71.0, "linear probe": 61.8, "model": 33.2, "numeric": 19.9, "long": ">90", "metaphorical": ">95",
         "paraphrase": ">90"}


@dataclass(frozen=True)
class Item:
    text: str
    categories: tuple[str, ...]
    azimuth_deg: float | None
    elevation_deg: float | None = None
    distance_m: float | None = None
    spread_deg: float | None = None
    wet: float | None = None
    drr_db: float | None = None
    gain_db: float | None = None
    motion_kind: str | None = None  # None = not labelled
    end_azimuth_deg: float | None = None


def items_from_corpus(rows: list[dict]) -> list[Item]:
    out = []
    for r in rows:
        lab = r["labels"]
        m = lab.get("motion")
        known = lab.get("direction_known", True)
        end = (m or {}).get("end") or {}
        out.append(Item(
            r["text"], (r.get("category", "synthetic"),), lab["azimuth_deg"] if known else None, lab["elevation_deg"],
            lab["distance_m"], lab["spread_deg"], lab["wet"], lab["drr_db"], lab["gain_db"],
            m["kind"] if m else "static", end.get("azimuth_deg") if m and m["kind"] == "line" else None))
    return out


def load_handwritten(path: Path = HANDWRITTEN) -> list[Item]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        lab = r["labels"]
        m = lab.get("motion")
        unreadable = lab.get("azimuth_deg") is None
        out.append(Item(
            r["text"], tuple(r["categories"]), lab.get("azimuth_deg"), lab.get("elevation_deg"), lab.get("distance_m"),
            motion_kind=None if unreadable else (m["kind"] if m else "static"),
            end_azimuth_deg=(m or {}).get("end_azimuth_deg") if m and m.get("kind") == "line" else None))
    return out


def _dist_class(d: float) -> int:
    return 0 if d < 1.5 else (2 if d > 6.0 else 1)


def _mean(xs: list[float]) -> float | None:
    return round(float(np.mean(xs)), 4) if xs else None


def metrics(items: Sequence[Item], preds: Sequence[Prediction]) -> dict:
    ae, dlog, sp, wet, gain, drr, el, fb, dcls, mk, end, conf_unread = ([] for _ in range(12))
    for it, p in zip(items, preds):
        s = p.params
        if it.azimuth_deg is None:
            conf_unread.append(1.0 if p.confidence < 0.5 else 0.0)
            continue
        ae.append(_ae(s.azimuth_deg, it.azimuth_deg))
        t = abs(it.azimuth_deg)
        if t < 75 or t > 105:
            fb.append(1.0 if (t < 90) != (abs(s.azimuth_deg) < 90) else 0.0)
        if it.distance_m is not None:
            dlog.append(abs(math.log(s.distance_m) - math.log(it.distance_m)))
            dcls.append(1.0 if _dist_class(s.distance_m) == _dist_class(it.distance_m) else 0.0)
        if it.elevation_deg is not None:
            el.append(abs(s.elevation_deg - it.elevation_deg))
        for lst, truth, got in ((sp, it.spread_deg, s.spread_deg), (wet, it.wet, s.wet), (gain, it.gain_db, s.gain_db),
                                (drr, it.drr_db, s.drr_db)):
            if truth is not None:
                lst.append(abs(got - truth))
        if it.motion_kind is not None:
            mk.append(1.0 if (p.motion.kind if p.motion else "static") == it.motion_kind else 0.0)
        if it.end_azimuth_deg is not None:
            got_end = p.motion.end.azimuth_deg if p.motion is not None and p.motion.end is not None else s.azimuth_deg
            end.append(_ae(got_end, it.end_azimuth_deg))
    return {
        "n": len(ae), "ae_deg": _mean(ae), "ae_median_deg": round(float(np.median(ae)), 3) if ae else None,
        "dlog": _mean(dlog), "spread_mae_deg": _mean(sp), "wet_mae": _mean(wet), "gain_mae_db": _mean(gain),
        "drr_mae_db": _mean(drr), "elevation_mae_deg": _mean(el), "front_back_rate": _mean(fb),
        "distance_class_acc": _mean(dcls), "motion_kind_acc": _mean(mk), "end_ae_deg": _mean(end),
        "n_unreadable": len(conf_unread), "low_conf_rate": _mean(conf_unread),
    }


def run_predictor(predictor, texts: list[str], batch: int = 64) -> list[Prediction]:
    out: list[Prediction] = []
    for i in range(0, len(texts), batch):
        out.extend(predictor.predict(texts[i : i + batch]))
    return out


def evaluate_all(predictors: dict, sets: dict[str, list[Item]], batch: int = 1) -> dict:
    """{set: {subset: {predictor: metrics}}} plus the raw predictions of the last predictor for plots.

    ``batch`` cues per forward pass. The default, 1, is how the daemon answers a cue. The served
    int8 model scales activations per token, so batches give the same answers up to float rounding
    (0.8 % of validation cues move by more than 1 deg in batches of 64)."""
    results: dict = {}
    for set_name, items in sets.items():
        texts = [it.text for it in items]
        per_pred = {name: run_predictor(p, texts, batch) for name, p in predictors.items()}
        subsets = {"all": list(range(len(items)))}
        if set_name == "handwritten":
            for sub in SUBSETS:
                subsets[sub] = [i for i, it in enumerate(items) if sub in it.categories]
        results[set_name] = {
            sub: {name: metrics([items[i] for i in idx], [preds[i] for i in idx]) for name, preds in per_pred.items()}
            for sub, idx in subsets.items()
        }
        results[set_name]["_predictions"] = per_pred
    return results


def table(results: dict, predictors: Sequence[str]) -> str:
    """The README table: azimuth AE per set/subset and predictor, with the paper's figures."""
    head = "| set | n | " + " | ".join(predictors) + " | paper (Paik & Lee) |"
    lines = [head, "|" + "---|" * (len(predictors) + 3)]
    for set_name, subs in results.items():
        for sub, by_pred in subs.items():
            if sub.startswith("_"):
                continue
            n = next(iter(by_pred.values()))["n"]
            label = set_name if sub == "all" else f"{set_name} / {sub}"
            cells = []
            for p in predictors:
                v = by_pred[p]["ae_deg"]
                cells.append("-" if v is None else f"{v:.1f}°")
            paper = PAPER.get(sub, "") if set_name == "handwritten" else ""
            if set_name == "synthetic test" and sub == "all":
                paper = "33.2° in domain"
            lines.append(f"| {label} | {n} | " + " | ".join(cells) + f" | {paper}{'°' if isinstance(paper, float) else ''} |")
    return "\n".join(lines)


def detail_table(results: dict, predictor: str) -> str:
    keys = ["ae_deg", "front_back_rate", "elevation_mae_deg", "dlog", "distance_class_acc", "motion_kind_acc",
            "end_ae_deg", "spread_mae_deg", "wet_mae", "gain_mae_db", "drr_mae_db", "low_conf_rate"]
    lines = ["| set | " + " | ".join(keys) + " |", "|" + "---|" * (len(keys) + 1)]
    for set_name, subs in results.items():
        m = subs["all"][predictor]
        lines.append(f"| {set_name} | " + " | ".join("-" if m[k] is None else f"{m[k]:.3g}" for k in keys) + " |")
    return "\n".join(lines)


def plot(results: dict, items: list[Item], predictor: str, path: Path) -> None:
    """Polar plot of azimuth errors and a sector confusion matrix, for one predictor on one set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    preds = results["handwritten"]["_predictions"][predictor]
    pairs = [(it.azimuth_deg, p.params.azimuth_deg) for it, p in zip(items, preds) if it.azimuth_deg is not None]
    truth = np.array([a for a, _ in pairs])
    err = np.array([_ae(b, a) for a, b in pairs])
    fig = plt.figure(figsize=(12, 5.5))
    ax = fig.add_subplot(1, 2, 1, projection="polar")
    ax.set_theta_zero_location("N")  # front up; +90 (left) drawn to the left
    ax.scatter(np.deg2rad(truth), err, c=err, cmap="viridis", s=14)
    ax.set_title(f"azimuth error (deg) by true direction\n{predictor}, hand-written set", fontsize=10)
    sectors = ["F", "FL", "L", "BL", "B", "BR", "R", "FR"]

    def sector(a):
        return int(((a + 22.5) % 360) // 45)

    cm = np.zeros((8, 8), dtype=int)
    for a, b in pairs:
        cm[sector(a), sector(b)] += 1
    ax2 = fig.add_subplot(1, 2, 2)
    ax2.imshow(cm, cmap="Blues")
    ax2.set_xticks(range(8), sectors)
    ax2.set_yticks(range(8), sectors)
    ax2.set_xlabel("predicted sector")
    ax2.set_ylabel("true sector")
    for i in range(8):
        for j in range(8):
            if cm[i, j]:
                ax2.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8, color="black" if cm[i, j] < cm.max() / 2 else "white")
    ax2.set_title("direction sectors (45 deg)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

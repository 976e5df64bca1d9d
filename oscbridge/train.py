"""``oscbridge train``: fit the parameter model on the synthetic corpus.

Recipe (seed paper, improved): the lower encoder layers stay frozen and their outputs are
computed once and cached (the step that makes a full CPU training fit in minutes); the last
``trainable_layers`` layers and the heads train with AdamW and a cosine schedule. Losses:

    azimuth   angular-margin (ArcFace) classification over bins, soft targets over the
              neighbouring bins; (sin, cos) regression; alignment of the two; for cues with
              no direction (gibberish, other languages) the target is uniform, which teaches
              low confidence
    static    L1 on elevation/90, log distance, spread/360, wet, drr/30, gain/20 (the elevation
              row collapsed to about 0 deg; it is served only by checkpoints without the next head)
    elevation a word-level head on the frozen layers' token states, trained first and on its own:
              cross-entropy over below / level / above, L1 on the magnitude; the target is the
              elevation the words state, 0 where the height is only the sound's default
    motion    cross-entropy over static/line/orbit/approach/recede; end (sin, cos) for lines;
              L1 on log end distance and log duration; orbit direction (BCE)

Regularisation: the encoder's own dropout in the fine-tuned layers from epoch
``encoder_dropout_from``, and token dropout (``token_dropout``: each step hides a share of the
word tokens from the fine-tuned layers and the pooling, so no single word decides a cue).

Seeded and reproducible on a given machine; AMP (bf16) on a GPU when present, else CPU.
"""

from __future__ import annotations

import os

# MKL's conditional numerical reproducibility: without it, MKL may take different code paths
# for differently aligned buffers and two seeded runs drift apart. Read when torch first calls
# MKL, so it must be set before torch is imported in this process.
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

import copy  # noqa: E402
import math  # noqa: E402
import random
import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

from oscbridge import heightcues  # noqa: E402
from oscbridge.errors import ConfigError  # noqa: E402
from oscbridge.params import angular_error_deg  # noqa: E402

MOTION_INDEX = {"static": 0, "line": 1, "orbit": 2, "approach": 3, "recede": 4}


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 6
    batch_size: int = 64
    lr_head: float = 1e-3
    lr_encoder: float = 6e-5
    weight_decay: float = 0.01
    warmup_frac: float = 0.05
    seed: int = 0
    trainable_layers: int = 2
    az_bins: int = 36
    label_sigma_bins: float = 0.6
    threads: int = 2
    token_dropout: float = 0.1
    encoder_dropout_from: int = 1
    elevation_head: int = 64  # width of the word-level elevation head (0: none)
    elevation_epochs: int = 5
    height_share: float = 1 / 3  # extra cues for the elevation head only (oscbridge.heightcues), per training cue
    members: int = 1  # an ensemble: member k (k >= 1) trains again on the same cached cues with seed + k


def targets_from_rows(rows: list[dict]) -> dict[str, np.ndarray]:
    """Corpus rows -> (N,) arrays of training targets in the model's units."""
    n = len(rows)
    t = {k: np.zeros(n, dtype=np.float32) for k in (
        "az", "el", "logd", "spread", "wet", "drr", "gain", "end_az", "end_logd", "log_dur")}
    t["known"] = np.zeros(n, dtype=bool)
    t["motion"] = np.zeros(n, dtype=np.int64)
    t["has_end_az"] = np.zeros(n, dtype=bool)
    t["has_end_d"] = np.zeros(n, dtype=bool)
    t["orbit_cw"] = np.full(n, -1.0, dtype=np.float32)
    for i, r in enumerate(rows):
        lab = r["labels"]
        t["az"][i] = lab["azimuth_deg"]
        t["known"][i] = bool(lab.get("direction_known", True))
        t["el"][i] = lab["elevation_deg"] / 90.0
        t["logd"][i] = math.log(lab["distance_m"])
        t["spread"][i] = lab["spread_deg"] / 360.0
        t["wet"][i] = lab["wet"]
        t["drr"][i] = lab["drr_db"] / 30.0
        t["gain"][i] = lab["gain_db"] / 20.0
        m = lab.get("motion")
        if m:
            t["motion"][i] = MOTION_INDEX[m["kind"]]
            t["log_dur"][i] = math.log(m["duration_s"])
            end = m.get("end")
            if m["kind"] == "line" and end:
                t["end_az"][i] = end["azimuth_deg"]
                t["has_end_az"][i] = True
            if m["kind"] in ("line", "approach", "recede") and end:
                t["end_logd"][i] = math.log(end["distance_m"])
                t["has_end_d"][i] = True
            if m["kind"] == "orbit":
                t["orbit_cw"][i] = 1.0 if m.get("direction") == "cw" else 0.0
    return t


def stated_elevation(rows: list[dict]) -> np.ndarray:
    """(N,) elevation in degrees where the words state it, else 0: the word-level head's target.

    A height the text never states (the corpus's default for the sound: aircraft up high, a mouse
    low) is not something words can teach: a heron in the validation split is level, a hen in
    training is not."""
    return np.array([r["labels"]["elevation_deg"] if r["labels"].get("elevation_stated", True) else 0.0
                     for r in rows], dtype=np.float32)


def elevation_classes(elevation_deg):
    """Elevation (degrees, a tensor) -> class index of ``model.ELEVATION_CLASSES``: below, level, above."""
    import torch

    from oscbridge.model import ELEVATION_LEVEL_DEG

    return torch.where(elevation_deg >= ELEVATION_LEVEL_DEG, 2, torch.where(elevation_deg <= -ELEVATION_LEVEL_DEG, 0, 1))


def elevation_loss(out: dict, elevation_deg):
    """Cross-entropy over below / level / above, plus L1 on the magnitude (/90) where the cue is not level."""
    import torch.nn.functional as F

    c = elevation_classes(elevation_deg)
    ce = F.cross_entropy(out["el_logits"].float(), c)
    mag = out["el_mag"].float()
    chosen = (c == 2).float() * mag[:, 1] + (c == 0).float() * mag[:, 0]
    off = (c != 1).float()
    l1 = ((chosen - elevation_deg.abs()).abs() / 90.0 * off).sum() / off.sum().clamp(min=1.0)
    return ce + l1


def fit_elevation_head(model, sets: list[tuple["CachedSet", np.ndarray]], cfg: TrainConfig, device,
                       log: Callable[[str], None] = print, valid: tuple["CachedSet", np.ndarray] | None = None) -> dict:
    """Train ``model.el_head`` alone on cached frozen-layer states: ``sets`` holds (cues, elevation in
    degrees) pairs, their batches shuffled together. Seeded; the global generators are left as they
    were, so the rest of training draws what it would without it."""
    import torch

    head = model.el_head
    t0 = time.perf_counter()
    rng = random.Random(cfg.seed + 104729)
    opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.01)
    targets = [torch.as_tensor(el) for _, el in sets]
    head.train()
    with torch.random.fork_rng(devices=[]):
        for _ in range(cfg.elevation_epochs):
            batches = [(k, idx) for k, (cached, _) in enumerate(sets) for idx in cached.batches(128, rng)]
            rng.shuffle(batches)
            for k, idx in batches:
                h, mask = sets[k][0].collate(idx, device, torch.float32)
                loss = elevation_loss(head.pool(head.tokens(h), mask), targets[k][idx].to(device))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
    opt.zero_grad(set_to_none=True)
    head.eval()
    summary = {"seconds": round(time.perf_counter() - t0, 1)}
    if valid is not None:
        vset, vel = valid
        pred = np.zeros(len(vel), dtype=np.float32)
        from oscbridge.model import decode_elevation

        with torch.inference_mode():
            for idx in vset.batches(256, None):
                h, mask = vset.collate(idx, device, torch.float32)
                o = head.pool(head.tokens(h), mask)
                pred[idx] = decode_elevation(o["el_logits"], o["el_mag"]).cpu().numpy()
        err = np.abs(pred - vel)
        level = np.abs(vel) < 1e-6
        summary.update(valid_mae_deg=round(float(err.mean()), 3), valid_level_mae_deg=round(float(err[level].mean()), 3),
                       valid_raised_mae_deg=round(float(err[~level].mean()), 3) if (~level).any() else None)
    log(f"elevation head: {cfg.elevation_epochs} epochs in {summary['seconds']:.0f} s"
        + (f", valid elevation MAE {summary['valid_mae_deg']:.2f} deg (level cues {summary['valid_level_mae_deg']:.2f})"
           if valid is not None else ""))
    return summary


def compute_losses(out: dict, tg: dict, model_cfg, cfg: TrainConfig):
    """The total loss and its parts. ``tg`` holds (B,) tensors from targets_from_rows."""
    import torch
    import torch.nn.functional as F

    from oscbridge.model import azimuth_to_bin

    n = model_cfg.az_bins
    s, m = model_cfg.arc_scale, model_cfg.arc_margin
    cos = out["az_cos"].float()  # (B, n)
    known = tg["known"]
    kf = known.float()
    tbin = azimuth_to_bin(tg["az"], n)
    onehot = F.one_hot(tbin, n).bool()
    theta = torch.acos(cos.clamp(-1 + 1e-6, 1 - 1e-6))
    logits = s * torch.where(onehot, torch.cos(theta + m), cos)
    # soft targets: a circular Gaussian over the neighbouring bins (an off-by-one bin costs little)
    k = torch.arange(n, device=cos.device).float()
    d = torch.remainder(k[None, :] - tbin[:, None].float() + n / 2, n) - n / 2
    soft = torch.exp(-0.5 * (d / cfg.label_sigma_bins) ** 2)
    soft = soft / soft.sum(-1, keepdim=True)
    ce_known = -(soft * F.log_softmax(logits, -1)).sum(-1)
    ce_unknown = -(F.log_softmax(s * cos, -1)).mean(-1)  # against the uniform distribution
    az_cls = torch.where(known, ce_known, 0.5 * ce_unknown).mean()

    az_rad = torch.deg2rad(tg["az"])
    tvec = torch.stack([torch.sin(az_rad), torch.cos(az_rad)], -1)
    v = F.normalize(out["az_vec"].float(), dim=-1)
    denom = kf.sum().clamp(min=1.0)
    az_reg = ((1 - (v * tvec).sum(-1)) * kf).sum() / denom
    centres = torch.deg2rad(torch.arange(n, device=cos.device).float() * (360.0 / n) - 180.0)
    p = torch.softmax(s * cos, -1).detach()
    cls_vec = F.normalize(torch.stack([p @ torch.sin(centres), p @ torch.cos(centres)], -1), dim=-1)
    align = ((1 - (v * cls_vec).sum(-1)) * kf).sum() / denom

    r = out["reg"].float()
    static = (
        (torch.tanh(r[:, 0]) - tg["el"]).abs().mean()
        + 0.5 * (r[:, 1] - tg["logd"]).abs().mean()
        + (torch.sigmoid(r[:, 2]) - tg["spread"]).abs().mean()
        + (torch.sigmoid(r[:, 3]) - tg["wet"]).abs().mean()
        + 0.5 * (torch.tanh(r[:, 4]) - tg["drr"]).abs().mean()
        + 0.5 * (r[:, 5] - tg["gain"]).abs().mean()
    )
    motion_ce = F.cross_entropy(out["motion"].float(), tg["motion"])
    moving = (tg["motion"] > 0).float()
    mr = out["motion_reg"].float()
    dur = ((mr[:, 1] - tg["log_dur"]).abs() * moving).sum() / moving.sum().clamp(min=1.0)
    he = tg["has_end_d"].float()
    end_d = ((mr[:, 0] - tg["end_logd"]).abs() * he).sum() / he.sum().clamp(min=1.0)
    ha = tg["has_end_az"].float()
    end_rad = torch.deg2rad(tg["end_az"])
    evec = torch.stack([torch.sin(end_rad), torch.cos(end_rad)], -1)
    ev = F.normalize(out["end_vec"].float(), dim=-1)
    end_az = ((1 - (ev * evec).sum(-1)) * ha).sum() / ha.sum().clamp(min=1.0)
    orbit_mask = tg["orbit_cw"] >= 0
    orbit = (F.binary_cross_entropy_with_logits(out["orbit_cw"].float()[orbit_mask], tg["orbit_cw"][orbit_mask])
             if orbit_mask.any() else out["orbit_cw"].sum() * 0.0)

    parts = {
        "az_cls": az_cls, "az_reg": az_reg, "align": 0.2 * align, "static": static,
        "motion": 0.5 * motion_ce, "duration": 0.3 * dur, "end_d": 0.3 * end_d, "end_az": 0.5 * end_az,
        "orbit": 0.2 * orbit,
    }
    return sum(parts.values()), parts


class CachedSet:
    """Frozen-layer outputs of every text, kept as fp16 (T_i, H) arrays, batched by length."""

    def __init__(self, model, tokenizer, texts: list[str], max_tokens: int, device, batch: int = 256,
                 progress: Callable[[int], None] | None = None):
        import torch

        enc = tokenizer(texts, truncation=True, max_length=max_tokens)
        self.ids = enc["input_ids"]
        self.lengths = np.array([len(x) for x in self.ids])
        self.states: list[Any] = [None] * len(texts)
        order = np.argsort(self.lengths, kind="stable")
        with torch.inference_mode():
            for start in range(0, len(order), batch):
                idx = order[start : start + batch]
                ids, mask = self._pad([self.ids[i] for i in idx], device)
                h = model.lower(ids, mask).to(torch.float16).cpu()
                for j, i in enumerate(idx):
                    self.states[i] = h[j, : self.lengths[i]].clone()
                if progress:
                    progress(len(idx))

    @staticmethod
    def _pad(seqs: list[list[int]], device):
        import torch

        t = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), t, dtype=torch.long)
        mask = torch.zeros(len(seqs), t, dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
        return ids.to(device), mask.to(device)

    def batches(self, batch_size: int, rng: random.Random | None):
        """Index batches of similar length (shuffled when rng is given)."""
        order = list(np.argsort(self.lengths, kind="stable"))
        if rng is not None:  # shuffle within length buckets, then the batches
            buckets = [order[i : i + batch_size * 50] for i in range(0, len(order), batch_size * 50)]
            for b in buckets:
                rng.shuffle(b)
            order = [i for b in buckets for i in b]
        out = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        if rng is not None:
            rng.shuffle(out)
        return out

    def collate(self, idx: list[int], device, dtype):
        import torch

        t = int(self.lengths[idx].max())
        h = torch.zeros(len(idx), t, self.states[idx[0]].shape[-1], dtype=torch.float16)
        mask = torch.zeros(len(idx), t, dtype=torch.long)
        for j, i in enumerate(idx):
            n = int(self.lengths[i])
            h[j, :n] = self.states[i]
            mask[j, :n] = 1
        return h.to(device=device, dtype=dtype), mask.to(device)


def token_dropout(mask, lengths, p: float, gen):
    """``mask`` (B, T) with each word token dropped with probability ``p``; the first ([CLS]) and the
    last ([SEP]) token of every row are kept, so no row is left empty."""
    import torch

    drop = torch.rand(mask.shape, generator=gen) < p
    drop[:, 0] = False
    rows = torch.arange(mask.shape[0])
    drop[rows, torch.as_tensor(lengths, dtype=torch.long) - 1] = False
    return mask * (~drop).to(device=mask.device, dtype=mask.dtype)


def _tensor_targets(t: dict[str, np.ndarray], idx, device) -> dict:
    import torch

    return {k: torch.as_tensor(v[idx]).to(device) for k, v in t.items()}


def _training_mode(model, cfg: TrainConfig, epoch: int) -> None:
    """Heads in training mode; the encoder's dropout on in the fine-tuned layers from epoch
    ``cfg.encoder_dropout_from`` (0: never; the frozen layers never run in training: they are cached)."""
    model.train()
    model.bert.eval()
    if 0 < cfg.encoder_dropout_from <= epoch:
        for layer in model.bert.encoder.layer[model.split :]:
            layer.train()


def evaluate_cached(model, cached: CachedSet, targets: dict, device, dtype, batch_size: int = 256) -> dict[str, float]:
    """Validation metrics on cached states: azimuth AE over cues with a known direction."""
    import torch

    model.eval()
    az_pred = np.zeros(len(cached.lengths), dtype=np.float32)
    with torch.inference_mode():
        for idx in cached.batches(batch_size, None):
            h, mask = cached.collate(idx, device, dtype)
            d = model.decode(model.upper(h, mask))
            az_pred[idx] = d["azimuth_deg"].float().cpu().numpy()
    known = targets["known"]
    ae = angular_error_deg(az_pred[known], targets["az"][known])
    return {"ae_deg": float(ae.mean()), "ae_median_deg": float(np.median(ae))}


def train(
    rows_train: list[dict],
    rows_valid: list[dict],
    out_path: Path,
    cfg: TrainConfig = TrainConfig(),
    encoder: str = "all-minilm-l6-v2",
    random_base: dict | None = None,
    log: Callable[[str], None] = print,
    progress: bool = True,
) -> dict:
    """Train and save the best checkpoint (by validation AE). Returns the training summary."""
    import torch

    from oscbridge.checkpoint import member_path, save_checkpoint
    from oscbridge.encoders import encoder_dir, encoder_info, file_sha256, load_encoder
    from oscbridge.model import ModelConfig, SpatialModel

    if not rows_train or not rows_valid:
        raise ConfigError("training needs a non-empty train and valid corpus")
    t_start = time.perf_counter()
    _seed_all(cfg.seed)
    torch.set_num_threads(cfg.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    if random_base is not None:  # tiny random model (tests): the tokenizer still comes from the package
        from transformers import AutoTokenizer, BertConfig, BertModel

        tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir(encoder)), local_files_only=True)
        bert = BertModel(BertConfig(**random_base), add_pooling_layer=False)
        sha = ""
    else:
        tokenizer, bert = load_encoder(encoder)
        sha = file_sha256(encoder_dir(encoder) / encoder_info(encoder).weights)
    bert_cfg = {k: v for k, v in bert.config.to_dict().items() if k in (
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
        "max_position_embeddings", "type_vocab_size", "hidden_act", "layer_norm_eps", "pad_token_id")}
    mcfg = ModelConfig(encoder=encoder, encoder_sha256=sha, bert=bert_cfg, trainable_layers=cfg.trainable_layers,
                       az_bins=cfg.az_bins, elevation_head=cfg.elevation_head)
    initial_bert = copy.deepcopy(bert) if cfg.members > 1 else None  # the ensemble's later members start from it
    model = SpatialModel(bert, mcfg).to(device)

    bar = _progress_bar(progress)
    rows_height = (heightcues.generate(round(len(rows_train) * cfg.height_share), seed=cfg.seed)
                   if model.el_head is not None else [])
    with bar(total=len(rows_train) + len(rows_valid) + len(rows_height), desc="caching frozen layers", unit="cue") as pb:
        train_set = CachedSet(model, tokenizer, [r["text"] for r in rows_train], mcfg.max_tokens, device, progress=pb.update)
        valid_set = CachedSet(model, tokenizer, [r["text"] for r in rows_valid], mcfg.max_tokens, device, progress=pb.update)
        height_set = (CachedSet(model, tokenizer, [r["text"] for r in rows_height], mcfg.max_tokens, device,
                                progress=pb.update) if rows_height else None)
    t_cached = time.perf_counter()
    log(f"cached {len(rows_train)} + {len(rows_valid)} + {len(rows_height)} cues in {t_cached - t_start:.0f} s")
    tt, tv = targets_from_rows(rows_train), targets_from_rows(rows_valid)
    el_summary = None
    if model.el_head is not None:  # trained alone, first: it reads the frozen layers only
        sets = [(train_set, stated_elevation(rows_train))]
        if height_set is not None:
            sets.append((height_set, stated_elevation(rows_height)))
        el_summary = fit_elevation_head(model, sets, cfg, device, log, valid=(valid_set, stated_elevation(rows_valid)))

    random_base_ckpt = random_base is not None
    best, history = _fit_member(model, cfg, cfg.seed, (train_set, tt), (valid_set, tv), device, bar, log,
                                lambda m, meta: save_checkpoint(out_path, m, {**meta, "elevation_head": el_summary},
                                                                random_base=random_base_ckpt))
    members = []
    for k in range(1, cfg.members):
        # as a fresh training with seed + k would build it: the same seeds, then the untrained encoder and new heads
        seed = cfg.seed + k
        _seed_all(seed)
        mpath = member_path(out_path, k)
        log(f"ensemble member {k + 1} of {cfg.members} (seed {seed}) -> {mpath.name}")
        member = SpatialModel(copy.deepcopy(initial_bert), replace(mcfg, elevation_head=0)).to(device)
        m_best, m_history = _fit_member(member, cfg, seed, (train_set, tt), (valid_set, tv), device, bar, log,
                                        lambda m, meta, mpath=mpath: save_checkpoint(mpath, m, meta,
                                                                                     random_base=random_base_ckpt))
        members.append({"file": mpath.name, "seed": seed, "best": m_best, "history": m_history})
        del member
    if members:  # the first member's file lists the others, written last: never a list of files not yet there
        from oscbridge.checkpoint import list_members

        list_members(out_path, [m["file"] for m in members])
    summary = {"best": best, "history": history, "members": members, "seconds": round(time.perf_counter() - t_start, 1),
               "cache_seconds": round(t_cached - t_start, 1), "device": device.type, "checkpoint": str(out_path)}
    log(f"best valid AE {best['ae_deg']:.2f} deg at epoch {best['epoch']}; {summary['seconds']:.0f} s in all on {device.type}")
    return summary


def _seed_all(seed: int) -> None:
    """Python's, NumPy's and torch's global generators, as a training with this seed starts them."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _fit_member(model, cfg: TrainConfig, seed: int, train: tuple["CachedSet", dict], valid: tuple["CachedSet", dict],
                device, bar, log: Callable[[str], None], save: Callable[[Any, dict], None]) -> tuple[dict, list]:
    """Train one model's fine-tuned layers and heads on cached states (``train`` and ``valid``: the cached cues
    and their targets); ``save(model, meta)`` at each best validation AE. Its draws come from ``seed`` (the batch
    shuffle, token dropout) and from the global generators, which the caller has seeded. Returns (best metrics,
    history)."""
    import torch

    (train_set, tt), (valid_set, tv) = train, valid
    mcfg = model.config
    amp_dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    n_train, n_valid = len(train_set.lengths), len(valid_set.lengths)
    head_params = [p for n, p in model.named_parameters()
                   if p.requires_grad and not n.startswith("bert.") and not n.startswith("el_head.")]
    enc_params = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("bert.")]
    opt = torch.optim.AdamW([{"params": head_params, "lr": cfg.lr_head}, {"params": enc_params, "lr": cfg.lr_encoder}],
                            weight_decay=cfg.weight_decay)
    rng = random.Random(seed)
    steps_per_epoch = math.ceil(n_train / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup_frac))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total))))

    best = {"ae_deg": float("inf")}
    history = []
    # token dropout: the fine-tuned layers and the pooling lose a random share of the words (never [CLS]
    # or [SEP]), so no single word decides a cue; its own generator leaves every other draw unchanged
    drop_gen = torch.Generator().manual_seed(seed + 7919)
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        _training_mode(model, cfg, epoch)
        batches = train_set.batches(cfg.batch_size, rng)
        running = 0.0
        with bar(total=len(batches), desc=f"epoch {epoch}/{cfg.epochs}", unit="batch") as pb:
            for bi, idx in enumerate(batches):
                h, mask = train_set.collate(idx, device, torch.float32)
                if cfg.token_dropout > 0:
                    mask = token_dropout(mask, train_set.lengths[idx], cfg.token_dropout, drop_gen)
                tg = _tensor_targets(tt, idx, device)
                with torch.autocast(device.type, dtype=amp_dtype, enabled=device.type == "cuda"):
                    out = model.upper(h, mask)
                loss, _ = compute_losses(out, tg, mcfg, cfg)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                running = 0.98 * running + 0.02 * loss.item() if bi else loss.item()
                pb.update(1)
                if bi % 20 == 0:
                    pb.set_postfix(loss=f"{running:.3f}", val_ae=f"{best.get('ae_deg', float('nan')):.1f}")
        metrics = evaluate_cached(model, valid_set, tv, device, torch.float32)
        history.append({"epoch": epoch, "loss": round(running, 4), **{k: round(v, 3) for k, v in metrics.items()}})
        log(f"epoch {epoch}: loss {running:.3f}, valid AE {metrics['ae_deg']:.2f} deg (median {metrics['ae_median_deg']:.2f})")
        if metrics["ae_deg"] < best["ae_deg"]:
            best = {**metrics, "epoch": epoch}
            meta = {"train_config": cfg.__dict__, "history": history, "best": best, "seed": seed, "n_train": n_train,
                    "n_valid": n_valid, "device": device.type, "torch": str(torch.__version__)}
            save(model, meta)
    return best, history


def _progress_bar(enabled: bool):
    from tqdm import tqdm

    def make(**kw):
        return tqdm(disable=not enabled, leave=False, dynamic_ncols=True, mininterval=1.0, **kw)

    return make

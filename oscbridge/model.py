"""The parameter model: a sentence encoder with heads for every field of the contract.

Pure ``nn.Module``, no I/O (loading lives in ``oscbridge.checkpoint``). Shapes: B = batch,
T = tokens, H = encoder width (384 for MiniLM), F = trunk width.

    tokens ─> BERT layers [0, K) ─> BERT layers [K, L) ─> masked mean pool (B, H) ─> trunk (B, F)
              frozen: cached in     trained                                          ├─ azimuth: angular-margin classifier
              training                                                                │   over `az_bins` bins + (sin, cos)
                                                                                     ├─ static regressions (B, 6)
                                                                                     ├─ motion kind (B, 5), end (sin, cos),
                                                                                     │   log end distance, log duration, orbit cw
    frozen-layer states (B, T, H) ─> word-level elevation head (ElevationHead): below / level / above, magnitude
The azimuth recipe follows the seed paper (angular-margin classification over bins, sin/cos
regression, their alignment); angles are in the canonical frame (+ = left).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

MOTION_CLASSES = ("static", "line", "orbit", "approach", "recede")
# static regression outputs, in order: name, how the raw output maps to the canonical unit
REG_FIELDS = ("elevation_deg", "log_distance_m", "spread_deg", "wet", "drr_db", "gain_db")


@dataclass(frozen=True)
class ModelConfig:
    encoder: str = "all-minilm-l6-v2"
    encoder_sha256: str = ""
    bert: dict = field(default_factory=dict)  # the encoder's BertConfig as a dict
    trainable_layers: int = 2  # the last K encoder layers are trained; the rest frozen
    az_bins: int = 36
    trunk: int = 512
    az_embed: int = 128
    arc_scale: float = 16.0
    arc_margin: float = 0.25
    dropout: float = 0.1
    max_tokens: int = 64
    elevation_head: int = 0  # width of the word-level elevation head (0: none, the static regression's row)

    def to_dict(self) -> dict:
        return asdict(self)


def bin_centres_deg(n: int) -> torch.Tensor:
    """(n,) centres of the azimuth bins: -180 + k * 360/n (bin 0 is straight behind)."""
    return torch.arange(n, dtype=torch.float32) * (360.0 / n) - 180.0


def azimuth_to_bin(azimuth_deg: torch.Tensor, n: int) -> torch.Tensor:
    return torch.remainder(torch.round((azimuth_deg + 180.0) / (360.0 / n)), n).long()


#: elevation classes of the word-level head: below, level, above (|elevation| >= ELEVATION_LEVEL_DEG leaves level)
ELEVATION_CLASSES = ("below", "level", "above")
ELEVATION_LEVEL_DEG = 10.0


class ElevationHead(nn.Module):
    """Height from the words: a small MLP scores every token of the frozen layers' output (B, T, H).

    Each token gives a "below" and an "above" score and a magnitude for each. A cue's below and
    above logits are the log-sum-exp of its tokens' scores; "level" is one learned logit that the
    words must outscore. The magnitude (in [0, 90] deg) is the tokens' own, weighted by a softmax
    over their scores. Why per token and on the frozen layers: height is said by a few words
    ("overhead", "under the floor"), and the mean-pooled fine-tuned features do not carry it to
    unseen phrasings (a probe on them made 29-32 deg on the validation split's elevated cues).
    Trained on its own after the cache is built (``oscbridge.train.fit_elevation_head``).
    """

    def __init__(self, hidden: int, width: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(hidden, width), nn.GELU(), nn.Linear(width, 4))
        self.level = nn.Parameter(torch.zeros(1))

    def tokens(self, x: torch.Tensor) -> torch.Tensor:
        """(..., H) token states -> (..., 4): below score, above score, below magnitude, above magnitude."""
        return self.net(x.float())

    def pool(self, g: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, T, 4) token outputs and (B, T) mask -> el_logits (B, 3) and el_mag (B, 2) in degrees."""
        keep = attention_mask.bool().unsqueeze(-1)  # (B, T, 1)
        scores = g[..., :2].masked_fill(~keep, -1e4)  # (B, T, 2)
        below_above = torch.logsumexp(scores, dim=1)  # (B, 2)
        logits = torch.stack([below_above[:, 0], self.level.expand(g.shape[0]), below_above[:, 1]], -1)
        w = torch.softmax(scores, dim=1)  # (B, T, 2)
        mag = (w * torch.sigmoid(g[..., 2:])).sum(1) * 90.0  # (B, 2)
        return {"el_logits": logits, "el_mag": mag}


def decode_elevation(el_logits: torch.Tensor, el_mag: torch.Tensor) -> torch.Tensor:
    """(B, 3) logits and (B, 2) magnitudes -> (B,) elevation in degrees: 0 unless the words win."""
    c = el_logits.argmax(-1)
    return torch.where(c == 2, el_mag[:, 1], torch.where(c == 0, -el_mag[:, 0], torch.zeros_like(el_mag[:, 0])))


def combine_members(outs: list[dict[str, torch.Tensor]], arc_scale: float) -> dict[str, torch.Tensor]:
    """The raw outputs of an ensemble: several members' ``heads`` outputs -> one dict in the same form.

    The azimuth bins' cosines are averaged, so ``decode``'s softmax gives the members' geometric mean
    probability, renormalised (a product of experts: a bin wins where every member allows it). On the
    non-blind development sets it beat the arithmetic mean of probabilities (mean AE over 12 long sets
    12.69 against 12.87 deg; the single model 13.16). The motion kinds' softmax and the orbit direction's
    sigmoid are averaged as probabilities; regressions (``az_vec``, ``reg``, ``end_vec``, ``motion_reg``)
    as they are. A key only the first member has (the word-level elevation head's) is kept from it. One
    member: its outputs, unchanged."""
    if len(outs) == 1:
        return outs[0]
    n = float(len(outs))
    combined = dict(outs[0])
    for k in ("az_cos", "az_vec", "reg", "end_vec", "motion_reg"):
        combined[k] = sum(o[k] for o in outs) / n
    combined["motion"] = torch.log((sum(torch.softmax(o["motion"], dim=-1) for o in outs) / n).clamp_min(1e-30))
    q = (sum(torch.sigmoid(o["orbit_cw"]) for o in outs) / n).clamp(1e-7, 1 - 1e-7)
    combined["orbit_cw"] = torch.log(q) - torch.log1p(-q)  # the logit of the mean probability
    return combined


class SpatialModel(nn.Module):
    def __init__(self, bert: nn.Module, config: ModelConfig):
        super().__init__()
        self.config = config
        self.bert = bert
        h = bert.config.hidden_size
        n_layers = bert.config.num_hidden_layers
        if not 0 < config.trainable_layers <= n_layers:
            raise ValueError(f"trainable_layers must be in 1..{n_layers}")
        self.split = n_layers - config.trainable_layers  # layers [0, split) are frozen
        f = config.trunk
        self.trunk = nn.Sequential(nn.Linear(h, f), nn.GELU(), nn.Dropout(config.dropout), nn.Linear(f, f), nn.GELU())
        self.az_embed = nn.Linear(f, config.az_embed)
        self.az_weight = nn.Parameter(torch.randn(config.az_bins, config.az_embed) * 0.05)
        self.az_vec = nn.Linear(f, 2)
        self.reg = nn.Linear(f, len(REG_FIELDS))
        self.motion = nn.Linear(f, len(MOTION_CLASSES))
        self.end_vec = nn.Linear(f, 2)
        self.motion_reg = nn.Linear(f, 2)  # log end distance, log duration
        self.orbit_cw = nn.Linear(f, 1)
        self.register_buffer("centres_deg", bin_centres_deg(config.az_bins), persistent=False)
        self.el_head: ElevationHead | None = None
        if config.elevation_head:
            # its own seed, and the global generator left as it was: every other weight and every later
            # draw of training is what it would be without this head
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(7)
                self.el_head = ElevationHead(h, config.elevation_head)
        self.freeze_lower()

    # ------------------------------------------------------------------ which weights train

    def freeze_lower(self) -> None:
        for p in self.bert.parameters():
            p.requires_grad_(False)
        for layer in self.bert.encoder.layer[self.split :]:
            for p in layer.parameters():
                p.requires_grad_(True)

    def trained_state_dict(self) -> dict[str, torch.Tensor]:
        """Only what training changes: the top encoder layers and the heads (what a checkpoint stores)."""
        keep = {n for n, p in self.named_parameters() if p.requires_grad}
        return {k: v.detach().clone() for k, v in self.state_dict().items() if k in keep}

    # ------------------------------------------------------------------ forward

    def _mask(self, hidden: torch.Tensor, attention_mask: torch.Tensor):
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(config=self.bert.config, inputs_embeds=hidden, attention_mask=attention_mask)

    @torch.no_grad()
    def lower(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(B, T) token ids -> (B, T, H) hidden states after the frozen layers (cached in training).

        Frozen means no dropout either: they run in inference mode whatever the model's mode (a freshly
        built encoder, the tiny random one of the tests, starts in training mode, and its dropout would
        blur the cache and draw from the global generator)."""
        frozen = [self.bert.embeddings, *self.bert.encoder.layer[: self.split]]
        for m in frozen:
            m.eval()
        h = self.bert.embeddings(input_ids=input_ids)
        mask = self._mask(h, attention_mask)
        for layer in self.bert.encoder.layer[: self.split]:
            h = layer(h, mask)
        return h

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, T, H) frozen-layer states -> every head's raw output."""
        mask = self._mask(hidden, attention_mask)
        h = hidden
        for layer in self.bert.encoder.layer[self.split :]:
            h = layer(h, mask)
        m = attention_mask.unsqueeze(-1).to(h.dtype)  # (B, T, 1)
        out = self.heads((h * m).sum(1) / m.sum(1).clamp(min=1.0))
        if self.el_head is not None:
            out.update(self.el_head.pool(self.el_head.tokens(hidden), attention_mask))
        return out

    def heads(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, H) pooled sentence vectors -> every head's raw output."""
        z = self.trunk(pooled)  # (B, F)
        emb = F.normalize(self.az_embed(z), dim=-1)  # (B, E)
        cos = emb @ F.normalize(self.az_weight, dim=-1).T  # (B, bins)
        return {
            "az_cos": cos,
            "az_vec": self.az_vec(z),
            "reg": self.reg(z),
            "motion": self.motion(z),
            "end_vec": self.end_vec(z),
            "motion_reg": self.motion_reg(z),
            "orbit_cw": self.orbit_cw(z).squeeze(-1),
        }

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.upper(self.lower(input_ids, attention_mask), attention_mask)

    # ------------------------------------------------------------------ decoding

    @torch.no_grad()
    def decode(self, out: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Raw outputs -> canonical values, each (B,) (see REG_FIELDS for the static ones)."""
        probs = torch.softmax(out["az_cos"] * self.config.arc_scale, dim=-1)  # (B, bins)
        centres = torch.deg2rad(self.centres_deg)  # (bins,)
        top = probs.argmax(-1)  # (B,)
        # circular mean over the top bin and its neighbours: sub-bin resolution, never averages front and back
        n = self.config.az_bins
        idx = torch.stack([(top - 1) % n, top, (top + 1) % n], dim=-1)  # (B, 3)
        w = probs.gather(-1, idx)
        ang = centres[idx]
        s, c = (w * torch.sin(ang)).sum(-1), (w * torch.cos(ang)).sum(-1)
        cls_az = torch.atan2(s, c)
        reg_az = torch.atan2(out["az_vec"][:, 0], out["az_vec"][:, 1])
        # the regression refines the class estimate when they agree (within half a bin)
        half_bin = math.pi / n
        diff = torch.atan2(torch.sin(reg_az - cls_az), torch.cos(reg_az - cls_az))
        az = torch.where(diff.abs() <= half_bin, reg_az, cls_az)
        # confidence: the probability mass within +-1 bin of the estimate
        conf = w.sum(-1)
        r = out["reg"]
        if "el_logits" in out:
            elevation = decode_elevation(out["el_logits"], out["el_mag"])
        else:  # checkpoints before the word-level head: the static regression's row (it collapsed to about 0)
            elevation = torch.tanh(r[:, 0]) * 90.0
        motion_p = torch.softmax(out["motion"], dim=-1)
        return {
            "azimuth_deg": torch.rad2deg(az),
            "confidence": conf,
            "elevation_deg": elevation,
            "distance_m": torch.exp(r[:, 1]).clamp(0.1, 100.0),
            "spread_deg": torch.sigmoid(r[:, 2]) * 360.0,
            "wet": torch.sigmoid(r[:, 3]),
            "drr_db": torch.tanh(r[:, 4]) * 30.0,
            "gain_db": (r[:, 5] * 20.0).clamp(-60.0, 12.0),
            "motion_kind": motion_p.argmax(-1),
            "motion_conf": motion_p.max(-1).values,
            "end_azimuth_deg": torch.rad2deg(torch.atan2(out["end_vec"][:, 0], out["end_vec"][:, 1])),
            "end_distance_m": torch.exp(out["motion_reg"][:, 0]).clamp(0.1, 100.0),
            "duration_s": torch.exp(out["motion_reg"][:, 1]).clamp(0.05, 3600.0),
            "orbit_cw": torch.sigmoid(out["orbit_cw"]) > 0.5,
        }

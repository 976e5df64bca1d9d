"""Checkpoints: the one place that writes and reads model files.

A checkpoint stores only what training changed (the top encoder layers and the heads), the
model config (so the model rebuilds itself), the label spec, a format version, the base
encoder's name and sha256, and the training metadata. The base encoder comes from its package
(``oscbridge.encoders``) and must match the recorded hash. A "random base" checkpoint (tests)
stores every weight and a small BertConfig instead.

Every failure is a ``ModelError`` with a one-line reason (exit 4): the daemon never starts half-way.
"""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path
from typing import Any

from oscbridge.errors import ModelError

FORMAT_VERSION = 1
DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "models" / "oscbridge-minilm.pt"


def save_checkpoint(path: Path, model, meta: dict[str, Any], random_base: bool = False) -> None:
    import torch

    from oscbridge.model import MOTION_CLASSES, REG_FIELDS

    state = model.state_dict() if random_base else model.trained_state_dict()
    payload = {
        "format_version": FORMAT_VERSION,
        "config": model.config.to_dict(),
        "random_base": random_base,
        "label_spec": {"motion_classes": list(MOTION_CLASSES), "reg_fields": list(REG_FIELDS),
                       "frame": "azimuth_deg: 0 front, +90 left (conventions.md)"},
        "state_dict": {k: v.detach().cpu().contiguous() for k, v in state.items()},
        "meta": meta,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def _read(path: Path) -> dict:
    import torch

    if not path.exists():
        raise ModelError(f"no model checkpoint at {path} (train one with 'oscbridge train', or pass --model)")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, pickle.UnpicklingError, EOFError, zipfile.BadZipFile, ValueError, OSError) as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ModelError(f"corrupt model checkpoint {path}: {reason[:200]}") from None
    if not isinstance(payload, dict) or "format_version" not in payload:
        raise ModelError(f"{path} is not an oscbridge checkpoint")
    if payload["format_version"] != FORMAT_VERSION:
        raise ModelError(f"{path} has checkpoint format {payload['format_version']}, this oscbridge reads {FORMAT_VERSION}")
    for key in ("config", "state_dict", "label_spec", "meta"):
        if key not in payload:
            raise ModelError(f"corrupt model checkpoint {path}: no {key!r}")
    return payload


def load_checkpoint(path: Path):
    """(model in eval mode, tokenizer, meta). Raises ModelError."""
    from transformers import BertConfig, BertModel

    from oscbridge.encoders import encoder_dir, load_encoder
    from oscbridge.model import ModelConfig, SpatialModel

    payload = _read(Path(path))
    try:
        config = ModelConfig(**payload["config"])
    except TypeError as e:
        raise ModelError(f"corrupt model checkpoint {path}: bad config ({e})") from None
    if payload.get("random_base"):
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir(config.encoder)), local_files_only=True)
        bert = BertModel(BertConfig(**config.bert), add_pooling_layer=False)
    else:
        tokenizer, bert = load_encoder(config.encoder, config.encoder_sha256)
    model = SpatialModel(bert, config)
    state = payload["state_dict"]
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as e:
        raise ModelError(f"model checkpoint {path} does not fit its own config: {str(e).splitlines()[0][:200]}") from None
    if unexpected:
        raise ModelError(f"model checkpoint {path} has unknown weights ({unexpected[0]}...)")
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    lacking = sorted(trained & set(missing))
    if lacking:
        raise ModelError(f"model checkpoint {path} lacks trained weights ({lacking[0]}...)")
    model.eval()
    return model, tokenizer, payload["meta"]

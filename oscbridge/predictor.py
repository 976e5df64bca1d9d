"""The predictor interface: text in, a full ``Prediction`` out.

Every predictor (the keyword-rule baseline now, the neural model later) implements
``Predictor``. A predictor is owned by one thread (the daemon's inference thread); it need
not be thread-safe. ``predict`` takes a batch so that a model can run it as one forward pass.
"""

from __future__ import annotations

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

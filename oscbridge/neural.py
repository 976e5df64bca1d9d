"""The neural predictor: the trained model behind the ``Predictor`` interface.

``NeuralPredictor(path)`` loads a checkpoint (ModelError, exit 4, on any problem) and answers
a batch of cues in one forward pass. With ``use_parser`` (the default) the explicit parser
overrides what the text states outright (numbers, clock positions, compass bearings). With
``reread`` (the default) a cue with a digit is also read without the numbers that are not places
(``oscbridge.reread``), in the same forward pass, and the two readings are combined. With ``mend``
(the default) the model and the parser read a cue with its misspelt direction words mended
(``oscbridge.spelling``: "rihgt" as "right"); with ``idioms`` (the default) the model reads it with
everyday words that only look like places made plain (``oscbridge.idioms``: "right after the slam",
"front of house"). The prediction keeps the text as typed.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Sequence

from oscbridge.errors import CueError
from oscbridge.idioms import plain_idioms
from oscbridge.instructions import parse_instructions
from oscbridge.model import combine_members
from oscbridge.params import Motion, Position, Prediction, SpatialParams
from oscbridge.reread import second_reading
from oscbridge.spelling import mend_spelling
from oscbridge.served import ServedModel

DEFAULT_DURATION_S = 4.0


def trace_model(model, ids, mask):
    """``model(ids, mask)`` compiled by ``torch.jit.trace`` into a frozen graph, or None if tracing fails.

    A cue is a handful of tokens, so the eager forward pass is mostly Python overhead: on the
    2-core CPU the traced graph answers one cue in about a third of the time (predict p50
    8.4 -> 2.6 ms). Freezing inlines the submodules and their weights. The graph takes any batch
    size and length; tests check that it gives the eager model's outputs on padded batches of
    mixed lengths."""
    import warnings

    import torch

    with torch.inference_mode():
        keys = sorted(model(ids, mask))

        class Tupled(torch.nn.Module):  # tracing wants a tuple out, in a fixed order
            def __init__(self):
                super().__init__()
                self.model = model

            def forward(self, i, m):
                out = self.model(i, m)
                return tuple(out[k] for k in keys)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                graph = torch.jit.freeze(torch.jit.trace(Tupled().eval(), (ids, mask), check_trace=False).eval())
        except Exception:  # noqa: BLE001 -- an encoder tracing cannot follow: stay eager
            return None

    def forward(i, m):
        # The optimising executor re-profiles the graph for each new input shape (its first calls
        # took up to 52 ms); the plain interpreter is as fast in the steady state, with no spikes.
        with torch.jit.optimized_execution(False):
            return dict(zip(keys, graph(i, m)))

    return forward


#: The most wordpieces of a cue the served model reads. Training cues fit in ``config.max_tokens`` (64), but the
#: daemon takes notes of up to 2000 characters: cut at 64, a note of more than about 45 words lost its tail (a
#: direction stated there was never seen: 80.5 deg AE against 21.4 deg when read whole, on 96 long development
#: cues behind a neutral preamble). The encoder's position table bounds it (512 in all-MiniLM-L6-v2).
SERVE_MAX_TOKENS = 256


class NeuralPredictor:
    def __init__(self, path: Path, use_parser: bool = True, threads: int | None = None, int8: bool = True,
                 trace: bool = True, reread: bool = True, mend: bool = True,
                 idioms: bool = True):
        import torch

        from oscbridge.checkpoint import load_checkpoint, load_members

        if threads:
            torch.set_num_threads(threads)
        self.model, self.tokenizer, self.meta = load_checkpoint(Path(path))
        members = load_members(Path(path), self.model, self.meta["members"])  # an ensemble's others (or none)
        self.members = len(members) + 1
        self.served = ServedModel(self.model, int8=int8, members=members).eval()  # int8 per token (oscbridge.served)
        for m in (self.model, *members):  # the served copy holds the layers: free the originals
            m.bert.encoder.layer = torch.nn.ModuleList()
        self.use_parser = use_parser
        self.reread = reread
        self.mend = mend  # misspelt direction words mended before the model and the parser read a cue
        self.idioms = idioms  # the model reads "right after", "nothing left", "front of house"... made plain
        self.name = "model+parser" if use_parser else "model"
        self._torch = torch
        self.max_tokens = min(max(self.model.config.max_tokens, SERVE_MAX_TOKENS),
                              self.model.bert.config.max_position_embeddings)
        self._forward = self.served
        self.traced = False
        if trace:
            traced = trace_model(self.served, *self.encode(["a warm-up cue on the left, far away"]))
            if traced is not None:
                self._forward, self.traced = traced, True
        self.raw(["a warm-up cue on the left"])  # the first forward pass is slow: pay it at start, not on a cue

    @property
    def threads(self) -> int:
        """The threads each forward pass runs on (PyTorch's intra-op pool of this process)."""
        return self._torch.get_num_threads()

    def without_parser(self) -> "NeuralPredictor":
        """The same loaded model, answering without the explicit parser (for evaluation)."""
        bare = copy.copy(self)
        bare.use_parser, bare.name = False, "model"
        return bare

    def encode(self, texts: Sequence[str]):
        enc = self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"]

    def raw(self, texts: Sequence[str]) -> dict:
        """Decoded model outputs for a batch, as plain tensors (used by evaluation). A cue with a second
        reading (``oscbridge.reread``) has it appended to the batch, and its two readings are combined."""
        texts = list(texts)
        again = [(i, r) for i, r in enumerate(map(second_reading, texts)) if r is not None] if self.reread else []
        with self._torch.inference_mode():
            ids, mask = self.encode(texts + [r for _, r in again])
            out = self._forward(ids, mask)
            if again:  # rows n.. are the second readings of the cues at ``rows``
                n, rows = len(texts), self._torch.tensor([i for i, _ in again])
                first = {k: v[:n] for k, v in out.items()}
                both = combine_members([{k: v[rows] for k, v in first.items()}, {k: v[n:] for k, v in out.items()}],
                                       self.model.config.arc_scale)  # keeps the first reading's elevation keys
                out = {k: v.index_copy(0, rows, both[k]) for k, v in first.items()}
            return self.model.decode(out)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        for t in texts:
            if not isinstance(t, str):
                raise CueError(f"a cue is text, not {type(t).__name__}")
        if not texts:
            return []
        read = [mend_spelling(t) for t in texts] if self.mend else list(texts)
        d = self.raw([plain_idioms(t) for t in read] if self.idioms else read)
        out = []
        for i, text in enumerate(texts):
            p = _prediction(text, {k: v[i].item() for k, v in d.items()})
            if self.use_parser:
                p = parse_instructions(read[i]).apply(p)
            out.append(p)
        return out


def _prediction(text: str, v: dict) -> Prediction:
    params = SpatialParams.clamped(
        azimuth_deg=v["azimuth_deg"], elevation_deg=v["elevation_deg"], distance_m=v["distance_m"],
        spread_deg=v["spread_deg"], wet=v["wet"], drr_db=v["drr_db"], gain_db=v["gain_db"],
    )
    from oscbridge.model import MOTION_CLASSES

    kind = MOTION_CLASSES[int(v["motion_kind"])]
    duration = v["duration_s"] if math.isfinite(v["duration_s"]) else DEFAULT_DURATION_S
    motion = None
    if kind == "line":
        motion = Motion("line", duration, Position.clamped(v["end_azimuth_deg"], params.elevation_deg, v["end_distance_m"]))
    elif kind in ("approach", "recede"):
        end_d = v["end_distance_m"]
        if kind == "approach":
            end_d = min(end_d, params.distance_m)
        else:
            end_d = max(end_d, params.distance_m)
        motion = Motion(kind, duration, Position.clamped(params.azimuth_deg, params.elevation_deg, end_d))
    elif kind == "orbit":
        motion = Motion("orbit", duration, direction="cw" if v["orbit_cw"] else "ccw")
    return Prediction(text, params, motion=motion, confidence=min(max(v["confidence"], 0.0), 1.0))

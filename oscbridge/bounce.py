"""Offline rendering (``oscbridge render``): cues and input files to one binaural, stereo or FOA file.

The offline renderer drives the same ``Engine`` as the monitor, with 2048-frame blocks. Each
source's input starts at time 0 of the render and is heard from its first cue on; every block,
a moving source's parameters are taken from its trajectory at the block's centre time and its
filter is redesigned (the engine crossfades between consecutive filters, so a motion is smooth).
A cue for a source that is still moving glides from where it is, as in the daemon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np

from oscbridge.errors import ConfigError
from oscbridge.hrtf import Hrtf
from oscbridge.motion import Trajectory
from oscbridge.params import Motion, SpatialParams
from oscbridge.render import CHANNELS, REVERB_LENGTH_S, Engine, FilterDesigner, Scene, Voice, reverb_ir

OFFLINE_BLOCK = 2048
GLIDE_S = 0.1


@dataclass(frozen=True)
class TimedCue:
    """A cue at a time of the render: where ``source`` goes, and how it moves from there."""

    time_s: float
    source: int  # 1-based
    params: SpatialParams
    motion: Motion | None = None


def read_audio(path: str | Path, fs: int) -> np.ndarray:
    """A mono float32 signal at ``fs`` (channels averaged, resampled). ConfigError if unreadable."""
    import soundfile as sf
    from scipy.signal import resample_poly

    try:
        data, file_fs = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as e:
        raise ConfigError(f"--input {path}: cannot read audio ({str(e).splitlines()[0]})") from None
    mono = data.mean(axis=1)
    if file_fs != fs:
        ratio = Fraction(fs, int(file_fs)).limit_denominator(1000)
        mono = resample_poly(mono, ratio.numerator, ratio.denominator).astype(np.float32)
    return mono


def write_audio(path: str | Path, audio: np.ndarray, fs: int, subtype: str = "PCM_24") -> None:
    import soundfile as sf

    try:
        sf.write(str(path), audio, fs, subtype=subtype)
    except (sf.LibsndfileError, RuntimeError, OSError, ValueError) as e:
        raise ConfigError(f"--output {path}: cannot write ({str(e).splitlines()[0]})") from None


class _SourceState:
    def __init__(self) -> None:
        self.params: SpatialParams | None = None
        self.trajectory: Trajectory | None = None

    def at(self, t: float) -> SpatialParams | None:
        if self.trajectory is not None:
            if self.trajectory.finished(t):
                self.params = self.trajectory.at(t)
                self.trajectory = None
                return self.params
            return self.trajectory.at(t)
        return self.params

    def cue(self, c: TimedCue) -> None:
        current = self.at(c.time_s)
        if c.motion is None:
            self.params, self.trajectory = c.params, None
            return
        gliding = current is not None and self.trajectory is not None
        self.trajectory = Trajectory(c.params, c.motion, c.time_s, current if gliding else None,
                                     GLIDE_S if gliding else 0.0)
        self.params = c.params


def output_frames(inputs: dict[int, np.ndarray], fs: int, length_s: float | None, reverb: bool) -> int:
    """The render's length: ``length_s``, or the longest input plus the reverb tail."""
    if length_s is not None:
        return int(round(length_s * fs))
    return max(len(x) for x in inputs.values()) + (int(REVERB_LENGTH_S * fs) if reverb else 0)


def render(
    inputs: dict[int, np.ndarray],
    cues: list[TimedCue],
    fmt: str = "binaural",
    fs: int = 48000,
    hrtf: Hrtf | None = None,
    length_s: float | None = None,
    master_gain_db: float = 0.0,
    reverb: bool = True,
    block: int = OFFLINE_BLOCK,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Render ``inputs`` (1-based source -> mono signal at fs) placed by ``cues``; returns frames x channels.

    The length is the longest input plus the reverb tail, or ``length_s`` when given.
    ``progress(frames)`` is called after every block.
    """
    if not inputs:
        raise ConfigError("nothing to render: no input signal")
    sources = sorted(inputs)
    slot = {s: i for i, s in enumerate(sources)}
    for c in cues:
        if c.source not in slot:
            raise ConfigError(f"cue at {c.time_s:g} s is for source {c.source}, which has no --input")
    if fmt == "binaural" and hrtf is None:
        hrtf = Hrtf.load(fs=fs)
    engine = Engine(CHANNELS[fmt], block, len(sources), reverb_ir(fmt, fs) if reverb else None)
    designer = FilterDesigner(fmt, fs, engine.nfft, hrtf, master_gain_db)
    total = output_frames(inputs, fs, length_s, reverb)
    n_blocks = max(1, math.ceil(total / block))
    out = np.zeros((n_blocks * block, CHANNELS[fmt]), np.float32)
    pending = sorted(cues, key=lambda c: c.time_s)
    states = {s: _SourceState() for s in sources}
    designed: dict[int, tuple[SpatialParams, Voice]] = {}
    ci = 0
    for b in range(n_blocks):
        t0 = b * block / fs
        t_mid = (b + 0.5) * block / fs
        while ci < len(pending) and pending[ci].time_s < t0 + block / fs:
            states[pending[ci].source].cue(pending[ci])
            ci += 1
        voices: list[Voice | None] = []
        for s in sources:
            p = states[s].at(t_mid)
            if p is None:
                voices.append(None)
                continue
            prev = designed.get(s)
            if prev is None or prev[0] != p:
                h, send = designer.design(p)
                prev = (p, Voice(h, send))
                designed[s] = prev
            voices.append(prev[1])
        engine.set_scene(Scene(tuple(voices)))
        engine.inputs.fill(0.0)
        for s in sources:
            x = inputs[s]
            a = b * block
            if a < len(x):
                chunk = x[a : a + block]
                engine.inputs[slot[s], : len(chunk)] = chunk
        engine.process(out[b * block : (b + 1) * block])
        if progress is not None:
            progress(block)
    return out[:total]


def render_file(
    inputs: dict[int, str | Path],
    cues: list[TimedCue],
    output: str | Path,
    fmt: str = "binaural",
    fs: int = 48000,
    hrtf_path: str | Path | None = None,
    master_gain_db: float = 0.0,
    length_s: float | None = None,
    show_progress: bool | None = None,
) -> dict[str, float]:
    """Read the inputs, render, write ``output``. Returns a summary (seconds, peak dBFS, speed)."""
    import time

    from tqdm import tqdm

    signals = {s: read_audio(p, fs) for s, p in inputs.items()}
    hrtf = Hrtf.load(hrtf_path, fs) if fmt == "binaural" else None
    frames = output_frames(signals, fs, length_s, reverb=True)
    # a bar for long files only, on a terminal (disable=None: tqdm turns itself off when not a TTY)
    long_file = frames > 20 * fs
    bar = tqdm(total=frames, unit="frame", unit_scale=True, desc="render", leave=False,
               disable=(None if show_progress is None else not show_progress) if long_file or show_progress else True)
    t = time.perf_counter()
    try:
        audio = render(signals, cues, fmt, fs, hrtf, length_s, master_gain_db,
                       progress=lambda n: bar.update(min(n, frames - bar.n)))
    finally:
        bar.close()
    elapsed = time.perf_counter() - t
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    write_audio(output, audio, fs)
    seconds = len(audio) / fs
    return {
        "seconds": seconds,
        "channels": audio.shape[1],
        "peak_dbfs": 20 * math.log10(peak) if peak > 0 else -math.inf,
        "render_s": elapsed,
        "realtime_factor": seconds / elapsed if elapsed > 0 else math.inf,
    }


def binaural_render_fn(hrtf: Hrtf, reverb: bool = False) -> Callable[[np.ndarray, float, float], np.ndarray]:
    """The renderer as ``oscbridge.localize.closed_loop`` takes it: (mono, azimuth, elevation) -> 2 x n.

    A static point source at 1 m, dry unless ``reverb`` (wet 0.2, DRR 6 dB: the defaults).
    """
    from oscbridge.params import wrap_azimuth

    def render_fn(x: np.ndarray, azimuth_deg: float, elevation_deg: float) -> np.ndarray:
        p = SpatialParams(azimuth_deg=wrap_azimuth(azimuth_deg), elevation_deg=elevation_deg, distance_m=1.0,
                          wet=0.2 if reverb else 0.0)
        y = render({1: np.asarray(x, np.float32)}, [TimedCue(0.0, 1, p)], "binaural", hrtf.fs, hrtf,
                   length_s=len(x) / hrtf.fs, reverb=reverb)
        return y.T

    return render_fn

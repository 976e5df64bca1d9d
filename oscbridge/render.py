"""Rendering: every parameter of the canonical frame made audible, block by block.

One engine serves the offline renderer (``oscbridge render``, large blocks) and the real-time
monitor (``serve --monitor``, 256-frame blocks). Per source the whole direct path is one filter
per output channel, designed off the audio thread by ``FilterDesigner``:

    H[ch](f) = g_direct * air(f, distance) * sum_i  D_i(f) * P_i[ch](f) / sqrt(n)

    P_i      the panner of virtual source i: an interpolated HRTF pair (binaural), a sine/cosine
             panning law (stereo) or the first-order SN3D encoding gains, ACN order W Y Z X (foa)
    D_i      a short decorrelation filter per virtual source; with a spread the source becomes
             n virtual sources over the arc (point sources use one, undecorrelated)
    air      air absorption, about ISO 9613-1 at 20 C / 50 % RH: a(f) = 1e-9 f^2 + 5e-6 f dB/m
    g_direct distance law (1 m reference, 1/r, at most +12 dB) x gain_db x sqrt(1 - wet)

Reverb: every source feeds one shared reverb bus with send = distance law x gain_db x sqrt(wet)
x 10^(-drr_db / 20); the bus is convolved with a synthetic decorrelated tail (binaural: two
ears; foa: a diffuse first-order field) of unit energy per channel. The rendered
direct-to-reverberant ratio is then drr_db + 10 log10((1 - wet) / wet): exactly drr_db at
wet = 0.5, dry only at wet = 0, reverb only at wet = 1.

The engine (``Engine.process``) filters with overlap-save FFT convolution, all voices in one
batched FFT. A changed filter (a new cue, a motion tick) is crossfaded over one block from the
old filter's output to the new one's, and reverb sends ramp linearly over the block: no zipper
noise, no clicks. ``process`` runs on preallocated buffers only: it allocates no arrays and
keeps nothing (tests/test_render.py proves it with tracemalloc); the scene reaches it as an
immutable ``Scene`` snapshot, swapped in whole by the thread that designs the filters.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.fft import _pocketfft_umath as _pfu  # the gufuncs behind np.fft, called with preallocated outputs

from oscbridge.hrtf import ALIGN_PRE, Hrtf
from oscbridge.params import SpatialParams

FORMATS = ("binaural", "stereo", "foa")
CHANNELS = {"binaural": 2, "stereo": 2, "foa": 4}
REF_DISTANCE_M = 1.0
MAX_DISTANCE_GAIN = 4.0     # +12 dB: closer than 0.25 m is not louder
MAX_SEND_GAIN = 4.0
POINT_SPREAD_DEG = 3.0      # below this a source is one point
N_VIRTUAL = 5               # virtual sources of a spread source
DECOR_TAPS = 96
MAX_FILTER_TAPS = 768       # designed filters fit in this many taps (HRIR + onset delay + decorrelator)
REVERB_RT60_S = 0.7
REVERB_LENGTH_S = 0.6
REVERB_PREDELAY_S = 0.008


@functools.cache
def _single_threaded_blas() -> None:
    """The engine's BLAS calls are tiny (a voice sum, a reverb partition sum): on OpenBLAS's thread
    pool they wait for worker threads, and on a busy 2-core machine a 0.2 ms block took 28 ms at
    p99 (measured). One thread, process-wide: oscbridge uses numpy's BLAS nowhere else (torch
    has its own thread pool)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def nfft_for(block: int) -> int:
    return 1 << int(math.ceil(math.log2(block + MAX_FILTER_TAPS - 1)))


def air_absorption_db_per_m(freqs_hz: np.ndarray) -> np.ndarray:
    return 1e-9 * freqs_hz**2 + 5e-6 * freqs_hz


def distance_gain(distance_m: float) -> float:
    return min(MAX_DISTANCE_GAIN, REF_DISTANCE_M / max(distance_m, 1e-3))


def stereo_gains(azimuth_deg: float, elevation_deg: float) -> tuple[float, float]:
    """Constant-power sine/cosine law over the lateral position (a source behind pans like its mirror in front)."""
    p = math.sin(math.radians(azimuth_deg)) * math.cos(math.radians(elevation_deg))  # +1 = left
    theta = (1.0 - p) * math.pi / 4.0
    return math.cos(theta), math.sin(theta)


def foa_gains(azimuth_deg: float, elevation_deg: float) -> tuple[float, float, float, float]:
    """First-order ambisonics, AmbiX: ACN order (W, Y, Z, X), SN3D normalisation."""
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    return 1.0, math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el)


def _decorrelators(n: int, taps: int, seed: int) -> np.ndarray:
    """n short FIRs of unit energy: #0 a unit impulse, the others random-phase, near-flat, decaying."""
    rng = np.random.default_rng(seed)
    out = np.zeros((n, taps))
    out[0, 0] = 1.0
    env = np.exp(-np.arange(taps) / (taps / 5.0))
    for i in range(1, n):
        spec = np.exp(2j * np.pi * rng.random(taps // 2 + 1))
        spec[0] = 1.0
        spec[-1] = 1.0
        h = np.fft.irfft(spec, taps) * env
        out[i] = h / np.sqrt(np.sum(h**2))
    return out


def reverb_ir(fmt: str, fs: int, rt60_s: float = REVERB_RT60_S, length_s: float = REVERB_LENGTH_S,
              seed: int = 7) -> np.ndarray:
    """A synthetic diffuse tail (channels x taps), unit energy per ear (binaural/stereo) or in W (foa).

    Exponentially decaying noise in two bands, the highs dying twice as fast (air and walls absorb
    them), with a pre-delay and a 20 ms build-up; independent noise per channel (diffuse).
    """
    from scipy.signal import butter, sosfilt

    n = int(fs * length_s)
    t = np.arange(n) / fs
    rng = np.random.default_rng(seed)
    chans = CHANNELS[fmt]
    noise = rng.standard_normal((chans, n))
    lo = sosfilt(butter(2, 2000.0, "low", fs=fs, output="sos"), noise, axis=-1)
    hi = noise - lo
    ir = lo * np.exp(-6.91 * t / rt60_s) + hi * np.exp(-6.91 * t / (rt60_s / 2.0))
    pre = int(REVERB_PREDELAY_S * fs)
    ramp = np.clip((t - REVERB_PREDELAY_S) / 0.02, 0.0, 1.0)
    ir *= ramp
    ir[:, :pre] = 0.0
    ir[:, -int(0.05 * fs):] *= np.linspace(1.0, 0.0, int(0.05 * fs))  # no step at the end of the tail
    ir /= np.sqrt(np.sum(ir**2, axis=-1, keepdims=True))
    if fmt == "foa":
        ir[1:] /= np.sqrt(3.0)  # a diffuse field in SN3D: each first-order component has a third of W's energy
    return ir.astype(np.float32)


class FilterDesigner:
    """Designs the per-source direct-path filters (channels x bins) for one format and FFT size."""

    def __init__(self, fmt: str, fs: int, nfft: int, hrtf: Hrtf | None = None, master_gain_db: float = 0.0,
                 seed: int = 1):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
        if fmt == "binaural" and hrtf is None:
            raise ValueError("the binaural format needs an HRTF set")
        if hrtf is not None and hrtf.fs != fs:
            raise ValueError(f"HRTF prepared for {hrtf.fs} Hz, engine runs at {fs} Hz")
        self.fmt, self.fs, self.nfft, self.hrtf = fmt, fs, nfft, hrtf
        self.channels = CHANNELS[fmt]
        self.bins = nfft // 2 + 1
        self.master = 10.0 ** (master_gain_db / 20.0)
        freqs = np.arange(self.bins) * fs / nfft
        self._air_db = air_absorption_db_per_m(freqs)
        self._decor = np.fft.rfft(_decorrelators(N_VIRTUAL, DECOR_TAPS, seed), nfft, axis=-1).astype(np.complex64)
        # the non-HRTF panners are zero-phase gains: delay them as much as the HRTF's aligned onset,
        # so the air-absorption filter has room before its centre
        k = np.arange(self.bins)
        self._pre = np.exp(-2j * np.pi * k * ALIGN_PRE / nfft)
        if hrtf is not None and hrtf.taps + hrtf.max_delay + DECOR_TAPS > MAX_FILTER_TAPS:
            raise ValueError(f"HRTF {hrtf.name}: responses too long for the engine ({hrtf.taps} taps)")

    def virtual_sources(self, p: SpatialParams) -> list[tuple[float, float]]:
        if p.spread_deg < POINT_SPREAD_DEG:
            return [(p.azimuth_deg, p.elevation_deg)]
        n = N_VIRTUAL
        if p.spread_deg >= 360.0 - 360.0 / n:
            offsets = [360.0 * i / n for i in range(n)]
        else:
            offsets = [p.spread_deg * (i / (n - 1) - 0.5) for i in range(n)]
        return [(p.azimuth_deg + o, p.elevation_deg) for o in offsets]

    def gains(self, p: SpatialParams) -> tuple[float, float]:
        """(direct gain, reverb send gain), master gain included."""
        level = distance_gain(p.distance_m) * 10.0 ** (p.gain_db / 20.0) * self.master
        direct = level * math.sqrt(1.0 - p.wet)
        send = min(MAX_SEND_GAIN, level * math.sqrt(p.wet) * 10.0 ** (-p.drr_db / 20.0))
        return direct, send

    def design(self, p: SpatialParams) -> tuple[np.ndarray, float]:
        """The direct-path filter (channels x bins, complex64, read-only) and the reverb send gain."""
        direct, send = self.gains(p)
        vs = self.virtual_sources(p)
        coeffs = self._decor[: len(vs)] if len(vs) > 1 else None
        if self.fmt == "binaural":
            az = np.array([a for a, _ in vs])
            el = np.array([e for _, e in vs])
            h = self.hrtf.mix(az, el, self.nfft, coeffs)
        else:
            pan = stereo_gains if self.fmt == "stereo" else foa_gains
            g = np.array([pan(a, e) for a, e in vs])  # n x channels
            if coeffs is None:
                h = g.sum(axis=0)[:, None] * self._pre
            else:
                h = (g.T @ coeffs) * self._pre
        h *= direct / math.sqrt(len(vs)) * 10.0 ** (-self._air_db * p.distance_m / 20.0)
        out = h.astype(np.complex64)
        out.flags.writeable = False
        return out, send


@dataclass(frozen=True)
class Voice:
    """One source's state as the audio thread sees it. ``filter`` is replaced, never changed."""

    filter: np.ndarray  # channels x bins complex64, read-only
    send: float


@dataclass(frozen=True)
class Scene:
    """An immutable snapshot of every voice (None = silent), swapped in whole."""

    voices: tuple[Voice | None, ...]


class Engine:
    """Overlap-save FFT convolution of up to ``voices`` sources into ``channels`` outputs, plus reverb.

    Per block: the caller fills ``inputs`` (voices x block, float32) and calls ``process(out)``.
    """

    def __init__(self, channels: int, block: int, voices: int, reverb: np.ndarray | None = None):
        _single_threaded_blas()
        self.channels, self.block, self.n_voices = channels, block, voices
        self.nfft = nfft = nfft_for(block)
        self.bins = bins = nfft // 2 + 1
        B, C, V, K, N = block, channels, voices, bins, nfft
        f32, c64 = np.float32, np.complex64
        self.inputs = np.zeros((V, B), f32)
        self._hist = [np.zeros((V, N), f32), np.zeros((V, N), f32)]
        self._which = 0
        self._shift_src = [h[:, B:] for h in self._hist]
        self._shift_dst = [h[:, : N - B] for h in self._hist]
        self._tail = [h[:, N - B :] for h in self._hist]
        self._X = np.zeros((V, K), c64)
        self._Xrep = np.zeros((V, C, K), c64)
        self._Xb = self._X[:, None, :]
        self._Hcur = np.zeros((V, C, K), c64)
        self._Hnew = np.zeros((V, C, K), c64)
        self._Hcur_v = [self._Hcur[v] for v in range(V)]
        self._Hnew_v = [self._Hnew[v] for v in range(V)]
        self._P = np.zeros((V, C, K), c64)
        self._P2 = self._P.reshape(V, C * K)
        self._wsteady = np.zeros((1, V), c64)
        self._wchange = np.zeros((1, V), c64)
        self._Y = np.zeros((3, C, K), c64)  # steady, old, new
        self._Y2 = [self._Y[i].reshape(1, C * K) for i in range(3)]
        self._y = np.zeros((3, C, N), f32)
        self._Yflat, self._yflat = self._Y.reshape(3 * C, K), self._y.reshape(3 * C, N)  # 2-D: a smaller gufunc iterator
        self._Yfade, self._yfade = self._Yflat[C:], self._yflat[C:]  # old and new only
        self._ytail = [[self._y[i, c, N - B :] for c in range(C)] for i in range(3)]
        n = np.arange(B, dtype=np.float64)
        fade_in = np.sin(0.5 * np.pi * (n + 0.5) / B) ** 2
        self._fade_in = fade_in.astype(f32)
        self._fade_out = (1.0 - fade_in).astype(f32)
        self._tmp = np.zeros(B, f32)
        self._acc = np.zeros((C, B), f32)
        self._acc_c = [self._acc[c] for c in range(C)]
        self._accT = self._acc.T
        self._fct = np.array(1.0, f32)
        self._ifct = np.array(1.0 / N, f32)
        self._cur: list[np.ndarray | None] = [None] * V
        self._scene = Scene((None,) * V)
        # reverb sends: ramped from the previous block's gains to this block's
        self._g_prev = np.zeros((1, V), f32)
        self._g_cur = np.zeros((1, V), f32)
        self._g_delta = np.zeros((1, V), f32)
        self._send = np.zeros((1, B), f32)
        self._send_ramp = np.zeros((1, B), f32)
        self._ramp = (np.arange(1, B + 1, dtype=f32) / B).reshape(1, B)
        self._flags = [False] * V
        self._reverb = reverb is not None
        if reverb is not None:
            self._init_reverb(reverb)
        # counters live in arrays, updated in place (a Python int above 256 would be a new object)
        self._counts = np.zeros(2, np.int64)  # blocks, filter changes
        self._one = np.ones(1, np.int64)
        self._blocks_c, self._changes_c = self._counts[0:1], self._counts[1:2]

    @property
    def blocks(self) -> int:
        return int(self._counts[0])

    @property
    def filter_changes(self) -> int:
        return int(self._counts[1])

    # ------------------------------------------------------------------ reverb (uniformly partitioned)

    def _init_reverb(self, ir: np.ndarray) -> None:
        B, C = self.block, self.channels
        if ir.shape[0] != C:
            raise ValueError(f"reverb has {ir.shape[0]} channels, engine {C}")
        parts = int(math.ceil(ir.shape[1] / B))
        padded = np.zeros((C, parts * B), np.float32)
        padded[:, : ir.shape[1]] = ir
        blocks = padded.reshape(C, parts, B)
        H = np.fft.rfft(blocks, 2 * B, axis=-1).astype(np.complex64)  # C x parts x (B+1)
        self._rparts = parts
        self._rH = [np.ascontiguousarray(H[c, ::-1]) for c in range(C)]  # oldest partition first
        K2 = B + 1
        self._rin = np.zeros(2 * B, np.float32)
        self._rin_old, self._rin_new = self._rin[:B], self._rin[B:]
        self._rX = np.zeros(K2, np.complex64)
        self._rring = np.zeros((2 * parts, K2), np.complex64)
        # the window of the last `parts` spectra, oldest first, is a contiguous slice for every write slot
        self._rwin = [self._rring[w + 1 : w + 1 + parts] for w in range(parts)]
        self._rslot = [(self._rring[w], self._rring[w + parts]) for w in range(parts)]
        self._rw = 0
        self._rprod = np.zeros((parts, K2), np.complex64)
        self._rones = np.ones((1, parts), np.complex64)
        self._rY = np.zeros((C, K2), np.complex64)
        self._rY_c = [self._rY[c : c + 1] for c in range(C)]
        self._ry = np.zeros((C, 2 * B), np.float32)
        self._ry_tail = [self._ry[c, B:] for c in range(C)]
        self._rfct = np.array(1.0, np.float32)
        self._rifct = np.array(1.0 / (2 * B), np.float32)

    def _process_reverb(self) -> None:
        np.copyto(self._rin_old, self._rin_new)
        np.copyto(self._rin_new, self._send[0])
        _pfu.rfft_n_even(self._rin, self._rfct, self._rX)
        w = self._rw
        a, b = self._rslot[w]
        np.copyto(a, self._rX)
        np.copyto(b, self._rX)
        win = self._rwin[w]
        c = 0
        while c < self.channels:
            np.multiply(win, self._rH[c], self._rprod)
            np.dot(self._rones, self._rprod, out=self._rY_c[c])
            c += 1
        _pfu.irfft(self._rY, self._rifct, self._ry)
        c = 0
        while c < self.channels:
            np.add(self._acc_c[c], self._ry_tail[c], self._acc_c[c])
            c += 1
        w += 1
        self._rw = w if w < self._rparts else 0

    # ------------------------------------------------------------------ the scene

    @property
    def scene(self) -> Scene:
        return self._scene

    def set_scene(self, scene: Scene) -> None:
        """Swap in a new snapshot (from any thread; a reference assignment, atomic)."""
        if len(scene.voices) != self.n_voices:
            raise ValueError(f"scene has {len(scene.voices)} voices, engine {self.n_voices}")
        self._scene = scene

    # ------------------------------------------------------------------ the block

    def process(self, out: np.ndarray) -> None:
        """Render one block into ``out`` (block x channels, float32) from ``self.inputs``.

        Runs on preallocated buffers only; safe to call from an audio callback.
        """
        scene = self._scene
        voices = scene.voices
        nxt = 1 - self._which
        np.copyto(self._shift_dst[nxt], self._shift_src[self._which])
        np.copyto(self._tail[nxt], self.inputs)
        self._which = nxt
        _pfu.rfft_n_even(self._hist[nxt], self._fct, self._X)
        np.copyto(self._Xrep, self._Xb)

        changed = 0
        steady = 0  # steady voices that sound
        v = 0
        n = self.n_voices
        wsteady, wchange, gcur = self._wsteady[0], self._wchange[0], self._g_cur[0]
        while v < n:
            voice = voices[v]
            f = voice.filter if voice is not None else None
            if f is not self._cur[v]:
                if f is None:
                    self._Hnew_v[v].fill(0)
                else:
                    np.copyto(self._Hnew_v[v], f)
                self._cur[v] = f
                wsteady[v] = 0
                wchange[v] = 1
                self._flags[v] = True
                changed += 1
            else:
                wsteady[v] = 1
                wchange[v] = 0
                self._flags[v] = False
                if f is not None:
                    steady += 1
            gcur[v] = voice.send if voice is not None else 0.0
            v += 1

        # steady voices: one product, summed over voices by a matrix product (no temporaries)
        np.multiply(self._Xrep, self._Hcur, self._P)
        np.dot(self._wsteady, self._P2, out=self._Y2[0])
        if changed:
            np.dot(self._wchange, self._P2, out=self._Y2[1])
            np.multiply(self._Xrep, self._Hnew, self._P)
            np.dot(self._wchange, self._P2, out=self._Y2[2])
            if steady:
                _pfu.irfft(self._Yflat, self._ifct, self._yflat)
            else:  # nothing steady sounds (one moving source, offline): two transforms, not three
                _pfu.irfft(self._Yfade, self._ifct, self._yfade)
        else:
            _pfu.irfft(self._Y[0], self._ifct, self._y[0])
        c = 0
        while c < self.channels:
            acc = self._acc_c[c]
            if steady or not changed:
                np.copyto(acc, self._ytail[0][c])
            else:
                acc.fill(0.0)
            if changed:
                np.multiply(self._ytail[1][c], self._fade_out, self._tmp)
                np.add(acc, self._tmp, acc)
                np.multiply(self._ytail[2][c], self._fade_in, self._tmp)
                np.add(acc, self._tmp, acc)
            c += 1
        if changed:
            # the new filters become current (only the changed voices differ)
            v = 0
            while v < n:
                if self._flags[v]:
                    np.copyto(self._Hcur_v[v], self._Hnew_v[v])
                    np.add(self._changes_c, self._one, self._changes_c)
                v += 1

        if self._reverb:
            np.subtract(self._g_cur, self._g_prev, self._g_delta)
            np.dot(self._g_prev, self.inputs, out=self._send)
            np.dot(self._g_delta, self.inputs, out=self._send_ramp)
            np.multiply(self._send_ramp, self._ramp, self._send_ramp)
            np.add(self._send, self._send_ramp, self._send)
            np.copyto(self._g_prev, self._g_cur)
            self._process_reverb()
        np.copyto(out, self._accT)
        np.add(self._blocks_c, self._one, self._blocks_c)


@dataclass
class SceneBuilder:
    """Designs filters for voices and publishes each change to an engine as a new snapshot.

    Used from one thread at a time (the monitor holds a lock around it).
    """

    designer: FilterDesigner
    engine: Engine

    def update(self, voice: int, p: SpatialParams) -> None:
        self.update_many({voice: p})

    def update_many(self, updates: dict[int, SpatialParams]) -> None:
        voices = list(self.engine.scene.voices)
        for v, p in updates.items():
            if not 0 <= v < self.engine.n_voices:
                raise ValueError(f"voice {v} outside 0..{self.engine.n_voices - 1}")
            h, send = self.designer.design(p)
            voices[v] = Voice(h, send)
        self.engine.set_scene(Scene(tuple(voices)))

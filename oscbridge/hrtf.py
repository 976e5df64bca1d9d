"""HRTF sets: SOFA files read with h5py, resampled, split into onset delay and aligned response.

A direction between the measured points is the inverse-distance-weighted mix of the three
nearest measured directions. Mixing raw impulse responses whose onsets differ would comb-filter,
so each response is split at load into its onset delay (fractional, found on a 4x oversampled
copy) and a time-aligned response; the aligned responses are mixed and the interpolated delay
is applied exactly, as a phase ramp, when the filter's spectrum is built. Below the lowest
measured elevation a direction is clamped to it. See hrtf/README.md for the shipped set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from oscbridge.errors import ConfigError

HRTF_DIR = Path(__file__).resolve().parent.parent / "hrtf"
DEFAULT_HRTF = HRTF_DIR / "MIT_KEMAR_normal_pinna.sofa"

ALIGN_PRE = 8          # samples kept before every aligned onset
MAX_TAPS = 512         # aligned responses are cut (with a fade) to this many taps at the output rate
FADE_TAPS = 64
ONSET_THRESHOLD = 0.2  # onset = first sample reaching this fraction of the response's peak
NEIGHBOURS = 3
FRACTIONS = 64         # onset delays are applied in steps of 1/64 sample


def _unit_vectors(az_deg: np.ndarray, el_deg: np.ndarray) -> np.ndarray:
    az, el = np.radians(az_deg), np.radians(el_deg)
    return np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1)


def _read_sofa(path: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """(IR M x 2 x N, source positions M x 3 (az, el, r), sample rate). ConfigError if unreadable."""
    import h5py

    if not path.is_file():
        raise ConfigError(f"--hrtf {path}: no such file")
    try:
        with h5py.File(path, "r") as f:
            ir = np.asarray(f["Data.IR"][()], dtype=np.float64)
            pos = np.asarray(f["SourcePosition"][()], dtype=np.float64)
            fs = float(np.asarray(f["Data.SamplingRate"][()]).ravel()[0])
            ptype = f["SourcePosition"].attrs.get("Type", b"spherical")
    except (OSError, KeyError, ValueError, IndexError) as e:
        raise ConfigError(f"--hrtf {path}: not a readable SOFA HRIR file ({e})") from None
    if isinstance(ptype, bytes):
        ptype = ptype.decode(errors="replace")
    if str(ptype).lower().startswith("cartesian"):
        x, y, z = pos[:, 0], pos[:, 1], pos[:, 2]
        r = np.sqrt(x * x + y * y + z * z)
        pos = np.stack([np.degrees(np.arctan2(y, x)), np.degrees(np.arcsin(z / np.maximum(r, 1e-12))), r], axis=1)
    if ir.ndim != 3 or ir.shape[1] != 2 or pos.shape != (ir.shape[0], 3) or ir.shape[0] < 4:
        raise ConfigError(f"--hrtf {path}: expected Data.IR of M x 2 x N and SourcePosition M x 3, got {ir.shape} / {pos.shape}")
    if not (np.isfinite(ir).all() and np.isfinite(pos).all() and fs > 0):
        raise ConfigError(f"--hrtf {path}: non-finite values in the file")
    return ir, pos, fs


def _onsets(ir: np.ndarray, oversample: int = 4) -> np.ndarray:
    """Fractional onset (in samples) of every response: first crossing of ONSET_THRESHOLD x peak."""
    from scipy.signal import resample_poly

    up = np.abs(resample_poly(ir, oversample, 1, axis=-1))
    peak = up.max(axis=-1, keepdims=True)
    first = np.argmax(up >= ONSET_THRESHOLD * np.maximum(peak, 1e-12), axis=-1)
    return first / oversample


def _shift(x: np.ndarray, delay: np.ndarray, n: int) -> np.ndarray:
    """Delay each response (last axis) by a fractional number of samples (negative: advance)."""
    nfft = 1 << int(np.ceil(np.log2(x.shape[-1] + n + 1)))
    spec = np.fft.rfft(x, nfft, axis=-1)
    k = np.arange(nfft // 2 + 1)
    spec *= np.exp(-2j * np.pi * k * delay[..., None] / nfft)
    return np.fft.irfft(spec, nfft, axis=-1)[..., :n]


@dataclass(frozen=True)
class Hrtf:
    """An HRTF set at one sample rate, in the canonical frame (azimuth +90 = left)."""

    name: str
    fs: int
    azimuth_deg: np.ndarray    # M
    elevation_deg: np.ndarray  # M
    vectors: np.ndarray        # M x 3 unit vectors
    aligned: np.ndarray        # M x 2 x taps, float32, onset at ALIGN_PRE
    delay: np.ndarray          # M x 2 onset delay in samples beyond ALIGN_PRE (>= 0)
    min_elevation_deg: float
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def taps(self) -> int:
        return self.aligned.shape[-1]

    @property
    def max_delay(self) -> float:
        return float(self.delay.max())

    @classmethod
    def load(cls, path: str | Path | None = None, fs: int = 48000) -> "Hrtf":
        """Read a SOFA file (default: the shipped MIT KEMAR set) and prepare it for ``fs``."""
        from scipy.signal import resample_poly

        path = Path(path) if path is not None else DEFAULT_HRTF
        ir, pos, file_fs = _read_sofa(path)
        if round(file_fs) != fs:
            ratio = Fraction(int(fs), int(round(file_fs))).limit_denominator(1000)
            ir = resample_poly(ir, ratio.numerator, ratio.denominator, axis=-1)
        onset = _onsets(ir)
        # the earliest onset of the set stays where it is: only the spread between them is a delay
        base = max(0.0, float(onset.min()) - ALIGN_PRE)
        delay = onset - base - ALIGN_PRE
        taps = min(MAX_TAPS, ir.shape[-1])
        aligned = _shift(ir, -(delay + base), taps)
        fade = np.ones(taps)
        nf = min(FADE_TAPS, taps // 4)
        fade[taps - nf:] = 0.5 * (1 + np.cos(np.linspace(0, np.pi, nf)))
        aligned *= fade
        # 0 dB mean energy over all directions and both ears
        aligned /= np.sqrt(np.mean(np.sum(aligned**2, axis=-1)))
        az = np.mod(pos[:, 0] + 180.0, 360.0) - 180.0
        el = np.clip(pos[:, 1], -90.0, 90.0)
        return cls(
            name=path.name,
            fs=int(fs),
            azimuth_deg=az,
            elevation_deg=el,
            vectors=_unit_vectors(az, el),
            aligned=aligned.astype(np.float32),
            delay=np.maximum(delay, 0.0),
            min_elevation_deg=float(el.min()),
        )

    def neighbours_many(self, azimuth_deg: np.ndarray, elevation_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For n directions: indices (n x k) of the nearest measured directions and weights (n x k, rows sum to 1).

        Inverse-distance weights minus the weight the next-nearest point would have: a point's
        weight reaches zero just as it leaves the set, so the mix changes continuously as a
        source moves (plain k-nearest weights jump when the set of neighbours changes). Below
        the lowest measured elevation the direction is clamped to it.
        """
        el = np.maximum(np.asarray(elevation_deg, dtype=float), self.min_elevation_deg)
        v = _unit_vectors(np.asarray(azimuth_deg, dtype=float), el)  # n x 3
        cos = v @ self.vectors.T  # n x M
        k = NEIGHBOURS
        idx = np.argpartition(-cos, k + 1, axis=1)[:, : k + 1]
        c = np.take_along_axis(cos, idx, axis=1)
        order = np.argsort(-c, axis=1)
        idx, c = np.take_along_axis(idx, order, axis=1), np.take_along_axis(c, order, axis=1)
        ang = np.arccos(np.clip(c, -1.0, 1.0))
        with np.errstate(divide="ignore"):
            w = 1.0 / ang[:, :k] - 1.0 / ang[:, k:]
        exact = ang[:, 0] < 1e-6
        w[exact] = [1.0] + [0.0] * (k - 1)
        flat = ~exact & ~(w.sum(axis=1) > 0)  # the k + 1 nearest at one distance (a pole)
        w[flat] = 1.0
        return idx[:, :k], w / w.sum(axis=1, keepdims=True)

    def neighbours(self, azimuth_deg: float, elevation_deg: float) -> tuple[np.ndarray, np.ndarray]:
        """``neighbours_many`` for one direction (measured points with zero weight dropped)."""
        idx, w = self.neighbours_many(np.array([azimuth_deg]), np.array([elevation_deg]))
        keep = w[0] > 0
        return idx[0][keep], w[0][keep]

    def mix(self, azimuth_deg: np.ndarray, elevation_deg: np.ndarray, nfft: int,
            coefficients: np.ndarray | None = None) -> np.ndarray:
        """Sum over n directions of coefficient_i(f) x HRTF_i(f): 2 x bins (complex64).

        ``coefficients`` (n x bins, or None for ones) carries per-direction gains and filters,
        e.g. the decorrelators of a spread source. All directions are done in one vectorised pass;
        the onset delays are applied as phase ramps taken from tables (whole samples times
        1/FRACTIONS of a sample: at most 1/(2 FRACTIONS) sample off, 0.16 us at 48 kHz).
        """
        idx, w = self.neighbours_many(azimuth_deg, elevation_deg)  # n x k
        n, k = idx.shape
        table = self.aligned_spectra(nfft)  # M x 2 x bins
        bins = table.shape[-1]
        spec = np.matmul(w[:, None, :].astype(np.float32), table[idx].reshape(n, k, 2 * bins)).reshape(n, 2, bins)
        d = np.einsum("nk,nke->ne", w, self.delay[idx])  # n x 2, samples
        q = np.rint(d * FRACTIONS).astype(np.int64)
        whole, frac = np.divmod(q, FRACTIONS)
        spec *= self._cache[("whole", nfft)][whole]
        spec *= self._cache[("frac", nfft)][frac]
        if coefficients is not None:
            spec *= coefficients[:, None, :]
        return spec.sum(axis=0)

    def aligned_spectra(self, nfft: int) -> np.ndarray:
        """Spectra of every aligned response at this FFT size (M x 2 x bins), computed once."""
        cache = self._cache
        if nfft not in cache:
            cache[nfft] = np.fft.rfft(self.aligned, nfft, axis=-1).astype(np.complex64)
            omega = (-2j * np.pi / nfft) * np.arange(nfft // 2 + 1)
            whole = np.arange(int(np.ceil(self.max_delay)) + 2)
            cache[("whole", nfft)] = np.exp(np.outer(whole, omega)).astype(np.complex64)
            cache[("frac", nfft)] = np.exp(np.outer(np.arange(FRACTIONS) / FRACTIONS, omega)).astype(np.complex64)
        return cache[nfft]

    def spectrum(self, azimuth_deg: float, elevation_deg: float, nfft: int) -> np.ndarray:
        """The interpolated HRTF (2 x nfft/2+1, complex) with its onset delay applied."""
        return self.mix(np.array([azimuth_deg]), np.array([elevation_deg]), nfft)

    def impulse_response(self, azimuth_deg: float, elevation_deg: float) -> np.ndarray:
        """The interpolated impulse response pair (2 x n), delay included."""
        n = self.taps + int(np.ceil(self.max_delay)) + 1
        nfft = 1 << int(np.ceil(np.log2(2 * n)))
        return np.fft.irfft(self.spectrum(azimuth_deg, elevation_deg, nfft), nfft, axis=-1)[:, :n]

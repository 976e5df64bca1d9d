"""Closed-loop localisation check of a binaural renderer: render noise, estimate the lateral angle back.

This is the ITD check of the BEWO paper (GCC-PHAT between the ears) turned into angles: a
renderer is given white (or pink) noise at a grid of directions, the interaural time difference
(ITD, GCC-PHAT) and level difference (ILD) of its two output channels are measured, the ITD is
mapped to a lateral angle with a model of a rigid spherical head, and the estimate is compared
with the lateral angle the renderer was asked for.

Signs and frame (../shared/conventions.md §1):

    azimuth_deg    0 = front, +90 = LEFT, -90 = right, 180 = behind
    lateral angle  asin(sin(az) * cos(el)) in degrees, +90 = fully left; front and back share it
    itd_s          > 0 when the LEFT ear leads (the source is on the left)
    ild_db         > 0 when the LEFT ear is louder

The lateral model, and why it is HRTF-independent
-------------------------------------------------
The ITD is measured below 1.5 kHz (``ITD_BAND``), where the ears use the fine-structure ITD
(duplex theory) and where a head is well described by a rigid sphere. The ITD-to-angle table is
*computed*, not fitted: the exact plane-wave solution for a rigid sphere (Rayleigh; the series of
Duda & Martens 1998) gives both ears' transfer functions for every lateral angle, and the same
GCC-PHAT estimator, in the same band, reads the ITD off them. This is Woodworth's spherical head
with the frequency dependence Kuhn (1977) described: below ~500 Hz the sphere's ITD tends to
3a/c·sin(θ), at high frequencies to Woodworth's (a/c)(θ + sin θ); the band-limited GCC-PHAT
lands in between, and the table holds exactly what this estimator sees on a sphere.

Constants: head radius ``HEAD_RADIUS_M`` = 8.75 cm, the textbook value of Woodworth and of
Brown & Duda (1998), close to the mean adult radius Algazi et al. (2001) derived from CIPIC
head sizes; speed of sound ``SPEED_OF_SOUND_M_S`` = 343 m/s (air at 20 °C); ears at ±90°
on the sphere's equator (as the ReceiverPosition of both the MIT KEMAR and the AXD SOFA
files). Nothing is calibrated on any measured HRTF, so the cross-HRTF check stays honest.

ILD: a sphere's ILD is not monotonic in the lateral angle (the contralateral "bright spot"
makes it dip at 90°), and real heads' ILDs differ from a sphere's and from each other by
several dB (pinna, torso), so the ILD cannot refine the angle where the ITD flattens near ±90°.
It is used as a side guard: where the ITD and a clear ILD (at least ``ILD_GUARD_DB``) point to
opposite sides, the ITD peak is taken to be spurious and the side and a coarse angle come
from the ILD (the monotonic branch of the sphere's ILD in ``ILD_BAND``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import fft as sfft
from scipy.signal import fftconvolve, resample_poly
from scipy.special import eval_legendre, spherical_jn, spherical_yn

from .errors import ConfigError
from .params import wrap_azimuth

#: Rigid-sphere head radius in metres (Woodworth; Brown & Duda 1998).
HEAD_RADIUS_M = 0.0875
#: Speed of sound in air at 20 °C, m/s.
SPEED_OF_SOUND_M_S = 343.0
#: Band of the ITD measurement (Hz): fine-structure ITD, where a head is close to a sphere.
ITD_BAND: tuple[float, float] = (0.0, 1500.0)
#: Band of the ILD measurement (Hz): head shadow dominates above 1.5 kHz; the upper edge stays
#: below the pinna notches (6-10 kHz) that differ most between heads.
ILD_BAND: tuple[float, float] = (1500.0, 6000.0)
#: An ILD at least this large (dB) that contradicts the ITD's side overrules the ITD.
ILD_GUARD_DB = 6.0
#: Default search range of the ITD: a human head's ITD stays under ~0.8 ms.
MAX_ITD_S = 0.001
#: Default oversampling of the cross-correlation before the parabolic peak fit.
OVERSAMPLE = 4

#: render_fn(signal_mono, azimuth_deg, elevation_deg) -> (2, n) array, rows left and right.
RenderFn = Callable[[np.ndarray, float, float], np.ndarray]

# The sphere tables are computed on this grid; the band decides the result, not the rate.
_TABLE_FS = 48000.0
_TABLE_N = 4096
_TABLE_STEP_DEG = 0.25


# --------------------------------------------------------------------------------------------
# Estimators


def _as_pair(left: Any, right: Any) -> tuple[np.ndarray, np.ndarray]:
    l = np.asarray(left, dtype=float).ravel()
    r = np.asarray(right, dtype=float).ravel()
    if l.size == 0 or r.size == 0:
        raise ValueError("left and right must not be empty")
    if not (np.all(np.isfinite(l)) and np.all(np.isfinite(r))):
        raise ValueError("left and right must be finite")
    return l, r


def _band_mask(freqs: np.ndarray, band: tuple[float, float] | None) -> np.ndarray:
    if band is None:
        return np.ones(freqs.shape, dtype=bool)
    lo, hi = band
    if not 0.0 <= lo < hi:
        raise ValueError(f"band {band!r} must satisfy 0 <= low < high")
    return (freqs >= lo) & (freqs <= hi)


def _gcc_phat_spectra(
    spec_l: np.ndarray,
    spec_r: np.ndarray,
    n: int,
    fs: float,
    max_itd_s: float,
    band: tuple[float, float] | None,
    oversample: int,
) -> float:
    """GCC-PHAT on one-sided spectra of length n//2 + 1 (FFT size n); ITD in seconds, left leads > 0."""
    cross = spec_r * np.conj(spec_l)  # correlation peaks at +tau when the right ear lags
    mag = np.abs(cross)
    floor = mag.max() * 1e-12 if mag.size and mag.max() > 0 else 0.0
    keep = _band_mask(np.fft.rfftfreq(n, 1.0 / fs), band) & (mag > floor)
    if not np.any(keep):
        return 0.0  # silence (or nothing in band): no interaural delay to report
    phat = np.zeros_like(cross)
    phat[keep] = cross[keep] / mag[keep]
    m = n * oversample
    cc = sfft.irfft(phat, m)
    max_lag = min(math.floor(max_itd_s * fs * oversample), m // 2 - 1)
    window = np.concatenate([cc[m - max_lag :], cc[: max_lag + 1]])  # lags -max_lag .. +max_lag
    k = int(np.argmax(window))
    shift = 0.0
    if 0 < k < window.size - 1:
        y0, y1, y2 = window[k - 1], window[k], window[k + 1]
        denom = y0 - 2.0 * y1 + y2
        if denom < 0.0:
            shift = 0.5 * (y0 - y2) / denom
    lag = (k - max_lag + shift) / (fs * oversample)
    return float(np.clip(lag, -max_itd_s, max_itd_s))


def gcc_phat_itd(
    left: Any,
    right: Any,
    fs: float,
    max_itd_s: float = MAX_ITD_S,
    *,
    band: tuple[float, float] | None = ITD_BAND,
    oversample: int = OVERSAMPLE,
) -> float:
    """Interaural time difference by GCC-PHAT, in seconds; positive when the LEFT ear leads.

    The cross-power spectrum is whitened (phase transform), restricted to ``band`` (Hz; the
    default ``ITD_BAND`` is the band the lateral model expects, None = the whole band as in
    BEWO's GCC-PHAT), zero-padded ``oversample`` times, and its peak within
    ``|itd| <= max_itd_s`` is refined by a parabola through the peak and its two neighbours.
    Both signals are correlated linearly (no circular wrap). A silent pair gives 0.0.
    """
    sig_l, sig_r = _as_pair(left, right)
    if fs <= 0 or max_itd_s <= 0 or oversample < 1:
        raise ValueError("fs and max_itd_s must be positive and oversample >= 1")
    n = sfft.next_fast_len(sig_l.size + sig_r.size - 1, real=True)
    spec_l, spec_r = sfft.rfft(sig_l, n), sfft.rfft(sig_r, n)
    return _gcc_phat_spectra(spec_l, spec_r, n, float(fs), max_itd_s, band, oversample)


def ild_db(left: Any, right: Any, fs: float, band: tuple[float, float] = ILD_BAND) -> float:
    """Interaural level difference in dB over ``band`` (Hz); positive when the LEFT ear is louder.

    The default band, 1.5-6 kHz, is where head shadow makes the ILD a robust side cue and below
    the pinna notches that vary most between heads. Energies are floored at 1e-300 so a silent
    ear gives a large finite value; a pair silent in both ears gives 0.0.
    """
    sig_l, sig_r = _as_pair(left, right)
    if fs <= 0:
        raise ValueError("fs must be positive")
    n = max(sig_l.size, sig_r.size)
    mask = _band_mask(np.fft.rfftfreq(n, 1.0 / fs), band)
    e_l = float(np.sum(np.abs(sfft.rfft(sig_l, n)[mask]) ** 2))
    e_r = float(np.sum(np.abs(sfft.rfft(sig_r, n)[mask]) ** 2))
    if e_l == 0.0 and e_r == 0.0:
        return 0.0
    return 10.0 * math.log10(max(e_l, 1e-300) / max(e_r, 1e-300))


# --------------------------------------------------------------------------------------------
# The spherical-head model


def sphere_ear_response(
    freqs_hz: Any,
    incidence_deg: Any,
    head_radius_m: float = HEAD_RADIUS_M,
    speed_of_sound: float = SPEED_OF_SOUND_M_S,
) -> np.ndarray:
    """Pressure at a point on a rigid sphere for a unit plane wave, relative to the free field at its centre.

    ``incidence_deg`` (a number or an array of A angles) is the angle between the direction the
    sound comes from and the ear point (0 = the ear faces the source). Rayleigh's series (Duda &
    Martens 1998, far field) with the time convention exp(+iwt), so that a delay is a phase lag
    as in numpy's FFT. Returns shape (F,) for one angle, (A, F) for A angles; frequencies at or
    below 0 get the limit value 1.
    """
    f = np.asarray(freqs_hz, dtype=float).ravel()
    angles = np.atleast_1d(np.asarray(incidence_deg, dtype=float))
    out = np.ones((angles.size, f.size), dtype=complex)
    pos = f > 0
    if np.any(pos):
        ka = 2.0 * math.pi * f[pos] * head_radius_m / speed_of_sound
        orders = np.arange(math.ceil(ka.max()) + 30)
        # radial part, one row per order: (2m + 1) (-i)^m / h2_m'(ka)
        dh = spherical_jn(orders[:, None], ka, derivative=True) - 1j * spherical_yn(orders[:, None], ka, derivative=True)
        radial = (2 * orders[:, None] + 1) * (-1j) ** orders[:, None] / dh
        mu = -np.cos(np.radians(angles))  # the wave travels from the source, through the centre
        legendre = eval_legendre(orders[None, :], mu[:, None])  # (A, M)
        out[:, pos] = (legendre @ radial) / (1j * ka**2)
    return out[0] if np.ndim(incidence_deg) == 0 else out


def _sphere_pairs(lateral_deg: np.ndarray, freqs: np.ndarray, head_radius_m: float, speed_of_sound: float):
    # Ears at +-90 deg; a far source at lateral angle phi is 90 - phi from the left ear.
    left = sphere_ear_response(freqs, 90.0 - lateral_deg, head_radius_m, speed_of_sound)
    right = sphere_ear_response(freqs, 90.0 + lateral_deg, head_radius_m, speed_of_sound)
    return left, right


@lru_cache(maxsize=16)
def sphere_itd_table(
    band: tuple[float, float] | None = ITD_BAND,
    head_radius_m: float = HEAD_RADIUS_M,
    speed_of_sound: float = SPEED_OF_SOUND_M_S,
) -> tuple[np.ndarray, np.ndarray]:
    """(lateral_deg 0..90, itd_s) that ``gcc_phat_itd(..., band=band)`` reads on a rigid sphere.

    Computed once per argument set (a fraction of a second) and cached; monotonic by construction
    of the physics, enforced with a running maximum against numerical ties.
    """
    lat = np.arange(0.0, 90.0 + _TABLE_STEP_DEG / 2, _TABLE_STEP_DEG)
    freqs = np.fft.rfftfreq(_TABLE_N, 1.0 / _TABLE_FS)
    mask = _band_mask(freqs, band)
    spec_l = np.zeros((lat.size, freqs.size), dtype=complex)
    spec_r = np.zeros_like(spec_l)
    spec_l[:, mask], spec_r[:, mask] = _sphere_pairs(lat, freqs[mask], head_radius_m, speed_of_sound)
    itd = np.array([
        _gcc_phat_spectra(sl, sr, _TABLE_N, _TABLE_FS, MAX_ITD_S, band, 16) for sl, sr in zip(spec_l, spec_r)
    ])
    itd[0] = 0.0
    itd = np.maximum.accumulate(itd)
    lat.setflags(write=False)
    itd.setflags(write=False)
    return lat, itd


@lru_cache(maxsize=16)
def sphere_ild_table(
    band: tuple[float, float] = ILD_BAND,
    head_radius_m: float = HEAD_RADIUS_M,
    speed_of_sound: float = SPEED_OF_SOUND_M_S,
) -> tuple[np.ndarray, np.ndarray]:
    """(lateral_deg, ild_db) of a rigid sphere over ``band``, on its monotonic branch only.

    A sphere's ILD rises with the lateral angle to a maximum (near 70° for 1.5-6 kHz) and then
    falls (the bright spot); only the rising part, 0 up to the maximum, is returned.
    """
    lat = np.arange(0.0, 90.0 + _TABLE_STEP_DEG / 2, _TABLE_STEP_DEG)
    freqs = np.fft.rfftfreq(_TABLE_N, 1.0 / _TABLE_FS)
    spec_l, spec_r = _sphere_pairs(lat, freqs[_band_mask(freqs, band)], head_radius_m, speed_of_sound)
    ild = 10.0 * np.log10(np.sum(np.abs(spec_l) ** 2, axis=1) / np.sum(np.abs(spec_r) ** 2, axis=1))
    top = int(np.argmax(ild)) + 1
    lat, ild = lat[:top].copy(), np.maximum.accumulate(ild[:top])
    lat.setflags(write=False)
    ild.setflags(write=False)
    return lat, ild


def lateral_from_itd_ild(
    itd_s: float,
    ild_db: float | None = None,
    *,
    band: tuple[float, float] | None = ITD_BAND,
    head_radius_m: float = HEAD_RADIUS_M,
    speed_of_sound: float = SPEED_OF_SOUND_M_S,
    ild_guard_db: float = ILD_GUARD_DB,
) -> float:
    """Lateral angle in degrees (+90 = fully left) from an ITD measured in ``band`` and an optional ILD.

    The ITD is inverted on the rigid-sphere table (``sphere_itd_table``): odd in the ITD,
    monotonic, and +-90 for ITDs at or beyond the sphere's largest (the ITD flattens there, so
    an over-large measured ITD means "fully to that side"). When the ILD (measured with
    ``ild_db`` in ``ILD_BAND``) is at least ``ild_guard_db`` and points to the other side than
    the ITD, the ITD is taken to be a spurious peak and the angle comes from the sphere's ILD
    instead (coarse: the monotonic branch of ``sphere_ild_table``).
    """
    itd = float(itd_s)
    if not math.isfinite(itd):
        raise ValueError(f"itd_s must be finite, got {itd}")
    lat_tab, itd_tab = sphere_itd_table(None if band is None else tuple(band), head_radius_m, speed_of_sound)
    lateral = math.copysign(float(np.interp(abs(itd), itd_tab, lat_tab)), itd)
    clear_ild = ild_db is not None and math.isfinite(ild_db) and abs(ild_db) >= ild_guard_db
    if clear_ild and (lateral * ild_db < 0.0 or itd == 0.0):
        ild_lat, ild_tab = sphere_ild_table(ILD_BAND, head_radius_m, speed_of_sound)
        lateral = math.copysign(float(np.interp(abs(ild_db), ild_tab, ild_lat)), ild_db)
    return lateral + 0.0


def localize_pair(
    left: Any, right: Any, fs: float, *, itd_band: tuple[float, float] | None = ITD_BAND
) -> tuple[float, float, float]:
    """(itd_s, ild_db, lateral_deg) of a binaural pair: GCC-PHAT ITD, ILD, and the model's angle."""
    itd = gcc_phat_itd(left, right, fs, band=itd_band)
    ild = ild_db(left, right, fs)
    return itd, ild, lateral_from_itd_ild(itd, ild, band=itd_band)


def intended_lateral_deg(azimuth_deg: float, elevation_deg: float = 0.0) -> float:
    """The lateral angle of a direction in the canonical frame: asin(sin(az) cos(el)), degrees."""
    s = math.sin(math.radians(azimuth_deg)) * math.cos(math.radians(elevation_deg))
    # rounded so that 180 deg (sin = 1.2e-16) lies on the midline, not a hair to the left
    return round(math.degrees(math.asin(max(-1.0, min(1.0, s)))), 9) + 0.0


# --------------------------------------------------------------------------------------------
# The closed loop


def noise(n: int, kind: str = "white", seed: int = 0) -> np.ndarray:
    """Gaussian noise of n samples, RMS 0.1; ``kind`` is "white" or "pink" (-3 dB/octave)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    if kind == "pink":
        spec = np.fft.rfft(x)
        k = np.arange(spec.size, dtype=float)
        k[0] = 1.0
        x = np.fft.irfft(spec / np.sqrt(k), n)
    elif kind != "white":
        raise ValueError(f"noise kind {kind!r} is not 'white' or 'pink'")
    return 0.1 * x / np.sqrt(np.mean(x**2))


def closed_loop(
    render_fn: RenderFn,
    azimuths_deg: Sequence[float],
    fs: float,
    seconds: float = 0.5,
    seed: int = 0,
    *,
    elevation_deg: float = 0.0,
    noise_kind: str = "white",
    swap_margin_deg: float = 0.0,
    itd_band: tuple[float, float] = ITD_BAND,
) -> dict[str, Any]:
    """Render noise at each azimuth, estimate the lateral angle back and score it.

    ``render_fn(signal, azimuth_deg, elevation_deg)`` must return a (2, n) array (left, right)
    at ``fs``. Returns ``{"rows": [...], "summary": {...}}``; each row holds azimuth_deg,
    elevation_deg, intended_lateral_deg, estimated_lateral_deg, itd_us, ild_db and error_deg
    (absolute lateral error). The summary holds n, mean_abs_error_deg, p90_abs_error_deg,
    max_abs_error_deg, worst_azimuth_deg and lr_swaps: the directions whose estimate lies on
    the other side of the midline than intended, counting only those intended more than
    ``swap_margin_deg`` off the midline. ``itd_band`` is the band of the ITD measurement and
    of the sphere model it is read with.
    """
    if fs <= 0 or seconds <= 0:
        raise ValueError("fs and seconds must be positive")
    azimuths = [float(a) for a in azimuths_deg]
    if not azimuths:
        raise ValueError("azimuths_deg must not be empty")
    signal = noise(round(seconds * fs), noise_kind, seed)
    rows: list[dict[str, float]] = []
    for az in azimuths:
        out = np.asarray(render_fn(signal, az, elevation_deg), dtype=float)
        if out.ndim != 2 or out.shape[0] != 2:
            raise ValueError(f"render_fn must return a (2, n) array, got shape {out.shape}")
        itd, ild, est = localize_pair(out[0], out[1], fs, itd_band=itd_band)
        want = intended_lateral_deg(az, elevation_deg)
        rows.append({
            "azimuth_deg": wrap_azimuth(az),
            "elevation_deg": float(elevation_deg),
            "intended_lateral_deg": want,
            "estimated_lateral_deg": est,
            "itd_us": itd * 1e6,
            "ild_db": ild,
            "error_deg": abs(est - want),
        })
    errors = np.array([r["error_deg"] for r in rows])
    swaps = sum(
        1 for r in rows
        if abs(r["intended_lateral_deg"]) > swap_margin_deg
        and r["intended_lateral_deg"] * r["estimated_lateral_deg"] < 0.0
    )
    summary = {
        "n": len(rows),
        "mean_abs_error_deg": float(errors.mean()),
        "p90_abs_error_deg": float(np.percentile(errors, 90)),
        "max_abs_error_deg": float(errors.max()),
        "worst_azimuth_deg": rows[int(np.argmax(errors))]["azimuth_deg"],
        "lr_swaps": swaps,
    }
    return {"rows": rows, "summary": summary}


# --------------------------------------------------------------------------------------------
# Raw HRIRs of a SOFA file as a render_fn


@dataclass(frozen=True)
class HrirSet:
    """Head-related impulse responses in the canonical frame.

    ir             (M, 2, N) float array, ear 0 = left, 1 = right
    azimuth_deg    (M,) canonical azimuths in (-180, 180]
    elevation_deg  (M,)
    fs             sampling rate in Hz
    delay_samples  (M, 2) broadband delays the SOFA file stores apart from the IRs (usually 0)
    """

    ir: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    fs: float
    delay_samples: np.ndarray

    def nearest(self, azimuth_deg: float, elevation_deg: float = 0.0) -> int:
        """Index of the measured direction closest on the sphere (great-circle distance)."""
        return int(np.argmax(_unit(self.azimuth_deg, self.elevation_deg) @ _unit(azimuth_deg, elevation_deg)))


def _unit(az_deg: Any, el_deg: Any) -> np.ndarray:
    az, el = np.radians(az_deg), np.radians(el_deg)
    return np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1)


def load_sofa_hrirs(path: str | Path) -> HrirSet:
    """Read a SimpleFreeFieldHRIR SOFA file with h5py, positions converted to the canonical frame.

    SOFA's spherical azimuth is counter-clockwise with 0 = front like the canonical frame (only
    wrapped into (-180, 180]); cartesian positions (x front, y left, z up) are converted.
    Raises ConfigError for a file that is missing or not a usable SOFA HRIR set.
    """
    import h5py

    p = Path(path)
    try:
        with h5py.File(p, "r") as f:
            ir = np.asarray(f["Data.IR"][()], dtype=float)
            pos = np.asarray(f["SourcePosition"][()], dtype=float)
            fs = float(np.asarray(f["Data.SamplingRate"][()]).ravel()[0])
            kind = f["SourcePosition"].attrs.get("Type", b"spherical")
            delay = np.asarray(f["Data.Delay"][()], dtype=float) if "Data.Delay" in f else np.zeros((1, 2))
    except (OSError, KeyError, ValueError, IndexError) as exc:
        raise ConfigError(f"{p}: not a readable SOFA HRIR file ({exc})") from exc
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if ir.ndim != 3 or ir.shape[1] != 2 or pos.ndim != 2 or pos.shape[0] != ir.shape[0] or fs <= 0:
        raise ConfigError(f"{p}: expected Data.IR M x 2 x N with M source positions, got {ir.shape}")
    if kind.lower().startswith("cartesian"):
        x, y, z = pos[:, 0], pos[:, 1], pos[:, 2]
        az = np.degrees(np.arctan2(y, x))
        el = np.degrees(np.arctan2(z, np.hypot(x, y)))
    else:
        az, el = pos[:, 0], pos[:, 1]
    az = np.array([wrap_azimuth(float(a)) for a in az])
    delay = np.broadcast_to(delay.reshape(-1, 2) if delay.size % 2 == 0 else delay.reshape(-1, 1),
                            (ir.shape[0], 2)).copy()
    return HrirSet(ir=ir, azimuth_deg=az, elevation_deg=np.asarray(el, dtype=float), fs=fs,
                   delay_samples=delay)


def hrir_render_fn(hrirs: HrirSet, fs: float) -> RenderFn:
    """A render_fn convolving with the nearest measured HRIR pair, resampled to ``fs`` if needed.

    Resampling uses scipy.signal.resample_poly with the exact rational rate ratio; the stored
    broadband delays, if any, are applied as whole samples at the new rate. The output has
    len(signal) + len(HRIR) - 1 samples.
    """
    ratio = Fraction(float(fs)).limit_denominator(1_000_000) / Fraction(hrirs.fs).limit_denominator(1_000_000)
    cache: dict[int, np.ndarray] = {}

    def pair(index: int) -> np.ndarray:
        if index not in cache:
            h = hrirs.ir[index]
            if ratio != 1:
                h = resample_poly(h, ratio.numerator, ratio.denominator, axis=-1)
            d = np.rint(hrirs.delay_samples[index] * float(ratio)).astype(int)
            if np.any(d > 0):
                h = _pad_to_same([np.concatenate([np.zeros(max(int(k), 0)), row]) for k, row in zip(d, h)])
            cache[index] = h
        return cache[index]

    def render(signal: np.ndarray, azimuth_deg: float, elevation_deg: float) -> np.ndarray:
        x = np.asarray(signal, dtype=float).ravel()
        h = pair(hrirs.nearest(azimuth_deg, elevation_deg))
        return np.stack([fftconvolve(x, h[0]), fftconvolve(x, h[1])])

    return render


def _pad_to_same(rows: list[np.ndarray]) -> np.ndarray:
    n = max(r.size for r in rows)
    return np.stack([np.pad(r, (0, n - r.size)) for r in rows])


def sofa_render_fn(path: str | Path, fs: float) -> RenderFn:
    """``hrir_render_fn(load_sofa_hrirs(path), fs)``: raw HRIRs of a SOFA file as a renderer."""
    return hrir_render_fn(load_sofa_hrirs(path), fs)

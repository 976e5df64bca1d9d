"""What a listener's two ears tell: level and time differences, measured independently of
``oscbridge.localize`` (the code under test must not grade itself)."""

from __future__ import annotations

import math

import numpy as np


def itd_s(left: np.ndarray, right: np.ndarray, fs: int) -> float:
    """Lag of the peak of the PHAT-weighted cross-correlation within +-1 ms: > 0 when the LEFT ear leads."""
    n = 1 << int(math.ceil(math.log2(len(left) + len(right))))
    g = np.fft.rfft(right, n) * np.conj(np.fft.rfft(left, n))
    cc = np.fft.irfft(g / (np.abs(g) + 1e-12), n)
    m = int(0.001 * fs)
    cc = np.concatenate([cc[-m:], cc[: m + 1]])
    return (int(np.argmax(cc)) - m) / fs


def ild_db(left: np.ndarray, right: np.ndarray) -> float:
    """Broadband level difference in dB: > 0 when the left ear is louder."""
    return 20 * math.log10((np.std(left) + 1e-12) / (np.std(right) + 1e-12))

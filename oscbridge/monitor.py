"""The live binaural monitor (``serve --monitor``): the scene played through sounddevice.

Each source sounds its own signal: by default a test signal that tells sources apart (source 1
pink-noise bursts, 2 clicks, 3 tone beeps, then the same kinds at other rates and pitches), or a
WAV file, or a live input channel (``--monitor-source N=FILE.wav`` / ``N=input:CH``). Sources
1..voices are heard (16 by default); a source is silent until its first cue.

Threads: the daemon's inference and motion threads call ``update`` (design a filter, publish a
new immutable ``Scene``); PortAudio's thread calls ``_callback``, which only copies each voice's
block of signal into the engine and runs ``Engine.process`` on preallocated buffers. The
callback never takes a lock, never allocates an array, never blocks; it counts xruns (PortAudio's
underflow flags) and times itself into a preallocated ring.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oscbridge.errors import AudioDeviceError, ConfigError
from oscbridge.hrtf import Hrtf
from oscbridge.params import SpatialParams
from oscbridge.render import Engine, FilterDesigner, SceneBuilder, reverb_ir

MONITOR_FS = 48000
MONITOR_BLOCK = 256
MONITOR_VOICES = 16
LOOP_S = 2.0  # test signals loop every 2 s (a multiple of the block)
TIMING_RING = 1 << 16
XRUN_LOG = 16
SWITCH_INTERVAL_S = 5e-4  # see Monitor.start

HINT = ("install PortAudio (apt-get install libportaudio2) and start a sound server (e.g. "
        "'jackd -d dummy' on a machine with no sound card), or pick a device with --device "
        "('oscbridge devices' lists them)")


def _sounddevice():
    try:
        import sounddevice as sd
    except OSError as e:  # the PortAudio library itself is missing
        raise AudioDeviceError(f"no audio: PortAudio not found ({e}); {HINT}") from None
    return sd


def list_output_devices() -> list[tuple[int, str, int, bool]]:
    """(index, name, output channels, is default) of every output device."""
    sd = _sounddevice()
    default_out = sd.default.device[1]
    rows = []
    for i, d in enumerate(sd.query_devices()):
        if d["max_output_channels"] > 0:
            api = sd.query_hostapis(d["hostapi"])["name"]
            rows.append((i, f"{d['name']}, {api}", int(d["max_output_channels"]), i == default_out))
    return rows


# ---------------------------------------------------------------------------------------- signals


def primed_cycle(items: list) -> itertools.cycle:
    """itertools.cycle copies its items on the first pass: run that pass now, not in the callback."""
    c = itertools.cycle(items)
    for _ in range(len(items)):
        next(c)
    return c


def default_signal(source: int, fs: int, seconds: float = LOOP_S, seed: int = 0) -> np.ndarray:
    """A distinct, loopable test signal for a 1-based source (float32, about -18 dBFS RMS when on)."""
    n = int(round(seconds * fs))
    t = np.arange(n) / fs
    kind, variant = (source - 1) % 3, (source - 1) // 3
    rng = np.random.default_rng(seed + source)
    if kind == 0:  # pink-noise bursts: 1/f spectrum, on for a quarter of each period
        spec = np.fft.rfft(rng.standard_normal(n))
        f = np.arange(len(spec)) * fs / n
        spec[1:] /= np.sqrt(f[1:])
        spec[0] = 0.0
        x = np.fft.irfft(spec, n)
        x /= np.std(x)
        period = 0.5 / (1 + variant % 4)
        phase = np.mod(t, period) / period
        gate = np.clip(np.minimum(phase, 0.5 - phase) / 0.02, 0.0, 1.0) * (phase < 0.5)
        x = 0.125 * x * gate
    elif kind == 1:  # clicks: a short band-limited click train
        x = np.zeros(n)
        rate = 4.0 + 2.0 * (variant % 4)
        click = np.hanning(int(0.002 * fs)) * np.sin(2 * np.pi * 3000.0 * np.arange(int(0.002 * fs)) / fs)
        for k in range(int(seconds * rate)):
            i = int(k * fs / rate)
            x[i : i + len(click)] += 0.7 * click[: n - i]
    else:  # tone beeps: a pitch per source, 150 ms beeps with 10 ms ramps
        freq = 330.0 * 2.0 ** ((variant % 12) / 4.0)
        beep = np.mod(t, 0.5) < 0.15
        env = np.clip(np.minimum(np.mod(t, 0.5), 0.15 - np.mod(t, 0.5)) / 0.01, 0.0, 1.0) * beep
        x = 0.25 * np.sin(2 * np.pi * freq * t) * env
    return x.astype(np.float32)


class LoopSource:
    """A signal played in a loop, read block by block through views made in advance."""

    def __init__(self, signal: np.ndarray, block: int):
        n = max(block, int(math.ceil(len(signal) / block)) * block)
        buf = np.zeros(n, np.float32)
        buf[: len(signal)] = signal
        self._buf = buf
        # a cycle over views made in advance: no index arithmetic, no new objects per block
        self._blocks = primed_cycle([buf[i : i + block] for i in range(0, n, block)])

    def fill(self, dst: np.ndarray, indata: np.ndarray | None) -> None:
        np.copyto(dst, next(self._blocks))


class InputSource:
    """A live input channel (duplex stream)."""

    def __init__(self, channel: int):
        self.channel = channel

    def fill(self, dst: np.ndarray, indata: np.ndarray | None) -> None:
        if indata is None:
            dst.fill(0.0)
        else:
            np.copyto(dst, indata[:, self.channel])


def parse_monitor_source(spec: str) -> tuple[int, str]:
    """'N=FILE.wav' or 'N=input:CH' -> (source, what)."""
    head, eq, what = spec.partition("=")
    if not eq or not head.strip().isdigit() or not what:
        raise ConfigError(f"--monitor-source {spec!r}: expected N=FILE.wav or N=input:CH")
    return int(head), what


# ---------------------------------------------------------------------------------------- monitor


@dataclass
class MonitorStats:
    callbacks: int
    xruns: int       # PortAudio's underflow flags: any glitch the audio server reports (its own too)
    odd_blocks: int
    late: int        # callbacks that took longer than a block period (glitches the monitor caused)
    p50_ms: float
    p99_ms: float
    max_ms: float
    block_ms: float


class Monitor:
    """Plays the live scene. ``open()`` raises AudioDeviceError (exit 3) with a hint when it cannot."""

    def __init__(self, device: str | int | None = None, hrtf_path: str | Path | None = None,
                 sources: dict[int, str] | None = None, voices: int = MONITOR_VOICES, gain_db: float = -6.0,
                 fs: int = MONITOR_FS, block: int = MONITOR_BLOCK):
        if not 32 <= block <= 256:
            raise ConfigError("--block must be within 32..256 frames")
        self.fs, self.block, self.voices, self.device = fs, block, voices, device
        self.engine = Engine(2, block, voices, reverb_ir("binaural", fs))
        self.designer = FilterDesigner("binaural", fs, self.engine.nfft, Hrtf.load(hrtf_path, fs), gain_db)
        self._builder = SceneBuilder(self.designer, self.engine)
        self.designer.design(SpatialParams(spread_deg=90.0))  # builds the HRTF spectra cache now, not at the first cue
        self._lock = threading.Lock()
        self._rows = [self.engine.inputs[v] for v in range(voices)]
        self._sources: list[LoopSource | InputSource] = []
        self._input_channels = 0
        specs = sources or {}
        for s in specs:
            if not 1 <= s <= voices:
                raise ConfigError(f"--monitor-source {s}=...: the monitor plays sources 1..{voices}")
        for v in range(voices):
            what = specs.get(v + 1)
            if what is None:
                self._sources.append(LoopSource(default_signal(v + 1, fs), block))
            elif what.startswith("input:"):
                ch = what[len("input:"):]
                if not ch.isdigit() or int(ch) < 1:
                    raise ConfigError(f"--monitor-source {v + 1}={what}: input channels count from 1")
                self._sources.append(InputSource(int(ch) - 1))
                self._input_channels = max(self._input_channels, int(ch))
            else:
                from oscbridge.bounce import read_audio

                self._sources.append(LoopSource(read_audio(what, fs), block))
        self._times = np.zeros(TIMING_RING, np.float64)
        self._slots = primed_cycle(list(range(TIMING_RING)))  # ints made once: the callback creates none
        self._counts = np.zeros(4, np.int64)  # callbacks, xruns, odd-sized blocks, late callbacks (in place)
        self._one = np.ones(1, np.int64)
        self._xrun_at = np.full(XRUN_LOG, -1, np.int64)  # block numbers of the first xruns (then it wraps)
        self._xrun_slots = primed_cycle(list(range(XRUN_LOG)))
        self._n_cb, self._n_xrun, self._n_odd, self._n_late = (self._counts[i : i + 1] for i in range(4))
        self._period_s = block / fs
        self._stream = None
        self._tick_fd = -1  # see monitor_proc: a pipe written after each block
        self._tick_byte = b"\0"

    # ------------------------------------------------------------------ scene (daemon threads)

    def update(self, source: int, params: SpatialParams) -> None:
        """A source's new parameters (sources beyond ``voices`` are not heard; the daemon says so)."""
        v = source - 1
        if 0 <= v < self.voices:
            with self._lock:
                self._builder.update(v, params)

    # ------------------------------------------------------------------ audio thread

    def _callback(self, outdata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        """sounddevice's OutputStream callback."""
        self._run(None, outdata, frames, status)

    def _duplex_callback(self, indata: np.ndarray, outdata: np.ndarray, frames: int, time_info: object,
                         status: object) -> None:
        """sounddevice's Stream callback (a live input feeds a source)."""
        self._run(indata, outdata, frames, status)

    def _run(self, indata: np.ndarray | None, outdata: np.ndarray, frames: int, status: object) -> None:
        t0 = time.perf_counter()
        if status:
            self._xrun_at[next(self._xrun_slots)] = self._counts[0]  # the block it happened at
            np.add(self._n_xrun, self._one, self._n_xrun)
        if frames != self.block:  # never with a fixed block size; kept safe
            outdata.fill(0)
            np.add(self._n_odd, self._one, self._n_odd)
            return
        v = 0
        while v < self.voices:
            self._sources[v].fill(self._rows[v], indata)
            v += 1
        self.engine.process(outdata)
        took = time.perf_counter() - t0
        self._times[next(self._slots)] = took
        if took > self._period_s:  # this block itself overran its period: a glitch of our own making
            np.add(self._n_late, self._one, self._n_late)
        np.add(self._n_cb, self._one, self._n_cb)
        if self._tick_fd >= 0:  # tell the designer a block is done: the GIL is free for ~a block now
            try:
                os.write(self._tick_fd, self._tick_byte)
            except BlockingIOError:
                pass

    # ------------------------------------------------------------------ stream

    def open(self) -> None:
        """Open the device (AudioDeviceError, exit 3, if it cannot be); ``start`` starts the stream.

        Separate, so that a daemon opens the device before anything else starts and starts
        playing only once its own set-up is over (set-up holds the GIL, which the callback needs).
        """
        sd = _sounddevice()
        # warm the engine (FFT plans, caches) on scratch buffers, so the first real block is not late
        scratch = np.zeros((self.block, 2), np.float32)
        for _ in range(8):
            self.engine.process(scratch)
        self.engine.inputs.fill(0.0)
        device = self.device
        if isinstance(device, str) and device.isdigit():
            device = int(device)
        try:
            if self._input_channels:
                self._stream = sd.Stream(samplerate=self.fs, blocksize=self.block, device=device,
                                         channels=(self._input_channels, 2), dtype="float32",
                                         callback=self._duplex_callback, latency="low")
            else:
                self._stream = sd.OutputStream(samplerate=self.fs, blocksize=self.block, device=device, channels=2,
                                               dtype="float32", callback=self._callback, latency="low")
        except (sd.PortAudioError, ValueError) as e:
            self._stream = None
            what = f"device {self.device!r}" if self.device is not None else "the default output device"
            raise AudioDeviceError(f"cannot open {what} for the monitor ({str(e).splitlines()[0]}); {HINT}") from None

    def start(self) -> None:
        import gc
        import sys

        sd = _sounddevice()
        # a full garbage collection walks every object while holding the GIL, and the callback would
        # wait for it: everything alive after set-up is moved out of the collector's sight, so later
        # collections only walk what is new
        gc.collect()
        gc.freeze()
        # the audio thread takes the GIL back from a busy Python thread within this time (default
        # 5 ms, a whole block): other threads (inference, motion) are preempted sooner
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            self._stream.start()
        except sd.PortAudioError as e:
            raise AudioDeviceError(f"cannot start the monitor stream ({str(e).splitlines()[0]}); {HINT}") from None

    @property
    def device_name(self) -> str:
        if self._stream is None:
            return "(closed)"
        sd = _sounddevice()
        dev = self._stream.device
        return sd.query_devices(dev[1] if isinstance(dev, (tuple, list)) else dev)["name"]

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            finally:
                self._stream = None

    def stats(self) -> MonitorStats:
        callbacks, xruns, odd, late = (int(c) for c in self._counts)
        n = min(callbacks, TIMING_RING)
        times = np.sort(self._times[:n]) * 1000.0 if n else np.zeros(1)
        return MonitorStats(
            callbacks=callbacks,
            xruns=xruns,
            odd_blocks=odd,
            late=late,
            p50_ms=float(np.percentile(times, 50)),
            p99_ms=float(np.percentile(times, 99)),
            max_ms=float(times[-1]),
            block_ms=1000.0 * self.block / self.fs,
        )

    def summary(self) -> str:
        s = self.stats()
        where = ""
        if s.xruns:
            at = sorted(int(b) for b in self._xrun_at if b >= 0)
            where = " at " + ", ".join(f"{b * self.block / self.fs:.2f}s" for b in at)
        return (f"monitor: {s.callbacks} blocks of {self.block} frames, {s.xruns} xruns{where}, {s.late} late "
                f"callbacks, callback p50 "
                f"{s.p50_ms:.3f} ms p99 {s.p99_ms:.3f} ms max {s.max_ms:.3f} ms (block {s.block_ms:.2f} ms)")

"""The monitor without a sound server: its audio callback, its signals, and a clear exit 3.

The JACK end-to-end test (a real server, a recording of what was played) is in
tests/test_monitor_jack.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
import soundfile as sf

from oscbridge.errors import ConfigError
from oscbridge.monitor import Monitor, parse_monitor_source, default_signal
from oscbridge.params import SpatialParams

from peers import REPO

# PortAudio finds no device: no JACK server under this name, and this machine has no sound card
NO_AUDIO_ENV = {"JACK_DEFAULT_SERVER": "oscbridge-nobody-here", "JACK_NO_START_SERVER": "1"}


def test_callback_allocates_nothing():
    """sounddevice's callback, as PortAudio's thread calls it: 16 voices (8 sounding, one moving),
    reverb, test signals. Over 3000 blocks, with the scene replaced every 30 blocks (as the
    daemon's threads replace it), traced memory does not grow by a byte and no buffer-sized
    transient appears (the bound is explained in test_render.test_process_allocates_nothing)."""
    m = Monitor(voices=16)
    out = np.zeros((m.block, 2), np.float32)
    for s in range(1, 9):
        m.update(s, SpatialParams(azimuth_deg=20 * s - 90, spread_deg=30 * (s % 2), wet=0.3))
    scenes = []
    for a in range(-90, 90, 2):  # designed here, outside the measurement, like the motion thread does
        m.update(1, SpatialParams(azimuth_deg=a))
        scenes.append(m.engine.scene)
    plan = [scenes[(i // 30) % len(scenes)] for i in range(3000)]
    for _ in range(20):
        m._callback(out, m.block, None, None)
    tracemalloc.start()
    try:
        m._callback(out, m.block, None, None)
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        for scene in plan:
            m.engine._scene = scene
            m._callback(out, m.block, None, None)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before == 0
    assert peak - before < 2048
    s = m.stats()
    assert s.callbacks >= 3000 and s.xruns == 0 and np.max(np.abs(out)) > 0
    assert m.engine.filter_changes >= 3000 // 30


def test_callback_counts_status_flags_as_xruns():
    m = Monitor(voices=2)
    out = np.zeros((m.block, 2), np.float32)
    m._callback(out, m.block, None, "output underflow")  # any truthy CallbackFlags
    m._callback(out, m.block, None, None)
    m._callback(out, 128, None, None)  # a wrong-sized block is silenced and counted
    s = m.stats()
    assert (s.callbacks, s.xruns, s.odd_blocks) == (2, 1, 1)
    assert not out.any()


def test_each_source_has_a_distinct_test_signal():
    fs = 48000
    sigs = [default_signal(s, fs) for s in (1, 2, 3, 4)]
    for a in range(4):
        assert 0.01 < np.sqrt(np.mean(sigs[a] ** 2)) < 0.5
        for b in range(a + 1, 4):
            assert abs(np.corrcoef(sigs[a], sigs[b])[0, 1]) < 0.2


def test_wav_and_input_sources(tmp_path):
    wav = tmp_path / "voice.wav"
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(4800) / 48000)).astype(np.float32)
    sf.write(wav, tone, 48000)
    m = Monitor(voices=4, sources={2: str(wav), 3: "input:1"})
    rows = m.engine.inputs
    indata = np.full((m.block, 1), 0.25, np.float32)
    m._run(indata, np.zeros((m.block, 2), np.float32), m.block, None)
    np.testing.assert_allclose(rows[1], tone[: m.block], atol=1e-4)  # 16-bit WAV
    assert np.all(rows[2] == 0.25)
    assert parse_monitor_source("2=in.wav") == (2, "in.wav")
    for bad in ("x=in.wav", "2", "=in.wav"):
        with pytest.raises(ConfigError):
            parse_monitor_source(bad)
    with pytest.raises(ConfigError):
        Monitor(voices=4, sources={9: str(wav)})


def _serve(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oscbridge", "serve", "--no-stdin", "--predictor", "keyword",
                           "--listen", "127.0.0.1:0", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_monitor_without_an_audio_device_exits_3_with_a_hint():
    r = _serve("--monitor", env=NO_AUDIO_ENV)
    assert r.returncode == 3, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("oscbridge: error:")
    assert "libportaudio2" in lines[0] and "--device" in lines[0]
    assert "listening" not in r.stderr  # it did not start half-way


def test_monitor_with_an_unknown_device_exits_3():
    r = _serve("--monitor", "--device", "no-such-device", env=NO_AUDIO_ENV)
    assert r.returncode == 3 and "no-such-device" in r.stderr


def test_monitor_options_need_monitor():
    r = _serve("--device", "1")
    assert r.returncode == 2 and "--monitor" in r.stderr


def test_devices_lists_none_without_a_server():
    r = subprocess.run([sys.executable, "-m", "oscbridge", "devices"], cwd=REPO, capture_output=True, text=True,
                       timeout=60, env={**os.environ, **NO_AUDIO_ENV})
    assert r.returncode == 0 and "no audio output devices" in r.stdout


def test_play_monitor_without_an_audio_device_exits_3(tmp_path):
    cues = tmp_path / "cues.csv"
    cues.write_text("time,source,text\n0,1,a dog on the left\n")
    r = subprocess.run([sys.executable, "-m", "oscbridge", "play", str(cues), "--monitor", "--predictor", "keyword",
                        "--send", "adm-osc@127.0.0.1:9"], cwd=REPO, capture_output=True, text=True, timeout=60,
                       env={**os.environ, **NO_AUDIO_ENV})
    assert r.returncode == 3, r.stderr
    assert "libportaudio2" in r.stderr.strip().splitlines()[-1]

"""The monitor in a process of its own: the daemon's threads never hold up the audio callback.

The audio callback is Python and needs the GIL at every step. In the daemon's process every
other thread (inference, OSC readers, the console, the motion player, the garbage collector)
competes for it, and a callback that waits for the GIL misses its deadline even though its own
work takes a fraction of a block. So ``serve --monitor`` runs ``Monitor`` in a child process
(``python -m oscbridge.monitor_proc SPEC``) whose only other thread designs filters:

    daemon                                   child
    MonitorProcess.update(source, params) -> stdin: 32-byte records (source, 7 floats),
                                             non-blocking: when the child is behind, the
                                             update is dropped (the next one carries the
                                             latest position) and counted
                                             main thread: reads records, keeps the latest per
                                             source, designs filters, swaps the scene in
                                             PortAudio thread: Monitor._callback
    open() waits for   <- stdout: "ready DEVICE" | "error CODE MESSAGE"
    close() reads      <- stdout: "summary TEXT"

If the daemon dies, the child sees end-of-file on stdin and exits.
"""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from oscbridge.errors import AudioDeviceError, ConfigError, OscbridgeError
from oscbridge.params import FIELDS, SpatialParams

RECORD = struct.Struct("<i7f")
DESIGN_BUDGET_S = 0.002  # filter design per gap between blocks (a block is 5.3 ms)
START, STOP = -1, -2
_ZEROS = (0.0,) * 7


class MonitorProcess:
    """The daemon's handle on the monitor child. Same interface as ``Monitor`` for the daemon."""

    def __init__(self, device: str | int | None = None, hrtf_path: str | Path | None = None,
                 sources: dict[int, str] | None = None, voices: int = 16, gain_db: float = -6.0,
                 fs: int = 48000, block: int = 256):
        self.spec = {"device": device, "hrtf_path": str(hrtf_path) if hrtf_path else None,
                     "sources": {str(k): v for k, v in (sources or {}).items()}, "voices": voices,
                     "gain_db": gain_db, "fs": fs, "block": block}
        self.fs, self.block, self.voices = fs, block, voices
        self.device_name = "(closed)"
        self.dropped = 0
        self.warn = lambda text: None
        self._proc: subprocess.Popen | None = None
        self._warned: set[int] = set()
        self._summary: str | None = None

    def open(self) -> None:
        """Start the child and wait until it has opened the device (or says why it cannot)."""
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "oscbridge.monitor_proc", json.dumps(self.spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
        )
        line = self._proc.stdout.readline().decode("utf-8", "replace").strip()
        if not line.startswith("ready"):
            self._proc.wait(10)
            self._proc = None
            if line.startswith("error "):
                _, code, message = line.split(" ", 2)
                cls = AudioDeviceError if int(code) == AudioDeviceError.exit_code else ConfigError
                raise cls(message)
            raise AudioDeviceError(f"the monitor process failed to start ({line or 'no answer'})")
        self.device_name = line[len("ready "):] or "?"
        os.set_blocking(self._proc.stdin.fileno(), False)

    def _command(self, code: int) -> None:
        fd = self._proc.stdin.fileno()
        os.set_blocking(fd, True)
        try:
            os.write(fd, RECORD.pack(code, *_ZEROS))
        finally:
            os.set_blocking(fd, False)

    def start(self) -> None:
        self._command(START)

    def update(self, source: int, params: SpatialParams) -> None:
        if not 1 <= source <= self.voices:
            if source not in self._warned:
                self._warned.add(source)
                self.warn(f"monitor: source {source} is not heard (the monitor plays sources 1..{self.voices})")
            return
        proc = self._proc
        if proc is None:
            return
        try:
            os.write(proc.stdin.fileno(), RECORD.pack(source, *(getattr(params, f) for f in FIELDS)))
        except BlockingIOError:
            self.dropped += 1  # the child is behind: the next update carries the latest position
        except (BrokenPipeError, OSError):
            self.dropped += 1

    def close(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            self._command(STOP)
        except OSError:
            pass
        self._proc = None
        try:
            proc.stdin.close()
        except OSError:
            pass
        killer = threading.Timer(5.0, proc.kill)  # a child that does not stop is killed
        killer.start()
        try:
            out = proc.stdout.read()
            proc.wait()
        finally:
            killer.cancel()
            proc.stdout.close()
        for line in out.decode("utf-8", "replace").splitlines():
            if line.startswith("summary "):
                self._summary = line[len("summary "):]

    def summary(self) -> str:
        text = self._summary or "monitor: no summary (the monitor process ended early)"
        return text + (f"; {self.dropped} updates dropped (monitor busy)" if self.dropped else "")


def _realtime_if_allowed() -> None:
    """The designer shares the GIL with the audio callback: if it is preempted while holding it,
    the callback waits (priority inversion). Where the system allows (root, or an rtprio limit, as
    JACK users have), it runs SCHED_FIFO at the lowest priority, below the audio thread's."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (PermissionError, OSError, AttributeError):
        pass


def child_main(spec_json: str) -> int:
    """The child: open the device, answer ready, then apply updates until STOP or end of input."""
    from oscbridge.monitor import Monitor

    out = sys.stdout
    spec = json.loads(spec_json)
    spec["sources"] = {int(k): v for k, v in spec.get("sources", {}).items()}
    try:
        monitor = Monitor(**spec)
        monitor.open()
    except OscbridgeError as e:
        out.write(f"error {e.exit_code} {e}\n")
        out.flush()
        return e.exit_code
    out.write(f"ready {monitor.device_name}\n")
    out.flush()
    # Designs run right after a block is done (the callback writes a byte to a pipe), with a
    # budget of DESIGN_BUDGET_S: the callback then finds the GIL free when it next wants it.
    tick_r, tick_w = os.pipe()
    os.set_blocking(tick_w, False)
    monitor._tick_fd = tick_w
    pending: dict[int, SpatialParams] = {}
    lock = threading.Lock()
    state = {"running": True, "start": False}

    def read_updates() -> None:
        _realtime_if_allowed()
        fd, buf = sys.stdin.fileno(), b""
        while state["running"]:
            try:
                chunk = os.read(fd, 65536)  # blocks, without the GIL
            except OSError:
                chunk = b""
            if not chunk:
                break  # STOP, or the daemon is gone
            buf += chunk
            n = len(buf) // RECORD.size
            with lock:
                for i in range(n):
                    source, *values = RECORD.unpack_from(buf, i * RECORD.size)
                    if source == START:
                        state["start"] = True
                    elif source == STOP:
                        state["running"] = False
                        break
                    else:  # the latest position of each source wins
                        pending[source] = SpatialParams.clamped(**dict(zip(FIELDS, values)))
            buf = buf[n * RECORD.size :]
        state["running"] = False
        os.write(tick_w, b"\1")  # wake the designer

    reader = threading.Thread(target=read_updates, name="monitor-reader", daemon=True)
    reader.start()
    _realtime_if_allowed()
    while state["running"]:
        if state["start"]:
            state["start"] = False
            monitor.start()
        ready, _, _ = select.select([tick_r], [], [], 0.05)  # a block is done (or idle: 50 ms)
        if ready:
            os.read(tick_r, 4096)
        with lock:
            batch = dict(pending)
            pending.clear()
        items = list(batch.items())
        t0 = time.perf_counter()
        for i, (source, params) in enumerate(items):
            if i and time.perf_counter() - t0 > DESIGN_BUDGET_S:  # the rest waits for the next gap
                with lock:
                    for s, p in items[i:]:
                        pending.setdefault(s, p)
                break
            monitor.update(source, params)
    monitor.close()
    out.write(f"summary {monitor.summary()}\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1]))

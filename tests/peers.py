"""Real peers for the tests: the oscbridge daemon as a process, liblo's oscdump and oscsend.

Nothing here is a mock: the daemon is started as ``python -m oscbridge serve`` on an
OS-assigned port, cues travel as real UDP datagrams sent by liblo's ``oscsend``, and what the
daemon sends is captured by liblo's ``oscdump`` (or a plain UDP socket where a test needs the
raw bytes).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parent.parent
_TOKEN_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def require_tools(*names: str) -> None:
    """Fail loudly on CI when a real peer is missing; skip visibly elsewhere."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        msg = f"missing real peer(s) {', '.join(missing)}: run 'make test-deps' (apt-get install liblo-tools ...)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


def close_pipes(proc: subprocess.Popen) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oscsend(port: int, address: str, typetags: str = "", *args: object, host: str = "127.0.0.1") -> None:
    cmd = ["oscsend", host, str(port), address]
    if typetags:
        cmd += [typetags, *[str(a) for a in args]]
    subprocess.run(cmd, check=True, timeout=5)


@dataclass(frozen=True)
class Dumped:
    address: str
    typetags: str
    args: tuple
    received_s: float


def parse_oscdump_line(line: str, received_s: float = 0.0) -> Dumped | None:
    """'eeac7d01.50b417c9 /adm/obj/2/aed fff 60.000000 0.000000 0.150000' -> Dumped."""
    tokens = [m.group(1) if m.group(1) is not None else m.group(2) for m in _TOKEN_RE.finditer(line.strip())]
    if len(tokens) < 2 or not tokens[1].startswith("/"):
        return None
    address = tokens[1]
    typetags = tokens[2] if len(tokens) > 2 else ""
    raw = tokens[3:]
    args: list = []
    for t, v in zip(typetags, raw):
        if t in "fd":
            args.append(float(v))
        elif t in "ih":
            args.append(int(v))
        else:
            args.append(v)
    return Dumped(address, typetags, tuple(args), received_s)


class OscDump:
    """liblo's oscdump on a port, its output parsed as it arrives."""

    def __init__(self, port: int | None = None):
        require_tools("oscdump")
        self.port = port or free_udp_port()
        self.messages: list[Dumped] = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(
            ["oscdump", "-L", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            encoding="utf-8", errors="replace",
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        time.sleep(0.2)  # oscdump binds at once; give it a moment before anything is sent
        if self.proc.poll() is not None:
            raise RuntimeError(f"oscdump failed to start: {self.proc.stderr.read()}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            d = parse_oscdump_line(line, time.perf_counter())
            if d is not None:
                with self._cond:
                    self.messages.append(d)
                    self._cond.notify_all()

    def wait_for(self, predicate: Callable[[Dumped], bool], timeout: float = 5.0) -> Dumped:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self.messages:
                    if predicate(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n  ".join(f"{m.address} {m.typetags} {m.args}" for m in self.messages[-10:])
                    raise AssertionError(f"oscdump on {self.port}: no matching message in {timeout}s; last seen:\n  {seen}")
                self._cond.wait(left)

    def wait_address(self, address: str, timeout: float = 5.0) -> Dumped:
        return self.wait_for(lambda m: m.address == address, timeout)

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(2)
        close_pipes(self.proc)

    def __enter__(self) -> "OscDump":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OscbridgeProcess:
    """``python -m oscbridge ARGS...`` as a real process, its output collected line by line as it comes."""

    def __init__(self, *args: str, stdin: bool = False, env: dict | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oscbridge", *args], cwd=REPO,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", env={**os.environ, **(env or {})},
        )
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._cond = threading.Condition()
        self._pumps = [threading.Thread(target=self._pump, args=(stream, sink), daemon=True)
                       for stream, sink in ((self.proc.stdout, self.stdout_lines), (self.proc.stderr, self.stderr_lines))]
        for t in self._pumps:
            t.start()

    def _pump(self, stream, sink: list[str]) -> None:
        for line in stream:
            with self._cond:
                sink.append(line.rstrip("\n"))
                self._cond.notify_all()

    def wait_line(self, pattern: str, stream: str = "stdout", timeout: float = 5.0, start: int = 0) -> str:
        sink = self.stdout_lines if stream == "stdout" else self.stderr_lines
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        exited_at: list[float] = []

        def exited_grace() -> float:  # let the pump threads deliver the last lines first
            if not exited_at:
                exited_at.append(time.monotonic())
            return exited_at[0] + 0.3

        with self._cond:
            while True:
                for line in sink[start:]:
                    if rx.search(line):
                        return line
                if self.proc.poll() is not None and stream == "stderr" and time.monotonic() > exited_grace():
                    raise AssertionError(
                        f"daemon exited with {self.proc.returncode} before printing /{pattern}/:\n"
                        + "\n".join(self.stderr_lines[-20:])
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no {stream} line matching /{pattern}/ within {timeout}s; stdout tail:\n"
                        + "\n".join(self.stdout_lines[-5:]) + "\nstderr tail:\n" + "\n".join(self.stderr_lines[-10:])
                    )
                self._cond.wait(min(left, 0.1))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 5.0) -> tuple[int, float]:
        """Signal the daemon; return (exit code, seconds it took to exit)."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"daemon did not exit within {timeout}s of signal {sig}")
        return code, time.monotonic() - t0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for t in self._pumps:
            t.join(2)
        close_pipes(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaemonProcess(OscbridgeProcess):
    """``python -m oscbridge serve ...`` on an OS-assigned port."""

    def __init__(self, *args: str, stdin: bool = False, listen: str = "127.0.0.1:0", env: dict | None = None,
                 predictor: str = "keyword"):
        """``predictor="keyword"`` (deterministic rules) unless a test is about the model itself."""
        cmd = ["serve", "--listen", listen, "--predictor", predictor, *args]
        if not stdin:
            cmd.append("--no-stdin")
        super().__init__(*cmd, stdin=stdin, env=env)
        try:
            line = self.wait_line(r"listening on udp://([\d.]+):(\d+)", stream="stderr", timeout=20)
        except AssertionError:
            self.close()
            raise
        m = re.search(r"listening on udp://([\d.]+):(\d+)", line)
        assert m is not None
        self.host, self.port = m.group(1), int(m.group(2))

    def send_cue(self, text: str, source: int | None = None) -> None:
        if source is None:
            oscsend(self.port, "/cue", "s", text)
        else:
            oscsend(self.port, "/cue", "is", source, text)

    def type_line(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()


class UdpSink:
    """A plain UDP socket on an OS-assigned port, for acks and raw datagrams."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(5.0)
        self.port = self.sock.getsockname()[1]

    def recv(self, timeout: float = 5.0) -> bytes:
        self.sock.settimeout(timeout)
        data, _ = self.sock.recvfrom(65536)
        return data

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "UdpSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

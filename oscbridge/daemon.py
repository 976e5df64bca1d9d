"""``oscbridge serve``: cues in (OSC over UDP, optionally TCP/SLIP, and stdin), OSC out.

Threads, each with one owner and one-way hand-offs:

    udp reader ─┐   parse only; bad packets answered (/cue/error) or counted, never fatal
    tcp reader ─┼─> cue queue (bounded; full = drop + /cue/error "busy") ─> inference thread
    stdin      ─┘                                                            │ predict (batch)
                                                                             │ send to every target
                                                                             │ /cue/ack to the sender
    main thread: signals set a flag; a 100 ms tick; ordered shutdown          └> console queue ─> console thread

The console thread prints the one summary line per cue, so a slow terminal never delays a cue.
"""

from __future__ import annotations

import ipaddress
import json
import queue
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, TextIO

from pythonosc import slip

from oscbridge.cues import (
    Cue,
    NotACue,
    Panic,
    looks_like_cue,
    parse_line,
    parse_message,
)
from oscbridge.errors import ConfigError, CueError, PortInUseError
from oscbridge.osc import Encoder, OscDecodeError, decode_packet, encode_message
from oscbridge.params import Prediction
from oscbridge.predictor import Predictor
from oscbridge.router import Router
from oscbridge.runloop import run_until_signalled
from oscbridge.targets import Target

QUEUE_SIZE = 1024
BATCH_MAX = 32
TICK_S = 0.1
RCVBUF_BYTES = 4 * 1024 * 1024
MAX_TCP_FRAME = 65536

_ACK = Encoder("/cue/ack", "isffffffffss")
_ERR = Encoder("/cue/error", "is")


if TYPE_CHECKING:
    from oscbridge.monitor_proc import MonitorProcess as Monitor


@dataclass
class Counters:
    """What the daemon counts. Written by the reader/inference threads, read for reports."""

    cues: int = 0
    answered: int = 0
    errors: int = 0  # cues answered with /cue/error
    malformed: int = 0  # packets that are not OSC
    unknown_address: int = 0
    not_allowed: int = 0
    queue_full: int = 0
    console_dropped: int = 0
    stdin_errors: int = 0

    def summary(self) -> str:
        return (
            f"{self.cues} cues, {self.answered} answered, {self.errors} errors; dropped: "
            f"{self.malformed} malformed, {self.unknown_address} unknown address, "
            f"{self.not_allowed} not allowed, {self.queue_full} queue full"
        )


@dataclass(frozen=True)
class ServeConfig:
    listen: tuple[str, int] = ("127.0.0.1", 7700)
    tcp: tuple[str, int] | None = None
    use_stdin: bool = True
    allow: tuple[str, ...] = ()  # sender addresses or networks; empty = anyone who can reach us
    reply_port: int | None = None  # answer cues to this port on the sender's host, not its source port
    motion_rate_hz: float = 50.0  # moving sources are streamed at this rate (ADM-OSC's guidance)
    glide_s: float = 0.1  # a new cue for a moving source glides there over this time


class Console:
    """The single writer of the terminal: a thread fed by a bounded queue, never blocking callers."""

    def __init__(self, out: TextIO, err: TextIO, counters: Counters):
        self._q: queue.Queue[tuple[TextIO, str] | None] = queue.Queue(maxsize=4096)
        self._out, self._err, self._counters = out, err, counters
        self._thread = threading.Thread(target=self._run, name="console", daemon=True)
        self._thread.start()

    def line(self, text: str) -> None:
        self._put(self._out, text)

    def warn(self, text: str) -> None:
        self._put(self._err, f"oscbridge: {text}")

    def _put(self, stream: TextIO, text: str) -> None:
        try:
            self._q.put_nowait((stream, text))
        except queue.Full:
            self._counters.console_dropped += 1

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            stream, text = item
            try:
                stream.write(text + "\n")
                stream.flush()
            except (OSError, ValueError):  # closed pipe or stream: the daemon goes on regardless
                pass

    def close(self, timeout: float = 0.5) -> None:
        try:
            self._q.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)


def summary_line(p: Prediction, targets: Iterable[Target], latency_ms: float) -> str:
    """The one human-readable line per cue."""
    s = p.params
    motion = "static"
    if p.motion is not None:
        m = p.motion
        motion = f"{m.kind} {m.duration_s:g}s"
        if m.end is not None:
            motion += f" to az {m.end.azimuth_deg:+.0f} {m.end.distance_m:.1f}m"
        if m.direction:
            motion += f" {m.direction}"
    text = p.text if len(p.text) <= 60 else p.text[:57] + "..."
    explicit = f" explicit {','.join(p.explicit)};" if p.explicit else ""
    sent = ", ".join(t.profile.name for t in targets) or "no target"
    return (
        f"[{p.source}] az {s.azimuth_deg:+6.1f} el {s.elevation_deg:+5.1f} dist {s.distance_m:5.1f}m "
        f"spread {s.spread_deg:3.0f} wet {s.wet:.2f} drr {s.drr_db:+.0f}dB gain {s.gain_db:+5.1f}dB "
        f"{motion}; conf {p.confidence:.2f};{explicit} -> {sent} ({latency_ms:.1f} ms) \"{text}\""
    )


def ack_packet(p: Prediction) -> bytes:
    """/cue/ack i source, s text, f az, el, dist, spread, wet, drr, gain, f confidence, s motion kind, s JSON."""
    s = p.params
    return _ACK(
        p.source,
        p.text,
        s.azimuth_deg,
        s.elevation_deg,
        s.distance_m,
        s.spread_deg,
        s.wet,
        s.drr_db,
        s.gain_db,
        p.confidence,
        p.motion.kind if p.motion else "",
        json.dumps(p.to_json_dict(), ensure_ascii=False),
    )


def error_packet(source: int, reason: str) -> bytes:
    return _ERR(source, reason)


class _TcpClient:
    def __init__(self, conn: socket.socket, peer: tuple):
        self.conn = conn
        self.peer = peer
        self.buf = bytearray()
        self.lock = threading.Lock()

    def send(self, packet: bytes) -> None:
        with self.lock:
            try:
                self.conn.sendall(slip.encode(packet))
            except OSError:
                pass  # the client went away; the reader thread closes it


class Daemon:
    def __init__(
        self,
        predictor: Predictor,
        targets: list[Target],
        config: ServeConfig,
        out: TextIO | None = None,
        err: TextIO | None = None,
        monitor: Monitor | None = None,
    ):
        self.predictor = predictor
        self.monitor = monitor
        self.targets = targets
        self.config = config
        self.counters = Counters()
        self.console = Console(out or sys.stdout, err or sys.stderr, self.counters)
        self._queue: queue.Queue[Cue | Panic] = queue.Queue(maxsize=QUEUE_SIZE)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._allow = self._parse_allow(config.allow)
        self._reported: set[str] = set()
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self.udp_address: tuple[str, int] | None = None
        self.tcp_address: tuple[str, int] | None = None
        self._check_loops()
        self.router = Router(targets, self._report_once, config.motion_rate_hz, config.glide_s, monitor)
        self.player = self.router.player

    # ------------------------------------------------------------------ set-up

    @staticmethod
    def _parse_allow(allow: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        nets = []
        for a in allow:
            try:
                nets.append(ipaddress.ip_network(a, strict=False))
            except ValueError:
                raise ConfigError(f"--allow {a!r}: expected an IP address or network (e.g. 10.0.0.0/24)") from None
        return nets

    def _check_loops(self) -> None:
        host, port = self.config.listen
        for t in self.targets:
            if port != 0 and t.port == port and (t.host == host or host in ("0.0.0.0", "::") or t.host == "localhost"):
                raise ConfigError(
                    f"--send {t.label} is the daemon's own listen address {host}:{port}: that would feed back into itself"
                )

    def _bind(self, kind: int, address: tuple[str, int], what: str) -> socket.socket:
        host, port = address
        try:
            infos = socket.getaddrinfo(host, port, type=kind, flags=socket.AI_PASSIVE)
        except socket.gaierror as e:
            raise ConfigError(f"--{what} {host}:{port}: cannot resolve {host!r}: {e.strerror}") from None
        family, _, _, _, addr = infos[0]
        sock = socket.socket(family, kind)
        try:
            if kind == socket.SOCK_DGRAM:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
            else:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(addr)
            if kind == socket.SOCK_STREAM:
                sock.listen(16)
        except OSError as e:
            sock.close()
            proto = "udp" if kind == socket.SOCK_DGRAM else "tcp"
            if e.errno == 98:  # EADDRINUSE
                raise PortInUseError(
                    f"{proto} port {host}:{port} is already in use (another oscbridge?); choose another with --{what}"
                ) from None
            raise ConfigError(f"cannot listen on {proto} {host}:{port}: {e.strerror or e}") from None
        sock.settimeout(TICK_S)
        return sock

    def start(self) -> None:
        """Bind and start every thread. Raises PortInUseError / ConfigError before anything runs."""
        self._udp = self._bind(socket.SOCK_DGRAM, self.config.listen, "listen")
        self.udp_address = self._udp.getsockname()[:2]
        if self.config.tcp is not None:
            self._tcp = self._bind(socket.SOCK_STREAM, self.config.tcp, "tcp")
            self.tcp_address = self._tcp.getsockname()[:2]
        self._spawn("inference", self._inference_loop)
        self.player.start()
        self._spawn("udp", self._udp_loop)
        if self._tcp is not None:
            self._spawn("tcp", self._tcp_loop)
        if self.config.use_stdin:
            # a blocking readline cannot be interrupted: this one thread is a daemon thread
            t = threading.Thread(target=self._stdin_loop, name="stdin", daemon=True)
            t.start()
        host, port = self.udp_address
        where = f"listening on udp://{host}:{port}"
        if self.tcp_address:
            where += f" and tcp://{self.tcp_address[0]}:{self.tcp_address[1]} (SLIP)"
        sends = ", ".join(t.label for t in self.targets)
        threads = getattr(self.predictor, "threads", None)  # the model's inference threads
        using = f"{self.predictor.name}, {threads} inference thread{'' if threads == 1 else 's'}" if threads else self.predictor.name
        self.console.warn(f"{where}; predictor {using}; sending to {sends}")
        if self.monitor is not None:
            self.monitor.warn = self.console.warn
            self.console.warn(f"monitor: binaural on {self.monitor.device_name}, {self.monitor.block} frames at "
                              f"{self.monitor.fs} Hz, sources 1..{self.monitor.voices} audible")
        if self.config.use_stdin:
            self.console.warn("type a cue and press Enter ('2: a violin at 10 o'clock, 3 metres'); Ctrl-C stops")

    def _spawn(self, name: str, fn: Callable[[], None]) -> None:
        t = threading.Thread(target=fn, name=name)
        t.start()
        self._threads.append(t)

    # ------------------------------------------------------------------ run / stop

    def run(self) -> int:
        """Serve until SIGINT/SIGTERM (or ``stop()``). Returns the exit code."""
        return run_until_signalled(self._stop, self.shutdown, TICK_S)

    def stop(self) -> None:
        self._stop.set()

    def shutdown(self, timeout: float = 0.5) -> None:
        """Ordered: audio stopped, stop flag, readers and inference joined, sockets closed, final counters."""
        if self.monitor is not None:
            self.monitor.close()  # first: the sound stops as the daemon does
        self._stop.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self.player.stop(max(0.0, deadline - time.monotonic()))
        for s in (self._udp, self._tcp):
            if s is not None:
                s.close()
        for target in self.targets:
            target.close()
        if self.monitor is not None:
            self.console.warn(self.monitor.summary())
        self.console.warn(f"stopped: {self.counters.summary()}")
        self.console.close()

    # ------------------------------------------------------------------ readers

    def _report_once(self, key: str, text: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self.console.warn(text + " (reported once; further ones are counted)")

    def _allowed(self, host: str) -> bool:
        if not self._allow:
            return True
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
        return any(ip in net for net in self._allow)

    def _reply_udp(self, addr: tuple, packet: bytes) -> None:
        if self._udp is None:
            return
        if self.config.reply_port is not None:
            addr = (addr[0], self.config.reply_port)
        try:
            self._udp.sendto(packet, addr)
        except OSError:
            pass  # the sender is gone or unreachable; replies are best effort

    def handle_packet(self, data: bytes, origin: str, reply: Callable[[bytes], None]) -> None:
        """Parse one packet and enqueue what it asks for; answer or count what is wrong."""
        try:
            messages = decode_packet(data)
        except OscDecodeError as e:
            self.counters.malformed += 1
            if looks_like_cue(data):
                self.counters.errors += 1
                reply(error_packet(0, f"malformed OSC: {e}"))
            else:
                self._report_once("malformed", f"dropped a malformed packet ({e})")
            return
        for msg in messages:
            try:
                item = parse_message(msg, origin, reply)
            except NotACue:
                self.counters.unknown_address += 1
                self._report_once("unknown:" + msg.address[:40], f"dropped a message for unknown address {msg.address[:80]}")
                continue
            except CueError as e:
                self.counters.errors += 1
                reply(error_packet(0, str(e)))
                continue
            self._enqueue(item, reply)

    def _enqueue(self, item: Cue | Panic, reply: Callable[[bytes], None] | None) -> None:
        if isinstance(item, Cue):
            self.counters.cues += 1
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.counters.queue_full += 1
            if reply is not None and isinstance(item, Cue):
                reply(error_packet(item.source, "busy: cue queue full, cue dropped"))

    def _udp_loop(self) -> None:
        sock = self._udp
        assert sock is not None
        while not self._stop.is_set():
            try:
                data, addr = sock.recvfrom(65536)
            except (TimeoutError, BlockingIOError, InterruptedError):
                continue
            except OSError:
                if self._stop.is_set():
                    return
                continue
            if not self._allowed(addr[0]):
                self.counters.not_allowed += 1
                self._report_once("allow:" + addr[0], f"dropped a packet from {addr[0]}, not in --allow")
                continue
            self.handle_packet(data, "udp", lambda p, a=addr: self._reply_udp(a, p))

    def _tcp_loop(self) -> None:
        server = self._tcp
        assert server is not None
        sel = selectors.DefaultSelector()
        server.setblocking(False)
        sel.register(server, selectors.EVENT_READ, None)
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(TICK_S):
                    if key.data is None:
                        try:
                            conn, peer = server.accept()
                        except OSError:
                            continue
                        if not self._allowed(peer[0]):
                            self.counters.not_allowed += 1
                            conn.close()
                            continue
                        conn.setblocking(False)
                        sel.register(conn, selectors.EVENT_READ, _TcpClient(conn, peer))
                    else:
                        self._tcp_read(sel, key.data)
        finally:
            for key in list(sel.get_map().values()):
                if key.data is not None:
                    key.data.conn.close()
            sel.close()

    def _tcp_read(self, sel: selectors.BaseSelector, client: _TcpClient) -> None:
        try:
            chunk = client.conn.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            sel.unregister(client.conn)
            client.conn.close()
            return
        client.buf += chunk
        while True:
            end = client.buf.find(slip.END, 1 if client.buf[:1] == slip.END else 0)
            if end < 0:
                if len(client.buf) > MAX_TCP_FRAME:
                    self.counters.malformed += 1
                    self._report_once("tcp-frame", f"dropped a TCP frame over {MAX_TCP_FRAME} bytes")
                    client.buf.clear()
                return
            frame = bytes(client.buf[: end + 1])
            del client.buf[: end + 1]
            if frame.strip(slip.END) == b"":
                continue
            try:
                packet = slip.decode(frame)
            except slip.ProtocolError:
                self.counters.malformed += 1
                self._report_once("slip", "dropped an invalid SLIP frame")
                continue
            self.handle_packet(packet, "tcp", client.send)

    def _stdin_loop(self) -> None:
        stream = sys.stdin
        while not self._stop.is_set():
            try:
                line = stream.readline()
            except (OSError, ValueError, UnicodeDecodeError) as e:
                self.counters.stdin_errors += 1
                if isinstance(e, UnicodeDecodeError):
                    self.console.warn("stdin: a line that is not valid UTF-8 was skipped")
                    continue
                return
            if line == "":
                self.console.warn("stdin closed; still serving OSC (Ctrl-C stops)")
                return
            try:
                cue = parse_line(line)
            except CueError as e:
                self.counters.errors += 1
                self.console.warn(f"cue not taken: {e}")
                continue
            if cue is not None:
                self._enqueue(cue, None)

    # ------------------------------------------------------------------ inference

    def _inference_loop(self) -> None:
        while not self._stop.is_set():
            try:
                first = self._queue.get(timeout=TICK_S)
            except queue.Empty:
                continue
            batch = [first]
            while len(batch) < BATCH_MAX:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            cues = [c for c in batch if isinstance(c, Cue)]
            if any(isinstance(c, Panic) for c in batch):
                n = self.player.panic()
                self.console.warn(f"panic: all motion stopped ({n} moving), positions held")
            if cues:
                self._answer(cues)

    def _answer(self, cues: list[Cue]) -> None:
        try:
            predictions = self.predictor.predict([c.text for c in cues])
        except CueError:
            predictions = None  # one bad text in the batch: answer each alone below
        for i, cue in enumerate(cues):
            try:
                p = predictions[i] if predictions is not None else self.predictor.predict([cue.text])[0]
            except CueError as e:
                self._fail(cue, str(e))
                continue
            p = p.with_source(cue.source)
            sent = self.router.place(p)
            latency_ms = (time.perf_counter() - cue.received_s) * 1000.0
            if callable(cue.reply_to):
                cue.reply_to(ack_packet(p))
            self.counters.answered += 1
            self.console.line(summary_line(p, sent, latency_ms))

    def _fail(self, cue: Cue, reason: str) -> None:
        self.counters.errors += 1
        if callable(cue.reply_to):
            cue.reply_to(error_packet(cue.source, reason))
        self.console.warn(f"[{cue.source}] cue not answered: {reason}")


def encode_cue(text: str, source: int | None = None) -> bytes:
    """A /cue packet, as a client would send it (used by the benchmark and tests)."""
    return encode_message("/cue", [source, text] if source is not None else [text])

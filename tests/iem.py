"""Run a real IEM Plug-in Suite standalone (e.g. StereoEncoder) as an OSC peer for tests.

This is a helper module, not a test file.  It provides:

* ``juce_base64`` / ``juce_base64_decode``: JUCE's ``MemoryBlock::toBase64Encoding`` /
  ``fromBase64Encoding`` (NOT RFC 4648, see below);
* ``juce_xml_to_binary`` / ``juce_binary_to_xml``: JUCE's ``AudioProcessor::copyXmlToBinary`` /
  ``getXmlFromBinary`` framing;
* ``oscconfig_xml`` / ``write_settings``: the standalone's settings file that opens the plug-in's OSC
  receiver and points its OSC feedback sender at us;
* ``running_iem_plugin``: a context manager that starts Xvfb + jackd (dummy backend) + the plug-in in a
  private HOME and yields an :class:`IemPlugin` handle (``receive_port``, ``latest``, ``wait_for``, ...);
* ``iem_available`` / ``require_iem``: detect missing programs (skip locally, fail loudly when CI=true).

How the plug-in is configured
-----------------------------
A JUCE standalone reads ``$HOME/.config/<folder>/<Plugin>.settings`` (JUCE's
``PropertiesFile``; the IEM standalones use the folder ``IEMAudioPlugins``).  That file is
``<PROPERTIES><VALUE name="filterState" val="..."/></PROPERTIES>``, where ``val`` is the plug-in state:

* ``copyXmlToBinary``: int32 magic 0x21324356 (little-endian, bytes ``VC2!``), uint32 length of the XML
  text (little-endian), the UTF-8 XML text, one NUL byte (so ``length == total - 9``);
* then ``MemoryBlock::toBase64Encoding``: the decimal byte count, ``'.'``, then
  ``ceil(8 * n / 6)`` characters over the alphabet
  ``.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+`` (index 0 = ``'.'``), where
  character *i* encodes the 6 bits starting at bit ``6 * i`` of the buffer read LSB-first
  (``MemoryBlock::getBitRange``: bit *k* is bit ``k % 8`` of byte ``k // 8``; bits past the end read as 0).
  No padding, no line breaks.

The IEM state XML needs only ``<StereoEncoder><OSCConfig ReceiverPort=.. SenderIP=.. SenderPort=..
SenderOSCAddress=.. SenderInterval=../></StereoEncoder>``; missing parameters keep their defaults.
Tests use a private ``HOME`` and ``XDG_CONFIG_HOME`` (a temp dir), never the real ``~/.config``.

Observed behaviour (iem-plugin-suite-standalone 1.14.0-1+b1, jackd2 1.9.21, Debian 12, 2-core VM)
------------------------------------------------------------------------------------------------
* Needs an X display: without ``DISPLAY`` it segfaults at once (rc 139).  Xvfb is fine; we let
  Xvfb choose a free display itself (``-displayfd``), so parallel runs do not collide.
* Does NOT need jackd for its OSC side: without a server it logs "jack server is not running" and
  works the same.  With jackd up (``JACK_DEFAULT_SERVER``) it registers a JACK client
  ``StereoEncoder`` (2 in, 64 out ports).  ``running_iem_plugin`` starts a private jackd (dummy
  backend) and, unless ``with_jack=True``, falls back to none if jackd cannot start.
* Startup (measured): Xvfb ~0.05 s, jackd ~0.2-0.35 s, first parameter dump 0.1-0.4 s after exec;
  the whole context manager is ready in ~0.8-1.1 s, teardown ~0.1 s.
* Feedback: right after start the OSC sender dumps all 11 parameters (``<SenderOSCAddress>/<id> f v``,
  one message per datagram); afterwards it sends only *changed* parameters, every ``SenderInterval``
  ms (we use 50 ms; a change is reported ~50 ms after it was sent).  ``/flushParams`` is NOT needed
  for feedback of changes; sent to the receive port it makes the plug-in dump everything again, which
  we use as the readiness probe of the *receiver* (the first dump only proves the sender works) and
  for :meth:`IemPlugin.snapshot`.  Changing azimuth/elevation also reports new qw..qz.
* Values are applied in real units and reported as float32 after JUCE's 0..1 normalisation: 45 and
  -20 come back exact, 25 comes back as 24.999985 and 20 as 20.000015 -- always compare with a
  tolerance.
* ``SenderOSCAddress`` changes only the feedback prefix; the receiver always expects
  ``/StereoEncoder/<paramID>``.
* If the configured ReceiverPort is already in use the receiver silently stays closed (nothing in the
  log); the /flushParams probe detects it and we retry with another port (costs ~6 s).
* SIGTERM ends the plug-in in ~10 ms (it does not save its settings then).
* jackd pitfalls (both handled here): (1) kill the JACK client first and jackd then often ignores
  SIGTERM for >3 s and, even when it exits, does not unregister; so we stop jackd *before* the
  plug-in (it then exits in ~20 ms, cleanly, and unregisters); (2) jackd2 keeps
  a per-user table of at most 8 servers in ``/dev/shm/jack-shm-registry``; a jackd that does not exit
  cleanly leaves its entry, which only a later server *of the same name* reclaims.  Fresh unique
  names per run therefore fill the table after a few crashes, and then every jackd of the user fails
  with "Too many servers already active".  We use a small fixed pool of names
  (``oscbridge-iem-0..3``) and remove our leftover semaphore/socket files from /dev/shm.
* Children get PR_SET_PDEATHSIG=SIGTERM: if the test process is killed (even SIGKILL), Xvfb, jackd
  and the plug-in die too.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import quoteattr

from pythonosc import osc_packet
from pythonosc.osc_message_builder import OscMessageBuilder

# ----------------------------------------------------------------------------------------------
# JUCE encodings
# ----------------------------------------------------------------------------------------------

JUCE_BASE64_ALPHABET = ".ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+"
_JUCE_BASE64_INDEX = {c: i for i, c in enumerate(JUCE_BASE64_ALPHABET)}
JUCE_XML_MAGIC = 0x21324356


def juce_base64(data: bytes) -> str:
    """``juce::MemoryBlock::toBase64Encoding`` of ``data``.

    The whole buffer is one little-endian bit string (bit k = bit k%8 of byte k//8); character i is
    the alphabet entry of bits 6i..6i+5 (bit 6i is the least significant); bits past the end are 0.
    """
    value = int.from_bytes(data, "little")
    n_chars = (len(data) * 8 + 5) // 6
    chars = [JUCE_BASE64_ALPHABET[(value >> (6 * i)) & 0x3F] for i in range(n_chars)]
    return f"{len(data)}." + "".join(chars)


def juce_base64_decode(text: str) -> bytes:
    """Inverse of :func:`juce_base64` (``MemoryBlock::fromBase64Encoding``), strict."""
    count, dot, body = text.partition(".")
    if not dot or not count.isdigit():
        raise ValueError(f"not a JUCE base64 string (no '<count>.' prefix): {text[:20]!r}")
    size = int(count)
    value = 0
    for i, c in enumerate(body):
        try:
            value |= _JUCE_BASE64_INDEX[c] << (6 * i)
        except KeyError:
            raise ValueError(f"invalid JUCE base64 character {c!r} at {i}") from None
    if len(body) != (size * 8 + 5) // 6:
        raise ValueError(f"{len(body)} characters for {size} bytes")
    if value >> (8 * size):
        raise ValueError("non-zero padding bits")
    return value.to_bytes(size, "little")


def juce_xml_to_binary(xml: str) -> bytes:
    """``juce::AudioProcessor::copyXmlToBinary`` framing of an XML document/element text."""
    text = xml.encode("utf-8")
    return JUCE_XML_MAGIC.to_bytes(4, "little") + len(text).to_bytes(4, "little") + text + b"\0"


def juce_binary_to_xml(data: bytes) -> str:
    """Inverse of :func:`juce_xml_to_binary` (strict)."""
    if len(data) < 9 or int.from_bytes(data[:4], "little") != JUCE_XML_MAGIC:
        raise ValueError("no copyXmlToBinary magic")
    n = int.from_bytes(data[4:8], "little")
    if len(data) != n + 9 or data[8 + n] != 0:
        raise ValueError("bad length or missing NUL")
    return data[8 : 8 + n].decode("utf-8")


def oscconfig_xml(
    plugin: str = "StereoEncoder",
    *,
    receiver_port: int,
    sender_port: int,
    sender_ip: str = "127.0.0.1",
    sender_address: str | None = None,
    interval_ms: int = 100,
) -> str:
    """The plug-in state XML that opens the OSC receiver and configures the feedback sender."""
    attrs = {
        "ReceiverPort": str(int(receiver_port)),
        "SenderIP": sender_ip,
        "SenderPort": str(int(sender_port)),
        "SenderOSCAddress": sender_address if sender_address is not None else f"/{plugin}",
        "SenderInterval": str(int(interval_ms)),
    }
    body = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{plugin}><OSCConfig {body}/></{plugin}>"


def settings_xml(state_xml: str) -> str:
    """The standalone's PropertiesFile content carrying ``state_xml`` as ``filterState``."""
    val = juce_base64(juce_xml_to_binary(state_xml))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n\n'
        f'<PROPERTIES>\n  <VALUE name="filterState" val={quoteattr(val)}/>\n</PROPERTIES>\n'
    )


def write_settings(
    config_dir: str | os.PathLike,
    plugin: str = "StereoEncoder",
    *,
    receiver_port: int,
    sender_port: int,
    sender_ip: str = "127.0.0.1",
    sender_address: str | None = None,
    interval_ms: int = 100,
    folder: str = "IEMAudioPlugins",
) -> Path:
    """Write ``<config_dir>/<folder>/<plugin>.settings`` and return its path.

    ``config_dir`` is the ``.config`` directory of the (private) HOME.
    """
    path = Path(config_dir) / folder / f"{plugin}.settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    state = oscconfig_xml(
        plugin,
        receiver_port=receiver_port,
        sender_port=sender_port,
        sender_ip=sender_ip,
        sender_address=sender_address,
        interval_ms=interval_ms,
    )
    path.write_text(settings_xml(state), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------
# Availability
# ----------------------------------------------------------------------------------------------

REQUIRED_PROGRAMS = ("Xvfb", "jackd", "jack_wait", "oscsend")


def iem_available(binary: str = "iem-plugin-stereoencoder") -> str | None:
    """None when everything needed is installed, else the reason (a human-readable string)."""
    missing = [p for p in (binary, *REQUIRED_PROGRAMS) if shutil.which(p) is None]
    if missing:
        return (
            "missing programs: " + ", ".join(missing)
            + " (Debian: iem-plugin-suite-standalone, xvfb, jackd2, liblo-tools)"
        )
    return None


def in_ci() -> bool:
    """CI=true (any value but empty/0/false/no) means: a missing program is a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_iem(binary: str = "iem-plugin-stereoencoder") -> None:
    """Skip (locally) or fail (CI=true) the calling test when the programs are missing."""
    import pytest

    reason = iem_available(binary)
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"IEM plug-in test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"IEM plug-in test skipped: {reason}")


# ----------------------------------------------------------------------------------------------
# Process helpers
# ----------------------------------------------------------------------------------------------


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port that was free a moment ago (bind to port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _popen_logged(cmd: list[str], log: Path, **kw) -> subprocess.Popen:
    """Popen with stdout+stderr appended to ``log`` (the parent's copy of the file is closed)."""
    with log.open("ab") as f:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                                start_new_session=True, **kw)


def _tail(path: Path, n: int = 2000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "<no log>"
    return data[-n:].decode("utf-8", "replace")


def kill_group(proc: subprocess.Popen | None, timeout: float = 3.0) -> None:
    """SIGTERM, then SIGKILL, ``proc``'s process group (started with start_new_session=True).

    Idempotent: does nothing once ``proc`` has been reaped (its pid may belong to someone else).
    """
    if proc is None or proc.poll() is not None:
        return
    pgid = proc.pid  # a session leader: pgid == pid; not reusable while the group exists
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
        try:
            proc.wait(timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    # anything the program left behind in its group
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout)


def start_xvfb(stack: contextlib.ExitStack, log: Path, timeout: float = 10.0) -> str:
    """Start Xvfb on a free display (chosen by Xvfb itself via -displayfd); return ':N'."""
    rfd, wfd = os.pipe()
    try:
        proc = _popen_logged(
            ["Xvfb", "-displayfd", str(wfd), "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
            log, pass_fds=(wfd,), preexec_fn=_die_with_parent,
        )
    finally:
        os.close(wfd)
    stack.callback(kill_group, proc)
    buf = b""
    deadline = time.monotonic() + timeout
    try:
        while not buf.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or proc.poll() is not None:
                raise RuntimeError(f"Xvfb did not report a display in {timeout} s: {_tail(log)}")
            ready, _, _ = select.select([rfd], [], [], min(left, 0.2))
            if ready:
                chunk = os.read(rfd, 64)
                if not chunk:
                    if proc.poll() is None:
                        time.sleep(0.05)
                        continue
                    raise RuntimeError(f"Xvfb exited: {_tail(log)}")
                buf += chunk
    finally:
        os.close(rfd)
    return ":" + buf.decode().strip()


JACK_SERVER_NAMES = tuple(f"oscbridge-iem-{k}" for k in range(4))


class JackServer:
    """A private jackd on the dummy backend (see :func:`start_jackd`)."""

    def __init__(self, name: str, proc: subprocess.Popen, log: Path) -> None:
        self.name = name
        self.proc = proc
        self.log = log
        self.owned = False  # True once we know the server under this name is this jackd
        self.realtime = False

    def stop(self) -> None:
        """Stop jackd (SIGTERM, it exits in ~20 ms) and remove its leftovers in /dev/shm.

        Stop it while its clients are still alive: a client killed first leaves jackd unable to
        shut down promptly (SIGTERM then takes >3 s), and a jackd that is killed never unregisters
        from JACK's shared server table (``/dev/shm/jack-shm-registry``, 8 entries per user).
        """
        if self.proc.poll() is None:
            kill_group(self.proc, timeout=3.0)
        if self.owned:  # client semaphores and the server socket are left behind
            for p in Path("/dev/shm").glob(f"jack*_{self.name}_*"):
                with contextlib.suppress(OSError):
                    p.unlink()


def server_xruns(log: Path) -> dict[str, int]:
    """jackd's own account of each missed deadline, by cause.

    jackd logs a missed cycle as: an optional "JackTimedDriver::Process XRun = N usec" (the dummy
    driver's timer woke N us late: the cycle started late for every client), then one line per
    client that was not finished ("state = Triggered": not yet woken; "state = Running": still
    processing), then "Process error". A cycle where our client was still running although the
    driver was on time is a glitch of our making ("ours").
    """
    counts = {"driver": 0, "ours": 0, "ours_after_late_driver": 0, "triggered": 0}
    driver_late = False
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if "JackTimedDriver::Process XRun" in line:
            counts["driver"] += 1
            driver_late = True
        elif re.search(r"client = PortAudio\S* was not finished, state = Running", line):
            counts["ours_after_late_driver" if driver_late else "ours"] += 1
        elif re.search(r"client = PortAudio\S* was not finished, state = Triggered", line):
            counts["triggered"] += 1
        elif "Process error" in line:
            driver_late = False
    return counts


def _can_realtime() -> bool:
    """Whether this process may use SCHED_FIFO (root, or an rtprio limit), as jackd -R needs."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (PermissionError, OSError, AttributeError):
        return False
    os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
    return True


def _jack_running(name: str, env: dict) -> bool:
    r = subprocess.run(["jack_wait", "-c", "-s", name], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=10)
    return r.stdout.strip().endswith("running") and "not running" not in r.stdout


def start_jackd(stack: contextlib.ExitStack, env: dict, log: Path, timeout: float = 10.0,
                realtime: bool = False, monitor_ports: bool = False) -> JackServer:
    """Start a private jackd (dummy backend, 48 kHz, 256 frames) under a server name of our own.

    Sets ``JACK_DEFAULT_SERVER`` in ``env`` for the clients.  The names come from a small fixed pool
    (``JACK_SERVER_NAMES``), not from a fresh unique name per run: jackd2 only reclaims a stale
    entry of its shared server table for the *same* name, so unique names would fill the table
    (8 entries) after a few crashed runs and then every jackd of this user fails with "Too many
    servers already active".  A name whose server is running (another test) is skipped.

    ``realtime=True`` runs jackd in realtime mode (``-R``: its process thread and its clients'
    process threads get SCHED_FIFO, as on a musician's machine); where the system refuses
    realtime scheduling jackd runs without it and ``JackServer.realtime`` says so.
    ``monitor_ports=True`` gives the dummy driver ``system:monitor_N`` output ports that carry
    what is played to ``system:playback_N`` (a recorder can be connected before any player).
    """
    env["JACK_NO_AUDIO_RESERVATION"] = "1"
    env["JACK_NO_START_SERVER"] = "1"
    errors = []
    for name in JACK_SERVER_NAMES:
        if _jack_running(name, env):
            errors.append(f"{name}: in use")
            continue
        with log.open("ab") as f:
            f.write(f"=== jackd -n {name}\n".encode())
        rt = ["-R", "-P", "70"] if realtime and _can_realtime() else ["--no-realtime"]
        proc = _popen_logged(
            ["jackd", "-n", name, *rt, "-d", "dummy", "-r", "48000", "-p", "256", *(["-m"] if monitor_ports else [])],
            log, env=env, preexec_fn=_die_with_parent,
        )
        server = JackServer(name, proc, log)
        server.realtime = rt[0] == "-R"
        stack.callback(server.stop)
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            if _jack_running(name, env):
                time.sleep(0.05)
                if proc.poll() is None:  # it is ours, not a server that won a race for the name
                    server.owned = True
                    env["JACK_DEFAULT_SERVER"] = name
                    return server
            time.sleep(0.1)
        server.stop()
        errors.append(f"{name}: jackd rc={proc.returncode}: {_tail(log, 300)!r}")
    raise RuntimeError(f"no private jackd could be started ({'; '.join(errors)}): {_tail(log, 800)}")


try:  # resolved here, not in the child: nothing may be imported between fork and exec
    import ctypes

    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (ImportError, OSError, AttributeError):  # pragma: no cover - non-Linux
    _prctl = None
_PR_SET_PDEATHSIG = 1
_SIGTERM = int(signal.SIGTERM)


def _die_with_parent() -> None:
    """preexec_fn: the kernel sends SIGTERM to the child when the thread that started it ends
    (also when the test process is killed with SIGKILL)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, _SIGTERM, 0, 0, 0)


# ----------------------------------------------------------------------------------------------
# Feedback receiver and plug-in handle
# ----------------------------------------------------------------------------------------------


@dataclass
class Feedback:
    """One OSC message received from the plug-in's feedback sender."""

    t: float  # time.monotonic() at reception
    address: str
    args: tuple


class FeedbackReceiver:
    """A UDP socket on 127.0.0.1 (port chosen by the OS) parsing every datagram as OSC."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.messages: list[Feedback] = []
        self.errors: list[str] = []
        self.cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"iem-feedback-{self.port}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, _ = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            now = time.monotonic()
            try:
                packet = osc_packet.OscPacket(data)
            except Exception as exc:  # noqa: BLE001 - keep the reason for the report
                with self.cond:
                    self.errors.append(f"{exc!r} for {data[:64]!r}")
                continue
            with self.cond:
                for timed in packet.messages:
                    msg = timed.message
                    self.messages.append(Feedback(now, msg.address, tuple(msg.params)))
                self.cond.notify_all()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


class IemPlugin:
    """Handle on a running IEM standalone plug-in (see :func:`running_iem_plugin`)."""

    def __init__(self, plugin: str, receive_port: int, receiver: FeedbackReceiver,
                 sender_address: str, proc: subprocess.Popen, log: Path, env: dict) -> None:
        self.plugin = plugin
        self.receive_port = receive_port
        self.receiver = receiver
        self.feedback_port = receiver.port
        self.sender_address = sender_address.rstrip("/")
        self.proc = proc
        self.log = log
        self.env = env  # environment the plug-in runs in (HOME, DISPLAY, JACK_DEFAULT_SERVER)
        self.started_at = time.monotonic()
        self.timings: dict[str, float] = {}
        self.jack_server: str | None = None  # name of the private jackd, None if none
        self.jack_error: str | None = None  # why there is no jackd
        self.tmp_dir: Path | None = None  # private HOME's parent, logs

    # -- reading feedback ------------------------------------------------------------------------
    def _param_of(self, address: str) -> str | None:
        prefix = self.sender_address + "/"
        return address[len(prefix):] if address.startswith(prefix) else None

    def messages(self, since: float | None = None) -> list[Feedback]:
        with self.receiver.cond:
            msgs = list(self.receiver.messages)
        return [m for m in msgs if since is None or m.t >= since]

    def values(self, param: str, since: float | None = None) -> list[float]:
        """All values fed back for ``param`` (in order of reception)."""
        return [float(m.args[0]) for m in self.messages(since)
                if self._param_of(m.address) == param and m.args
                and isinstance(m.args[0], (int, float))]

    def latest(self, param: str) -> float | None:
        """The latest value fed back for ``param`` (e.g. ``"azimuth"``), or None if none yet."""
        vals = self.values(param)
        return vals[-1] if vals else None

    def params(self) -> dict[str, float]:
        """Latest fed-back value of every parameter seen so far."""
        out: dict[str, float] = {}
        for m in self.messages():
            p = self._param_of(m.address)
            if p is not None and m.args and isinstance(m.args[0], (int, float)):
                out[p] = float(m.args[0])
        return out

    def wait_for(self, param: str, predicate: Callable[[float], bool] | float,
                 timeout: float = 5.0, *, since: float | None = None, what: str = "") -> float:
        """Wait until the latest fed-back ``param`` satisfies ``predicate``; return that value.

        ``predicate`` may be a number (meaning: within 0.01 of it).  With ``since`` (a
        ``time.monotonic()`` value) only feedback received after it counts.  On timeout raises an
        AssertionError listing the values seen for ``param``.
        """
        if not callable(predicate):
            target = float(predicate)
            predicate = lambda v, _t=target: abs(v - _t) <= 0.01  # noqa: E731
            what = what or f"== {target} ± 0.01"
        deadline = time.monotonic() + timeout
        with self.receiver.cond:
            while True:
                vals = [float(m.args[0]) for m in self.receiver.messages
                        if (since is None or m.t >= since) and self._param_of(m.address) == param
                        and m.args and isinstance(m.args[0], (int, float))]
                if vals and predicate(vals[-1]):
                    return vals[-1]
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    break
                self.receiver.cond.wait(min(left, 0.2))
        status = "running" if self.proc.poll() is None else f"EXITED rc={self.proc.returncode}"
        raise AssertionError(
            f"{self.plugin}: feedback for {param!r} did not satisfy {what or predicate} within "
            f"{timeout} s; values seen (oldest first): {vals[-20:]}; latest of all params: "
            f"{self.params()}; plug-in {status}; receive port {self.receive_port}, feedback port "
            f"{self.feedback_port}; plug-in log tail:\n{_tail(self.log, 1500)}"
        )

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Wait until no feedback arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msgs = self.messages()
            last = msgs[-1].t if msgs else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(0.05)

    # -- sending ---------------------------------------------------------------------------------
    def send(self, address: str, *args: float | int | str) -> None:
        """Send one OSC message to the plug-in's receive port (python-osc encoder)."""
        b = OscMessageBuilder(address=address)
        for a in args:
            b.add_arg(a)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b.build().dgram, ("127.0.0.1", self.receive_port))

    def set(self, param: str, value: float) -> None:
        """Send ``/<Plugin>/<param> f value`` (the receiver always uses the product name)."""
        self.send(f"/{self.plugin}/{param}", float(value))

    def flush(self) -> float:
        """Ask for a full parameter dump (``/flushParams``); returns the time it was sent."""
        t = time.monotonic()
        self.send("/flushParams")
        return t

    def snapshot(self, timeout: float = 3.0) -> dict[str, float]:
        """Ask for a full dump (``/flushParams``) and return every parameter's reported value."""
        names = set(self.params())
        t = self.flush()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = {}
            for m in self.messages(since=t):
                p = self._param_of(m.address)
                if p is not None and m.args and isinstance(m.args[0], (int, float)):
                    got[p] = float(m.args[0])
            if names and names <= set(got):
                return got
            time.sleep(0.02)
        raise AssertionError(f"{self.plugin}: incomplete answer to /flushParams within {timeout} s: "
                             f"got {sorted(got)}, expected {sorted(names)}")

    def log_tail(self, n: int = 2000) -> str:
        return _tail(self.log, n)


@contextlib.contextmanager
def running_iem_plugin(
    plugin: str = "StereoEncoder",
    binary: str = "iem-plugin-stereoencoder",
    *,
    startup_timeout: float = 20.0,
    interval_ms: int = 50,
    with_jack: bool | None = None,
    sender_address: str | None = None,
    keep_dir: bool = False,
) -> Iterator[IemPlugin]:
    """Start Xvfb + jackd (dummy) + the IEM standalone ``binary``; yield an :class:`IemPlugin`.

    The plug-in's receive port is a free UDP port; its feedback goes to a UDP socket owned by the
    handle.  Returns only once the initial parameter dump arrived *and* the receiver answered a
    ``/flushParams`` (so the receive port is really open).  Everything started is stopped on exit,
    also on failure; the private HOME is removed unless ``keep_dir``.

    ``with_jack``: True = a private jackd is required; False = none; None (default) = try, and
    run without one if jackd cannot start (the OSC side does not need audio; the reason is kept in
    ``handle.jack_error``).  ``sender_address``: the feedback's address prefix (default
    ``/<plugin>``; it changes only what the plug-in sends, it always receives on ``/<plugin>/...``).

    The children get SIGTERM if the thread that started them ends (PR_SET_PDEATHSIG), so use the
    handle in the thread that entered the context manager.
    """
    reason = iem_available(binary)
    if reason:
        raise RuntimeError(reason)
    t0 = time.monotonic()
    with contextlib.ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix=f"iem-{plugin}-"))
        if not keep_dir:
            stack.callback(shutil.rmtree, tmp, True)
        home = tmp / "home"
        config = home / ".config"
        config.mkdir(parents=True)
        (tmp / "run").mkdir(mode=0o700)
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("JACK_", "XDG_", "DBUS_", "WAYLAND_", "PULSE_"))
            and k not in ("DISPLAY", "XAUTHORITY")
        }
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(config),
                   XDG_RUNTIME_DIR=str(tmp / "run"), NO_AT_BRIDGE="1")

        receiver = FeedbackReceiver()
        stack.callback(receiver.close)

        env["DISPLAY"] = start_xvfb(stack, tmp / "xvfb.log")
        t_x = time.monotonic()
        jack: JackServer | None = None
        jack_error: str | None = "not requested" if with_jack is False else None
        if with_jack is not False:
            try:
                jack = start_jackd(stack, env, tmp / "jackd.log")
            except RuntimeError as exc:
                if with_jack:
                    raise
                jack_error = str(exc)
                env["JACK_NO_START_SERVER"] = "1"
                env["JACK_DEFAULT_SERVER"] = "oscbridge-iem-none"
        t_jack = time.monotonic()

        sender_address = sender_address or f"/{plugin}"
        last_error = ""
        for attempt in range(3):  # the receive port may be taken between probe and bind
            receive_port = free_udp_port()
            write_settings(config, plugin, receiver_port=receive_port, sender_port=receiver.port,
                           sender_address=sender_address, interval_ms=interval_ms)
            log = tmp / f"plugin-{attempt}.log"
            t_start = time.monotonic()
            proc = _popen_logged([binary], log, cwd=tmp, env=env, preexec_fn=_die_with_parent)

            stack.callback(kill_group, proc)
            if jack is not None:
                # LIFO: jackd is stopped first, while its client is alive (see JackServer.stop);
                # then the plug-in (SIGTERM ends it in ~10 ms; it does not save its settings).
                stack.callback(jack.stop)
            handle = IemPlugin(plugin, receive_port, receiver, sender_address, proc, log, env)
            handle.jack_server = jack.name if jack else None
            handle.jack_error = jack_error
            handle.tmp_dir = tmp
            # 1. the initial dump: the settings were read and the sender works
            handle.wait_for("azimuth", lambda v: True, timeout=startup_timeout, since=t_start,
                            what="<any value> (initial parameter dump)")
            t_dump = time.monotonic()
            handle.wait_quiet(0.25, timeout=3.0)
            # 2. the receiver: /flushParams must trigger a new dump
            ok = False
            for _ in range(3):
                t_flush = handle.flush()
                try:
                    handle.wait_for("azimuth", lambda v: True, timeout=1.5, since=t_flush,
                                    what="<any value> (answer to /flushParams)")
                    ok = True
                    break
                except AssertionError as exc:
                    last_error = f"receive port {receive_port}: {exc}"
            if not ok:
                kill_group(proc)
                time.sleep(0.5)  # let jackd notice the dead client before anything else
                continue
            handle.timings = {
                "xvfb_s": round(t_x - t0, 3),
                "jackd_s": round(t_jack - t_x, 3),
                "plugin_first_dump_s": round(t_dump - t_start, 3),
                "receiver_ready_s": round(time.monotonic() - t_start, 3),
                "total_s": round(time.monotonic() - t0, 3),
            }
            handle.wait_quiet(0.15, timeout=3.0)
            yield handle
            return
        raise RuntimeError(f"{plugin} never opened its OSC receiver: {last_error}")


def oscsend(port: int, address: str, types: str, *args: object, host: str = "127.0.0.1") -> None:
    """Send one message with liblo's ``oscsend`` (an independent OSC implementation)."""
    cmd = ["oscsend", host, str(port), address, types, *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        raise AssertionError(f"{cmd} failed rc={r.returncode}: {r.stdout}{r.stderr}")


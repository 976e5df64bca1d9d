"""``oscbridge play``: a cue list on a timeline, fired on the wall clock or on REAPER's playhead.

A cue list is YAML (a list of mappings, or a mapping with a ``cues:`` list) or CSV (header
``time,source,text[,duration]``)::

    - {time: 0.5, text: a dog barks on the left}
    - {time: "0:01.0", source: 2, text: a car drives past from left to right, duration: 2}

    time      seconds: a number, or "SS.s", "MM:SS.s", "HH:MM:SS.s"
    source    1-based object index (default 1)
    text      the cue
    duration  seconds (optional): replaces the motion's duration_s when the cue moves; for a
              static cue it is kept as metadata (how long the cue sounds), and a wall-clock run
              lasts at least until it ends

Every cue is predicted up front, in one batch, so firing is only sending. A cue the predictor
refuses is reported and skipped; the rest still play.

Firing follows the daemon's semantics (``oscbridge.daemon``): a static cue holds its source's
motion and sends its parameters to every target; a moving cue starts its motion on the
``MotionPlayer`` (gliding from a running motion, else its start is sent at once).

Two clocks drive a ``Cursor`` (which cues are due, what to chase after a jump):

    wall clock   cue times relative to the start of ``play`` (or ``--start``), on an absolute
                 perf_counter schedule: sleep, then yield-spin the last SPIN_S, never drifting
    REAPER       ``Transport`` follows REAPER's OSC feedback (/time f SECONDS, /play, /stop,
                 /pause): the playhead is the last /time plus the wall time since, so cues fire
                 as the estimate crosses them, not when the next /time arrives. A reported time
                 that jumps backwards, or forwards by more than a tolerance, is a seek: each
                 source then chases its latest cue before the playhead (a moving cue joined at
                 the right point of its motion); /stop, /pause or /play 0 freeze all motion, and
                 /play 1 chases again from where the playhead is.

Threads: one worker fires cues (the transport follower also owns the feedback socket), the
motion thread streams moving sources, a console thread prints; the main thread handles signals.
"""

from __future__ import annotations

import bisect
import csv
import io
import math
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Sequence, TextIO

from oscbridge.cues import clean_text
from oscbridge.errors import ConfigError, CueError, PortInUseError
from oscbridge.motion import SPIN_S, Trajectory
from oscbridge.osc import Message, OscDecodeError, decode_packet
from oscbridge.params import DURATION_RANGE, MAX_SOURCES, Prediction, SpatialParams
from oscbridge.predictor import Predictor
from oscbridge.router import Router
from oscbridge.runloop import run_until_signalled
from oscbridge.targets import Target

FIELDS = ("time", "source", "text", "duration")
PREDICT_BATCH = 64
TICK_S = 0.1  # how often idle loops look at the stop flag
EPS_S = 1e-9  # float slack when comparing a playhead with a cue time
SEEK_BACK_S = 0.1  # a reported time this far behind the estimate is a seek (less: jitter)
SEEK_FORWARD_S = 0.25  # ... this far ahead of it (less: cues in between simply fire, late)
RCVBUF_BYTES = 1024 * 1024

_TIME_RE = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d*)?|\.\d+)$")


class CueListError(ConfigError):
    """A cue list that cannot be read: one line naming the file and the row or line (exit 2)."""


# ---------------------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class CueEntry:
    """One row of a cue list, validated but not yet predicted."""

    time_s: float
    source: int
    text: str
    duration_s: float | None = None
    where: str = ""  # "cues.csv row 4": for messages


def parse_time(value: object, what: str = "time") -> float:
    """Seconds from a number or an "SS.s" / "MM:SS.s" / "HH:MM:SS.s" string. Raises ValueError."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} {value!r} is not a time")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        m = _TIME_RE.match(value.strip())
        if m is None:
            raise ValueError(f"{what} {value!r} is not a time (seconds, MM:SS.s or HH:MM:SS.s)")
        hours, minutes, secs = m.group(1), m.group(2), m.group(3)
        if minutes is not None and float(secs) >= 60.0:
            raise ValueError(f"{what} {value!r} is not a time: seconds must be below 60")
        if hours is not None and int(minutes) >= 60:
            raise ValueError(f"{what} {value!r} is not a time: minutes must be below 60")
        seconds = int(hours or 0) * 3600.0 + int(minutes or 0) * 60.0 + float(secs)
    else:
        raise ValueError(f"{what} {value!r} is not a time")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{what} {value!r} is not a time: it must be a finite number of seconds >= 0")
    return seconds


def format_time(seconds: float) -> str:
    """12.5 -> "00:12.500"; 3725.25 -> "1:02:05.250"."""
    ms = round(seconds * 1000.0)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    text = f"{minutes:02d}:{ms / 1000.0:06.3f}"
    return f"{hours}:{text}" if hours else text


def _source(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"source {value!r} is not a whole number")
    if not 1 <= value <= MAX_SOURCES:
        raise ValueError(f"source {value} is outside 1..{MAX_SOURCES}")
    return value


def _duration(value: object) -> float:
    seconds = parse_time(value, "duration")
    low, high = DURATION_RANGE
    if not low <= seconds <= high:
        raise ValueError(f"duration {value!r} is outside {low:g}..{high:g} s")
    return seconds


def _entry(row: dict[str, Any], where: str) -> CueEntry:
    """Validate one row's fields (missing source/duration: default). Raises CueListError."""
    try:
        if row.get("time") in (None, ""):
            raise ValueError("time is missing")
        time_s = parse_time(row["time"])
        source = 1 if row.get("source") in (None, "") else _source(row["source"])
        text = row.get("text")
        if text is None or (isinstance(text, str) and not text.strip()):
            raise ValueError("text is missing")
        if not isinstance(text, str):
            raise ValueError(f"text {text!r} is not text")
        text = clean_text(text)
        duration = None if row.get("duration") in (None, "") else _duration(row["duration"])
    except (ValueError, CueError) as e:
        raise CueListError(f"{where}: {e}") from None
    return CueEntry(time_s, source, text, duration, where)


def _load_csv(path: Path, text: str) -> list[CueEntry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    entries = []
    for cells in reader:
        row_no = reader.line_num
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue  # blank rows and comments
        if header is None:
            header = [c.strip().lower() for c in cells]
            unknown = [c for c in header if c not in FIELDS]
            if unknown or "time" not in header or "text" not in header or len(set(header)) != len(header):
                raise CueListError(
                    f"{path.name} row {row_no}: header {','.join(cells)!r} is not time,source,text[,duration]"
                )
            continue
        where = f"{path.name} row {row_no}"
        if len(cells) > len(header):
            raise CueListError(f"{where}: {len(cells)} cells for {len(header)} columns (quote a text with commas)")
        entries.append(_entry(dict(zip(header, cells)), where))
    if header is None:
        raise CueListError(f"{path.name}: empty; expected a header row time,source,text[,duration]")
    return entries


def _load_yaml(path: Path, text: str) -> list[CueEntry]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark is not None else ""
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise CueListError(f"{path.name}{at}: not valid YAML ({reason})") from None
    finally:
        loader.dispose()
    if isinstance(data, dict):
        extra = sorted(str(k) for k in data if k != "cues")
        if extra or not isinstance(data.get("cues"), list):
            raise CueListError(f"{path.name}: expected a list of cues or a mapping with a 'cues:' list"
                               + (f" (unknown key {extra[0]!r})" if extra else ""))
        node = next(v for k, v in node.value if k.value == "cues")
        data = data["cues"]
    if not isinstance(data, list):
        raise CueListError(f"{path.name}: expected a list of cues or a mapping with a 'cues:' list")
    entries = []
    for i, (item, item_node) in enumerate(zip(data, node.value, strict=True), 1):
        where = f"{path.name} cue {i} (line {item_node.start_mark.line + 1})"
        if not isinstance(item, dict):
            raise CueListError(f"{where}: expected a mapping with time, source, text, duration")
        unknown = [str(k) for k in item if k not in FIELDS]
        if unknown:
            raise CueListError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(FIELDS)})")
        entries.append(_entry(item, where))
    return entries


def load_cues(path: Path) -> list[CueEntry]:
    """Read a cue list (.yaml/.yml/.csv), validated and sorted by time (stable). Raises CueListError."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise CueListError(f"{path.name}: a cue list is .yaml, .yml or .csv, not {suffix or 'no extension'!r}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise CueListError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise CueListError(f"{path.name}: not UTF-8 text (byte {e.start})") from None
    entries = _load_csv(path, text) if suffix == ".csv" else _load_yaml(path, text)
    if not entries:
        raise CueListError(f"{path.name}: no cues")
    return sorted(entries, key=lambda e: e.time_s)  # sorted() is stable: equal times keep file order


# ---------------------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class ScheduledCue:
    """A predicted cue on the timeline; its motion already carries the list's duration."""

    time_s: float
    prediction: Prediction
    duration_s: float | None = None
    where: str = ""

    @property
    def source(self) -> int:
        return self.prediction.source

    @property
    def end_s(self) -> float | None:
        """When the cue stops changing: the end of its motion (None: an endless orbit), or of its
        stated duration for a static cue, or its time."""
        m = self.prediction.motion
        if m is not None:
            return None if m.kind == "orbit" and m.turns is None else self.time_s + m.duration_s
        return self.time_s + (self.duration_s or 0.0)


def plan(entries: Sequence[CueEntry], predictor: Predictor) -> tuple[list[ScheduledCue], list[str]]:
    """Predict every cue up front (in batches). Returns the schedule (in ``entries``' order) and
    one line per cue the predictor refused."""
    results: list[Prediction | CueError] = []
    for start in range(0, len(entries), PREDICT_BATCH):
        chunk = entries[start : start + PREDICT_BATCH]
        try:
            results.extend(predictor.predict([e.text for e in chunk]))
        except CueError:  # one unreadable text: the chunk one by one
            for e in chunk:
                try:
                    results.append(predictor.predict([e.text])[0])
                except CueError as err:
                    results.append(err)
    cues, problems = [], []
    for e, p in zip(entries, results, strict=True):
        if isinstance(p, CueError):
            problems.append(f"{e.where}: cue skipped, not predicted: {p}")
            continue
        p = p.with_source(e.source)
        if p.motion is not None and e.duration_s is not None:
            p = replace(p, motion=replace(p.motion, duration_s=e.duration_s))
        cues.append(ScheduledCue(e.time_s, p, e.duration_s, e.where))
    return cues, problems


def motion_text(cue: ScheduledCue) -> str:
    m = cue.prediction.motion
    if m is None:
        return f"static {cue.duration_s:g}s" if cue.duration_s is not None else "static"
    text = f"{m.kind} {m.duration_s:g}s"
    if m.end is not None:
        text += f" to az {m.end.azimuth_deg:+.0f} el {m.end.elevation_deg:+.0f} {m.end.distance_m:.1f}m"
    if m.direction:
        text += f" {m.direction}"
    if m.turns is not None:
        text += f" {m.turns:g} turns"
    return text


def params_text(source: int, s: SpatialParams) -> str:
    return (
        f"[{source}] az {s.azimuth_deg:+6.1f} el {s.elevation_deg:+5.1f} dist {s.distance_m:5.1f}m "
        f"spread {s.spread_deg:3.0f} wet {s.wet:.2f} drr {s.drr_db:+.0f}dB gain {s.gain_db:+5.1f}dB"
    )


def describe(cue: ScheduledCue) -> str:
    """The dry-run line: time, source, every predicted parameter, the motion, the text."""
    p = cue.prediction
    return f"{format_time(cue.time_s)} {params_text(p.source, p.params)} {motion_text(cue)} \"{p.text}\""


# ---------------------------------------------------------------------------------------- scheduling


class Actions(Protocol):
    """What the schedulers do with a cue (``Output`` sends; tests record)."""

    def fire(self, cue: ScheduledCue, late_s: float) -> None:
        """The playhead crossed the cue ``late_s`` ago (>= 0): play it from its start."""

    def chase(self, cue: ScheduledCue, elapsed_s: float) -> None:
        """After a jump: the source's latest cue, ``elapsed_s`` before the playhead."""

    def hold(self, source: int) -> None:
        """After a jump: the source has no cue before the playhead; stop its motion."""

    def freeze(self) -> None:
        """The transport stopped: every motion stops where it is."""


class Cursor:
    """Where a playhead stands in a time-sorted cue list."""

    def __init__(self, cues: Sequence[ScheduledCue]):
        self.cues = sorted(cues, key=lambda c: c.time_s)
        self._times = [c.time_s for c in self.cues]
        self.sources = sorted({c.source for c in self.cues})
        self.next = 0  # index of the first cue not yet fired

    @property
    def next_time(self) -> float | None:
        return self._times[self.next] if self.next < len(self._times) else None

    @property
    def done(self) -> bool:
        return self.next >= len(self.cues)

    def due(self, position_s: float) -> list[ScheduledCue]:
        """The cues the playhead has crossed since the last call (time <= position), in order."""
        start = self.next
        while self.next < len(self._times) and self._times[self.next] <= position_s + EPS_S:
            self.next += 1
        return self.cues[start : self.next]

    def seek(self, position_s: float) -> tuple[list[ScheduledCue], list[int]]:
        """Jump to a position. Returns each source's latest cue at or before it (to chase, in
        time order) and the sources that have none; later cues fire as they are crossed."""
        self.next = bisect.bisect_right(self._times, position_s + EPS_S)
        latest: dict[int, ScheduledCue] = {}
        for c in self.cues[: self.next]:
            latest[c.source] = c
        chase = sorted(latest.values(), key=lambda c: c.time_s)
        return chase, [s for s in self.sources if s not in latest]


def _number(msg: Message) -> float | None:
    for t, v in zip(msg.typetags, msg.args):
        if t in "fdih" and isinstance(v, (int, float)) and math.isfinite(v):
            return float(v)
    return None


def _flag(msg: Message) -> bool | None:
    """REAPER's binary feedback: /play 1.0 or /play 0.0 (also i, T/F); no argument = on."""
    if not msg.args:
        return True
    if msg.typetags[0] in "TF":
        return msg.typetags[0] == "T"
    value = _number(msg)
    return None if value is None else value >= 0.5


class Transport:
    """REAPER's transport as seen through its OSC feedback, driven with explicit times.

    The playhead estimate is the last reported /time plus the wall time since it arrived (while
    playing), so ``deadline()`` says when the next cue is crossed and ``poll(now)`` fires it
    then. Nothing here reads a clock or a socket: ``TimelinePlayer`` does.
    """

    def __init__(self, cursor: Cursor, actions: Actions, seek_back_s: float = SEEK_BACK_S,
                 seek_forward_s: float = SEEK_FORWARD_S):
        self.cursor = cursor
        self.actions = actions
        self.seek_back_s = seek_back_s
        self.seek_forward_s = seek_forward_s
        self.playing = False
        self._anchor_pos = 0.0  # reported (or estimated) playhead, seconds ...
        self._anchor_wall = 0.0  # ... at this perf_counter time
        self.seeks = 0
        self.fired = 0
        self.chased = 0

    def position(self, now: float) -> float:
        return self._anchor_pos + (now - self._anchor_wall if self.playing else 0.0)

    def deadline(self) -> float | None:
        """perf_counter time at which the playhead reaches the next cue (None: stopped or done)."""
        t = self.cursor.next_time
        if not self.playing or t is None:
            return None
        return self._anchor_wall + (t - self._anchor_pos)

    def handle(self, msg: Message, now: float) -> bool:
        """One feedback message received at ``now``. Returns False for a message it ignores."""
        if msg.address == "/time":
            seconds = _number(msg)
            if seconds is None:
                return False
            self.on_time(seconds, now)
        elif msg.address == "/play":
            flag = _flag(msg)
            if flag is None:
                return False
            self.on_play(flag, now)
        elif msg.address in ("/stop", "/pause"):
            flag = _flag(msg)
            if flag is None:
                return False
            if flag:
                self.on_play(False, now)
        else:
            return False
        return True

    def on_time(self, seconds: float, now: float) -> None:
        if not self.playing:
            self._anchor_pos, self._anchor_wall = seconds, now  # the edit cursor moved
            return
        jump = seconds - self.position(now)
        self._anchor_pos, self._anchor_wall = seconds, now
        if jump < -self.seek_back_s or jump > self.seek_forward_s:
            self.seeks += 1
            self.resync(now)
        else:
            self.poll(now)

    def on_play(self, playing: bool, now: float) -> None:
        if playing == self.playing:
            return
        self._anchor_pos, self._anchor_wall = self.position(now), now
        self.playing = playing
        if playing:
            self.resync(now)  # start or resume: every source where it belongs at this position
        else:
            self.actions.freeze()

    def resync(self, now: float) -> None:
        position = self.position(now)
        chase, silent = self.cursor.seek(position)
        for source in silent:
            self.actions.hold(source)
        for cue in chase:
            self.chased += 1
            self.actions.chase(cue, position - cue.time_s)

    def poll(self, now: float) -> int:
        """Fire the cues the playhead has crossed by ``now``. Returns how many."""
        if not self.playing:
            return 0
        position = self.position(now)
        fired = self.cursor.due(position)
        for cue in fired:
            self.actions.fire(cue, position - cue.time_s)
        self.fired += len(fired)
        return len(fired)


def wait_until(deadline: float, stop: threading.Event) -> bool:
    """Sleep (interruptibly) until SPIN_S before ``deadline``, then yield-spin. False if stopped."""
    while True:
        left = deadline - time.perf_counter()
        if left <= SPIN_S:
            break
        if stop.wait(min(left - SPIN_S, TICK_S)):
            return False
    while time.perf_counter() < deadline:
        time.sleep(0)  # releases the GIL
    return not stop.is_set()


# ---------------------------------------------------------------------------------------- output


class Output:
    """The real ``Actions``: every target gets each cue; a ``MotionPlayer`` streams motion."""

    def __init__(self, targets: list[Target], rate_hz: float, glide_s: float,
                 line: Callable[[str], None], warn: Callable[[str], None], monitor: Any = None):
        self.targets = targets
        self._line = line
        self._warn = warn
        self._reported: set[str] = set()
        self.router = Router(targets, self._report_once, rate_hz, glide_s, monitor)
        self.player = self.router.player
        self.send_all = self.router.send_all

    def _report_once(self, key: str, text: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self._warn(f"{text} (reported once)")

    def _report(self, verb: str, cue: ScheduledCue, sent: Iterable[Target], note: str) -> None:
        p = cue.prediction
        names = ", ".join(t.label for t in sent) or "no target"
        self._line(f"{format_time(cue.time_s)} {verb:5s} {params_text(p.source, p.params)} {motion_text(cue)} "
                   f"-> {names} ({note}) \"{p.text}\"")

    def warm(self, cues: Iterable[ScheduledCue]) -> None:
        """Encode each cue once for every target without sending, so that the first firing of a
        source does not pay for building its encoders."""
        for cue in cues:
            for t in self.targets:
                try:
                    t.profile.datagrams(cue.source, cue.prediction.params)
                except ValueError:
                    pass  # a source this target cannot take: reported when it is sent

    def fire(self, cue: ScheduledCue, late_s: float) -> None:
        p = cue.prediction
        now = time.perf_counter()
        sent = self.router.place(p, now=now - late_s)  # a motion starts where the timeline says, not now
        self._report("fire", cue, sent, f"{late_s * 1000.0:+.1f} ms")

    def chase(self, cue: ScheduledCue, elapsed_s: float) -> None:
        p = cue.prediction
        now = time.perf_counter()
        with self.player.sending():  # no tick between the change and this cue's own update
            self.player.hold(p.source)  # a jump, not a glide
            if p.motion is None:
                sent = self.send_all(p.source, p.params)
            else:
                traj = Trajectory(p.params, p.motion, now - elapsed_s)
                if not traj.finished(now):
                    self.player.play(p.source, p.params, p.motion, now=now - elapsed_s)
                sent = self.send_all(p.source, traj.at(now))  # joined where the motion is by now
        self._report("chase", cue, sent, f"at {elapsed_s:.3f} s of it")

    def hold(self, source: int) -> None:
        self.player.hold(source)

    def freeze(self) -> None:
        n = self.player.panic()
        self._warn(f"transport stopped: motion frozen ({n} moving)")

    def busy(self, sources: Iterable[int]) -> bool:
        return any(self.player.moving(s) for s in sources)


# ---------------------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class PlayConfig:
    follow: tuple[str, int] | None = None  # REAPER's feedback arrives here; None = wall clock
    start_s: float = 0.0  # wall clock only: start from this time (earlier cues are chased)
    rate_hz: float = 50.0
    glide_s: float = 0.1


def check_loops(listen: tuple[str, int], targets: Iterable[Target]) -> None:
    """The feedback port must not be a --send destination: that would feed back into itself."""
    host, port = listen
    wildcard = host in ("0.0.0.0", "::", "")
    local = ("127.0.0.1", "localhost", "::1")
    for t in targets:
        same_host = t.host == host or wildcard or (t.host in local and host in local)
        if port != 0 and t.port == port and same_host:
            raise ConfigError(
                f"--send {t.label} is the --follow-reaper address {host}:{port}: that would feed back into itself"
            )


def bind_udp(address: tuple[str, int], what: str) -> socket.socket:
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise ConfigError(f"{what} {host}:{port}: cannot resolve {host!r}: {e.strerror}") from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
        sock.bind(addr)
    except OSError as e:
        sock.close()
        if e.errno == 98:  # EADDRINUSE
            raise PortInUseError(f"udp port {host}:{port} is already in use; choose another with {what}") from None
        raise ConfigError(f"cannot listen on udp {host}:{port}: {e.strerror or e}") from None
    return sock


class TimelinePlayer:
    """Plays a schedule to its targets, on the wall clock or following REAPER, until done or stopped."""

    def __init__(self, cues: list[ScheduledCue], targets: list[Target], config: PlayConfig,
                 out: TextIO | None = None, err: TextIO | None = None, monitor: Any = None):
        from oscbridge.daemon import Console, Counters

        self.config = config
        self.targets = targets
        self.counters = Counters()  # the console counts what it had to drop there
        self.console = Console(out or sys.stdout, err or sys.stderr, self.counters)
        self.cursor = Cursor(cues)
        if config.follow is not None:
            check_loops(config.follow, targets)
        self.monitor = monitor
        if monitor is not None:
            monitor.warn = self.console.warn
        self.output = Output(targets, config.rate_hz, config.glide_s, self.console.line, self.console.warn, monitor)
        self.transport = Transport(self.cursor, self.output)
        self._stop = threading.Event()
        self.finished = False  # the wall-clock run reached its end
        self.malformed = 0
        self._reported: set[str] = set()
        self._sock: socket.socket | None = None
        self._worker: threading.Thread | None = None
        self.listen_address: tuple[str, int] | None = None

    def start(self) -> None:
        """Bind (when following REAPER) and start the threads. Raises PortInUseError / ConfigError."""
        n, sends = len(self.cursor.cues), ", ".join(t.label for t in self.targets)
        self.output.warm(self.cursor.cues)
        if self.config.follow is not None:
            self._sock = bind_udp(self.config.follow, "--follow-reaper")
            self._sock.settimeout(TICK_S)
            self.listen_address = self._sock.getsockname()[:2]
            host, port = self.listen_address
            work, what = self._follow_loop, f"following REAPER on udp://{host}:{port}"
        else:
            work, what = self._wall_clock_loop, f"playing from {format_time(self.config.start_s)}"
        self.output.player.start()
        self._worker = threading.Thread(target=work, name="timeline")
        self._worker.start()
        self.console.warn(f"{what}; {n} cues; sending to {sends}; Ctrl-C stops")
        endless = sorted({c.source for c in self.cursor.cues if c.end_s is None})
        if endless and self.config.follow is None:
            self.console.warn(f"source(s) {', '.join(map(str, endless))} orbit without end: Ctrl-C stops")

    def run(self) -> int:
        """Play until the end (wall clock) or SIGINT/SIGTERM. Returns the exit code."""
        return run_until_signalled(self._stop, self.shutdown, TICK_S)

    def stop(self) -> None:
        self._stop.set()

    def shutdown(self, timeout: float = 0.5) -> None:
        """Ordered: audio stopped, stop flag, worker joined, motion stopped, sockets closed, final line."""
        if self.monitor is not None:
            self.monitor.close()  # first: the sound stops when the show does
        self._stop.set()
        deadline = time.monotonic() + timeout
        if self._worker is not None:
            self._worker.join(max(0.0, deadline - time.monotonic()))
        self.output.player.stop(max(0.0, deadline - time.monotonic()))
        if self._sock is not None:
            self._sock.close()
        for t in self.targets:
            t.close()
        tr = self.transport
        how = "done" if self.finished else "stopped"
        extra = f", {tr.chased} chased, {tr.seeks} seeks" if self.config.follow is not None else ""
        if self.monitor is not None:
            self.console.warn(self.monitor.summary())
        self.console.warn(f"{how}: {tr.fired} fired{extra} ({len(self.cursor.cues)} cues in the list)")
        self.console.close()

    # -------------------------------------------------------------------------- wall clock

    def _wall_clock_loop(self) -> None:
        start_s = self.config.start_s
        t0 = time.perf_counter() - start_s
        tr, cursor = self.transport, self.cursor
        if start_s > 0:
            chase, _ = cursor.seek(start_s)  # where each source would be by then
            for cue in chase:
                tr.chased += 1
                self.output.chase(cue, start_s - cue.time_s)
        while not cursor.done:
            t = cursor.next_time
            assert t is not None
            if not wait_until(t0 + t, self._stop):
                return
            position = time.perf_counter() - t0
            for cue in cursor.due(position):
                tr.fired += 1
                self.output.fire(cue, position - cue.time_s)
        # the end: every motion finished and every stated duration over
        ends = [c.end_s for c in cursor.cues if c.prediction.motion is None and c.end_s is not None]
        end_wall = t0 + max(ends, default=0.0)
        while time.perf_counter() < end_wall or self.output.busy(cursor.sources):
            if self._stop.wait(0.01):
                return
        self.finished = True
        self._stop.set()

    # -------------------------------------------------------------------------- REAPER

    def _report_once(self, key: str, text: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self.console.warn(text + " (reported once)")

    def handle_packet(self, data: bytes, now: float) -> None:
        """One feedback datagram (a message or a bundle); never fatal."""
        try:
            messages = decode_packet(data)
        except OscDecodeError as e:
            self.malformed += 1
            self._report_once("malformed", f"dropped a malformed feedback packet ({e})")
            return
        for msg in messages:
            if msg.address in ("/time", "/play", "/stop", "/pause") and not self.transport.handle(msg, now):
                self._report_once(f"args:{msg.address}", f"ignored {msg.address} ,{msg.typetags}: expected a number")

    def _follow_loop(self) -> None:
        sock = self._sock
        assert sock is not None
        tr = self.transport
        while not self._stop.is_set():
            deadline = tr.deadline()
            wait_s = TICK_S if deadline is None else min(TICK_S, deadline - time.perf_counter() - SPIN_S)
            if wait_s > 0:
                sock.settimeout(wait_s)
                try:
                    data, _ = sock.recvfrom(65536)
                except (TimeoutError, BlockingIOError, InterruptedError):
                    data = None
                except OSError:
                    if self._stop.is_set():
                        return
                    continue
                if data is not None:
                    self.handle_packet(data, time.perf_counter())
            elif deadline is not None:
                while time.perf_counter() < deadline:  # the last stretch: yield-spin
                    time.sleep(0)
            tr.poll(time.perf_counter())

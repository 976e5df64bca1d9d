"""Motion playback: trajectories in the canonical frame, streamed to every target on time.

``Trajectory.at(t)`` gives a source's parameters at time t (seconds, ``time.perf_counter``):

    line      start -> end; azimuth along the shorter way round (a half-turn passes in front,
              as a passing car does), elevation linear, distance geometric
    orbit     azimuth turns at 360 * turns / duration deg/s, "ccw" = increasing azimuth (towards
              the left first); with no stated turns it keeps orbiting, one turn per duration
    approach, recede   distance geometric from start to end, direction held

A new cue for a moving source first glides from where the source is to the new start
(``glide_s``), so nothing jumps. ``MotionPlayer`` is one thread that owns the schedule: it
ticks at ``rate_hz`` on an absolute clock (tick k at t0 + k / rate, never drifting), sends each
moving source's position to every target, and when it falls behind it skips to the latest
tick (the latest value wins). Timetags are not used: receivers act at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from oscbridge.params import Motion, SpatialParams, wrap_azimuth

SPIN_S = 0.0015  # the last stretch before a tick is waited by yielding, not sleeping


def _lerp(a: float, b: float, u: float) -> float:
    return a + (b - a) * u


def _geo(a: float, b: float, u: float) -> float:
    return a * (b / a) ** u


def azimuth_path_deg(start: float, end: float) -> float:
    """Signed azimuth change of a line from start to end: the shorter way, or through the front
    for an exact half-turn (left -> right passes in front)."""
    d = wrap_azimuth(end - start)
    if abs(abs(d) - 180.0) < 1e-9:
        # through 0: moving from the left (start > 0) to the right goes negative, and vice versa
        d = -180.0 if start > 0 or (start == 0 and end < 0) else 180.0
    return d


@dataclass(frozen=True)
class Trajectory:
    start: SpatialParams
    motion: Motion
    t0: float
    glide_from: SpatialParams | None = None
    glide_s: float = 0.0

    @property
    def t_motion(self) -> float:
        """When the motion itself starts (after the glide)."""
        return self.t0 + (self.glide_s if self.glide_from is not None else 0.0)

    def finished(self, t: float) -> bool:
        m = self.motion
        if m.kind == "orbit" and m.turns is None:
            return False
        return t >= self.t_motion + m.duration_s

    def at(self, t: float) -> SpatialParams:
        if self.glide_from is not None and t < self.t_motion:
            u = max(0.0, (t - self.t0) / self.glide_s) if self.glide_s > 0 else 1.0
            g, s = self.glide_from, self.start
            return s.with_(
                azimuth_deg=g.azimuth_deg + azimuth_path_deg(g.azimuth_deg, s.azimuth_deg) * u,
                elevation_deg=_lerp(g.elevation_deg, s.elevation_deg, u),
                distance_m=_geo(g.distance_m, s.distance_m, u),
            )
        m, s = self.motion, self.start
        elapsed = max(0.0, t - self.t_motion)
        u = min(1.0, elapsed / m.duration_s)
        if m.kind == "orbit":
            turns = m.turns * u if m.turns is not None else elapsed / m.duration_s
            sign = 1.0 if m.direction == "ccw" else -1.0
            return s.with_(azimuth_deg=s.azimuth_deg + sign * 360.0 * turns)
        end = m.end
        assert end is not None  # Motion guarantees an end for line/approach/recede
        if m.kind == "line":
            return s.with_(
                azimuth_deg=s.azimuth_deg + azimuth_path_deg(s.azimuth_deg, end.azimuth_deg) * u,
                elevation_deg=_lerp(s.elevation_deg, end.elevation_deg, u),
                distance_m=_geo(s.distance_m, end.distance_m, u),
            )
        return s.with_(distance_m=_geo(s.distance_m, end.distance_m, u))  # approach / recede


@dataclass
class PlayerStats:
    ticks: int = 0
    late_ticks: int = 0  # ticks skipped because the player fell behind
    updates: int = 0


class MotionPlayer:
    """The one thread that streams moving sources. ``send(source, params)`` must not block."""

    def __init__(self, send: Callable[[int, SpatialParams], None], rate_hz: float = 50.0, glide_s: float = 0.1):
        if not 1.0 <= rate_hz <= 1000.0:
            raise ValueError("motion rate must be within 1..1000 Hz")
        self._send = send
        self.period = 1.0 / rate_hz
        self.glide_s = max(0.0, glide_s)
        self._moving: dict[int, Trajectory] = {}  # replaced whole (copy on write), read by the thread
        self._lock = threading.Lock()
        # Held by the motion thread while it sends a tick, and by a caller while it changes a
        # source and sends that cue's own update (``sending``): otherwise a tick could go out after
        # the cue's update, a stale one of a motion just stopped (the source would stay where the
        # motion was, not where the static cue put it) or one of a new motion before its start
        # position (the source jumps back for an update). Order: _send_lock, then _lock.
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.stats = PlayerStats()
        self._thread = threading.Thread(target=self._run, name="motion", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sending(self) -> threading.Lock:
        """``with player.sending(): ...`` around a change to a source (``play``, ``hold``) and the
        update the caller sends for it: no tick goes out in between."""
        return self._send_lock

    def moving(self, source: int) -> bool:
        return source in self._moving

    def play(self, source: int, start: SpatialParams, motion: Motion, now: float | None = None) -> bool:
        """Start a motion. Returns True when it glides from a running motion (the caller then
        sends nothing itself), False when the caller should send the start position now."""
        now = time.perf_counter() if now is None else now
        with self._lock:
            current = self._moving.get(source)
            glide_from = current.at(now) if current is not None and self.glide_s > 0 else None
            moving = dict(self._moving)
            moving[source] = Trajectory(start, motion, now, glide_from, self.glide_s)
            self._moving = moving
        self._wake.set()
        return glide_from is not None

    def hold(self, source: int) -> None:
        """A static cue for a source: its motion (if any) stops."""
        with self._lock:
            if source in self._moving:
                moving = dict(self._moving)
                del moving[source]
                self._moving = moving

    def panic(self) -> int:
        """Freeze everything where it is. Returns how many sources were moving; no tick is
        sent after it returns."""
        with self._send_lock, self._lock:
            n = len(self._moving)
            self._moving = {}
        return n

    def _run(self) -> None:
        next_tick = time.perf_counter()
        while not self._stop.is_set():
            if not self._moving:
                self._wake.wait(0.1)
                self._wake.clear()
                next_tick = time.perf_counter()
                continue
            now = time.perf_counter()
            if now < next_tick:
                # sleep overshoots by up to a few ms on a busy machine: sleep until SPIN_S before
                # the tick, then yield-spin (sleep(0) releases the GIL) for the last stretch
                if next_tick - now > SPIN_S:
                    time.sleep(next_tick - now - SPIN_S)
                while time.perf_counter() < next_tick:
                    time.sleep(0)
                now = time.perf_counter()
            elif now - next_tick > self.period:  # fell behind: skip to the latest tick
                skipped = int((now - next_tick) / self.period)
                self.stats.late_ticks += skipped
                next_tick += skipped * self.period
            self.stats.ticks += 1
            with self._send_lock:
                self._tick(now)
            next_tick += self.period

    def _tick(self, now: float) -> None:
        """Send every moving source where it is at ``now``; drop the motions that have ended.
        Called with the send lock held, so no cue is half-way through."""
        done = []
        for source, traj in self._moving.items():
            self._send(source, traj.at(now))
            self.stats.updates += 1
            if traj.finished(now):
                done.append((source, traj))
        if done:
            with self._lock:
                kept = dict(self._moving)
                for source, traj in done:
                    if kept.get(source) is traj:  # not replaced meanwhile
                        del kept[source]
                self._moving = kept

    def stop(self, timeout: float = 0.5) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

"""Where every update goes: each target, the monitor, and a motion player for moving sources.

The daemon (``serve``) and the timeline (``play``) place sources the same way: a moving cue
starts (or glides) its motion on the ``MotionPlayer``, a static cue holds the source and is
sent at once; every update, from a cue or from a motion tick, goes to every target and to the
binaural monitor when there is one.
"""

from __future__ import annotations

from typing import Any, Callable

from oscbridge.errors import ConfigError
from oscbridge.motion import MotionPlayer
from oscbridge.params import Prediction, SpatialParams
from oscbridge.targets import Target


class Router:
    def __init__(self, targets: list[Target], report_once: Callable[[str, str], None], rate_hz: float,
                 glide_s: float, monitor: Any = None):
        """``report_once(key, text)`` reports a problem the first time its key is seen.
        ``monitor`` is an ``oscbridge.monitor_proc.MonitorProcess`` or None."""
        self.targets = targets
        self.monitor = monitor
        self._report_once = report_once
        try:
            self.player = MotionPlayer(self.send_all, rate_hz, glide_s)
        except ValueError as e:
            raise ConfigError(f"--rate: {e}") from None

    def send_all(self, source: int, params: SpatialParams) -> list[Target]:
        """One update to every target (from a cue or the motion thread; never blocks)."""
        sent = []
        for t in self.targets:
            try:
                t.send(source, params)
                sent.append(t)
            except ValueError as e:  # e.g. a source beyond this target's range
                self._report_once(f"range:{t.label}:{source}", f"target {t.label}: {e}")
        if self.monitor is not None:
            self.monitor.update(source, params)
        return sent

    def place(self, p: Prediction, now: float | None = None) -> list[Target]:
        """Put a predicted cue's source where it says: start its motion, or hold it and send it.

        ``now`` (perf_counter) is when the motion starts, for a cue fired late. Returns the
        targets sent to (all of them when a running motion glides there: the motion thread sends).
        """
        with self.player.sending():  # no tick between the change and this cue's own update
            if p.motion is not None:
                if self.player.play(p.source, p.params, p.motion, now=now):
                    return self.targets
            else:
                self.player.hold(p.source)
            return self.send_all(p.source, p.params)

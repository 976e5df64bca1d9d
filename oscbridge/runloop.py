"""The main thread of a long-running command: wait for the end or a signal, then shut down in order."""

from __future__ import annotations

import signal
import threading
from typing import Callable


def run_until_signalled(stop: threading.Event, shutdown: Callable[[], None], tick_s: float = 0.1) -> int:
    """Wait until ``stop`` is set or SIGINT/SIGTERM arrives, then call ``shutdown``. Returns 0.

    The first Ctrl-C (or SIGTERM) sets ``stop`` and lets ``shutdown`` run in order; a second one
    forces the exit (130). The previous handlers are restored before ``shutdown``.
    """
    interrupts = {"n": 0}

    def on_signal(signum: int, frame: object) -> None:
        interrupts["n"] += 1
        if interrupts["n"] > 1:  # a second Ctrl-C forces
            raise SystemExit(130)
        stop.set()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(tick_s):
            pass
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        shutdown()
    return 0

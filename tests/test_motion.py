"""Motion playback: trajectory maths (known answers) and a line motion captured on the wire."""

from __future__ import annotations

import threading
import time

import pytest

from oscbridge.motion import MotionPlayer, Trajectory, azimuth_path_deg
from oscbridge.params import Motion, Position, Prediction, SpatialParams
from oscbridge.router import Router
from peers import DaemonProcess, OscDump, oscsend, require_tools

LEFT = SpatialParams(azimuth_deg=90.0, distance_m=2.0)


@pytest.mark.parametrize("a, b, d", [(90, -90, -180), (-90, 90, 180), (10, 50, 40), (170, -170, 20), (-170, 170, -20),
                                     (0, 180, 180), (30, 30, 0)])
def test_azimuth_path(a, b, d):
    assert azimuth_path_deg(a, b) == pytest.approx(d)


def test_line_left_to_right_passes_in_front():
    t = Trajectory(LEFT, Motion("line", 4.0, Position(-90.0, 0.0, 2.0)), t0=100.0)
    azs = [t.at(100.0 + k * 0.5).azimuth_deg for k in range(9)]
    assert azs[0] == 90 and azs[4] == pytest.approx(0) and azs[-1] == pytest.approx(-90)
    assert all(x > y for x, y in zip(azs, azs[1:]))
    assert not t.finished(103.9) and t.finished(104.0)
    assert t.at(200.0).azimuth_deg == pytest.approx(-90)  # holds its end


def test_line_distance_and_elevation():
    t = Trajectory(SpatialParams(azimuth_deg=0, elevation_deg=0, distance_m=1.0),
                   Motion("line", 2.0, Position(0.0, 60.0, 16.0)), t0=0.0)
    mid = t.at(1.0)
    assert mid.elevation_deg == pytest.approx(30) and mid.distance_m == pytest.approx(4.0)  # geometric


def test_orbit_directions_and_turns():
    ccw = Trajectory(SpatialParams(azimuth_deg=0), Motion("orbit", 8.0, direction="ccw", turns=2), t0=0.0)
    assert ccw.at(1.0).azimuth_deg == pytest.approx(90)  # 2 turns in 8 s: 90 deg/s, towards the left
    assert ccw.finished(8.0) and ccw.at(8.0).azimuth_deg == pytest.approx(0)
    cw = Trajectory(SpatialParams(azimuth_deg=0), Motion("orbit", 4.0, direction="cw"), t0=0.0)
    assert cw.at(1.0).azimuth_deg == pytest.approx(-90)
    assert not cw.finished(1000.0)  # no stated turns: it keeps going


def test_approach_and_recede():
    t = Trajectory(SpatialParams(azimuth_deg=45, distance_m=20.0), Motion("approach", 2.0, Position(45.0, 0.0, 1.25)), 0.0)
    assert t.at(1.0).distance_m == pytest.approx(5.0) and t.at(1.0).azimuth_deg == 45
    assert t.at(2.0).distance_m == pytest.approx(1.25)


def test_glide_then_motion():
    g = Trajectory(SpatialParams(azimuth_deg=-90), Motion("line", 1.0, Position(90.0, 0.0, 2.0)), t0=0.0,
                   glide_from=SpatialParams(azimuth_deg=0), glide_s=0.2)
    assert g.at(0.0).azimuth_deg == pytest.approx(0) and g.at(0.1).azimuth_deg == pytest.approx(-45)
    assert g.at(0.2).azimuth_deg == pytest.approx(-90) and g.finished(1.2) and not g.finished(1.1)


def test_player_streams_on_time_and_panic_freezes():
    got: list[tuple[float, int, float]] = []
    p = MotionPlayer(lambda s, prm: got.append((time.perf_counter(), s, prm.azimuth_deg)), rate_hz=100.0)
    p.start()
    try:
        p.play(3, SpatialParams(azimuth_deg=0), Motion("orbit", 1.0, direction="ccw"))
        time.sleep(0.5)
        assert p.panic() == 1
        n = len(got)
        time.sleep(0.2)
        assert len(got) == n  # frozen: nothing more is sent
        assert 40 <= n <= 55  # 100 Hz for 0.5 s
        assert all(s == 3 for _, s, _ in got)
    finally:
        p.stop()


@pytest.mark.peers
def test_line_motion_on_the_wire():
    """"A motorbike races from left to right over 3 seconds": a monotonic azimuth ramp from +90 to
    -90 at ADM-OSC, at the configured rate, lasting 3 s (issue 5's acceptance)."""
    require_tools("oscsend", "oscdump")
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}", "--rate", "50") as d:
        oscsend(d.port, "/cue", "s", "a motorbike races from left to right over 3 seconds")
        dump.wait_for(lambda m: m.address == "/adm/obj/1/aed" and m.args[0] == pytest.approx(-90, abs=0.01), timeout=8)
        time.sleep(0.3)
        aed = [m for m in dump.messages if m.address == "/adm/obj/1/aed"]
    azs = [m.args[0] for m in aed]
    assert azs[0] == pytest.approx(90, abs=1.0) and azs[-1] == pytest.approx(-90, abs=1.0)
    assert all(x >= y - 1e-6 for x, y in zip(azs, azs[1:])), "azimuth must run monotonically from left to right"
    span = aed[-1].received_s - aed[0].received_s
    assert span == pytest.approx(3.0, abs=0.15)
    assert len(aed) == pytest.approx(3.0 * 50 + 2, rel=0.05)  # 50 Hz for 3 s, plus the immediate start


class _SlowRecordingTarget:
    """An in-process stand-in for a target (not an OSC peer) whose send is slow in one thread:
    it sleeps before it records, as a thread preempted mid-send on a busy 2-core machine would.
    It makes the ordering race between a cue's own update and the motion thread's ticks happen
    every time instead of once in many CI runs."""

    label = "recorder"

    def __init__(self, slow_thread: str, delay_s: float):
        self.slow_thread, self.delay_s = slow_thread, delay_s
        self.got: list[tuple[str, float]] = []

    def send(self, source: int, params: SpatialParams) -> None:
        name = threading.current_thread().name
        if name == self.slow_thread:
            time.sleep(self.delay_s)
        self.got.append((name, params.azimuth_deg))


def _router(target) -> Router:
    r = Router([target], lambda key, text: None, rate_hz=100.0, glide_s=0.0)
    r.player.start()
    return r


def test_a_new_motion_sends_its_start_before_any_tick():
    """The cue's thread sends the start position; the motion thread must not tick the new motion
    out first (the source would jump back to its start for an update: the CI failure of
    test_line_motion_on_the_wire, 'azimuth must run monotonically')."""
    target = _SlowRecordingTarget("cue", 0.05)  # 5 ticks' worth of delay in the cue's own send
    r = _router(target)
    try:
        cue = Prediction("a car from left to right", LEFT, motion=Motion("line", 0.3, Position(-90.0, 0.0, 2.0)))
        t = threading.Thread(target=r.place, args=(cue,), name="cue")
        t.start()
        t.join()
        time.sleep(0.4)
    finally:
        r.player.stop()
    azs = [az for _, az in target.got]
    assert target.got[0] == ("cue", 90.0), target.got[:3]
    assert all(x >= y for x, y in zip(azs, azs[1:])), azs
    assert azs[-1] == pytest.approx(-90.0)


def test_a_static_cue_is_not_overtaken_by_a_stale_tick():
    """A static cue for a moving source stops its motion; a tick of that motion already under way
    must not land after the cue's update (the source would stay where the motion was)."""
    target = _SlowRecordingTarget("motion", 0.03)  # every tick is slow to go out
    r = _router(target)
    try:
        r.place(Prediction("a car from left to right", LEFT, motion=Motion("line", 5.0, Position(-90.0, 0.0, 2.0))))
        time.sleep(0.1)  # ticks are going out, one of them most likely mid-send now
        r.place(Prediction("a car stops in front", SpatialParams(azimuth_deg=0.0, distance_m=2.0)))
        time.sleep(0.2)
    finally:
        r.player.stop()
    assert target.got[-1] == ("MainThread", 0.0), target.got[-3:]
    assert sum(1 for name, _ in target.got if name == "motion") >= 2

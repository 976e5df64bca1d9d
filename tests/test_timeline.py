"""Cue lists and their scheduling: loading (YAML, CSV, time formats, errors with their row), the
cursor and the REAPER transport logic driven with explicit times (no sleeps), chasing on the
wire level of ``Output``, and ``oscbridge play --dry-run`` / its configuration errors."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from oscbridge.errors import ConfigError, CueError
from oscbridge.keywords import KeywordPredictor
from oscbridge.osc import Message
from oscbridge.params import Prediction, SpatialParams
from oscbridge.timeline import (
    CueEntry,
    CueListError,
    Cursor,
    Output,
    PlayConfig,
    ScheduledCue,
    TimelinePlayer,
    Transport,
    check_loops,
    describe,
    format_time,
    load_cues,
    parse_time,
    plan,
)
from peers import REPO, free_udp_port

# ------------------------------------------------------------------------------------- time formats


@pytest.mark.parametrize("value, seconds", [
    (5, 5.0), (2.5, 2.5), (0, 0.0), ("12.5", 12.5), (" 7 ", 7.0), (".5", 0.5), ("3.", 3.0),
    ("1:07.5", 67.5), ("0:59", 59.0), ("90:00", 5400.0), ("01:02:03.25", 3723.25), ("1:00:00", 3600.0),
])
def test_parse_time(value, seconds):
    assert parse_time(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["1:7x", "1:75", "1:60:00", "-1", -1, -0.5, True, None, "abc", "", "1::2",
                                   "1:2:3:4", float("nan"), float("inf"), [1]])
def test_parse_time_rejects(value):
    with pytest.raises(ValueError, match="is not a time"):
        parse_time(value)


@pytest.mark.parametrize("seconds, text", [(0, "00:00.000"), (12.5, "00:12.500"), (67.25, "01:07.250"),
                                           (3725.25, "1:02:05.250")])
def test_format_time_round_trips(seconds, text):
    assert format_time(seconds) == text
    assert parse_time(text) == pytest.approx(seconds)


# ------------------------------------------------------------------------------------- loading


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_cue_list(tmp_path):
    p = write(tmp_path, "cues.csv", "\ufefftime,source,text,duration\n"
              "# a comment row\n"
              "1:02.5,2,\"a car, far away, drives past from left to right\",3\n"
              "\n"
              "0.5,,a dog barks on the left,\n"
              "0.5,3,rain on the right,\n")
    cues = load_cues(p)
    assert [(c.time_s, c.source, c.duration_s) for c in cues] == [(0.5, 1, None), (0.5, 3, None), (62.5, 2, 3.0)]
    assert cues[0].text == "a dog barks on the left"  # equal times keep file order (stable sort)
    assert cues[2].text == "a car, far away, drives past from left to right"
    assert cues[2].where == "cues.csv row 3"


def test_csv_columns_in_any_order_source_and_duration_optional(tmp_path):
    cues = load_cues(write(tmp_path, "c.CSV", "text,time\nowl behind me,2\n"))
    assert [(c.time_s, c.source, c.text, c.duration_s) for c in cues] == [(2.0, 1, "owl behind me", None)]


@pytest.mark.parametrize("body, message", [
    ("time,source,text\n0,1,a\n1,1,b\n1:7x,1,c\n", "cues.csv row 4: time '1:7x' is not a time"),
    ("time,source,text\n0,0,a\n", "cues.csv row 2: source 0 is outside 1..128"),
    ("time,source,text\n0,two,a\n", "cues.csv row 2: source 'two' is not a whole number"),
    ("time,source,text\n0,1,\n", "cues.csv row 2: text is missing"),
    ("time,source,text\n,1,a dog\n", "cues.csv row 2: time is missing"),
    ("time,source,text\n0,1,a,b\n", "cues.csv row 2: 4 cells for 3 columns"),
    ("time,source,text,duration\n0,1,a,0\n", "cues.csv row 2: duration '0' is outside 0.05..3600 s"),
    ("time,source,text,duration\n0,1,a,soon\n", "cues.csv row 2: duration 'soon' is not a time"),
    ("time,where,text\n0,1,a\n", "cues.csv row 1: header 'time,where,text' is not time,source,text"),
    ("source,text\n1,a\n", "cues.csv row 1: header"),
    ("", "cues.csv: empty"),
    ("time,source,text\n", "cues.csv: no cues"),
])
def test_csv_errors_name_file_and_row(tmp_path, body, message):
    with pytest.raises(CueListError) as e:
        load_cues(write(tmp_path, "cues.csv", body))
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)
    assert isinstance(e.value, ConfigError) and e.value.exit_code == 2


def test_yaml_list_and_mapping_forms(tmp_path):
    listed = write(tmp_path, "a.yaml", "- {time: 2, text: rain on the right}\n"
                                       "- time: 0:01.5\n  source: 2\n  text: a car drives past\n  duration: 4\n")
    mapped = write(tmp_path, "b.yml", "cues:\n  - {time: '00:01:00', source: 3, text: an owl}\n  - {time: 1, text: x}\n")
    a = load_cues(listed)
    assert [(c.time_s, c.source, c.text, c.duration_s) for c in a] == [
        (1.5, 2, "a car drives past", 4.0), (2.0, 1, "rain on the right", None)]  # sorted by time
    b = load_cues(mapped)
    assert [(c.time_s, c.source) for c in b] == [(1.0, 1), (60.0, 3)]
    assert b[1].where == "b.yml cue 1 (line 2)"


@pytest.mark.parametrize("body, message", [
    ("- {time: 0, text: a}\n- {time: 1:7x, text: b}\n", "c.yaml cue 2 (line 2): time '1:7x' is not a time"),
    ("- {time: 0, text: a}\n-\n  time: 1\n  txt: b\n", "c.yaml cue 2 (line 3): unknown key 'txt'"),
    ("- {time: 0, source: true, text: a}\n", "c.yaml cue 1 (line 1): source True is not a whole number"),
    ("- {time: 0, text: 42}\n", "c.yaml cue 1 (line 1): text 42 is not text"),
    ("- just a string\n", "c.yaml cue 1 (line 1): expected a mapping"),
    ("cues: {time: 0}\n", "c.yaml: expected a list of cues"),
    ("cues: []\ntitle: x\n", "c.yaml: expected a list of cues or a mapping with a 'cues:' list (unknown key 'tit"),
    ("42\n", "c.yaml: expected a list of cues"),
    ("", "c.yaml: expected a list of cues"),
    ("[]\n", "c.yaml: no cues"),
    ("- {time: 0, text: [a\n", "c.yaml line 2: not valid YAML"),
])
def test_yaml_errors_name_file_and_line(tmp_path, body, message):
    with pytest.raises(CueListError) as e:
        load_cues(write(tmp_path, "c.yaml", body))
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(CueListError, match="is .yaml, .yml or .csv"):
        load_cues(write(tmp_path, "cues.txt", "0,1,a"))
    with pytest.raises(CueListError, match="cannot read"):
        load_cues(tmp_path / "missing.csv")


# ------------------------------------------------------------------------------------- prediction


class RefusingPredictor:
    """The keyword rules, except that a text containing REFUSE cannot be answered."""

    name = "refusing"

    def __init__(self) -> None:
        self.calls: list[int] = []
        self._inner = KeywordPredictor()

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        self.calls.append(len(texts))
        if any("REFUSE" in t for t in texts):
            raise CueError("cannot read this cue")
        return self._inner.predict(texts)


def entries(*rows: tuple[float, int, str, float | None]) -> list[CueEntry]:
    return [CueEntry(t, s, text, d, f"test row {i}") for i, (t, s, text, d) in enumerate(rows, 1)]


def test_plan_predicts_in_one_batch_and_applies_durations():
    predictor = RefusingPredictor()
    cues, problems = plan(entries((0.0, 2, "a car drives past from left to right", 2.5),
                                  (1.0, 3, "a dog barks on the left", 7.0),
                                  (2.0, 1, "a car drives past from left to right", None)), predictor)
    assert predictor.calls == [3] and problems == []
    car, dog, car_default = cues
    assert car.source == 2 and car.prediction.motion.duration_s == 2.5  # the list's duration wins
    assert car_default.prediction.motion.duration_s != 2.5  # the predictor's own duration otherwise
    assert car.end_s == pytest.approx(2.5)
    assert dog.prediction.motion is None and dog.duration_s == 7.0 and dog.end_s == pytest.approx(8.0)  # metadata
    assert dog.prediction.params.azimuth_deg == pytest.approx(90.0)


def test_refused_cue_is_reported_and_skipped():
    predictor = RefusingPredictor()
    cues, problems = plan(entries((0.0, 1, "a dog on the left", None), (1.0, 2, "REFUSE me", None),
                                  (2.0, 3, "rain on the right", None)), predictor)
    assert [c.source for c in cues] == [1, 3]
    assert problems == ["test row 2: cue skipped, not predicted: cannot read this cue"]
    assert predictor.calls == [3, 1, 1, 1]  # the batch, then one by one


def sched(*rows: tuple[float, int, str], duration: float | None = None) -> list[ScheduledCue]:
    cues, problems = plan(entries(*[(t, s, text, duration) for t, s, text in rows]), KeywordPredictor())
    assert not problems
    return cues


def test_describe_prints_every_parameter_and_the_motion():
    [car] = sched((61.5, 2, "a car drives past from left to right"), duration=3.0)
    line = describe(car)
    assert line.startswith("01:01.500 [2] az  +90.0 el  +0.0 dist")
    for part in ("spread", "wet", "drr", "gain", "line 3s to az -90", '"a car drives past from left to right"'):
        assert part in line


# ------------------------------------------------------------------------------------- scheduling


class Recorder:
    """Records what a scheduler asks for."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def fire(self, cue: ScheduledCue, late_s: float) -> None:
        self.events.append(("fire", cue.time_s, cue.source, round(late_s, 6)))

    def chase(self, cue: ScheduledCue, elapsed_s: float) -> None:
        self.events.append(("chase", cue.time_s, cue.source, round(elapsed_s, 6)))

    def hold(self, source: int) -> None:
        self.events.append(("hold", source))

    def freeze(self) -> None:
        self.events.append(("freeze",))

    def take(self) -> list[tuple]:
        out, self.events = self.events, []
        return out


CUES = [(1.0, 1, "a dog barks on the left"), (2.0, 2, "a car drives past from left to right"),
        (3.0, 1, "a bell on the right"), (3.0, 1, "an owl behind me"), (5.0, 3, "rain")]


def test_cursor_due_and_seek():
    cur = Cursor(sched(*CUES))
    assert cur.sources == [1, 2, 3] and cur.next_time == 1.0
    assert cur.due(0.999) == []
    assert [c.time_s for c in cur.due(1.0)] == [1.0]  # a cue fires when the playhead reaches it
    assert [c.prediction.text for c in cur.due(4.0)] == [CUES[1][2], CUES[2][2], CUES[3][2]]
    chase, silent = cur.seek(3.5)
    assert [(c.time_s, c.source, c.prediction.text) for c in chase] == [(2.0, 2, CUES[1][2]), (3.0, 1, CUES[3][2])]
    assert silent == [3] and cur.next_time == 5.0
    chase, silent = cur.seek(0.5)
    assert chase == [] and silent == [1, 2, 3] and cur.next_time == 1.0
    chase, _ = cur.seek(1.0)  # landing on a cue: it is chased (at 0 s), not fired again
    assert [c.time_s for c in chase] == [1.0] and cur.next_time == 2.0
    cur.seek(9.0)
    assert cur.done and cur.next_time is None


def transport(**kw) -> tuple[Transport, Recorder]:
    rec = Recorder()
    return Transport(Cursor(sched(*CUES)), rec, **kw), rec


def msg(address: str, *args, typetags: str | None = None) -> Message:
    if typetags is None:
        typetags = "".join("f" if isinstance(a, float) else "i" for a in args)
    return Message(address, typetags, tuple(args))


def test_transport_fires_between_time_messages():
    tr, rec = transport()
    T0 = 1000.0
    assert tr.handle(msg("/time", 0.0), T0 - 1.0)  # stopped at 0
    assert tr.deadline() is None and tr.poll(T0) == 0
    tr.handle(msg("/play", 1.0), T0)
    assert rec.take() == [("hold", 1), ("hold", 2), ("hold", 3)]  # nothing before 0
    assert tr.deadline() == pytest.approx(T0 + 1.0)  # the dog is due 1 s after play
    tr.handle(msg("/time", 0.5), T0 + 0.5)  # on time: no seek
    assert tr.poll(T0 + 0.9999) == 0 and rec.take() == []
    # no /time since 0.5 s: the estimate alone crosses the cue
    assert tr.poll(T0 + 1.0) == 1
    assert rec.take() == [("fire", 1.0, 1, 0.0)]
    assert tr.deadline() == pytest.approx(T0 + 2.0)
    assert tr.poll(T0 + 3.01) == 3  # a late poll fires everything crossed, each with its lateness
    assert rec.take() == [("fire", 2.0, 2, 1.01), ("fire", 3.0, 1, 0.01), ("fire", 3.0, 1, 0.01)]
    assert tr.seeks == 0 and tr.fired == 4


def test_transport_jitter_is_not_a_seek_but_a_jump_is():
    tr, rec = transport()
    T0 = 50.0
    tr.handle(msg("/play", 1), T0)
    rec.take()
    tr.handle(msg("/time", 0.45), T0 + 0.5)  # 50 ms behind the estimate: jitter
    tr.handle(msg("/time", 0.7), T0 + 0.6)  # 100 ms ahead: jitter
    assert tr.seeks == 0 and rec.take() == []
    assert tr.position(T0 + 0.7) == pytest.approx(0.8)  # re-anchored on the last report
    tr.handle(msg("/time", 1.2), T0 + 0.7)  # 0.4 s ahead: a forward seek; the dog is chased, 0.2 s in
    assert tr.seeks == 1
    assert rec.take() == [("hold", 2), ("hold", 3), ("chase", 1.0, 1, 0.2)]
    tr.poll(T0 + 1.5)  # the car, at 2.0
    assert rec.take() == [("fire", 2.0, 2, 0.0)]
    tr.handle(msg("/time", 1.5), T0 + 1.6)  # 0.5 s back: a seek back before the car
    assert tr.seeks == 2
    assert rec.take() == [("hold", 2), ("hold", 3), ("chase", 1.0, 1, 0.5)]
    assert tr.deadline() == pytest.approx(T0 + 2.1)  # the car fires again when crossed
    tr.handle(msg("/time", 4.25), T0 + 1.7)  # forward past everything but the rain
    assert rec.take() == [("hold", 3), ("chase", 2.0, 2, 2.25), ("chase", 3.0, 1, 1.25)]
    assert tr.chased == 4


def test_transport_stop_freezes_and_play_resumes_where_it_is():
    tr, rec = transport()
    T0 = 10.0
    tr.handle(msg("/play", 1.0), T0)
    tr.poll(T0 + 2.5)  # dog and car fired
    rec.take()
    tr.handle(msg("/stop", 1.0), T0 + 2.5)
    assert rec.take() == [("freeze",)] and not tr.playing
    assert tr.position(T0 + 9.0) == pytest.approx(2.5) and tr.deadline() is None  # the estimate stops too
    assert tr.poll(T0 + 9.0) == 0
    tr.handle(msg("/stop", 0.0), T0 + 9.0)  # REAPER's "not stopped" flag changes nothing
    tr.handle(msg("/time", 2.25), T0 + 9.1)  # the edit cursor moved while stopped: not a seek yet
    assert rec.take() == [] and tr.seeks == 0
    tr.handle(msg("/play", 1.0), T0 + 10.0)  # resume: chase from 2.25, the car joined 0.25 s in
    assert rec.take() == [("hold", 3), ("chase", 1.0, 1, 1.25), ("chase", 2.0, 2, 0.25)]
    tr.handle(msg("/pause", 1.0), T0 + 10.5)
    assert rec.take() == [("freeze",)]
    tr.handle(msg("/play", typetags="T"), T0 + 11.0)
    assert tr.playing and rec.take()[-1] == ("chase", 2.0, 2, 0.75)
    tr.handle(msg("/play", 0), T0 + 11.0)
    assert not tr.playing and rec.take() == [("freeze",)]


def test_transport_ignores_what_it_does_not_understand():
    tr, rec = transport()
    assert not tr.handle(msg("/time/str", "0:01", typetags="s"), 1.0)
    assert not tr.handle(msg("/time", "soon", typetags="s"), 1.0)
    assert not tr.handle(msg("/play", "yes", typetags="s"), 1.0)
    assert not tr.handle(msg("/track/1/volume", 0.5), 1.0)
    assert rec.take() == [] and not tr.playing


def osc(address: str, *args) -> OscMessage:
    """A message built by python-osc, the independent peer."""
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return b.build()


def test_player_reads_reaper_bundles_with_the_project_decoder():
    out, err = io.StringIO(), io.StringIO()
    player = TimelinePlayer(sched(*CUES), [], PlayConfig(("127.0.0.1", 0)), out, err)
    try:
        bundle = OscBundleBuilder(IMMEDIATELY)
        for m in (osc("/time", 0.0), osc("/time/str", "0:00.000"), osc("/beat/str", "1.1.00"), osc("/play", 1.0)):
            bundle.add_content(m)
        player.handle_packet(bundle.build().dgram, 100.0)
        assert player.transport.playing
        player.handle_packet(b"\x00garbage", 100.1)
        player.handle_packet(osc("/time", 1.05).dgram, 101.05)
        assert player.malformed == 1 and player.transport.fired == 1
    finally:
        player.shutdown()
    assert "00:01.000 fire  [1] az  +90.0" in out.getvalue()
    assert "malformed feedback packet" in err.getvalue()


# ------------------------------------------------------------------------------------- output


class ListTarget:
    """A stand-in for ``targets.Target``: records each update."""

    label = "list@test"

    def __init__(self) -> None:
        self.sent: list[tuple[int, SpatialParams]] = []

    def send(self, source: int, params: SpatialParams) -> None:
        self.sent.append((source, params))

    def close(self) -> None:
        pass


def angle_err(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def test_output_chase_joins_a_motion_where_it_is():
    [car] = sched((2.0, 2, "a car drives past from left to right"), duration=2.0)
    [dog] = sched((1.0, 1, "a dog barks on the left"))
    target, lines = ListTarget(), []
    out = Output([target], 50.0, 0.1, lines.append, lines.append)  # the motion thread is not started
    out.chase(car, 1.5)  # 3/4 of a line from +90 through the front to -90
    [(source, params)] = target.sent
    assert source == 2 and angle_err(params.azimuth_deg, -45.0) < 1.0
    assert out.busy([2])  # and it keeps moving
    target.sent.clear()
    out.chase(car, 2.5)  # over by now: its end, and nothing moving
    assert angle_err(target.sent[0][1].azimuth_deg, -90.0) < 1e-6 and not out.busy([2])
    target.sent.clear()
    out.chase(dog, 0.7)
    assert target.sent == [(1, dog.prediction.params)]
    out.fire(car, 0.0)
    assert out.busy([2]) and target.sent[-1] == (2, car.prediction.params)
    out.freeze()
    assert not out.busy([2])
    assert any("chase [2]" in line and "at 1.500 s of it" in line for line in lines)


def test_check_loops():
    t = ListTarget()
    t.host, t.port = "127.0.0.1", 9000  # type: ignore[attr-defined]
    check_loops(("127.0.0.1", 9001), [t])  # type: ignore[list-item]
    for host in ("127.0.0.1", "localhost", "0.0.0.0"):
        with pytest.raises(ConfigError, match="feed back"):
            check_loops((host, 9000), [t])  # type: ignore[list-item]


# ------------------------------------------------------------------------------------- the command


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oscbridge", "play", *args, "--predictor", "keyword"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def test_dry_run_prints_the_schedule_in_time_order(tmp_path):
    p = write(tmp_path, "show.csv", "time,source,text,duration\n"
              "0:02,3,an owl hoots behind me,\n"
              "0.5,1,a dog barks on the left,\n"
              "1,2,a car drives past from left to right,2.5\n")
    r = run(str(p), "--dry-run", "--send", f"adm-osc@127.0.0.1:{free_udp_port()}")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("00:00.500 [1] az  +90.0") and lines[0].endswith('"a dog barks on the left"')
    assert lines[1].startswith("00:01.000 [2] az  +90.0") and "line 2.5s to az -90" in lines[1]
    assert lines[2].startswith("00:02.000 [3]") and "owl" in lines[2]
    assert "dry run: 3 cues on the wall clock" in r.stderr


@pytest.mark.parametrize("body, extra, code, message", [
    ("time,source,text\n0,1,a\nx,1,b\n", (), 2, "cues.csv row 3: time 'x' is not a time"),
    ("time,source,text\n0,1,a\n", ("--follow-reaper", "127.0.0.1:7777", "--send", "adm-osc@127.0.0.1:7777"), 2,
     "feed back"),
    ("time,source,text\n0,1,a\n", ("--follow-reaper", "127.0.0.1:7777", "--start", "3"), 2, "--start is for"),
    ("time,source,text\n0,1,a\n", ("--start", "later"), 2, "--start 'later' is not a time"),
    ("time,source,text\n0,1,a\n", ("--follow-reaper", "7777"), 2, "expected HOST:PORT"),
    ("time,source,text\n0,1,a\n", ("--rate", "0"), 2, "--rate"),
])
def test_play_configuration_errors_exit_2_with_one_line(tmp_path, body, extra, code, message):
    r = run(str(write(tmp_path, "cues.csv", body)), *extra)
    assert r.returncode == code, r.stderr
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stdout == ""


def test_math_of_expected_chase_is_sane():
    # guards the known answer the peers test relies on: 1.5 s into a 2 s line +90 -> -90 is -45
    [car] = sched((0.0, 1, "a car drives past from left to right"), duration=2.0)
    from oscbridge.motion import Trajectory

    assert math.isclose(Trajectory(car.prediction.params, car.prediction.motion, 0.0).at(1.5).azimuth_deg, -45.0)

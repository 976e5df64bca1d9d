"""The command line as a user runs it: real subprocesses, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from peers import REPO

CONTRACT_KEYS = ["text", "source", "azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db",
                 "gain_db", "motion", "explicit", "confidence"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oscbridge", *args], cwd=REPO, input=stdin, capture_output=True,
                          text=True, timeout=60)


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("serve", "predict", "profiles"):
        assert cmd in r.stdout


def test_help_does_not_import_torch():
    r = subprocess.run([sys.executable, "-c", "import sys; from oscbridge.cli import main; "
                        "sys.argv=['oscbridge','--help'];\ntry: main()\nexcept SystemExit: pass\n"
                        "print('torch' in sys.modules, 'transformers' in sys.modules, 'sounddevice' in sys.modules)"],
                       cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip().splitlines()[-1] == "False False False"


def test_predict_json_follows_the_contract():
    r = run("predict", "--predictor", "keyword", "--json", "2: a violin at 10 o'clock, 3 meters away",
            "a dog barks behind me on the left, far away")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 2
    for d in lines:
        assert list(d) == CONTRACT_KEYS
        assert all(isinstance(d[k], float) for k in CONTRACT_KEYS[2:9])
        assert 0 <= d["confidence"] <= 1
    violin, dog = lines
    assert violin["source"] == 2 and violin["azimuth_deg"] == pytest.approx(60) and violin["distance_m"] == pytest.approx(3)
    assert {"azimuth_deg", "distance_m"} <= set(violin["explicit"])
    assert dog["source"] == 1 and 100 <= dog["azimuth_deg"] <= 170 and dog["distance_m"] > 5


def test_predict_reads_stdin_and_reports_errors_per_line():
    r = run("predict", "--predictor", "keyword", "--json", stdin="a car passes from left to right\n\n3: rain above\n")
    assert r.returncode == 1  # the blank line is an error; the others are still answered
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["motion"]["kind"] == "line" and lines[0]["motion"]["end"]["azimuth_deg"] < 0
    assert "error" in lines[1] and set(lines[1]) == {"text", "error"}
    assert lines[2]["source"] == 3 and lines[2]["elevation_deg"] > 30


def test_profiles_list_and_show():
    r = run("profiles", "list")
    assert r.returncode == 0
    for name in ("adm-osc", "iem-stereo-encoder", "iem-multi-encoder", "iem-room-encoder", "spat-revolution", "reaper-iem", "spatgris"):
        assert name in r.stdout
    r = run("profiles", "show", "spat-revolution")
    assert r.returncode == 0 and "/source/{index}/aed" in r.stdout and "azimuth_deg*-1" in r.stdout


def test_profiles_check_ok_and_bad(tmp_path):
    assert run("profiles", "check", str(REPO / "mappings" / "adm-osc.yaml")).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndescription: x\nport: 99999\nmessages:\n  - address: /a\n    args: [{param: nope}, {value: 1, clamp: [0]}]\n")
    r = run("profiles", "check", str(bad))
    assert r.returncode == 2
    out = r.stdout
    assert "port:" in out and "messages[0].args[0].param" in out and "messages[0].args[1]" in out


def test_profiles_show_unknown_exits_2():
    r = run("profiles", "show", "nope")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "unknown profile" in r.stderr


def test_bad_send_spec_exits_2():
    r = run("serve", "--predictor", "keyword", "--no-stdin", "--send", "adm-osc@nowhere")
    assert r.returncode == 2 and "HOST:PORT" in r.stderr

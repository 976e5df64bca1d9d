"""The development sets in oscbridge/data parse and keep the schema the judges read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "oscbridge" / "data"
SETS = sorted(DATA.glob("dev_*.jsonl"))


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_there_are_development_sets():
    assert {"dev_long.jsonl", "dev_elevation.jsonl", "dev_elevation2.jsonl"} <= {p.name for p in SETS}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_schema(path):
    rows = _rows(path)
    assert len(rows) >= 80
    assert len({r["text"] for r in rows}) == len(rows), "duplicate texts"
    for r in rows:
        assert isinstance(r["text"], str) and r["text"].strip()
        az = r["labels"]["azimuth_deg"]
        assert -180 < az <= 180, r
        assert -90 <= r["labels"].get("elevation_deg", 0.0) <= 90, r


@pytest.mark.parametrize("name", ["dev_elevation.jsonl", "dev_elevation2.jsonl"])
def test_elevation_sets_are_half_raised_half_level(name):
    rows = _rows(DATA / name)
    assert len(rows) == 150
    raised = [r for r in rows if r["labels"]["elevation_deg"] != 0]
    assert len(raised) == 75
    for r in rows:
        assert ("elevated" in r["categories"]) == (r["labels"]["elevation_deg"] != 0), r

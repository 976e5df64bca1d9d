"""Validate the handwritten evaluation set (oscbridge/data/handwritten.jsonl).

These tests check the file only: schema, label ranges, category consistency, coverage.
They never run a predictor. The set is an evaluation set and is never trained on.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "oscbridge" / "data" / "handwritten.jsonl"

CATEGORIES = {
    "plain", "paraphrase", "numeric", "long", "metaphorical",
    "elevation", "distance", "motion", "unreadable",
}
MINIMUMS = {
    "plain": 30, "paraphrase": 30, "numeric": 30, "long": 25, "metaphorical": 25,
    "elevation": 20, "distance": 20, "motion": 25, "unreadable": 5,
}
LABEL_KEYS = {"azimuth_deg", "elevation_deg", "distance_m", "motion"}
MOTION_KEYS = {"kind", "end_azimuth_deg", "duration_s", "direction", "end_distance_m"}
MOTION_KINDS = {"line", "orbit", "approach", "recede"}
NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|half)\b",
    re.IGNORECASE,
)


def _load() -> list[dict]:
    rows = []
    with DATA.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            assert line.strip(), f"line {n}: blank line"
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - failure path
                pytest.fail(f"line {n}: invalid JSON: {exc}")
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _load()


@pytest.fixture(scope="module")
def readable(rows) -> list[dict]:
    return [r for r in rows if "unreadable" not in r["categories"]]


def _is_num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _az_ok(x) -> bool:
    return _is_num(x) and -180.0 < x <= 180.0


def test_file_exists():
    assert DATA.is_file(), DATA


def test_top_level_schema(rows):
    for r in rows:
        assert set(r) == {"id", "text", "categories", "labels"}, r
        assert isinstance(r["text"], str) and r["text"].strip(), r
        assert r["text"] == r["text"].strip(), r["id"]
        assert "\n" not in r["text"], r["id"]
        cats = r["categories"]
        assert isinstance(cats, list) and cats, r["id"]
        assert len(cats) == len(set(cats)), r["id"]
        assert set(cats) <= CATEGORIES, (r["id"], cats)
        assert isinstance(r["labels"], dict) and set(r["labels"]) == LABEL_KEYS, r["id"]


def test_ids_unique_and_well_formed(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), [i for i, c in Counter(ids).items() if c > 1]
    for i in ids:
        assert re.fullmatch(r"hw-\d{3,}", i), i


def test_no_duplicate_texts(rows):
    norm = [" ".join(r["text"].lower().split()) for r in rows]
    dups = [t for t, c in Counter(norm).items() if c > 1]
    assert not dups, dups


def test_size(rows, readable):
    assert len(rows) >= 180
    assert len(readable) >= 180


def test_azimuth(rows):
    for r in rows:
        az = r["labels"]["azimuth_deg"]
        if "unreadable" in r["categories"]:
            assert r["categories"] == ["unreadable"], r["id"]
            assert az is None, r["id"]
        else:
            assert _az_ok(az), (r["id"], az)


def test_unreadable_labels_are_empty(rows):
    for r in rows:
        if "unreadable" in r["categories"]:
            assert all(v is None for v in r["labels"].values()), r["id"]


def test_elevation_and_distance_ranges(readable):
    for r in readable:
        lab = r["labels"]
        el = lab["elevation_deg"]
        assert _is_num(el) and -90.0 <= el <= 90.0, (r["id"], el)
        d = lab["distance_m"]
        assert d is None or (_is_num(d) and 0.1 <= d <= 100.0), (r["id"], d)


def test_motion_schema(readable):
    for r in readable:
        m = r["labels"]["motion"]
        if m is None:
            continue
        assert isinstance(m, dict) and set(m) == MOTION_KEYS, (r["id"], m)
        assert m["kind"] in MOTION_KINDS, r["id"]
        assert m["end_azimuth_deg"] is None or _az_ok(m["end_azimuth_deg"]), r["id"]
        assert m["duration_s"] is None or (_is_num(m["duration_s"]) and m["duration_s"] > 0), r["id"]
        if m["kind"] == "orbit":
            assert m["direction"] in {"cw", "ccw"}, r["id"]
        else:
            assert m["direction"] is None, r["id"]
        ed = m["end_distance_m"]
        assert ed is None or (_is_num(ed) and 0.1 <= ed <= 100.0), r["id"]
        if m["kind"] in {"approach", "recede"} and ed is not None and r["labels"]["distance_m"] is not None:
            d = r["labels"]["distance_m"]
            assert (ed < d) if m["kind"] == "approach" else (ed > d), r["id"]


def test_categories_match_labels(readable):
    for r in readable:
        cats, lab = set(r["categories"]), r["labels"]
        m = lab["motion"]
        assert ("motion" in cats) == (m is not None), r["id"]
        assert ("elevation" in cats) == (lab["elevation_deg"] != 0), r["id"]
        has_dist = lab["distance_m"] is not None or (m is not None and m["end_distance_m"] is not None)
        assert ("distance" in cats) == has_dist, r["id"]
        if "long" in cats:
            assert len(r["text"].split()) >= 20, r["id"]
        if "numeric" in cats:
            t = r["text"]
            assert re.search(r"\d", t) or NUMBER_WORDS.search(t), r["id"]


def test_category_minimums(rows):
    counts = Counter(c for r in rows for c in r["categories"])
    short = {c: (counts[c], n) for c, n in MINIMUMS.items() if counts[c] < n}
    assert not short, short


def test_behind_share(readable):
    behind = sum(abs(r["labels"]["azimuth_deg"]) > 100 for r in readable)
    assert behind / len(readable) >= 0.25, behind


def test_azimuths_cover_the_circle(readable):
    # eight 45-degree sectors centred on 0, 45, ..., 180; each must be well populated
    sectors = Counter()
    for r in readable:
        az = r["labels"]["azimuth_deg"]
        k = int(math.floor((az + 22.5) / 45.0)) % 8
        sectors[k] += 1
    assert len(sectors) == 8 and min(sectors.values()) >= 10, dict(sectors)
    # not only the cardinal directions
    odd = [r for r in readable if r["labels"]["azimuth_deg"] % 45 != 0]
    assert len(odd) >= 30, len(odd)


DEV_SETS = sorted(DATA.parent.glob("dev_*.jsonl"))


@pytest.mark.parametrize("path", DEV_SETS, ids=[p.name for p in DEV_SETS])
def test_development_sets_are_well_formed_and_apart_from_the_hand_written_set(path, rows):
    hand = {r["text"].strip().lower() for r in rows}
    dev = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(dev) >= 80
    assert len({r["id"] for r in dev}) == len(dev) and len({r["text"] for r in dev}) == len(dev)
    for r in dev:
        az = r["labels"]["azimuth_deg"]
        assert isinstance(az, (int, float)) and -180.0 < az <= 180.0, r["id"]
        assert r["text"].strip().lower() not in hand, r["id"]
    # every set covers all eight 45-degree sectors
    assert len({round(r["labels"]["azimuth_deg"] / 45.0) % 8 for r in dev}) == 8


def test_there_are_development_sets():
    assert len(DEV_SETS) >= 7

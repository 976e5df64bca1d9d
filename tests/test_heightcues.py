"""The elevation head's extra cues (oscbridge.heightcues): seeded, labelled in range, built from the
corpus's training split only, and free of the corpus's held-out elevation phrases."""

from __future__ import annotations

from collections import Counter

from oscbridge import corpus as C
from oscbridge import heightcues as H


def test_seeded_and_labelled():
    rows = H.generate(3000, seed=1)
    assert rows == H.generate(3000, seed=1) and rows != H.generate(3000, seed=2)
    assert len({r["text"] for r in rows}) > 2700
    el = Counter(r["labels"]["elevation_deg"] for r in rows)
    assert 0.45 < el[0.0] / len(rows) < 0.65  # level cues with words that only look like height
    assert {e for e in el if e > 0} and {e for e in el if e < 0}
    for r in rows:
        assert -90 <= r["labels"]["elevation_deg"] <= 90 and r["labels"]["elevation_stated"] is True
        assert r["text"].strip() and len(r["text"]) < C.MAX_TEXT_CHARS


def test_no_held_out_corpus_phrase_and_training_sources_only():
    held = [p for v in (C.ELEVATION_LOC, C.ELEVATION_FROM, C.VERTICAL_ENDS) for p, split, _ in v.entries if split]
    assert held  # the corpus holds some out: the check below must have something to find
    mine = [p for _, ps in H._RAISED for p in ps] + H._DECOY_CLAUSES + H._DECOY_PLACE + H._LEVEL_PLACE
    assert not [(h, p) for h in held for p in mine if h in p]
    held_sources = {s.noun for s in C.SOURCES if C._hash_split(s.noun) != "train"}
    assert held_sources and not held_sources & {s.noun for s in H._SOURCES}


def test_raised_places_cover_up_and_down_and_decoys_are_level():
    rows = H.generate(4000, seed=0)
    level = [r["text"].lower() for r in rows if r["labels"]["elevation_deg"] == 0.0]
    assert sum(any(d.lower() in t for d in H._DECOY_CLAUSES) for t in level) > 0.2 * len(level)
    up = [r for r in rows if r["labels"]["elevation_deg"] >= 45]
    down = [r for r in rows if r["labels"]["elevation_deg"] <= -45]
    assert len(up) > 300 and len(down) > 300

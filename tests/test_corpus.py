"""The synthetic training corpus: reproducible, valid, split without leaks, covering, and right.

Known-answer checks read the generated text back with rules written here, independently of the
generator's own tables, and compare with the labels.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter

import pytest

from oscbridge import corpus
from oscbridge.params import Motion, Position, SpatialParams, wrap_azimuth

N_TRAIN, N_HELD = 30000, 4000
STATIC_FIELDS = ("azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db", "gain_db")


@pytest.fixture(scope="module")
def splits():
    return {
        "train": corpus.generate(N_TRAIN, 0, "train"),
        "valid": corpus.generate(N_HELD, 0, "valid"),
        "test": corpus.generate(N_HELD, 0, "test"),
    }


@pytest.fixture(scope="module")
def all_rows(splits):
    return [r for rows in splits.values() for r in rows]


def static(rows):
    """Rows of a static source whose text is exactly what the template wrote (no typo)."""
    return [r for r in rows if r["labels"]["motion"] is None and r["category"] != "typo"]


def az_close(a, b, tol=0.01):
    return abs(wrap_azimuth(a - b)) <= tol


def sector(az):
    """16 sectors of 22.5 degrees, sector 0 centred on the front."""
    return int(((az + 11.25) % 360) // 22.5)


# --- reproducibility ------------------------------------------------------------------------------


def test_same_seed_gives_identical_rows_and_another_seed_does_not():
    a = corpus.generate(600, seed=7, split="valid")
    assert a == corpus.generate(600, seed=7, split="valid")
    assert a != corpus.generate(600, seed=8, split="valid")


def test_rows_do_not_depend_on_the_hash_seed():
    code = ("import hashlib, json; from oscbridge import corpus; "
            "print(hashlib.sha256(json.dumps(corpus.generate(400, 3, 'test')).encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        digests.add(out.stdout.strip())
    here = hashlib.sha256(json.dumps(corpus.generate(400, 3, "test")).encode()).hexdigest()
    assert digests == {here}


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="split"):
        corpus.generate(10, split="dev")
    with pytest.raises(ValueError, match="non-negative"):
        corpus.generate(-1)
    assert corpus.generate(0) == []


# --- every row valid ------------------------------------------------------------------------------


def test_every_row_has_the_schema_and_valid_labels(all_rows):
    for r in all_rows:
        assert set(r) == {"text", "split", "family", "category", "labels"}, r
        assert r["category"] in corpus.CATEGORIES
        labels = r["labels"]
        assert set(labels) == set(STATIC_FIELDS) | {"motion", "direction_known", "elevation_stated"}, r
        params = SpatialParams(**{k: labels[k] for k in STATIC_FIELDS})  # raises when out of range
        assert isinstance(labels["direction_known"], bool)
        if not labels["direction_known"]:
            assert params.azimuth_deg == 0.0, r
        m = labels["motion"]
        if m is None:
            continue
        end = Position(**m["end"]) if "end" in m else None
        Motion(m["kind"], m["duration_s"], end, m.get("direction"), m.get("turns"))
        if m["kind"] == "orbit":
            assert "end" not in m and m["direction"] in ("ccw", "cw") and "turns" in m, r
        else:
            assert end is not None and "direction" not in m and "turns" not in m, r
        if m["kind"] == "approach":
            assert end.distance_m < params.distance_m and az_close(end.azimuth_deg, params.azimuth_deg), r
        if m["kind"] == "recede":
            assert end.distance_m > params.distance_m and az_close(end.azimuth_deg, params.azimuth_deg), r


def test_text_is_clean_and_short(all_rows):
    for r in all_rows:
        t = r["text"]
        assert t and t == t.strip() and "  " not in t and "{" not in t and "}" not in t, t
        assert len(t) <= corpus.MAX_TEXT_CHARS, t


def test_rows_round_trip_through_jsonl(tmp_path):
    rows = corpus.generate(300, 1, "train")
    path = tmp_path / "sub" / "rows.jsonl"
    assert corpus.write_jsonl(rows, path) == 300
    assert corpus.read_jsonl(path) == rows
    assert len(path.read_text(encoding="utf-8").splitlines()) == 300


def test_build_corpus_writes_three_files_and_reports(tmp_path):
    stats = corpus.build_corpus(tmp_path, n_train=2000, n_valid=300, n_test=300, seed=4)
    for split, n in (("train", 2000), ("valid", 300), ("test", 300)):
        rows = corpus.read_jsonl(tmp_path / f"{split}.jsonl")
        assert len(rows) == n and {r["split"] for r in rows} == {split}
        assert stats[split]["rows"] == n and stats[split]["dropped"] == 0
        assert set(stats[split]["category_share"]) == set(corpus.CATEGORIES)
    assert stats["sources"]["train"] > stats["sources"]["test"] > 0


def test_generation_is_fast():
    t0 = time.perf_counter()
    corpus.generate(10000, 11, "train")
    assert time.perf_counter() - t0 < 5.0  # 60k rows in well under a minute


# --- splits ---------------------------------------------------------------------------------------


def test_families_are_disjoint_between_splits(splits):
    seen = {split: {r["family"] for r in rows} for split, rows in splits.items()}
    assert not seen["train"] & seen["valid"]
    assert not seen["train"] & seen["test"]
    assert not seen["valid"] & seen["test"]
    for split, rows in splits.items():
        for r in rows:
            assert r["split"] == split and corpus.split_of(r["family"]) == split


def test_every_category_has_its_own_families_in_every_split():
    for split in corpus.SPLITS:
        cats = {f.category for f in corpus.FAMILIES if corpus.split_of(f.id) == split}
        assert cats == set(corpus.CATEGORIES) - {"typo"}, split  # typo rows reuse a family of their split
    held = sum(corpus.split_of(f.id) != "train" for f in corpus.FAMILIES)
    assert 0.2 < held / len(corpus.FAMILIES) < 0.4


def test_no_valid_or_test_text_appears_in_train(splits):
    train = {r["text"].lower() for r in splits["train"]}
    for split in ("valid", "test"):
        assert not {r["text"].lower() for r in splits[split]} & train


@pytest.mark.parametrize("split", ["valid", "test"])
def test_heldout_vocabulary_never_reaches_train_and_is_used(splits, split):
    held = corpus.heldout_vocabulary(split)
    assert {"over my left shoulder", "over my right shoulder", "on my six"} <= corpus.heldout_vocabulary("test")
    train_text = "\n".join(r["text"].lower() for r in splits["train"])
    own_text = "\n".join(r["text"].lower() for r in splits[split])

    def found(phrase, text):
        phrase = phrase.lower()
        return phrase in text and re.search(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text) is not None

    leaked = sorted(p for p in held if found(p, train_text))
    assert not leaked
    used = sum(found(p, own_text) for p in held)
    assert used >= 0.7 * len(held), (used, len(held))
    assert corpus.heldout_vocabulary("train") == set()


def test_sources_are_partitioned_and_plentiful():
    assert len(corpus.SOURCES) >= 300
    nouns = {split: {s.noun for s in corpus.SOURCES if corpus.SOURCE_SPLIT[s.noun] == split} for split in corpus.SPLITS}
    assert len(nouns["train"]) >= 300 and len(nouns["valid"]) >= 30 and len(nouns["test"]) >= 30
    assert not (nouns["train"] & nouns["valid"]) and not (nouns["train"] & nouns["test"])
    assert len({s.group for s in corpus.SOURCES}) >= 10


# --- coverage and shares --------------------------------------------------------------------------


def test_category_shares_match_the_weights(splits):
    for split, rows in splits.items():
        share = Counter(r["category"] for r in rows)
        for cat, weight in corpus.CATEGORY_WEIGHTS.items():
            assert share[cat] / len(rows) == pytest.approx(weight, abs=0.002), (split, cat)


def test_motion_and_unknown_direction_shares(splits):
    for split, rows in splits.items():
        moving = sum(r["labels"]["motion"] is not None for r in rows) / len(rows)
        assert 0.3 <= moving <= 0.4, (split, moving)
        words = [r for r in rows if r["category"] != "noise"]
        implied = sum(not r["labels"]["direction_known"] for r in words) / len(words)
        assert 0.05 <= implied <= 0.11, (split, implied)


def test_all_sixteen_sectors_are_covered_by_words_alone(splits):
    """Worded directions (no numbers, clock or compass) reach every 22.5-degree sector."""
    compass = re.compile(r"\b(north|south|east|west)", re.I)
    for split, rows in splits.items():
        worded = [r for r in static(rows) if r["labels"]["direction_known"] and not re.search(r"\d|o'clock", r["text"])
                  and not compass.search(r["text"])]
        counts = Counter(sector(r["labels"]["azimuth_deg"]) for r in worded)
        assert set(counts) == set(range(16)), (split, sorted(counts))
        every = Counter(sector(r["labels"]["azimuth_deg"]) for r in rows if r["labels"]["direction_known"])
        assert min(every.values()) >= 0.01 * len(rows), split


def test_elevation_and_motion_coverage(splits):
    for split, rows in splits.items():
        els = [r["labels"]["elevation_deg"] for r in rows]
        assert sum(e >= 45 for e in els) > 0.03 * len(rows) and sum(e <= -30 for e in els) > 0.03 * len(rows)
        assert {90, -90} <= {int(e) for e in els}, split
        motions = [r["labels"]["motion"] for r in rows if r["labels"]["motion"]]
        kinds = Counter(m["kind"] for m in motions)
        assert set(kinds) == {"line", "orbit", "approach", "recede"} and min(kinds.values()) > 0.02 * len(rows), kinds
        orbits = [m for m in motions if m["kind"] == "orbit"]
        assert {m["direction"] for m in orbits} == {"cw", "ccw"}
        assert any(m["turns"] is not None for m in orbits) and any(m["turns"] is None for m in orbits)
        vertical = [r for r in rows if (m := r["labels"]["motion"]) and m["kind"] == "line"
                    and abs(m["end"]["elevation_deg"] - r["labels"]["elevation_deg"]) >= 30]
        assert vertical, split
        assert len({m["duration_s"] for m in motions}) >= 10


def test_width_room_and_loudness_vary(all_rows):
    spreads = [r["labels"]["spread_deg"] for r in all_rows]
    assert min(spreads) <= 1 and max(spreads) == 360 and sum(s >= 180 for s in spreads) > 0.03 * len(spreads)
    gains = [r["labels"]["gain_db"] for r in all_rows]
    assert min(gains) <= -36 and max(gains) >= 10
    wets = [r["labels"]["wet"] for r in all_rows]
    assert min(wets) < 0.02 and max(wets) > 0.85
    dists = [r["labels"]["distance_m"] for r in all_rows]
    assert min(dists) <= 0.3 and max(dists) >= 80


def test_noise_rows_carry_neutral_labels_and_other_languages(splits):
    neutral = SpatialParams().to_dict()
    for rows in splits.values():
        noise = [r for r in rows if r["category"] == "noise"]
        assert noise
        for r in noise:
            assert {k: r["labels"][k] for k in STATIC_FIELDS} == neutral
            assert r["labels"]["motion"] is None and r["labels"]["direction_known"] is False
        assert any(re.search("[가-힣]", r["text"]) for r in noise)  # Korean
        assert any(re.search("[äöüßéèàñ¿¡]", r["text"]) for r in noise)  # German/French/Spanish


def test_typo_rows_are_corrupted_copies_of_their_family(splits):
    rows = splits["train"]
    typos = [r for r in rows if r["category"] == "typo"]
    assert typos and all(r["family"].split(".")[0] not in ("noise", "typo") for r in typos)
    direction = re.compile(r"\b(left|right|behind|front|ahead|above|below)\b", re.I)
    # some slips hit a direction word: the text then lacks the word its labels came from
    assert sum(1 for r in typos if r["labels"]["direction_known"] and not direction.search(r["text"])
               and not re.search(r"\d|o'clock|north|south|east|west|centre|center|six|port|starboard", r["text"], re.I)) > 5


def test_no_stage_directions():
    rows = corpus.generate(5000, 2, "train")
    assert not any(re.search(r"\bstage (left|right)\b", r["text"], re.I) for r in rows)


# --- known answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase, azimuth", [
    ("behind me on the left", 135), ("behind me on the right", -135),
    ("over my left shoulder", 135), ("over my right shoulder", -135),
    ("hard left", 90), ("hard right", -90), ("slightly to the left", 20), ("just off centre to the right", -15),
    ("screen left", 90), ("on your right", -90), ("dead ahead", 0), ("on my six", 180),
])
def test_worded_directions_map_to_their_azimuth(all_rows, phrase, azimuth):
    rows = [r for r in static(all_rows) if phrase in r["text"].lower() and not re.search(r"\d", r["text"])]
    assert len(rows) >= 5, phrase
    for r in rows:
        assert r["labels"]["direction_known"] and abs(wrap_azimuth(r["labels"]["azimuth_deg"] - azimuth)) <= 15, r


def test_clock_positions(all_rows):
    rows = 0
    for r in static(all_rows):
        m = re.search(r"\bat (\d{1,2}) o'clock", r["text"], re.I)
        half = re.search(r"\bat half past (ten|two|\d+)\b", r["text"], re.I)
        if m:
            assert az_close(r["labels"]["azimuth_deg"], wrap_azimuth(-30 * int(m.group(1)))), r
            rows += 1
        if half:
            hour = {"ten": 10, "two": 2}.get(half.group(1).lower()) or int(half.group(1))
            assert az_close(r["labels"]["azimuth_deg"], wrap_azimuth(-30 * (hour + 0.5))), r
    assert rows > 100
    at3 = [r for r in static(all_rows) if "at 3 o'clock" in r["text"].lower()]
    assert at3 and all(r["labels"]["azimuth_deg"] == -90 for r in at3)
    ten30 = [r for r in static(all_rows) if "at half past ten" in r["text"].lower()]
    assert ten30 and all(r["labels"]["azimuth_deg"] == 45 for r in ten30)


def test_exact_degrees_and_canonical_azimuth(all_rows):
    n = 0
    for r in static(all_rows):
        t = r["text"].lower()
        m = re.search(r"\b(\d{1,3}) degrees to the (left|right)\b(?! of (straight|directly|dead) behind)", t)
        if m:
            want = int(m.group(1)) * (1 if m.group(2) == "left" else -1)
            assert az_close(r["labels"]["azimuth_deg"], want), r
            n += 1
        m = re.search(r"\b(\d{1,3})° (left|right)\b", t)
        if m:
            assert az_close(r["labels"]["azimuth_deg"], int(m.group(1)) * (1 if m.group(2) == "left" else -1)), r
        m = re.search(r"\bazimuth ([+-]?\d{1,3})\b", t)
        if m:
            assert az_close(r["labels"]["azimuth_deg"], wrap_azimuth(int(m.group(1)))), r
            n += 1
    assert n > 100


_BEARINGS = {"north": 0, "northnortheast": 22.5, "northeast": 45, "eastnortheast": 67.5, "east": 90,
             "eastsoutheast": 112.5, "southeast": 135, "southsoutheast": 157.5, "south": 180, "southsouthwest": 202.5,
             "southwest": 225, "westsouthwest": 247.5, "west": 270, "westnorthwest": 292.5, "northwest": 315,
             "northnorthwest": 337.5}


def test_compass_with_and_without_a_facing(all_rows):
    point = re.compile(r"\b((?:north|south|east|west)(?:[- ]?(?:north|south|east|west))*)", re.I)
    faced = unfaced = 0
    for r in static(all_rows):
        found = list(point.finditer(r["text"]))
        if not found or not r["labels"]["direction_known"]:
            continue
        facing, bearing = 0.0, None
        for m in found:
            name = re.sub(r"[- ]", "", m.group(1).lower())
            if re.search(r"(facing|face|faces|looking|points|pointing)\s*$", r["text"][:m.start()], re.I):
                facing = _BEARINGS[name]
            else:
                bearing = _BEARINGS[name]
        assert bearing is not None, r
        assert az_close(r["labels"]["azimuth_deg"], wrap_azimuth(facing - bearing)), r
        faced, unfaced = faced + (len(found) == 2), unfaced + (len(found) == 1)
    assert faced > 30 and unfaced > 30
    # the two rules of conventions.md: no facing -> north is in front; facing east -> north is on the left
    rows = [r for r in static(all_rows) if re.search(r"facing east\b", r["text"], re.I)
            and re.search(r"from the north(?![-\w]| east| west)", r["text"], re.I)]
    assert all(r["labels"]["azimuth_deg"] == 90 for r in rows)


@pytest.mark.parametrize("phrase, elevation", [
    ("directly overhead", 90), ("under my feet", -60), ("from the ceiling", 60), ("from the floor", -45),
    ("at ear level", 0), ("slightly above", 20),
])
def test_elevation_words(all_rows, phrase, elevation):
    rows = [r for r in static(all_rows) if re.search(r"(?<![\w-])" + re.escape(phrase) + r"\b", r["text"], re.I)]
    assert len(rows) >= 5, phrase
    assert all(r["labels"]["elevation_deg"] == elevation for r in rows), phrase


def test_numeric_elevation(all_rows):
    n = 0
    for r in static(all_rows):
        m = re.search(r"\b(\d{1,2}) degrees (up|down)\b(?! ahead)", r["text"], re.I)
        if m:
            want = int(m.group(1)) * (1 if m.group(2).lower() == "up" else -1)
            assert r["labels"]["elevation_deg"] == want, r
            n += 1
    assert n > 20


def test_distance_words_and_units(all_rows):
    checks = 0
    for r in static(all_rows):
        t = r["text"].lower()
        if re.search(r"\d", t) is None:
            for phrase, d in (("in the distance", 40), ("right next to me", 0.5), ("on the horizon", 80),
                              ("across the room", 6), ("a few metres away", 4)):
                if re.search(r"(?<!far )" + re.escape(phrase), t):
                    assert r["labels"]["distance_m"] == d, r
                    checks += 1
        for pattern, scale in ((r"\b(\d+(?:\.\d+)?) (?:metres|meters) away\b", 1.0), (r"\b(\d+) feet away\b", 0.3048),
                               (r"\b(\d+) yards away\b", 0.9144), (r"\b(\d+) cm away\b", 0.01)):
            m = re.search(pattern, t)
            if m:
                assert r["labels"]["distance_m"] == pytest.approx(float(m.group(1)) * scale, abs=0.002), r
                checks += 1
    assert checks > 500


def test_gain_and_width_numbers(all_rows):
    n = 0
    for r in static(all_rows):
        m = re.search(r"\bat ([+-]\d+) ?db\b", r["text"], re.I)
        if m:
            assert r["labels"]["gain_db"] == int(m.group(1)), r
            n += 1
        m = re.search(r"\b(\d+) degrees wide\b", r["text"], re.I)
        if m:
            assert r["labels"]["spread_deg"] == int(m.group(1)), r
    assert n > 20
    around = [r for r in static(all_rows) if "all around me" in r["text"].lower()]
    assert around and all(r["labels"]["spread_deg"] == 360 for r in around)
    # "all around me" states no direction, unless the cue also puts the source at a pole ("at the zenith")
    assert all(not r["labels"]["direction_known"] for r in around if abs(r["labels"]["elevation_deg"]) != 90)


_LABEL_WORDS = re.compile(
    r"\b(left|right|front|forwards?|behind|back|ahead|rear|above|below|over|under|overhead|beneath|up|down|high|low|"
    r"centre|center|middle|side|around|across|towards?|near|nearby|far|close|closer|distant|distance|away|"
    r"metres?|meters?|feet|steps|loud|louder|quiet|quietly|soft|softly|faint|faintly|whisper|silent|silence|"
    r"fast|slow|slowly|quick|quickly|wide|narrow|reverb|echo|room|hall|church|cave|tunnel|outside|outdoors|"
    r"north|south|east|west|o'clock|degrees?|\d+)\b", re.I)


@pytest.mark.parametrize("pool", ["_PRE_CLAUSES", "_POST_CLAUSES", "_REL_CLAUSES", "_CTX_SENTENCES"])
def test_distractor_clauses_state_nothing_a_label_depends_on(pool):
    clauses = getattr(corpus, pool)
    assert len(clauses) == len(set(clauses)) >= 12
    # phrasal verbs whose particle is no direction: the model should learn that too
    particles = re.compile(r"\b(tunes up|breaks over|woken up|picked up|sets up|things over|comes? back|jumps forward)\b")
    assert [c for c in clauses if _LABEL_WORDS.search(particles.sub("", c))] == []


def test_reverb_follows_distance_within_a_room(all_rows):
    for room in ("in a cathedral", "in a concert hall", "outdoors"):
        rows = sorted((r for r in static(all_rows) if room in r["text"].lower()), key=lambda r: r["labels"]["distance_m"])
        assert len(rows) >= 10, room
        for near, far in zip(rows, rows[1:]):
            if far["labels"]["distance_m"] > near["labels"]["distance_m"]:
                assert far["labels"]["drr_db"] <= near["labels"]["drr_db"], (near, far)
                assert far["labels"]["wet"] >= near["labels"]["wet"], (near, far)
    dry = [r for r in static(all_rows) if "bone dry" in r["text"].lower()]
    drenched = [r for r in static(all_rows) if "drenched in reverb" in r["text"].lower()]
    assert dry and drenched
    assert max(r["labels"]["wet"] for r in dry) < 0.05 < 0.85 < min(r["labels"]["wet"] for r in drenched)
    assert min(r["labels"]["drr_db"] for r in dry) > max(r["labels"]["drr_db"] for r in drenched)


def test_motion_words(all_rows):
    moving = [r for r in all_rows if r["labels"]["motion"] and r["category"] != "typo"]
    for r in moving:
        t, m = r["text"].lower(), r["labels"]["motion"]
        if m["kind"] == "orbit":
            if re.search(r"\bclockwise\b", t) and not re.search(r"counter|anti", t):
                assert m["direction"] == "cw", r
            elif not re.search(r"clockwise|sunwise", t):
                assert m["direction"] == "ccw", r  # the default
            if re.search(r"\btwice\b", t):
                assert m["turns"] == 2, r
        d = re.search(r"\b(?:over|in|within|taking|for) (\d+(?:\.\d+)?) ?(?:s|seconds?)\b", t)
        if d:
            assert m["duration_s"] == float(d.group(1)), r
        elif not re.search(r"second|minute|\bs\b", t):
            if re.search(r"\b(slowly|lazily|gradually)\b", t):
                assert m["duration_s"] == corpus.SLOW_S, r
            if re.search(r"\b(quickly|rapidly|swiftly)\b", t):
                assert m["duration_s"] == corpus.FAST_S, r
    lines = [r for r in moving if re.search(r"\bfrom (?:hard |the |my )?left to (?:hard |the |my )?right\b(?! of| and| side)", r["text"].lower())]
    assert lines and all(r["labels"]["azimuth_deg"] == 90 and r["labels"]["motion"]["end"]["azimuth_deg"] == -90
                         for r in lines if r["labels"]["motion"]["kind"] == "line")
    approach = [r for r in moving if r["labels"]["motion"]["kind"] == "approach"]
    assert all(r["labels"]["motion"]["end"]["distance_m"] < r["labels"]["distance_m"] for r in approach)


def test_elevation_stated_marks_heights_the_words_give():
    """``elevation_stated`` is true when an elevation phrase or number is in the text; when false, the
    elevation is the sound's own default."""
    from oscbridge.corpus import SOURCES

    rows = corpus.generate(3000, seed=4, split="train")
    defaults = {s.noun.lower(): s.elevation_deg for s in SOURCES}
    stated = [r for r in rows if r["labels"]["elevation_stated"]]
    assert 0.1 < len(stated) / len(rows) < 0.5
    for r in rows:
        if r["labels"]["elevation_stated"] or r["category"] in ("noise", "typo"):
            continue
        nouns = [n for n in defaults if n in r["text"].lower()]
        assert any(defaults[n] == r["labels"]["elevation_deg"] for n in nouns), r
    worded = [r for r in stated if re.search(r"overhead|above|below|beneath|ceiling|floor|degrees|°", r["text"], re.I)]
    assert len(worded) > 0.6 * len(stated)

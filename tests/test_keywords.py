"""The keyword-rule baseline: directions, distances, rooms, motion, confidence, the JSON contract."""

import math

import pytest

from oscbridge.errors import CueError
from oscbridge.keywords import (
    APPROACH_END_M,
    APPROACH_START_M,
    CONFIDENCE_CONFLICT,
    CONFIDENCE_DIRECTION,
    CONFIDENCE_NONE,
    CONFIDENCE_TWO_AXES,
    CONFIDENCE_VERTICAL,
    DEFAULT_DISTANCE_M,
    DEFAULT_DRR_DB,
    DEFAULT_DURATION_S,
    DEFAULT_SPREAD_DEG,
    DEFAULT_WET,
    RECEDE_END_M,
    KeywordPredictor,
    predict_text,
)
from oscbridge.params import FIELDS, Motion, Position, Prediction
from oscbridge.predictor import Predictor

TOL = 1e-6


def predict(text):
    return KeywordPredictor().predict([text])[0]


# ---------------------------------------------------------------------------------------------
# the predictor interface


def test_implements_the_predictor_protocol():
    kp = KeywordPredictor()
    assert isinstance(kp, Predictor)
    assert kp.name == "keyword"


def test_predict_batch_in_order_with_text_and_source():
    texts = ["a dog on the left", "xqzt blorp", "behind me"]
    out = KeywordPredictor().predict(texts)
    assert [p.text for p in out] == texts
    assert all(isinstance(p, Prediction) and p.source == 1 for p in out)
    assert [p.params.azimuth_deg for p in out] == pytest.approx([90.0, 0.0, 180.0])


def test_predict_empty_batch():
    assert KeywordPredictor().predict([]) == []


def test_not_text_is_a_cue_error():
    with pytest.raises(CueError, match="text"):
        predict_text(42)  # type: ignore[arg-type]


KOREAN_DOG_LEFT = "\uc67c\ucabd\uc5d0\uc11c \uac1c\uac00 \uc9d6\ub294\ub2e4"  # "a dog barks on the left"


@pytest.mark.parametrize("text", ["", "   ", "xqzt blorp", KOREAN_DOG_LEFT, "!!!"])
def test_every_text_gets_all_seven_fields(text):
    d = predict(text).to_json_dict()
    for name in FIELDS:
        assert isinstance(d[name], float) and math.isfinite(d[name])


# ---------------------------------------------------------------------------------------------
# direction keywords


@pytest.mark.parametrize(
    "text, azimuth, elevation",
    [
        ("a dog barks to the left", 90.0, 0.0),
        ("on my right", -90.0, 0.0),
        ("in front of me", 0.0, 0.0),
        ("straight ahead", 0.0, 0.0),
        ("dead centre", 0.0, 0.0),
        ("behind", 180.0, 0.0),
        ("at the back", 180.0, 0.0),
        ("from the rear", 180.0, 0.0),
        ("behind me on the left", 135.0, 0.0),
        ("from the rear left", 135.0, 0.0),
        ("back left", 135.0, 0.0),
        ("back-right", -135.0, 0.0),
        ("the left rear speaker", 135.0, 0.0),
        ("front right", -45.0, 0.0),
        ("front-left", 45.0, 0.0),
        ("ahead and to the right", -45.0, 0.0),
        ("slightly left", 20.0, 0.0),
        ("slightly to the right", -20.0, 0.0),
        ("a little bit left", 20.0, 0.0),
        ("a bit to the right", -20.0, 0.0),
        ("hard left", 90.0, 0.0),
        ("far right", -90.0, 0.0),
        ("all the way to the left", 90.0, 0.0),
        ("left of centre", 30.0, 0.0),
        ("right of center", -30.0, 0.0),
        ("left-hand side", 90.0, 0.0),
        ("slightly behind on the left", 110.0, 0.0),
        ("in front, slightly to the left", 20.0, 0.0),
        ("to the left, slightly in front", 70.0, 0.0),
        ("right behind me", 180.0, 0.0),
        ("right in front of you", 0.0, 0.0),
        ("above and to the left", 90.0, 45.0),
        ("above me", 0.0, 60.0),
        ("overhead", 0.0, 90.0),
        ("directly overhead", 0.0, 90.0),
        ("straight up", 0.0, 90.0),
        ("over my head", 0.0, 90.0),
        ("slightly above", 0.0, 20.0),
        ("up high on the right", -90.0, 45.0),
        ("upper left", 90.0, 45.0),
        ("directly overhead, a bit to the left", 20.0, 60.0),
        ("upstairs", 0.0, 60.0),
        ("below", 0.0, -60.0),
        ("directly beneath me", 0.0, -90.0),
        ("lower left", 90.0, -45.0),
        ("underneath, behind me", 180.0, -45.0),
        ("downstairs to the right", -90.0, -45.0),
        ("a bird up in the tree", 0.0, 60.0),
        ("A DOG BARKS ON THE LEFT", 90.0, 0.0),
    ],
)
def test_directions(text, azimuth, elevation):
    p = predict(text)
    assert p.params.azimuth_deg == pytest.approx(azimuth, abs=TOL)
    assert p.params.elevation_deg == pytest.approx(elevation, abs=TOL)
    assert p.confidence >= CONFIDENCE_VERTICAL
    assert p.motion is None


@pytest.mark.parametrize(
    "text",
    [
        "leftover food",
        "write it down",
        "copyright notice",
        "backing vocals",
        "an upbeat song",
        "the man left the room",
        "the dog has left",
        "nothing left to hear",
        "that's right, the bell",
        "all right then",
        "the bell is right there",
        "right here",
        "right now",
        "come back to me",
        "bring it back",
        "turn up the music",
        "speeds up",
        "calm down",
        "turn it down",
        "low frequency hum",
        "a high pitched whine",
        "lower the volume",
        "in under a minute",
        "frontier town",
        "xqzt blorp",
        "\uc67c\ucabd\uc5d0\uc11c \uac1c\uac00 \uc9d6\ub294\ub2e4",
        "un chien aboie \u00e0 gauche",
    ],
)
def test_words_that_are_not_directions(text):
    p = predict(text)
    assert p.params.azimuth_deg == 0.0
    assert p.params.elevation_deg == 0.0
    assert p.confidence <= 0.2
    assert p.explicit == ()


def test_gibberish_low_confidence_front():
    p = predict("xqzt blorp")
    assert p.confidence == pytest.approx(CONFIDENCE_NONE)
    assert p.confidence <= 0.2
    assert p.params.azimuth_deg == 0.0


def test_korean_low_confidence():
    p = predict("\uc67c\ucabd\uc5d0\uc11c \uac1c\uac00 \uc9d6\ub294\ub2e4")  # "a dog barks on the left"
    assert p.confidence <= 0.2
    assert p.params.azimuth_deg == 0.0
    assert p.text == "\uc67c\ucabd\uc5d0\uc11c \uac1c\uac00 \uc9d6\ub294\ub2e4"


@pytest.mark.parametrize(
    "text, confidence",
    [
        ("on the left", CONFIDENCE_DIRECTION),
        ("behind", CONFIDENCE_DIRECTION),
        ("front right", CONFIDENCE_TWO_AXES),
        ("behind me on the left", CONFIDENCE_TWO_AXES),
        ("overhead", CONFIDENCE_VERTICAL),
        ("a drum on the left and a flute on the right", CONFIDENCE_CONFLICT),
        ("a dog barks", CONFIDENCE_NONE),
        ("at 3 o'clock", 1.0),
        ("30 degrees left", 1.0),
        ("from the west", 1.0),
    ],
)
def test_confidence(text, confidence):
    assert predict(text).confidence == pytest.approx(confidence)


def test_confidence_is_in_range_of_the_brief():
    assert 0.6 <= CONFIDENCE_VERTICAL < CONFIDENCE_DIRECTION < CONFIDENCE_TWO_AXES <= 0.8
    assert CONFIDENCE_NONE <= 0.2


def test_left_and_right_together_is_wide_and_front():
    p = predict("loud drums on the left and right")
    assert p.params.azimuth_deg == 0.0
    assert p.params.spread_deg == pytest.approx(180.0)


# ---------------------------------------------------------------------------------------------
# distance, level, room, width


def _gain(loud_db, d):
    return loud_db - 7.0 * math.log10(d / 2.0)


def _wet(wet0, d):
    return min(0.95, wet0 * (d / 2.0) ** 0.35)


def _drr(drr0, d):
    return drr0 - 8.0 * math.log10(d / 2.0)


@pytest.mark.parametrize(
    "text, distance",
    [
        ("a dog", DEFAULT_DISTANCE_M),
        ("far away", 15.0),
        ("in the distance", 15.0),
        ("a distant bell", 15.0),
        ("very far away", 30.0),
        ("miles away", 30.0),
        ("on the horizon", 30.0),
        ("not far", 5.0),
        ("across the room", 5.0),
        ("a few metres away", 5.0),
        ("nearby", 0.8),
        ("close by", 0.8),
        ("near the door", 0.8),
        ("someone whispers in my left ear", 0.4),
        ("up close", 0.4),
        ("right next to me", 0.4),
        ("so far so good", DEFAULT_DISTANCE_M),
        ("far left", DEFAULT_DISTANCE_M),
        ("close the door", DEFAULT_DISTANCE_M),
        ("a helicopter", 20.0),
    ],
)
def test_distance_words(text, distance):
    assert predict(text).params.distance_m == pytest.approx(distance)


def test_defaults():
    p = predict("a dog barks")
    assert p.params.to_dict() == pytest.approx({
        "azimuth_deg": 0.0, "elevation_deg": 0.0, "distance_m": DEFAULT_DISTANCE_M,
        "spread_deg": DEFAULT_SPREAD_DEG, "wet": DEFAULT_WET, "drr_db": DEFAULT_DRR_DB, "gain_db": 0.0})
    assert p.motion is None
    assert p.explicit == ()


def test_far_is_quieter_wetter_and_less_direct():
    near, default, far = predict("near"), predict("a dog"), predict("far away")
    assert near.params.gain_db > default.params.gain_db > far.params.gain_db
    assert near.params.wet < default.params.wet < far.params.wet
    assert near.params.drr_db > default.params.drr_db > far.params.drr_db
    assert far.params.gain_db == pytest.approx(_gain(0.0, 15.0))
    assert far.params.wet == pytest.approx(_wet(DEFAULT_WET, 15.0))
    assert far.params.drr_db == pytest.approx(_drr(DEFAULT_DRR_DB, 15.0))


def test_explicit_distance_drives_the_derived_level_and_room():
    p = predict("a violin at 10 o'clock, 3 meters away")
    assert p.params.distance_m == pytest.approx(3.0)
    assert p.params.gain_db == pytest.approx(_gain(0.0, 3.0))
    assert p.params.wet == pytest.approx(_wet(DEFAULT_WET, 3.0))
    assert p.params.drr_db == pytest.approx(_drr(DEFAULT_DRR_DB, 3.0))


@pytest.mark.parametrize(
    "text, loud_db",
    [
        ("a quiet voice", -12.0),
        ("a faint hum", -12.0),
        ("softly", -12.0),
        ("very quiet", -18.0),
        ("barely audible", -18.0),
        ("loud drums", 3.0),
        ("a booming voice", 3.0),
        ("deafening", 6.0),
        ("very loud", 6.0),
    ],
)
def test_loudness_words(text, loud_db):
    assert predict(text).params.gain_db == pytest.approx(loud_db)


@pytest.mark.parametrize(
    "text, wet, drr",
    [
        ("a choir in a large cathedral", 0.75, -8.0),
        ("in a cave", 0.75, -8.0),
        ("in a concert hall", 0.55, -2.0),
        ("in a church", 0.55, -2.0),
        ("echoing", 0.55, -2.0),
        ("in the bathroom", 0.45, 0.0),
        ("outdoors", 0.08, 14.0),
        ("in a small room", 0.05, 16.0),
        ("dry", 0.05, 16.0),
        ("in a vocal booth", 0.05, 16.0),
        ("anechoic", 0.0, 25.0),
        ("a dog", DEFAULT_WET, DEFAULT_DRR_DB),
    ],
)
def test_room_words(text, wet, drr):
    p = predict(text)
    assert p.params.wet == pytest.approx(wet)
    assert p.params.drr_db == pytest.approx(drr)


def test_far_in_a_cathedral_is_capped_wet():
    p = predict("a guitar in a cathedral far away")
    assert p.params.wet == pytest.approx(0.95)
    assert p.params.drr_db == pytest.approx(_drr(-8.0, 15.0))


@pytest.mark.parametrize(
    "text, spread",
    [
        ("a dog", DEFAULT_SPREAD_DEG),
        ("a wide pad", 90.0),
        ("rain", 90.0),
        ("an orchestra", 90.0),
        ("diffuse ambience", 120.0),
        ("everywhere", 360.0),
        ("rain everywhere", 360.0),
        ("all around me", 360.0),
        ("rain falls all around", 360.0),
        ("from all directions", 360.0),
        ("on both sides", 180.0),
        ("a narrow beam", 0.0),
        ("a narrow stream", 0.0),
        ("pinpoint", 0.0),
    ],
)
def test_spread_words(text, spread):
    assert predict(text).params.spread_deg == pytest.approx(spread)


# ---------------------------------------------------------------------------------------------
# motion


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("pans left to right", 90.0, -90.0),
        ("passes by from left to right", 90.0, -90.0),
        ("a car drives past from right to left", -90.0, 90.0),
        ("moves from the front to the back", 0.0, 180.0),
        ("from behind me to the front", 180.0, 0.0),
        ("pans from hard left to slightly right", 90.0, -20.0),
        ("from front left to back right", 45.0, -135.0),
        ("footsteps cross from right to left behind me", -135.0, 135.0),
        ("moving from front right to front left, the orchestra on the right side", -45.0, 45.0),
        ("the sound slowly moves to the left", 0.0, 90.0),
        ("on the right, it drifts over to the left", -90.0, 90.0),
        ("the synth pans left slowly", 0.0, 90.0),
        ("on the left, the voice moves slowly right", 90.0, -90.0),
    ],
)
def test_line_motion(text, start, end):
    p = predict(text)
    assert p.motion is not None and p.motion.kind == "line"
    assert p.params.azimuth_deg == pytest.approx(start)
    assert p.motion.end is not None
    assert p.motion.end.azimuth_deg == pytest.approx(end)
    assert p.motion.end.distance_m == pytest.approx(p.params.distance_m)


def test_vertical_line():
    p = predict("from above to below")
    assert p.params.elevation_deg == pytest.approx(60.0)
    assert p.motion == Motion("line", DEFAULT_DURATION_S, Position(0.0, -60.0, DEFAULT_DISTANCE_M))


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("a car passes by", 90.0, -90.0),
        ("the car passes by on the left", 45.0, 135.0),
        ("a truck drives past on my right", -45.0, -135.0),
    ],
)
def test_pass_by(text, start, end):
    p = predict(text)
    assert p.motion is not None and p.motion.kind == "line"
    assert p.params.azimuth_deg == pytest.approx(start)
    assert p.motion.end is not None and p.motion.end.azimuth_deg == pytest.approx(end)


def test_overhead_pass_stays_below_the_zenith():
    p = predict("a jet passes overhead")
    assert p.params.elevation_deg == pytest.approx(60.0)
    assert p.motion == Motion("line", DEFAULT_DURATION_S, Position(-90.0, 60.0, 20.0))


@pytest.mark.parametrize(
    "text, direction",
    [
        ("a bee circles around my head", "ccw"),
        ("a bee circles around my head clockwise", "cw"),
        ("the sound goes around me counterclockwise", "ccw"),
        ("orbits the listener", "ccw"),
        ("a fly buzzes around my head", "ccw"),
        ("spinning around the listener anticlockwise", "ccw"),
        ("round and round", "ccw"),
    ],
)
def test_orbit(text, direction):
    p = predict(text)
    assert p.motion is not None
    assert p.motion.kind == "orbit"
    assert p.motion.direction == direction
    assert p.motion.end is None


def test_orbit_overhead_elevation():
    p = predict("a helicopter circles overhead")
    assert p.params.elevation_deg == pytest.approx(60.0)
    assert p.motion == Motion("orbit", DEFAULT_DURATION_S, None, "ccw")


def test_orbit_all_around_is_motion_not_width():
    p = predict("goes all around me")
    assert p.motion is not None and p.motion.kind == "orbit"
    assert p.params.spread_deg == pytest.approx(DEFAULT_SPREAD_DEG)


def test_orbit_with_explicit_turns_and_duration():
    p = predict("a helicopter circles twice clockwise over ten seconds")
    assert p.motion == Motion("orbit", 10.0, None, "cw", 2.0)
    assert p.explicit == ("motion.duration_s", "motion.direction", "motion.turns")
    assert p.confidence <= 0.2  # no direction word: where the orbit starts is a guess


@pytest.mark.parametrize(
    "text, azimuth, start_m, end_m",
    [
        ("footsteps approach from the right", -90.0, APPROACH_START_M, APPROACH_END_M),
        ("comes closer", 0.0, APPROACH_START_M, APPROACH_END_M),
        ("a train coming towards me from the left", 90.0, APPROACH_START_M, APPROACH_END_M),
        ("approaches from far away on the left", 90.0, 15.0, APPROACH_END_M),
        ("approaches from far away until it whispers in my ear", 0.0, 15.0, 0.4),
        ("getting louder", 0.0, APPROACH_START_M, APPROACH_END_M),
    ],
)
def test_approach(text, azimuth, start_m, end_m):
    p = predict(text)
    assert p.motion is not None and p.motion.kind == "approach"
    assert p.params.azimuth_deg == pytest.approx(azimuth)
    assert p.params.distance_m == pytest.approx(start_m)
    assert p.motion.end == Position(azimuth, 0.0, end_m)


@pytest.mark.parametrize(
    "text, azimuth, start_m, end_m",
    [
        ("the train recedes", 0.0, DEFAULT_DISTANCE_M, RECEDE_END_M),
        ("moves away to the right", -90.0, DEFAULT_DISTANCE_M, RECEDE_END_M),
        ("a voice fades into the distance", 0.0, DEFAULT_DISTANCE_M, RECEDE_END_M),
        ("walks away", 0.0, DEFAULT_DISTANCE_M, RECEDE_END_M),
        ("from close by it moves away until it is far", 0.0, 0.8, 15.0),
    ],
)
def test_recede(text, azimuth, start_m, end_m):
    p = predict(text)
    assert p.motion is not None and p.motion.kind == "recede"
    assert p.params.azimuth_deg == pytest.approx(azimuth)
    assert p.params.distance_m == pytest.approx(start_m)
    assert p.motion.end == Position(azimuth, 0.0, end_m)


@pytest.mark.parametrize(
    "text, elevation",
    [("a balloon rises into the sky", 60.0), ("the drone takes off", 60.0), ("the elevator descends", -45.0),
     ("a glass falls to the floor", -45.0)],
)
def test_rise_and_fall(text, elevation):
    p = predict(text)
    assert p.motion is not None and p.motion.kind == "line"
    assert p.motion.end is not None and p.motion.end.elevation_deg == pytest.approx(elevation)


@pytest.mark.parametrize("text", ["the music rises", "rain falls all around", "night falls", "tension rises slowly"])
def test_level_words_are_not_vertical_motion(text):
    assert predict(text).motion is None


@pytest.mark.parametrize(
    "text, duration",
    [
        ("pans left to right", DEFAULT_DURATION_S),
        ("pans slowly left to right", 8.0),
        ("very slowly pans left to right", 12.0),
        ("quickly pans left to right", 2.0),
        ("pans left to right very fast", 1.0),
        ("gradually moves from left to right", 8.0),
        ("a car zooms past from left to right", 2.0),
        ("pans left to right over 6 seconds", 6.0),
        ("slowly pans left to right in 3 s", 3.0),
    ],
)
def test_speed_words_and_stated_duration(text, duration):
    p = predict(text)
    assert p.motion is not None
    assert p.motion.duration_s == pytest.approx(duration)


@pytest.mark.parametrize(
    "text",
    ["a dog barks on the left", "the sound goes back and forth", "a voice comes from the left", "in front"],
)
def test_static(text):
    assert predict(text).motion is None


# ---------------------------------------------------------------------------------------------
# explicit numbers win


def test_violin_example_without_prefix():
    p = predict("a violin at 10 o'clock, 3 meters away")
    assert p.params.azimuth_deg == pytest.approx(60.0)
    assert p.params.distance_m == pytest.approx(3.0)
    assert "azimuth_deg" in p.explicit and "distance_m" in p.explicit
    assert p.confidence == 1.0
    assert p.motion is None


def test_explicit_angle_beats_keyword():
    p = predict("behind me, 30 degrees to the left")
    # "30 degrees to the left" is read as an instruction, "behind me" is the keyword left over
    assert p.params.azimuth_deg == pytest.approx(30.0)
    assert p.explicit == ("azimuth_deg",)


def test_explicit_pan_over_keywords():
    p = predict("pan from 30 degrees left to 30 degrees right over 4 seconds")
    assert p.params.azimuth_deg == pytest.approx(30.0)
    assert p.motion == Motion("line", 4.0, Position(-30.0, 0.0, DEFAULT_DISTANCE_M))
    assert p.params.spread_deg == pytest.approx(DEFAULT_SPREAD_DEG)  # "left ... right" is not "both sides"
    assert p.explicit == ("azimuth_deg", "motion.end.azimuth_deg", "motion.duration_s")


def test_keyword_end_with_explicit_start():
    p = predict("pans from 30 degrees right to the left")
    assert p.params.azimuth_deg == pytest.approx(-30.0)
    assert p.motion is not None and p.motion.kind == "line"
    assert p.motion.end is not None and p.motion.end.azimuth_deg == pytest.approx(90.0)
    assert p.explicit == ("azimuth_deg",)


def test_explicit_elevation_with_keyword_side():
    p = predict("30 degrees up and to the left")
    assert p.params.azimuth_deg == pytest.approx(90.0)
    assert p.params.elevation_deg == pytest.approx(30.0)
    assert p.explicit == ("elevation_deg",)
    assert p.confidence == pytest.approx(CONFIDENCE_DIRECTION)


def test_compass_with_facing():
    p = predict("facing east, the sound comes from the north")
    assert p.params.azimuth_deg == pytest.approx(90.0)
    assert p.confidence == 1.0


def test_explicit_approach_end():
    p = predict("a car approaches from the left to within 2 metres over 5 seconds")
    assert p.params.azimuth_deg == pytest.approx(90.0)
    assert p.motion == Motion("approach", 5.0, Position(90.0, 0.0, 2.0))
    assert p.explicit == ("motion.end.distance_m", "motion.duration_s")


# ---------------------------------------------------------------------------------------------
# the JSON contract of whole predictions


def test_json_dog_behind_left_far():
    d = predict("a dog barks behind me on the left, far away").to_json_dict()
    assert d == {
        "text": "a dog barks behind me on the left, far away", "source": 1,
        "azimuth_deg": 135.0, "elevation_deg": 0.0, "distance_m": 15.0, "spread_deg": DEFAULT_SPREAD_DEG,
        "wet": round(_wet(DEFAULT_WET, 15.0), 4), "drr_db": round(_drr(DEFAULT_DRR_DB, 15.0), 4),
        "gain_db": round(_gain(0.0, 15.0), 4),
        "motion": None, "explicit": [], "confidence": CONFIDENCE_TWO_AXES,
    }


def test_json_car_passing_far():
    d = predict("A car drives past from left to right, far away").to_json_dict()
    assert d == {
        "text": "A car drives past from left to right, far away", "source": 1,
        "azimuth_deg": 90.0, "elevation_deg": 0.0, "distance_m": 15.0, "spread_deg": DEFAULT_SPREAD_DEG,
        "wet": round(_wet(DEFAULT_WET, 15.0), 4), "drr_db": round(_drr(DEFAULT_DRR_DB, 15.0), 4),
        "gain_db": round(_gain(0.0, 15.0), 4),
        "motion": {"kind": "line", "duration_s": DEFAULT_DURATION_S,
                   "end": {"azimuth_deg": -90.0, "elevation_deg": 0.0, "distance_m": 15.0}},
        "explicit": [], "confidence": CONFIDENCE_DIRECTION,
    }


def test_json_violin():
    d = predict("a violin at 10 o'clock, 3 meters away").to_json_dict()
    assert d == {
        "text": "a violin at 10 o'clock, 3 meters away", "source": 1,
        "azimuth_deg": 60.0, "elevation_deg": 0.0, "distance_m": 3.0, "spread_deg": DEFAULT_SPREAD_DEG,
        "wet": round(_wet(DEFAULT_WET, 3.0), 4), "drr_db": round(_drr(DEFAULT_DRR_DB, 3.0), 4),
        "gain_db": round(_gain(0.0, 3.0), 4),
        "motion": None, "explicit": ["azimuth_deg", "distance_m"], "confidence": 1.0,
    }


def test_json_orbit():
    d = predict("a bee circles around my head clockwise, quietly").to_json_dict()
    assert d["motion"] == {"kind": "orbit", "duration_s": DEFAULT_DURATION_S, "direction": "cw"}
    assert d["gain_db"] == pytest.approx(-12.0)
    assert d["explicit"] == ["motion.direction"]
    assert d["confidence"] == pytest.approx(CONFIDENCE_NONE)


def test_json_gibberish():
    d = predict("xqzt blorp").to_json_dict()
    assert d == {
        "text": "xqzt blorp", "source": 1,
        "azimuth_deg": 0.0, "elevation_deg": 0.0, "distance_m": DEFAULT_DISTANCE_M, "spread_deg": DEFAULT_SPREAD_DEG,
        "wet": DEFAULT_WET, "drr_db": DEFAULT_DRR_DB, "gain_db": 0.0,
        "motion": None, "explicit": [], "confidence": CONFIDENCE_NONE,
    }

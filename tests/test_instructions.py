"""Explicit instructions: every phrase form, false positives, and ``apply`` over a prediction."""

import dataclasses

import pytest

from oscbridge.instructions import (
    DEFAULT_DURATION_S,
    Instructions,
    normalize,
    parse_instructions,
    parse_instructions_with_rest,
)
from oscbridge.params import Motion, Position, Prediction, SpatialParams

TOL = 1e-9


def values(text):
    return parse_instructions(text).values


# ---------------------------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ten", "10"),
        ("twenty five", "25"),
        ("twenty-five", "25"),
        ("a hundred and twenty", "120"),
        ("one hundred and eighty", "180"),
        ("three hundred sixty", "360"),
        ("one and a half", "1.5"),
        ("two and a half metres", "2.5 metres"),
        ("half a metre", "0.5 metre"),
        ("a metre and a half", "1.5 metres"),
        ("two point five", "2.5"),
        ("minus six", "-6"),
        ("negative 12", "-12"),
        ("a quarter turn", "0.25 turn"),
        ("two and three", "2 and 3"),
        ("2\u00bd metres", "2.5 metres"),
        ("\u00bd metre", "0.5 metre"),
        ("Thirty Degrees", "30 degrees"),
        ("ten o\u2019clock", "10 o'clock"),
        ("often listen to the tenor", "often listen to the tenor"),
        ("someone", "someone"),
        ("half past ten", "half past 10"),
        # the spoken hundreds, hyphenated only ("one thirty" may be a time)
        ("azimuth one-eighty", "azimuth 180"),
        ("two-seventy", "270"),
        ("one-thirty-five degrees", "135 degrees"),
        ("one-ten", "110"),
        ("one-on-one", "1-on-1"),
        ("at one thirty", "at 1 30"),
    ],
)
def test_normalize_number_words(text, expected):
    assert normalize(text) == expected


# ---------------------------------------------------------------------------------------------
# static fields: one table, every form


@pytest.mark.parametrize(
    "text, expected",
    [
        # azimuth with a side word
        ("30 degrees to the left", {"azimuth_deg": 30.0}),
        ("30\u00b0 right", {"azimuth_deg": -30.0}),
        ("30 deg left", {"azimuth_deg": 30.0}),
        ("30 degrees on my right", {"azimuth_deg": -30.0}),
        ("a 30-degree left", {"azimuth_deg": 30.0}),
        ("ninety degrees left", {"azimuth_deg": 90.0}),
        ("a hundred and twenty degrees to the right", {"azimuth_deg": -120.0}),
        ("twenty-five degrees right", {"azimuth_deg": -25.0}),
        ("left 30 degrees", {"azimuth_deg": 30.0}),
        ("pan right 45\u00b0", {"azimuth_deg": -45.0}),
        ("15 degrees left of centre", {"azimuth_deg": 15.0}),
        ("30 degrees left of behind", {"azimuth_deg": 150.0}),
        ("30 degrees right of behind", {"azimuth_deg": -150.0}),
        ("20 degrees to the left of the back", {"azimuth_deg": 160.0}),
        # the reference point may carry an adverb; the side may follow an adverb of place
        ("35 degrees left of directly behind", {"azimuth_deg": 145.0}),
        ("15\u00b0 to the right of straight behind me", {"azimuth_deg": -165.0}),
        ("40 degrees right of dead behind me", {"azimuth_deg": -140.0}),
        ("10 degrees left of dead centre", {"azimuth_deg": 10.0}),
        ("40 degrees over to the left", {"azimuth_deg": 40.0}),
        ("40 degrees off to my right", {"azimuth_deg": -40.0}),
        ("30 degrees round to the right of behind", {"azimuth_deg": -150.0}),
        # a pan amount with no unit after "left|right by"
        ("pan it left by 30", {"azimuth_deg": 30.0}),
        ("pan the strings right by 15, quickly", {"azimuth_deg": -15.0}),
        ("move it left by 2 metres", {}),  # a distance, not an angle (and no distance form)
        ("turn it up by 3 dB", {"gain_db": 3.0}),
        # elevation verbs
        ("raised 20\u00b0", {"elevation_deg": 20.0}),
        ("lowered 20 degrees", {"elevation_deg": -20.0}),
        ("dipped by 15 degrees", {"elevation_deg": -15.0}),
        ("tilted up 10 degrees", {"elevation_deg": 10.0}),
        ("30 degrees left, raised 20 degrees", {"azimuth_deg": 30.0, "elevation_deg": 20.0}),
        ("30\u00b0 off axis to the left", {"azimuth_deg": 30.0}),
        ("tilted up 65 degrees, at the left rear", {"elevation_deg": 65.0}),
        ("up 20 degrees, on the right", {"elevation_deg": 20.0}),
        ("left 30 degrees, up 10 degrees", {"azimuth_deg": 30.0, "elevation_deg": 10.0}),
        ("30 degrees left and 10 up", {"azimuth_deg": 30.0, "elevation_deg": 10.0}),
        ("30 degrees right and 15 down", {"azimuth_deg": -30.0, "elevation_deg": -15.0}),
        # a desk's pan notation
        ("violin L30", {"azimuth_deg": 30.0}),
        ("violin R 45", {"azimuth_deg": -45.0}),
        ("pan it 30L", {"azimuth_deg": 30.0}),
        ("panned 20R", {"azimuth_deg": -20.0}),
        ("L30, 3 metres, gain -6 dB", {"azimuth_deg": 30.0, "distance_m": 3.0, "gain_db": -6.0}),
        ("a 5l bottle of water", {}),
        ("R2D2 beeps", {}),
        ("pan it 30% left", {}),
        # signed angles in the canonical frame; unsigned ones stay unread
        ("violin at -45\u00b0", {"azimuth_deg": -45.0}),
        ("violin at +60 degrees", {"azimuth_deg": 60.0}),
        ("violin at minus 30 degrees", {"azimuth_deg": -30.0}),
        ("violin at 30 degrees", {}),
        ("violin at -30 degrees elevation", {"elevation_deg": -30.0}),
        # rotations from a reference, bearings
        ("30 degrees counterclockwise from front", {"azimuth_deg": 30.0}),
        ("30 degrees clockwise from the front", {"azimuth_deg": -30.0}),
        ("20 degrees clockwise from behind", {"azimuth_deg": 160.0}),  # clockwise seen from above: towards the left
        ("violin, bearing 090", {"azimuth_deg": -90.0}),
        ("facing east, a horn at bearing 0", {"azimuth_deg": 90.0}),
        ("facing east, a horn 30 degrees clockwise from north", {"azimuth_deg": 60.0}),
        ("45 degrees behind me on the left", {"azimuth_deg": 135.0}),
        ("30 degrees behind on the right", {"azimuth_deg": -150.0}),
        ("forty five degrees behind on the right", {"azimuth_deg": -135.0}),
        ("45 degrees in front on the right", {"azimuth_deg": -45.0}),
        ("20 degrees front-left", {"azimuth_deg": 20.0}),
        # azimuth keyword: the canonical frame
        ("azimuth -45", {"azimuth_deg": -45.0}),
        ("azimuth 120 left, elevation 20", {"azimuth_deg": 120.0, "elevation_deg": 20.0}),
        ("azimuth 30 degrees to the right", {"azimuth_deg": -30.0}),
        ("azimuth of 90", {"azimuth_deg": 90.0}),
        ("az: 45", {"azimuth_deg": 45.0}),
        ("azimuth 270", {"azimuth_deg": -90.0}),
        ("60 degrees azimuth", {"azimuth_deg": 60.0}),
        # elevation
        ("20 degrees below", {"elevation_deg": -20.0}),
        ("20 degrees down", {"elevation_deg": -20.0}),
        ("30 degrees up", {"elevation_deg": 30.0}),
        ("30 degrees above", {"elevation_deg": 30.0}),
        ("elevation 30", {"elevation_deg": 30.0}),
        ("elevation -10", {"elevation_deg": -10.0}),
        ("elevation 20 down", {"elevation_deg": -20.0}),
        ("elevation of thirty degrees", {"elevation_deg": 30.0}),
        ("15 degrees elevation", {"elevation_deg": 15.0}),
        ("tilt up 10 degrees", {"elevation_deg": 10.0}),
        ("30 degrees to the left and 20 degrees up", {"azimuth_deg": 30.0, "elevation_deg": 20.0}),
        # distance
        ("5 meters away", {"distance_m": 5.0}),
        ("5 m", {"distance_m": 5.0}),
        ("3m away", {"distance_m": 3.0}),
        ("3 metres", {"distance_m": 3.0}),
        ("1.5m", {"distance_m": 1.5}),
        ("300 cm", {"distance_m": 3.0}),
        ("250 millimetres", {"distance_m": 0.25}),
        ("10 feet", {"distance_m": 3.048}),
        ("10 ft", {"distance_m": 3.048}),
        ("one foot", {"distance_m": 0.3048}),
        ("2 yards", {"distance_m": 1.8288}),
        ("12 inches", {"distance_m": 0.3048}),
        ("0.5 km", {"distance_m": 500.0}),
        ("one and a half metres", {"distance_m": 1.5}),
        ("half a metre away", {"distance_m": 0.5}),
        ("a metre and a half away", {"distance_m": 1.5}),
        ("two point five metres", {"distance_m": 2.5}),
        ("a 5-metre distance", {"distance_m": 5.0}),
        ("at a distance of 7", {"distance_m": 7.0}),
        ("radius 3 m", {"distance_m": 3.0}),
        ("10 metres behind me", {"distance_m": 10.0}),
        # gain
        ("-6 dB", {"gain_db": -6.0}),
        ("6 dB quieter", {"gain_db": -6.0}),
        ("3 dB louder", {"gain_db": 3.0}),
        ("gain -12 dB", {"gain_db": -12.0}),
        ("gain of 3", {"gain_db": 3.0}),
        ("level -6 dB", {"gain_db": -6.0}),
        ("minus six dB", {"gain_db": -6.0}),
        ("-20 dBFS", {"gain_db": -20.0}),
        ("reduce by 3 dB", {"gain_db": -3.0}),
        ("turn it down by 6 dB", {"gain_db": -6.0}),
        ("boost 4 dB", {"gain_db": 4.0}),
        ("6 dB down", {"gain_db": -6.0}),
        ("gain from -6 to 0 dB", {"gain_db": -6.0}),
        # direct-to-reverberant ratio
        ("drr 10 dB", {"drr_db": 10.0}),
        ("DRR: 5", {"drr_db": 5.0}),
        ("direct-to-reverberant ratio of -3 dB", {"drr_db": -3.0}),
        # wet
        ("reverb 40%", {"wet": 0.4}),
        ("wet 0.3", {"wet": 0.3}),
        ("wet 30", {"wet": 0.3}),
        ("30% wet", {"wet": 0.3}),
        ("reverb mix 0.4", {"wet": 0.4}),
        ("reverb of 25 percent", {"wet": 0.25}),
        ("70% dry", {"wet": 0.3}),
        # spread
        ("spread 60 degrees", {"spread_deg": 60.0}),
        ("60 degrees wide", {"spread_deg": 60.0}),
        ("width 45 degrees", {"spread_deg": 45.0}),
        ("spread of 120\u00b0", {"spread_deg": 120.0}),
        ("a 90 degree wide source", {"spread_deg": 90.0}),
        # "fanned out N degrees" is a width, so the "up" after it is not an elevation of N
        ("fanned out 30 degrees, up by the light fittings", {"spread_deg": 30.0}),
        # azimuth/elevation abbreviations; an angle then L or R; "off centre"
        ("azi -60 ele 20", {"azimuth_deg": -60.0, "elevation_deg": 20.0}),
        ("azim 45", {"azimuth_deg": 45.0}),
        ("pad at 30 deg L", {"azimuth_deg": 30.0}),
        ("cello 20\u00b0 R, 3 m", {"azimuth_deg": -20.0, "distance_m": 3.0}),
        ("10 degrees off centre to the left", {"azimuth_deg": 10.0}),
        ("ten degrees off-center right", {"azimuth_deg": -10.0}),
        # a signed azimuth is canonical: a side word after it describes, it does not flip the sign
        ("at azimuth -40\u00b0, right beside me", {"azimuth_deg": -40.0}),
        # "into the distance" is not a distance keyword ("a quarter of a turn", "at 4:30" are not metres)
        ("push the toms away into the distance a quarter of a turn to my right", {}),
        ("a riser fades into the distance at 4:30", {}),
        ("a distance of 4 m", {"distance_m": 4.0}),
        # past the side, a number with back/rear counts from the front; within it, from behind
        ("135 degrees back-right", {"azimuth_deg": -135.0}),
        ("at 110 degrees rear left", {"azimuth_deg": 110.0}),
        ("45 degrees behind to the left", {"azimuth_deg": 135.0}),
        # a side, then its angle ("right at 45 degrees" alone is an intensifier: unread)
        ("rear left at 110 degrees", {"azimuth_deg": 110.0}),
        ("the surround right at 110\u00b0", {"azimuth_deg": -110.0}),
        ("left at 30 degrees", {"azimuth_deg": 30.0}),
        ("it's right at 45 degrees", {}),
        ("rear left at 30 degrees", {}),
        # the two angles no frame disputes need no side
        ("directly behind at 180 degrees", {"azimuth_deg": 180.0}),
        ("180\u00b0 behind", {"azimuth_deg": 180.0}),
        ("place at 0 degrees", {"azimuth_deg": 0.0}),
        ("at 0 degrees elevation", {"elevation_deg": 0.0}),
        # -wards, from the centre, and a clock position as the reference point
        ("30 degrees leftwards", {"azimuth_deg": 30.0}),
        ("30 degrees rightward", {"azimuth_deg": -30.0}),
        ("60 degrees from center towards the right", {"azimuth_deg": -60.0}),
        ("30 degrees from the centre", {}),
        ("10 degrees to the left of 12 o'clock", {"azimuth_deg": 10.0}),
        ("20 degrees right of 6 o'clock", {"azimuth_deg": 160.0}),
    ],
)
def test_static_values(text, expected):
    got = values(text)
    assert set(got) == set(expected)
    for name, v in expected.items():
        assert got[name] == pytest.approx(v, abs=TOL)


# ---------------------------------------------------------------------------------------------
# clock positions and compass


@pytest.mark.parametrize(
    "hour, azimuth",
    [(1, -30), (2, -60), (3, -90), (4, -120), (5, -150), (6, 180), (7, 150), (8, 120), (9, 90), (10, 60), (11, 30),
     (12, 0)],
)
def test_clock_positions(hour, azimuth):
    assert values(f"at {hour} o'clock") == {"azimuth_deg": pytest.approx(azimuth, abs=TOL)}


@pytest.mark.parametrize(
    "text, azimuth",
    [
        ("at ten o'clock", 60.0),
        ("someone at one o'clock", -30.0),
        ("at 3 oclock", -90.0),
        ("at 3 o\u2019clock", -90.0),
        ("from 2 o'clock", -60.0),
        ("at half past ten", 45.0),
        ("at quarter past 3", -97.5),
        ("at quarter to three", -82.5),
        ("at 10:30 o'clock", 45.0),
        ("the second violin at 2 o'clock", -60.0),
        ("at a quarter past two", -67.5),
        # between two positions: the middle, the shorter way round
        ("between 1 and 2 o'clock", -45.0),
        ("between 11 and 1 o'clock", 0.0),
        ("between 5 o'clock and 7 o'clock", 180.0),
        ("between 4:30 and 5 o'clock", -142.5),
        # a clock time without o'clock, named as a position
        ("move the radio to the 10:30 position", 45.0),
        ("8:30 position", 105.0),
        ("the cello should be at 2:30 on the clock", -75.0),
        ("the 10:30 position, not at 4:30", 45.0),
        # compass bearings: heading and brg as bearing (a heading needs three digits)
        ("heading 090, audience facing north", -90.0),
        ("brg 200, facing north", 160.0),
        ("heading 315 (facing north)", 45.0),
        ("heading 000, we're facing north", 0.0),
        ("the car heading 030 degrees to the left", 30.0),
        ("azimuth one-eighty", 180.0),
    ],
)
def test_clock_forms(text, azimuth):
    assert values(text) == {"azimuth_deg": pytest.approx(azimuth, abs=TOL)}


@pytest.mark.parametrize(
    "text, azimuth",
    [
        # no facing: north = front
        ("from the north", 0.0),
        ("from the west", 90.0),
        ("to the east", -90.0),
        ("to the south", 180.0),
        ("from the north-west", 45.0),
        ("from the northwest", 45.0),
        ("from the north west", 45.0),
        ("from the south-east", -135.0),
        ("from the north-north-east", -22.5),
        ("in the east", -90.0),
        ("the sound comes from north of me", 0.0),
        ("a horn due west", 90.0),
        # with a facing
        ("facing east, the sound comes from the north", 90.0),
        ("I'm facing east, a bell rings to the south", -90.0),
        ("facing south, a bird from the west", -90.0),
        ("looking west, birds sing from the east", 180.0),
        ("facing north-east, the dog is due north", 45.0),
        ("a bell to the north; I am facing west", -90.0),
        ("looking east, a hawk is northward of me", 90.0),
        ("facing northeast, the bell is southward of me", -135.0),
        ("my nose points south: coins are southwestwards of me", -45.0),
    ],
)
def test_compass(text, azimuth):
    assert values(text) == {"azimuth_deg": pytest.approx(azimuth, abs=TOL)}


@pytest.mark.parametrize(
    "text",
    [
        "the north wall echoes",
        "he went to south korea",
        "north is where I stand",
        "facing north",
        "I'm facing east",
    ],
)
def test_compass_words_that_are_not_directions(text):
    assert parse_instructions(text).explicit == ()


@pytest.mark.parametrize(
    "text, azimuth",
    [
        # a vessel's relative bearings, the listener facing the bow (port = left)
        ("gulls off the port bow", 45.0),
        ("a bell buoy broad on the starboard bow", -45.0),
        ("engine hum on the port beam", 90.0),
        ("abeam to starboard, a tug sounds", -90.0),
        ("a whistle on the port side", 90.0),
        ("FOGHORN FROM THE STARBOARD SIDE", -90.0),
        ("a seal barks off the starboard quarter", -135.0),
        ("gulls over the port quarter, far off", 135.0),
        ("outboard motor dead astern", 180.0),
        ("a wake hissing astern of us", 180.0),
        ("foghorn dead ahead, right off the bow", 0.0),
        ("a ship's bell on the starboard-hand bow", -45.0),
        # where a movement starts, not where it ends
        ("the drone orbits twice, beginning on the port side", 90.0),
        ("a lute starts on the starboard side and ends on the left", -90.0),
    ],
)
def test_nautical_bearings(text, azimuth):
    assert values(text) == {"azimuth_deg": pytest.approx(azimuth, abs=TOL)}


@pytest.mark.parametrize(
    "text",
    [
        "pass the port wine",
        "the airport tannoy",
        "a USB port clicks",
        "the ferry sails to port",  # a harbour, or the left?
        "the ferry goes astern",  # a vessel moving backwards, not a place
        "full astern, the engines roar",
        "a gull abaft the port beam",  # somewhere behind the beam
        "the cello's bow scrapes",
        "a lute starts half-right and ends up on the starboard side",  # the end of the movement
        "a gull drifts towards the port quarter",
        "the buzz moves left, on the starboard bow at the end",
    ],
)
def test_nautical_words_that_are_not_a_start_position(text):
    assert "azimuth_deg" not in values(text)


@pytest.mark.parametrize(
    "text, azimuth",
    [
        # a side of the listener's body
        ("a mosquito whining at my left ear", 90.0),
        ("whisper straight into your right ear", -90.0),
        ("a cat purring against my right hip", -90.0),
        ("Keys jangle beside my left hand.", 90.0),
        ("wind gusting on the listener's right cheek", -90.0),
        ("a pager buzzing next to my left knee", 90.0),
        ("a fly buzzes from my right ear over to my left ear", -90.0),  # where it starts
        # the back of the head
        ("breathing at the back of my neck", 180.0),
        ("a clock ticks behind, right at the back of your head", 180.0),
        ("a bee on the nape of my neck", 180.0),
        # stage directions, the listener on stage facing the audience
        ("I'm on stage facing the audience: a gong upstage of me", 180.0),
        ("facing the house, the choir sits upstage left", 135.0),
        ("on stage, facing out front; a phone rings stage right", -90.0),
        ("I'm facing the audience and the snare is downstage right", -45.0),
        ("facing the auditorium, bells from down-stage", 0.0),
    ],
)
def test_body_and_stage_directions(text, azimuth):
    assert values(text) == {"azimuth_deg": pytest.approx(azimuth, abs=TOL)}


@pytest.mark.parametrize(
    "text",
    [
        "a whisper in my ear",  # no side
        "right hand on the fader, the dog barks left",  # no body place of the sound
        "a voice over my left shoulder",  # over the shoulder is behind, at it beside: left to the model
        "the hum slides across to my right ear",  # the end of a movement
        "it ends up at my left ear",
        "stage left, a door slams",  # no facing stated: the audience sees stage left on its right
        "the actor walks upstage as the wind rises",
        "a crowd passes by my left hip",  # passing by is a movement, not a place
        "tap the back of my hand",  # no head or neck
    ],
)
def test_body_and_stage_words_that_are_not_a_start_position(text):
    assert "azimuth_deg" not in values(text)


@pytest.mark.parametrize(
    "text, start, end",
    [
        # nautical bearings and sides of the body are endpoints of a movement, like clock positions
        ("a gull flies from the port bow to the starboard quarter", 45.0, -135.0),
        ("a fly buzzes from my left ear to my right ear", 90.0, -90.0),
        ("a gull flies to the port quarter", None, 135.0),
        ("the hum slides across to my right ear", None, -90.0),
        ("a lute starts half-right and ends up on the starboard side", None, -90.0),
        ("the buzz moves left, on the starboard bow at the end", None, -45.0),
        # a compass word where a movement ends is not its start
        ("it starts on the left and ends up in the north", None, 0.0),
        ("a plane flies to the north", None, 0.0),
    ],
)
def test_worded_places_where_a_movement_ends(text, start, end):
    ins = parse_instructions(text)
    assert ins.values.get("azimuth_deg") == (None if start is None else pytest.approx(start, abs=TOL))
    assert ins.end.get("azimuth_deg") == pytest.approx(end, abs=TOL)


@pytest.mark.parametrize("text", ["a bell close to the port side", "wind from the north", "gulls off the port bow"])
def test_worded_places_without_a_movement_set_no_end(text):
    assert parse_instructions(text).end == {}


# ---------------------------------------------------------------------------------------------
# false positives: nothing stated


@pytest.mark.parametrize(
    "text",
    [
        "2 dogs",
        "track 3",
        "at 10",
        "30 degrees",
        "at 30\u00b0",
        "the sound is at 270 degrees",
        "pan 30 left",
        "3 metres closer",
        "10 m wide room",
        "a 20 metre long hall",
        "5 m/s",
        "10 metres per second",
        "5 mph",
        "walk 3 steps",
        "80 dB SPL",
        "volume 80",
        "reverb 2 seconds",
        "dry",
        "at 3 seconds the dog barks",
        "after 2 seconds",
        "in 3 sections",
        "from 2 to 5 dogs",
        "from 3 to 5 seconds",
        "the one on the left",
        "no one is here",
        "one hundred and eighty degrees",
        "a dog barks on the left",
        "twice",
        "I said it once",
        "three times louder",
        "xqzt blorp",
        "\uc67c\ucabd\uc5d0\uc11c \uac1c\uac00 \uc9d6\ub294\ub2e4",
        "",
        "   ",
        "leftover",
        "the car stops 30 degrees",
        "between 3 and 9 o'clock",
        "pan 30 deg",
        "at 4:30",
        "at 4:30 pm",
        "heading 30 for the exit",
        "heading home at 10:30",
        "one-on-one",
    ],
)
def test_nothing_stated(text):
    ins = parse_instructions(text)
    assert ins == Instructions()
    assert ins.explicit == ()


def test_three_metres_is_a_distance_not_an_azimuth():
    assert values("3 metres to the left") == {"distance_m": pytest.approx(3.0)}


def test_first_statement_wins():
    assert values("30 degrees left, then 60 degrees right") == {"azimuth_deg": pytest.approx(30.0)}


# ---------------------------------------------------------------------------------------------
# motion


@pytest.mark.parametrize(
    "text, duration",
    [
        ("over ten seconds", 10.0),
        ("in 3 s", 3.0),
        ("in 3s", 3.0),
        ("for 2.5 seconds", 2.5),
        ("over 2 minutes", 120.0),
        ("over a minute", 60.0),
        ("in a second", 1.0),
        ("lasting 1.5 minutes", 90.0),
        ("for 500 ms", 0.5),
        ("takes 6 s", 6.0),
        ("over the next 5 seconds", 5.0),
        ("in about 3 seconds", 3.0),
        ("a 5-second sweep", 5.0),
        ("a ten-second pan", 10.0),
        ("spread over 3 seconds", 3.0),
        ("within 1 hour", 3600.0),
    ],
)
def test_duration(text, duration):
    ins = parse_instructions(text)
    assert ins.duration_s == pytest.approx(duration)
    assert ins.explicit == ("motion.duration_s",)
    assert ins.values == {}


@pytest.mark.parametrize(
    "text, start, end, kind",
    [
        ("pan from 30 degrees left to 30 degrees right", {"azimuth_deg": 30.0}, {"azimuth_deg": -30.0}, "line"),
        ("pan from 30 degrees left to 30 right", {"azimuth_deg": 30.0}, {"azimuth_deg": -30.0}, "line"),
        ("sweeps from 90 degrees left to 90 degrees right", {"azimuth_deg": 90.0}, {"azimuth_deg": -90.0}, "line"),
        ("from 30 to 60 degrees left", {"azimuth_deg": 30.0}, {"azimuth_deg": 60.0}, "line"),
        ("from -30 to 30 degrees", {"azimuth_deg": -30.0}, {"azimuth_deg": 30.0}, "line"),
        ("moves from 0 degrees to 90 degrees left", {"azimuth_deg": 0.0}, {"azimuth_deg": 90.0}, "line"),
        ("from 10 o'clock to 2 o'clock", {"azimuth_deg": 60.0}, {"azimuth_deg": -60.0}, "line"),
        ("from 10 o'clock all the way to 2 o'clock", {"azimuth_deg": 60.0}, {"azimuth_deg": -60.0}, "line"),
        ("from 10 to 2 o'clock", {"azimuth_deg": 60.0}, {"azimuth_deg": -60.0}, "line"),
        ("fly from the north-west to the south east", {"azimuth_deg": 45.0}, {"azimuth_deg": -135.0}, "line"),
        ("pan from the west to the east", {"azimuth_deg": 90.0}, {"azimuth_deg": -90.0}, "line"),
        ("rises from 0 to 45 degrees up", {"elevation_deg": 0.0}, {"elevation_deg": 45.0}, "line"),
        ("from 20 metres to 1 metre", {"distance_m": 20.0}, {"distance_m": 1.0}, "approach"),
        ("from 10 to 2 metres", {"distance_m": 10.0}, {"distance_m": 2.0}, "approach"),
        ("from 5 metres away to 20 metres", {"distance_m": 5.0}, {"distance_m": 20.0}, "recede"),
        ("from 10 feet to 30 feet", {"distance_m": 3.048}, {"distance_m": 9.144}, "recede"),
    ],
)
def test_from_to(text, start, end, kind):
    ins = parse_instructions(text)
    assert ins.motion_kind == kind
    assert ins.values == pytest.approx(start)
    assert ins.end == pytest.approx(end)


def test_pan_with_duration_full_result():
    ins = parse_instructions("pan from 30 degrees left to 30 degrees right over 4 seconds")
    assert ins == Instructions(
        values={"azimuth_deg": 30.0}, motion_kind="line", end={"azimuth_deg": -30.0}, duration_s=4.0,
        explicit=("azimuth_deg", "motion.end.azimuth_deg", "motion.duration_s"))


@pytest.mark.parametrize(
    "text, end",
    [
        ("moves to 30 degrees right", {"azimuth_deg": -30.0}),
        ("flies to the east", {"azimuth_deg": -90.0}),
        ("the car drives towards 3 o'clock", {"azimuth_deg": -90.0}),
        ("approaches to within 2 metres", {"distance_m": 2.0}),
        ("comes closer, to 1 metre", {"distance_m": 1.0}),
        ("first left and a bit forward, then twelve o'clock: the tiger moves", {"azimuth_deg": 0.0}),
        ("first on the left, then 3 o'clock: the bird flies", {"azimuth_deg": -90.0}),
    ],
)
def test_end_only(text, end):
    ins = parse_instructions(text)
    assert ins.values == {}
    assert ins.motion_kind is None
    assert ins.end == pytest.approx(end)
    assert ins.explicit == tuple(f"motion.end.{k}" for k in end)


def test_then_without_a_movement_is_a_static_direction():
    ins = parse_instructions("a dog barks at 3 o'clock, then stops")
    assert ins.values == {"azimuth_deg": -90.0} and ins.end == {}


def test_to_without_a_movement_is_a_static_direction():
    ins = parse_instructions("a bell rings to the east")
    assert ins.values == {"azimuth_deg": pytest.approx(-90.0)}
    assert ins.end == {}


@pytest.mark.parametrize(
    "text, direction",
    [
        ("clockwise", "cw"),
        ("circles clockwise", "cw"),
        ("cw", "cw"),
        ("counter-clockwise", "ccw"),
        ("counterclockwise", "ccw"),
        ("counter clockwise", "ccw"),
        ("anticlockwise orbit", "ccw"),
        ("anti-clockwise", "ccw"),
        ("ccw", "ccw"),
    ],
)
def test_orbit_direction(text, direction):
    ins = parse_instructions(text)
    assert ins.direction == direction
    assert ins.explicit == ("motion.direction",)
    assert ins.motion_kind is None


@pytest.mark.parametrize(
    "text, turns",
    [
        ("circles twice", 2.0),
        ("three full turns", 3.0),
        ("3 revolutions", 3.0),
        ("2 rotations", 2.0),
        ("one lap", 1.0),
        ("half a turn around me", 0.5),
        ("a quarter turn", 0.25),
        ("a full circle around the listener", 1.0),
        ("circles around me three times", 3.0),
        ("spins around me once", 1.0),
        ("orbits 720 degrees", 2.0),
        ("rotates 180 degrees around me", 0.5),
    ],
)
def test_turns(text, turns):
    ins = parse_instructions(text)
    assert ins.turns == pytest.approx(turns)
    assert ins.motion_kind == "orbit"
    assert "motion.turns" in ins.explicit


def test_orbit_everything_stated():
    ins = parse_instructions("2 rotations counterclockwise in 8 seconds at 5 metres")
    assert ins == Instructions(
        values={"distance_m": 5.0}, motion_kind="orbit", duration_s=8.0, direction="ccw", turns=2.0,
        explicit=("distance_m", "motion.duration_s", "motion.direction", "motion.turns"))


# ---------------------------------------------------------------------------------------------
# the explicit list and the seed example


def test_violin_example():
    ins = parse_instructions("a violin at 10 o'clock, 3 meters away")
    assert ins.values == {"azimuth_deg": pytest.approx(60.0), "distance_m": pytest.approx(3.0)}
    assert "azimuth_deg" in ins.explicit and "distance_m" in ins.explicit
    assert ins.explicit == ("azimuth_deg", "distance_m")


def test_explicit_lists_everything_in_contract_order():
    ins = parse_instructions(
        "gain -3 dB, reverb 30%, spread 20 degrees, from 20 metres to 2 metres, 30 degrees up, "
        "drr 4 dB, at 9 o'clock, over 6 seconds")
    assert ins.explicit == (
        "azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db", "gain_db",
        "motion.end.distance_m", "motion.duration_s")
    assert ins.values == pytest.approx({
        "azimuth_deg": 90.0, "elevation_deg": 30.0, "distance_m": 20.0, "spread_deg": 20.0, "wet": 0.3,
        "drr_db": 4.0, "gain_db": -3.0})
    assert ins.motion_kind == "approach"


def test_results_do_not_share_state():
    parse_instructions("a dog").values["azimuth_deg"] = 1.0
    assert parse_instructions("a cat").values == {}


def test_instructions_are_frozen():
    ins = parse_instructions("30 degrees left")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ins.duration_s = 3.0  # type: ignore[misc]


@pytest.mark.parametrize("text, azimuth", [
    ("put the kettle on the listener's left, about 75 degrees, close to the ear", 75.0),
    ("crickets front right of the audience, roughly 40 degrees off centre", -40.0),
    ("the owl is behind me on the right, around 135 degrees.", -135.0),
    ("a clock ticks just left of dead behind, maybe 20 degrees off", 160.0),
    ("siren behind me, a little to the right, some 10 degrees off dead back, far away", -170.0),
    ("the radio straight ahead on the desk, 0 degrees, 2 m away", 0.0),
    ("the crowd looks to their left. the bell rings on my right - full 90 degrees - loud", -90.0),
])
def test_an_angle_set_apart_takes_the_side_of_its_sentence(text, azimuth):
    assert values(text)["azimuth_deg"] == pytest.approx(azimuth)


@pytest.mark.parametrize("text", [
    "the bell at 30 degrees",                                # no side at all: the sense is ambiguous
    "the gong on my left. then at 30 degrees",               # the side is in another sentence
    "behind me on the left, 30 degrees",                     # from the front or from behind?
    "in front on the right, about 120 degrees",              # in front, yet past the side
    "rain on the left, 60 degrees wide",                     # a spread
    "a bird on the left, raised 30 degrees",                 # an elevation
    "the hall is 20 degrees warmer, footsteps on the left",  # not an angle of the cue
    "pads on the left, width: 60 degrees",                   # a width
])
def test_an_angle_set_apart_without_a_clear_side_is_unread(text):
    assert "azimuth_deg" not in values(text)


@pytest.mark.parametrize("text, azimuth", [
    ("not 7 o'clock for the footsteps, I meant 5 o'clock", -150.0),
    ("the horn instead of at 30 degrees left goes 45 degrees right", -45.0),
    ("I put the bird at 2 o'clock, that's wrong: it sits at 10 o'clock", 60.0),
    ("not too far, at 3 o'clock", -90.0),  # "not" that takes back the distance, not the place
    ("the chimes not quite at 3 o'clock", -90.0),  # a hedge, not a correction
])
def test_a_place_the_cue_takes_back_is_not_read(text, azimuth):
    assert values(text)["azimuth_deg"] == pytest.approx(azimuth)


@pytest.mark.parametrize("text, azimuth", [
    ("a bell rings close to the port side", 90.0),
    ("gulls cry off to the starboard quarter", -135.0),
    ("she whispers into my left ear", 90.0),
])
def test_to_a_worded_place_in_a_cue_that_does_not_move_is_the_place(text, azimuth):
    ins = parse_instructions(text)
    assert ins.values["azimuth_deg"] == pytest.approx(azimuth) and ins.end == {}


def test_to_a_worded_place_after_a_movement_is_still_its_end():
    ins = parse_instructions("the engine moves to the port side")
    assert "azimuth_deg" not in ins.values and ins.end["azimuth_deg"] == pytest.approx(90.0)


def test_a_place_taken_back_with_nothing_else_leaves_the_azimuth_to_the_model():
    assert "azimuth_deg" not in values("not at 7 o'clock, somewhere else")


def test_rest_blanks_what_was_read():
    ins, rest = parse_instructions_with_rest("A dog, 30 degrees to the LEFT, far away")
    assert ins.values == {"azimuth_deg": pytest.approx(30.0)}
    assert len(rest) == len("A dog, 30 degrees to the LEFT, far away")
    assert "left" not in rest and "30" not in rest
    assert rest.startswith("a dog,") and rest.endswith("far away")


def test_rest_of_text_without_instructions_is_the_normalised_text():
    ins, rest = parse_instructions_with_rest("Behind Me")
    assert ins.explicit == ()
    assert rest == "behind me"


# ---------------------------------------------------------------------------------------------
# apply


def _prediction(motion=None, **params):
    return Prediction(
        text="cue", params=SpatialParams(**params), motion=motion, explicit=(), confidence=0.5)


def test_apply_replaces_static_values_and_sets_confidence():
    p = _prediction(azimuth_deg=90.0, distance_m=15.0, gain_db=-6.0)
    out = parse_instructions("at 2 o'clock, 3 metres away").apply(p)
    assert out.params.azimuth_deg == pytest.approx(-60.0)
    assert out.params.distance_m == pytest.approx(3.0)
    assert out.params.gain_db == pytest.approx(-6.0)  # not stated: kept
    assert out.explicit == ("azimuth_deg", "distance_m")
    assert out.confidence == 1.0
    assert out.text == "cue" and out.source == 1 and out.motion is None


def test_apply_without_azimuth_keeps_confidence():
    out = parse_instructions("20 degrees up").apply(_prediction())
    assert out.params.elevation_deg == pytest.approx(20.0)
    assert out.confidence == pytest.approx(0.5)


def test_apply_clamps():
    out = parse_instructions("500 metres away, gain +30 dB, spread 400 degrees").apply(_prediction())
    assert out.params.distance_m == 100.0
    assert out.params.gain_db == 12.0
    assert out.params.spread_deg == 360.0


def test_apply_nothing_stated_returns_the_prediction():
    p = _prediction(azimuth_deg=45.0)
    assert parse_instructions("a dog").apply(p) is p


def test_apply_creates_a_line_from_a_stated_end():
    out = parse_instructions("pan from 30 degrees left to 30 degrees right over 4 seconds").apply(
        _prediction(distance_m=3.0))
    assert out.params.azimuth_deg == pytest.approx(30.0)
    assert out.motion == Motion("line", 4.0, Position(-30.0, 0.0, 3.0))
    assert out.explicit == ("azimuth_deg", "motion.end.azimuth_deg", "motion.duration_s")
    assert out.confidence == 1.0


def test_apply_end_only_without_predicted_motion_uses_default_duration():
    out = parse_instructions("moves to 30 degrees right").apply(_prediction(azimuth_deg=90.0, distance_m=2.0))
    assert out.params.azimuth_deg == pytest.approx(90.0)
    assert out.motion == Motion("line", DEFAULT_DURATION_S, Position(-30.0, 0.0, 2.0))
    assert out.confidence == pytest.approx(0.5)


def test_apply_distance_end_only_makes_an_approach():
    out = parse_instructions("comes closer, to 1 metre").apply(_prediction(distance_m=8.0))
    assert out.motion == Motion("approach", DEFAULT_DURATION_S, Position(0.0, 0.0, 1.0))


def test_apply_keeps_predicted_kind_and_replaces_end_and_duration():
    predicted = Motion("approach", 4.0, Position(90.0, 0.0, 1.0))
    out = parse_instructions("approaches to within 2 metres over 10 seconds").apply(
        _prediction(predicted, azimuth_deg=90.0, distance_m=10.0))
    assert out.motion == Motion("approach", 10.0, Position(90.0, 0.0, 2.0))
    assert out.explicit == ("motion.end.distance_m", "motion.duration_s")


def test_apply_stated_line_over_a_predicted_line():
    predicted = Motion("line", 2.0, Position(-90.0, 0.0, 15.0))
    out = parse_instructions("from 10 o'clock to 2 o'clock").apply(
        _prediction(predicted, azimuth_deg=90.0, distance_m=15.0))
    assert out.params.azimuth_deg == pytest.approx(60.0)
    assert out.motion == Motion("line", 2.0, Position(-60.0, 0.0, 15.0))


def test_apply_distance_from_to_keeps_a_predicted_pan():
    predicted = Motion("line", 4.0, Position(-90.0, 0.0, 12.0))
    out = parse_instructions("from 20 metres to 5 metres").apply(
        _prediction(predicted, azimuth_deg=90.0, distance_m=12.0))
    assert out.params.distance_m == pytest.approx(20.0)
    assert out.motion == Motion("line", 4.0, Position(-90.0, 0.0, 5.0))


def test_apply_orbit_turns_and_direction():
    predicted = Motion("orbit", 4.0, None, "ccw")
    out = parse_instructions("circles twice clockwise over 10 seconds").apply(_prediction(predicted))
    assert out.motion == Motion("orbit", 10.0, None, "cw", 2.0)
    assert out.explicit == ("motion.duration_s", "motion.direction", "motion.turns")


def test_apply_turns_make_an_orbit_of_a_static_prediction():
    out = parse_instructions("three full turns").apply(_prediction())
    assert out.motion == Motion("orbit", DEFAULT_DURATION_S, None, "ccw", 3.0)


def test_apply_direction_turns_a_predicted_line_into_an_orbit():
    predicted = Motion("line", 3.0, Position(-90.0, 0.0, 2.0))
    out = parse_instructions("clockwise").apply(_prediction(predicted))
    assert out.motion == Motion("orbit", 3.0, None, "cw")
    assert out.explicit == ("motion.direction",)


def test_apply_direction_is_not_forced_on_a_stated_line():
    out = parse_instructions("moves clockwise from 10 o'clock to 2 o'clock").apply(_prediction())
    assert out.motion == Motion("line", DEFAULT_DURATION_S, Position(-60.0, 0.0, 2.0))
    assert "motion.direction" not in out.explicit


def test_apply_duration_alone_does_not_move_a_static_source():
    out = parse_instructions("a dog barks on the left for 3 seconds").apply(_prediction(azimuth_deg=90.0))
    assert out.motion is None
    assert out.explicit == ()


def test_apply_duration_is_clamped():
    predicted = Motion("line", 3.0, Position(-90.0, 0.0, 2.0))
    out = parse_instructions("over 2 hours").apply(_prediction(predicted))
    assert out.motion is not None and out.motion.duration_s == 3600.0


def test_apply_keeps_existing_explicit_names_first():
    p = dataclasses.replace(_prediction(), explicit=("gain_db",))
    out = parse_instructions("at 3 o'clock, -6 dB").apply(p)
    assert out.explicit == ("gain_db", "azimuth_deg")
    assert out.params.gain_db == pytest.approx(-6.0)


def test_apply_result_serialises_to_the_contract():
    out = parse_instructions("pan from 10 o'clock to 2 o'clock over 3 seconds, 5 metres away").apply(
        _prediction())
    assert out.to_json_dict() == {
        "text": "cue", "source": 1,
        "azimuth_deg": 60.0, "elevation_deg": 0.0, "distance_m": 5.0, "spread_deg": 0.0,
        "wet": 0.2, "drr_db": 6.0, "gain_db": 0.0,
        "motion": {"kind": "line", "duration_s": 3.0,
                   "end": {"azimuth_deg": -60.0, "elevation_deg": 0.0, "distance_m": 5.0}},
        "explicit": ["azimuth_deg", "distance_m", "motion.end.azimuth_deg", "motion.duration_s"],
        "confidence": 1.0,
    }

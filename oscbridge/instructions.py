"""Explicit instructions in a cue: the numbers, clock positions and compass bearings it states.

``parse_instructions(text)`` fills only what the text states outright and never guesses;
``Instructions.apply(prediction)`` lays those values over a full ``Prediction`` from any
predictor, so an explicit number always beats a predicted one. All values are in the
canonical frame (conventions.md §1: azimuth +90 = LEFT, 0 = front, 180 = behind).

Grammar understood (case-insensitive; ``N`` is a number: digits, decimals, a sign, or number
words such as "ten", "twenty-five", "a hundred and twenty", "one and a half", "half a",
"two point five", "minus six"):

Azimuth
    ``N degrees [to the|on the|towards] left|right``      +N / -N   ("30° right" -> -30)
    ``left|right [by] N degrees``                          +N / -N   ("pan left 30 degrees")
    ``N degrees left|right of centre|front``               +N / -N
    ``N degrees left|right of behind|the back|the rear``   180-N / -(180-N)  ("30 degrees left of behind" -> 150);
                                                           the reference may take directly/straight/dead
                                                           ("35 degrees left of directly behind" -> 145)
    ``N degrees behind [me] [on the] left|right``          180-N / -(180-N), measured from straight
                                                           behind towards that side ("45 degrees behind me
                                                           on the left" -> 135); a number past the side
                                                           counts from the front ("135 degrees back-right"
                                                           -> -135, "at 110 degrees rear left" -> 110)
    ``[rear|surround|the] left|right at N degrees``       +N / -N ("rear left at 110 degrees"; "right at 45
                                                           degrees" alone is an intensifier, unread)
    ``at 0 degrees``, ``at 180 degrees``, ``180° behind``  the two angles no frame disputes need no side
    ``N degrees left|right of H o'clock``                 the clock position +N / -N
    ``N degrees leftwards``, ``from the centre to the right``   as left / right
    ``N degrees in front [on the] left|right``             +N / -N   (measured from straight ahead)
    ``azimuth [of|=|:] N [degrees] [left|right]``         N in the canonical frame ("azimuth -45" -> -45,
                                                           "azimuth 120 left" -> 120, "... 30 right" -> -30);
                                                           also ``N degrees azimuth``; ``az``, ``azi``, ``azim``.
                                                           A signed number is canonical: a side word after it
                                                           does not flip it ("azimuth -40, right beside me")
    ``[at] H o'clock``, ``H:MM o'clock``                   12 = 0, 3 = -90 (right), 6 = 180, 9 = +90 (left)
    ``the H:MM position``, ``H:MM on the clock``           the same ("at 4:30" alone may be a time: unread)
    ``at|from|to half past H`` / ``[a] quarter past H`` / ``[a] quarter to H``   clock position H:30, H:15, H-1:45
    ``between H and K o'clock``                           the middle of the two, the shorter way round
                                                           (opposite positions: nothing read)
    ``N degrees over|off|round|off-axis|off centre to the left``   +N (an adverb before the side)
    ``L30``, ``R 45``, ``pan it 30L``, ``30 deg L``, ``20° R``   a desk's pan notation, degrees: +30, -45, +30,
                                                           +30, -20 ("pan 30 left" with no unit stays unread)
    ``[at] -45 degrees``, ``+60°``                         an explicitly signed angle with no direction word:
                                                           the canonical frame (unsigned "30 degrees" stays
                                                           unread: its sense is ambiguous)
    ``<side> ..., [about|around|full] N degrees [off centre]``   an unsigned angle set apart by a comma or dash
                                                           takes the side word nearest to it in the same
                                                           sentence ("on the listener's left, about 75 degrees"
                                                           -> 75, "front right, roughly 45 degrees off centre"
                                                           -> -45); ``N degrees off [dead] back`` (or "off" in a
                                                           sentence that says behind) counts from behind ("left
                                                           of dead behind, maybe 15 degrees off" -> 165). Unread
                                                           when the sentence names no side, or says behind with
                                                           N < 90 ("behind me on the left, 30 degrees": from
                                                           where?), or in front with N > 90. "straight ahead,
                                                           0 degrees" and "behind, 180 degrees" need no side
    ``not|never|instead of|rather than [at] <place>``, ``<place>, that's wrong``
                                                           a place the cue takes back is not read (the next one
                                                           is: "not 7 o'clock, I meant 5 o'clock" -> -150)
    ``N degrees [counter-]clockwise from the front|behind|north``   counter-clockwise = towards the left
    ``bearing N [degrees]``, ``brg N``, ``heading NNN``    a compass bearing (90 = east = right unless facing;
                                                           a heading needs three digits: "heading 090")
    ``from|to|towards|in|on|at the <compass>``, ``<compass>[ward] of me``, ``due <compass>``
                                                           16-point compass (north, north-east, east-north-east,
                                                           ...); relative to a stated facing ("facing east",
                                                           "I'm looking north-west"), else north = front.
                                                           A compass word followed by a noun ("the north wall")
                                                           is not a direction.
    ``[on|off|over|broad on] the port|starboard bow|beam|quarter``, ``port|starboard side``,
    ``abeam to port|starboard``, ``[dead|right] astern``, ``[right|dead] off the bow``
                                                           a vessel's relative bearings, the listener facing the
                                                           bow: bow 45, beam and side 90, quarter 135, astern 180,
                                                           port = left ("off the starboard quarter" -> -135).
                                                           Not "abaft the beam" (somewhere behind it), nor a
                                                           vessel going astern, nor a bare "to port" (a harbour?)
    ``at|in|into|from|against|beside|next to|near|alongside|on my|your left|right ear|hip|elbow|cheek|hand|...``
                                                           a side of the body: +90 / -90 (not the shoulder:
                                                           "over my left shoulder" is behind, "at" it beside;
                                                           not "by" or "past" it: a movement passing by)
    ``the back of my|your head|neck|skull``, ``the nape of my neck``   180
    ``stage left|right``, ``upstage|downstage [left|right] [of me]``, when the cue says the listener faces
                                                           the audience ("I'm on stage facing the house"):
                                                           stage left = the listener's left, upstage = behind
                                                           (upstage left 135, downstage right -45)
Elevation
    ``N degrees up|above|upwards|high``  +N;  ``N degrees down|below|beneath|under|low``  -N
    ``up|down [by] N degrees``;  ``elevation|elev|ele [of|=|:] N [degrees] [up|down]``;  ``N degrees elevation``
    ``raised|elevated|lifted|tilted up N degrees`` +N; ``lowered|dipped|dropped|tilted down N degrees`` -N
    ``N degrees left and M up|down``: M takes the degrees of the angle before it
Distance
    ``N m|metres|meters|cm|mm|km|ft|feet|foot|yards|inches``  (feet x 0.3048), not when followed by
    "/s", "per", closer/further/wide/long/high..., nor after "by" (a relative change);
    ``distance|range|radius [of] N [unit]`` (metres when no unit; not "into the distance a quarter of
    a turn" nor "... at 4:30")
Level and room
    ``[gain|level|volume] N dB``; ``N dB quieter|softer|lower|down|cut|less`` -> -|N|;
    ``N dB louder|up|boost|more`` -> +|N|; ``cut|reduce|attenuate|lower [it] [by] N dB`` -> -|N|;
    ``boost|raise|increase [by] N dB`` -> +|N|; ``gain N`` (dB implied)
    ``drr|direct-to-reverberant [ratio] N [dB]``
    ``reverb|wet [mix] N[%]``, ``N% reverb|wet`` -> wet (N% -> N/100; a bare N > 1 read as a percentage);
    ``N% dry`` -> wet 1 - N/100
    ``spread|width|fanned out N [degrees]``, ``N degrees wide|spread``
Motion
    ``from A to B`` where A and B are both explicit (angles with a side, clock positions, compass
    points, a vessel's bearings, a side of the body, distances, or a bare number that takes the other
    end's unit: "from 30 to 60 degrees left", "from 10 to 2 o'clock", "from the port bow to the
    starboard quarter", "from my left ear to my right ear"): start values and the end position;
    kind ``line`` for angles, ``approach``/``recede`` for distances.
    A compass, nautical, body or stage place after "ends up", "finishes", "settles", "then", "to" ...
    or before "at the end" is where a movement ends, not where it starts ("starts on the left and
    ends up in the north"): the end position, when the cue moves. When nothing moves, "to", "towards" and
    "into" just name the place ("gulls off to the starboard quarter" -> -135, "whispers into my left ear" -> 90).
    ``to|towards|into|within A`` after a movement verb (moves, pans, flies, approaches ...) or a
    "from": the end position only; so is ``then A`` in a cue with a movement ("first on the left,
    then 3 o'clock: the bird flies").
    ``over|in|for|during|within|lasting|taking N s|sec|seconds|ms|min|minutes|h``, ``over a minute``,
    ``a N-second sweep``: duration_s.
    ``clockwise``/``cw`` -> "cw"; ``counter-clockwise``/``anticlockwise``/``ccw`` -> "ccw".
    ``N [full] turns|revolutions|rotations|circles|laps|loops``, ``a full circle``, and (with an
    orbit word) ``once|twice|thrice|N times`` or ``circles N degrees``: turns (kind ``orbit``).

Out of scope: negation beyond a place taken back, relative changes ("3 metres closer"), bare angles
without a side ("at 30 degrees": the sense is ambiguous), bare numbers ("at 10", "track 3", "2 dogs").
When a field is stated twice, the first statement wins. Number words are read as digits first,
including the spoken hundreds when hyphenated ("one-eighty" -> 180; "one thirty" may be a time).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from oscbridge.params import (
    DURATION_RANGE,
    FIELDS,
    Motion,
    Position,
    Prediction,
    wrap_azimuth,
)

__all__ = ["Instructions", "parse_instructions", "parse_instructions_with_rest", "normalize", "DEFAULT_DURATION_S"]

#: duration of a motion created from an explicit end when nothing states how long it takes
DEFAULT_DURATION_S = 4.0

_POSITION_FIELDS = ("azimuth_deg", "elevation_deg", "distance_m")


@dataclass(frozen=True)
class Instructions:
    """What a cue states outright, in canonical names and frame.

    values      stated static fields (any of ``params.FIELDS``)
    motion_kind "line" / "orbit" / "approach" / "recede" only when explicit numbers imply it
    end         stated end position fields (azimuth_deg / elevation_deg / distance_m)
    duration_s  stated motion duration
    direction   stated orbit direction ("ccw" / "cw")
    turns       stated number of orbit revolutions
    explicit    names of what was stated: "azimuth_deg", ..., "motion.end.azimuth_deg",
                "motion.duration_s", "motion.direction", "motion.turns"
    """

    values: dict[str, float] = field(default_factory=dict)
    motion_kind: str | None = None
    end: dict[str, float] = field(default_factory=dict)
    duration_s: float | None = None
    direction: str | None = None
    turns: float | None = None
    explicit: tuple[str, ...] = ()

    def apply(self, prediction: Prediction) -> Prediction:
        """``prediction`` with every stated value laid over it.

        Static values replace the predicted ones (clamped, azimuth wrapped). A stated end creates a
        line motion when the prediction has none (approach/recede when only the distance changes);
        a stated kind, end, duration, direction or number of turns replaces the predicted one. A
        duration alone does not make a static source move. ``explicit`` becomes the union of the
        prediction's and the names applied here; ``confidence`` becomes 1.0 when azimuth was stated.
        """
        if not self.explicit:
            return prediction
        params = prediction.params.with_(**self.values) if self.values else prediction.params
        motion = self._motion(params.position, prediction.motion)
        names = [n for n in FIELDS if n in self.values]
        if motion is not None:
            names += [f"motion.end.{k}" for k in _POSITION_FIELDS if k in self.end]
            if self.duration_s is not None:
                names.append("motion.duration_s")
            if motion.kind == "orbit":
                if self.direction is not None:
                    names.append("motion.direction")
                if self.turns is not None:
                    names.append("motion.turns")
        explicit = tuple(dict.fromkeys((*prediction.explicit, *names)))
        confidence = 1.0 if "azimuth_deg" in self.values else prediction.confidence
        return replace(prediction, params=params, motion=motion, explicit=explicit, confidence=confidence)

    def _motion(self, start: Position, old: Motion | None) -> Motion | None:
        if not (self.end or self.motion_kind or self.direction or self.turns is not None
                or self.duration_s is not None):
            return old
        kind = self.motion_kind
        if kind in ("approach", "recede") and old is not None and old.kind == "line":
            kind = "line"  # a stated change of distance on a predicted pan: keep the pan
        if kind is None:
            if old is not None:
                kind = old.kind
                if self.direction is not None and kind != "orbit" and not self.end:
                    kind = "orbit"
            elif self.end:
                kind = "line"
                if set(self.end) == {"distance_m"}:
                    kind = "approach" if self.end["distance_m"] < start.distance_m else "recede"
            elif self.direction is not None:
                kind = "orbit"
            else:
                return None  # only a duration: nothing to move
        if self.duration_s is not None:
            duration = min(max(self.duration_s, DURATION_RANGE[0]), DURATION_RANGE[1])
        else:
            duration = old.duration_s if old is not None else DEFAULT_DURATION_S
        same_kind = old is not None and old.kind == kind
        if kind == "orbit":
            was_orbit = old is not None and old.kind == "orbit"
            direction = self.direction or (old.direction if was_orbit else None) or "ccw"
            turns = self.turns if self.turns is not None else (old.turns if was_orbit else None)
            if turns is not None:
                turns = min(max(turns, 0.0), 1000.0)
            end = old.end if was_orbit else None
            if self.end:
                base = end if end is not None else start
                end = Position.clamped(**{**base.to_dict(), **self.end})
            return Motion("orbit", duration, end, direction, turns)
        # a predicted line/approach/recede keeps its end where nothing else is stated
        base = start
        if old is not None and old.end is not None and (same_kind or old.kind != "orbit"):
            base = old.end
        end = Position.clamped(**{**base.to_dict(), **self.end})
        return Motion(kind, duration, end)


# --------------------------------------------------------------------------------------------
# Normalisation: lower case, plain apostrophes and minus signs, number words -> digits.

_TRANSLATE = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u2032": "'", "\u02bc": "'",
    "\u2212": "-", "\u2013": "-", "\u2010": "-", "\u2011": "-",
    "\u00ba": "\u00b0", "\u02da": "\u00b0",
})

_UNIT_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine".split())}
_TEEN_WORDS = {w: i + 10 for i, w in enumerate(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS_WORDS = {w: (i + 2) * 10 for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALE_WORDS = {"hundred": 100, "thousand": 1000}
_WORD_KIND: dict[str, tuple[str, int]] = {}
for _w, _v in _UNIT_WORDS.items():
    _WORD_KIND[_w] = ("unit", _v)
for _w, _v in _TEEN_WORDS.items():
    _WORD_KIND[_w] = ("teen", _v)
for _w, _v in _TENS_WORDS.items():
    _WORD_KIND[_w] = ("tens", _v)
for _w, _v in _SCALE_WORDS.items():
    _WORD_KIND[_w] = (_w, _v)
_NW = "|".join(sorted(_WORD_KIND, key=len, reverse=True))
_NUMWORD_RUN = re.compile(rf"\b(?:{_NW})(?:(?:\s+|-)(?:and\s+)?(?:{_NW}))*\b")
_RUN_SPLIT = re.compile(r"[\s-]+")
# which kind of word may follow which inside one number
_FOLLOWS = {
    None: {"unit", "teen", "tens", "hundred", "thousand"},
    "unit": {"hundred", "thousand"},
    "teen": {"hundred", "thousand"},
    "tens": {"unit", "hundred", "thousand"},
    "hundred": {"unit", "teen", "tens", "thousand"},
    "thousand": {"unit", "teen", "tens", "hundred"},
    "and": {"unit", "teen", "tens"},
}

#: the spoken "one-eighty", "two-seventy", "one-thirty-five": hundreds, then the rest (hyphens only:
#: "one thirty" is as likely a time)
_HUNDRED_SHORT = re.compile(
    rf"\b(one|two|three)-({'|'.join(_TEEN_WORDS)}|(?:{'|'.join(_TENS_WORDS)})(?:-(?:{'|'.join(list(_UNIT_WORDS)[1:])}))?)\b")


def _hundred_short(m: re.Match[str]) -> str:
    rest = m.group(2).split("-")
    value = _UNIT_WORDS[m.group(1)] * 100 + sum(_WORD_KIND[w][1] for w in rest)
    return str(value)


_QUICK_NUMWORD = re.compile(rf"\b(?:{_NW}|half|quarter|minus|negative|point)\b")
_A_SCALE = re.compile(r"\ban?\s+(hundred|thousand)\b")
_A_UNIT_AND_HALF = re.compile(
    r"\b(?:an?|1)\s+(metre|meter|second|minute|foot|yard|turn|hour|degree)s?\s+and\s+a\s+half\b")
_AND_FRACTION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s+and\s+(?:a\s+(half|quarter)|3\s+quarters)\b")
_SIDE_WARDS = re.compile(r"\b(left|right)wards?\b")
_HALF_A = re.compile(r"\bhalf\s+an?\b")
_A_FRACTION = re.compile(r"\ba\s+(half|quarter)\b(?!\s+(?:past|to)\b)")
_POINT = re.compile(r"(?<![\w.])(\d+)\s+point\s+(\d+)\b")
_MINUS = re.compile(r"\b(?:minus|negative)\s+(?=\.?\d)")
_VULGAR_HALF = re.compile(r"(\d*)\u00bd")


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


def _run_to_digits(m: re.Match[str]) -> str:
    parts: list[str] = []
    total = group = 0
    last: str | None = None
    started = False

    def flush() -> None:
        nonlocal total, group, last, started
        if started:
            parts.append(str(total + group))
        total = group = 0
        last = None
        started = False

    for w in _RUN_SPLIT.split(m.group(0)):
        if w == "and":
            if last in ("hundred", "thousand"):
                last = "and"
            else:
                flush()
                parts.append("and")
            continue
        kind, v = _WORD_KIND[w]
        if last is not None and kind not in _FOLLOWS[last]:
            dangling_and = last == "and"  # "a hundred and thousand": the "and" joined nothing
            flush()
            if dangling_and:
                parts.append("and")
        if kind == "hundred":
            group = (group or 1) * 100
        elif kind == "thousand":
            total += (group or 1) * 1000
            group = 0
        else:
            group += v
        last = kind
        started = True
    flush()
    return " ".join(parts)


def _and_fraction(m: re.Match[str]) -> str:
    frac = {"half": 0.5, "quarter": 0.25}.get(m.group(2) or "", 0.75)
    return _fmt(float(m.group(1)) + frac)


def normalize(text: str) -> str:
    """Lower case, plain punctuation, number words as digits ("twenty five" -> "25")."""
    t = text.lower()
    if not t.isascii():
        t = t.translate(_TRANSLATE)
    if "ward" in t:
        t = _SIDE_WARDS.sub(r"\1", t)
    if "\u00bd" in t:
        t = _VULGAR_HALF.sub(lambda m: (m.group(1) or "0") + ".5", t)
    if _QUICK_NUMWORD.search(t) is None:
        return t
    if "-" in t:
        t = _HUNDRED_SHORT.sub(_hundred_short, t)
    t = _A_SCALE.sub(r"one \1", t)
    t = _A_UNIT_AND_HALF.sub(r"1.5 \1s", t)
    t = _NUMWORD_RUN.sub(_run_to_digits, t)
    t = _AND_FRACTION.sub(_and_fraction, t)
    t = _HALF_A.sub("0.5", t)
    t = _A_FRACTION.sub(lambda m: "0.5" if m.group(1) == "half" else "0.25", t)
    t = _POINT.sub(r"\1.\2", t)
    t = _MINUS.sub("-", t)
    return t


# --------------------------------------------------------------------------------------------
# Building blocks of the grammar (no capturing groups: they are embedded in larger patterns).

#: a number: at most 9 integer digits (so every value is finite), optional sign and decimals
_N = r"(?<![\w.])[-+]?(?:\d{1,9}(?:\.\d+)?|\.\d+)(?!\.?\d)"
_DEG = r"(?:\s*\u00b0|[\s-]*(?:degrees?|degs?|deg)\b\.?)"
#: the adverb a reference point may take: "of [directly|straight|dead] behind"
_REF_ADV = r"(?:(?:directly|straight|dead|right|due)\s+)?"
_APPROX = r"(?:(?:about|around|roughly|approximately|approx\.?|some|~|just|exactly|precisely|nearly|almost)\s*)"
_PREP = r"(?:(?:to|towards?|on|off|at|in|from|of)\s+)"
_ART = r"(?:(?:the|my|your|our|his|her|their)\s+)"
_DISTU = (r"(?:metres?|meters?|mtrs?|m|centimet(?:re|er)s?|cm|millimet(?:re|er)s?|mm|kilomet(?:re|er)s?|km"
          r"|feet|foot|ft|yards?|yds?|inch(?:es)?)")
_DIST_FACTOR = {"m": 1.0, "cm": 0.01, "mm": 0.001, "km": 1000.0, "ft": 0.3048, "yd": 0.9144, "in": 0.0254}
_COMP = r"(?:north|south|east|west)(?:[\s-]?(?:north|south|east|west)){0,2}"
_CLOCKW = r"(?:o'\s?clock|o\s?clock|oclock|o'c)(?!\w)"
_TIMEU = r"(?:milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|h)\b"

_BEARINGS: dict[str, float] = {}
for _i, _name in enumerate((
        "north", "northnortheast", "northeast", "eastnortheast", "east", "eastsoutheast", "southeast",
        "southsoutheast", "south", "southsouthwest", "southwest", "westsouthwest", "west", "westnorthwest",
        "northwest", "northnorthwest")):
    _BEARINGS[_name] = _i * 22.5

_LEFT = {"left"}
_RIGHT = {"right"}
_BACKS = {"behind", "back", "rear", "the back", "the rear"}
_FRONTS = {"front", "in front", "forward", "forwards", "ahead", "centre", "center", "middle"}
_UPS = {"up", "upward", "upwards", "above", "high", "higher"}
_DOWNS = {"down", "downward", "downwards", "below", "beneath", "under", "underneath", "low", "lower"}
_REF_BACK = {"behind", "back", "rear"}

# --- angles --------------------------------------------------------------------------------
_ANGLE = re.compile(
    rf"(?P<n>{_N}){_DEG}\s*,?\s*(?:(?:off[\s-]axis|off[\s-]cent(?:re|er)|over|off|round|around|out|away|across)\s+)?{_PREP}?{_ART}?"
    r"(?P<dir>left|right|behind|back|rear|in\s+front|front|forwards?|ahead|centre|center|middle|upwards?|up|above|higher|high"
    r"|downwards?|down|below|beneath|underneath|under|lower|low|elevation|azimuth)\b"
    rf"(?:\s+of\s+(?:the\s+)?{_REF_ADV}"
    r"(?P<ref>centre|center|middle|front|straight\s+ahead|ahead|behind|back|rear"
    rf"|me|you|us|listener|the\s+listener|audience|stage|screen|zero|\d{{1,2}}\s*{_CLOCKW}))?"
    r"(?:\s+(?:me|you|us|the\s+listener|the\s+audience)\b)?"
    rf"(?:\s*[,-]?\s*(?:and\s+)?(?:(?:on|to|towards?)\s+)?{_ART}?(?P<side>left|right)\b)?"
)
_DIR_FIRST = re.compile(
    rf"\b(?P<dir>left|right|upwards?|up|downwards?|down)\s+(?:(?:by\s+)?(?P<n>{_N}){_DEG}|by\s+(?P<nb>{_N})(?![\w.%]|\s*(?:(?:{_DISTU}|db|dbs|decibels?|percent|per\s*cent|times)\b|{_TIMEU})))")
#: "rear left at 110 degrees", "the surround left at 110°": a side, then its angle from the front
#: ("right at 45 degrees" with nothing before "right" is an intensifier, not a side)
_SIDE_AT = re.compile(
    rf"\b(?:(?P<pre>rear|back|front|surround|side|the|hard|far|extreme)\s+)?(?P<side>left|right)\s+at\s+"
    rf"(?P<n>{_N}){_DEG}")
#: the two angles whose sense no frame disputes: "at 0 degrees" (front), "at 180 degrees" (behind)
_AT_FRONT_BACK = re.compile(rf"\bat\s+(?P<n>0|180)(?:\.0+)?{_DEG}")
#: a mixing desk's pan notation: "L30", "R 45", "pan it 30L" (degrees; "30L" alone may be litres)
_PAN_NOTATION = re.compile(
    r"(?:(?<![\w.'])(?P<s1>[lr])\s?(?P<n1>\d{1,3})|\b(?:pan(?:ned)?(?:\s+\w+)?|at|to)\s+(?P<n2>\d{1,3})(?P<s2>[lr])"
    rf"|(?<![\w.])(?P<n3>\d{{1,3}}(?:\.\d+)?){_DEG}\s*(?P<s3>[lr]))"
    r"(?![\w.']|\s*(?:%|percent))")
#: an explicitly signed angle with nothing after it, read in the canonical frame: "at -45°", "+60 degrees"
_SIGNED_ANGLE = re.compile(rf"(?<![\w.])(?P<n>[-+]\d{{1,3}}(?:\.\d+)?){_DEG}")
#: an angle set apart from the side it belongs to: "on the listener's left, about 75 degrees", "front right,
#: roughly 45 degrees off centre", "behind me, slightly right, maybe 15 degrees off dead back"; read only when
#: the same sentence names a side (``_Parse.bare_angle``)
_BARE_ANGLE = re.compile(
    r"(?:^|[,(\-\u2014~]|\b(?:at|about|around|roughly|approximately|approx|maybe|say|some|full|fully|exactly"
    r"|precisely|nearly|almost|just|like|perhaps|probably))\s*"
    rf"(?P<n>\d{{1,3}}(?:\.\d+)?){_DEG}"
    rf"(?:\s+(?P<off>off)(?:\s+{_ART}?{_REF_ADV}(?P<ref>cent(?:re|er)|front|straight\s+ahead|ahead|behind|back|rear))?)?"
    r"(?=\s*(?:$|[,.;:)!?\u2014]|\s-\s|\s(?:and|so|but|like|as|with|from\s+(?:me|us|you|the\s+listener)\b)))")
#: a side word in a sentence; "right" as an intensifier ("right behind", "right now") is not a side
_SIDE_WORD = re.compile(
    r"\b(?:left|right(?!\s+(?:behind|in\s+front|next|above|below|over|under|underneath|at|now|away|here|there|on|by"
    r"|beside|up|down|in|into|through|out|across|after|before|around|overhead|between|against|where|when|off)\b))\b")
_BACK_WORD = re.compile(r"\b(?:behind|back|rear|astern)\b")
_FRONT_WORD = re.compile(r"\b(?:front|ahead|forward|forwards)\b")
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n")
#: a place the note takes back: "not 7 o'clock", "instead of at 30 degrees left", "at my 2 o'clock, that's wrong"
_NOT_BEFORE = re.compile(
    r"\b(?:not|never|instead\s+of|rather\s+than)\s+(?:(?:at|on|in|from|to|the|my|your|our)\s+){0,3}$")
_WRONG_AFTER = re.compile(
    r"\s*(?:,|-|\u2014)?\s*(?:that's|that\s+is|that\s+was|thats|which\s+is|which\s+was)\s+(?:wrong|incorrect|a\s+mistake)\b")
#: a compass bearing in degrees: "bearing 090" (north = front unless a facing is stated)
_BEARING_DEG = re.compile(
    rf"\b(?:bearing\s+(?:of\s+)?|brg\.?\s*|heading\s+(?=\d{{3}}\b(?![\s\u00b0]*(?:deg\w*\s+)?(?:to\s+the\s+)?(?:left|right))))"
    rf"(?P<n>{_N}){_DEG}?")
#: "30 degrees counter-clockwise from the front" (counter-clockwise = towards the left)
_ROT_FROM = re.compile(
    rf"(?P<n>{_N}){_DEG}\s+(?P<r>(?:counter|anti)[\s-]?clockwise|ccw|clockwise|cw)\s+(?:from|of)\s+(?:the\s+)?"
    r"(?P<ref>front|centre|center|straight\s+ahead|ahead|zero|north|behind|back|rear)\b")
#: "30 degrees left and 10 up": the second number takes the first one's unit
_AND_VERT = re.compile(rf"\band\s+(?P<n>{_N})\s*(?:{_DEG})?\s*(?P<vd>upwards|up|above|downwards|down|below)\b")
#: "raised 20 degrees", "lowered by 15°", "tilted down 10 degrees"
_EL_VERB = re.compile(
    r"\b(?:(?P<up>raised|elevated|lifted|tilted\s+up|pitched\s+up|angled\s+up)|"
    r"(?P<down>lowered|dipped|dropped|tilted\s+down|pitched\s+down|angled\s+down))"
    rf"\s+(?:by\s+)?(?P<n>{_N}){_DEG}")
_AZ_KW = re.compile(
    rf"\b(?:azimuth|azimuthal\s+angle|azim|azi|az)\s*(?:angle\s*)?(?:of|at|to|=|:|is|set\s+to)?\s*{_APPROX}?"
    rf"(?P<n>{_N})(?:{_DEG})?(?:\s*,?\s*(?:(?:to|towards?|on)\s+)?{_ART}?(?P<side>left|right)\b)?")
_EL_KW = re.compile(
    rf"\b(?:elevation|elev|ele|el(?=\s*[:=])|altitude|elevated|height\s+angle)\s*(?:angle\s*)?"
    rf"(?:of|at|to|=|:|is|by)?\s*{_APPROX}?(?P<n>{_N})(?:{_DEG})?"
    r"(?:\s*(?P<vd>upwards?|up|above|downwards?|down|below)\b)?")

# --- clock and compass ---------------------------------------------------------------------
#: "10 o'clock", "10:30 o'clock"; an H:MM time also as "the 10:30 position" / "10:30 on the clock"
_CLOCK = re.compile(rf"(?<![\w.:])(?P<h>\d{{1,2}}(?:\.\d+)?)(?::(?P<mm>[0-5]\d))?"
                    rf"(?:\s*{_CLOCKW}|(?<=:\d\d)\s+(?:position\b|on\s+(?:the|a)\s+clock\b))")
_CLOCK_PAST = re.compile(
    rf"\b(?:at|from|to|towards?|around)\s+(?:a\s+)?(?P<q>half|quarter)\s+(?P<rel>past|to)\s+(?P<h>\d{{1,2}})\b"
    rf"(?:\s*{_CLOCKW})?")
#: "between 1 and 2 o'clock": the middle of the two positions (the shorter way round)
_CLOCK_BETWEEN = re.compile(
    rf"\bbetween\s+(?P<h1>\d{{1,2}})(?::(?P<m1>[0-5]\d))?(?:\s*{_CLOCKW})?\s+and\s+(?P<h2>\d{{1,2}})"
    rf"(?::(?P<m2>[0-5]\d))?\s*{_CLOCKW}")
_REF_BEFORE = re.compile(r"\b(?:left|right)\s+of\s+(?:the\s+)?$")
_FACING = re.compile(
    r"\b(?:facing|face|faces|faced|looking|look|looks|heading|headed|oriented|orientated|pointing|"
    r"points|turned)\s+(?:(?:to(?:wards?)?|toward|in(?:to)?)\s+)?(?:the\s+)?(?:due\s+)?"
    rf"(?P<c>{_COMP})\b")
_COMPASS_NOUNS = (
    r"wall|walls|wing|door|doors|gate|window|windows|entrance|exit|tower|pole|star|wind|winds|coast|"
    r"shore|bank|face|korea|america|africa|europe|carolina|dakota|london|station|street|road|avenue|"
    r"park|transept|aisle|stand|stands|building|room|side\s+of\s+town|end\s+of\s+town|village|city")
_COMPASS_DIR = re.compile(
    r"\b(?:from|to|towards?|toward|in|on|at|into|of)\s+(?:the\s+)?(?:due\s+|far\s+)?"
    rf"(?P<c>{_COMP})(?:ern)?\b(?!\s+(?:{_COMPASS_NOUNS})\b)"
    rf"|\b(?P<c2>{_COMP})(?:wards?)?\s+of\s+(?:me|us|you|the\s+listener|here|the\s+audience)\b"
    rf"|\bdue\s+(?P<c3>{_COMP})\b")

def _unnamed(pattern: str) -> str:
    """``pattern`` with its named groups made plain, to sit in an alternation beside itself (``_ENDP``)."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


#: "port bow", "starboard-hand quarter": a place on its own, and an endpoint of a movement (``_E_NAUT_FULL``)
_NAUT_SIDED = r"(?P<side>port|starboard)(?:[\s-]+hand)?\s+(?P<part>bow|beam|quarter|side)"
_NAUTICAL = re.compile(
    rf"\b{_NAUT_SIDED}\b"
    r"|\babeam\s+(?:to\s+|on\s+the\s+|off\s+the\s+)?(?P<side2>port|starboard)\b"
    r"|(?<!\bgoes\s)(?<!\bgoing\s)(?<!\bgo\s)(?<!\bfull\s)(?<!\bhalf\s)(?<!\bslow\s)\b(?P<astern>astern)\b"
    r"|\boff\s+the\s+(?P<bow>bow)\b")
_BODY_PART = (r"ear|earlobe|hip|elbow|cheek|cheekbone|temple|hand|arm|forearm|wrist|knee|ankle|foot|heel|"
              r"ribs|side\s+of\s+(?:my|your|the)\s+(?:face|head|neck)")
#: "left ear", "right-hand hip": after a preposition a place on its own, after "my" an endpoint (``_E_BODY_FULL``)
_BODY_SIDED = rf"(?P<side>left|right)(?:[\s-]+hand)?\s+(?P<part>{_BODY_PART})s?"
_BODY_SIDE = re.compile(
    r"\b(?:at|in|into|from|against|beside|next\s+to|near|close\s+to|alongside|on|off)\s+(?:my|your|the\s+listener'?s)\s+"
    rf"{_BODY_SIDED}\b")
_BODY_BACK = re.compile(r"\b(?:the\s+)?back\s+of\s+(?:my|your|the\s+listener'?s)\s+(?:head|neck|skull)\b"
                        r"|\bnape\s+of\s+(?:my|your|the\s+listener'?s)\s+neck\b")
#: the listener on stage facing the audience: stage directions are the listener's own
_FACING_HOUSE = re.compile(r"\bfacing\s+(?:out\s+(?:front|to\s+the\s+(?:house|audience))|(?:the\s+)?(?:audience|house|"
                           r"auditorium|stalls|crowd|front\s+of\s+house)|front\s+of\s+house)\b")
_STAGE = re.compile(r"\b(?P<ud>up|down)[\s-]?stage(?:\s+(?P<s1>left|right)\b)?|\bstage\s+(?P<s2>left|right)\b")
_NAUTICAL_PART = {"bow": 45.0, "beam": 90.0, "side": 90.0, "quarter": 135.0}
_SIDE_AZ = {"left": 90.0, "right": -90.0, "port": 90.0, "starboard": -90.0}
_ABAFT_BEFORE = re.compile(r"\babaft\s+(?:the\s+)?$")
#: a place where a movement ends ("ends up on the port bow", "... on the port quarter at the end") is not its start:
#: ``_Parse.place`` makes it the end
_END_BEFORE = re.compile(
    r"\b(?:(?P<end_verb>ends?|ending|ended|finish\w*|stops?|stopping|stopped|arriv\w*|settl\w*|lands?|landing)|then|"
    r"(?P<to_word>to|towards?|into)|until|till)(?:\s+up)?(?:\s+(?:on|at|in|off|over|broad\s+on))?\s+(?:the\s+|my\s+)?$")
_END_AFTER = re.compile(r"\s*,?\s*(?:at|by|in|towards?)\s+the\s+end\b")

# --- distance ------------------------------------------------------------------------------
_DIST = re.compile(
    rf"(?<!\bby\s)(?P<n>{_N})\s*-?\s*(?P<u>{_DISTU})\b(?!\s*(?:/|per\b))"
    r"(?!\s+(?:closer|nearer|further|farther|more|less|wide|tall|high|long|deep|across|squared|square|"
    r"cubed|x\b|by\b))")
_DIST_KW = re.compile(
    rf"(?<!into the )(?<!in the )\b(?:distance|dist|range|radius)\s*(?:of|at|=|:|is)?\s*{_APPROX}?(?P<n>{_N})"
    rf"(?:\s*-?\s*(?P<u>{_DISTU})\b)?(?!\s*(?:%|db|deg|\u00b0|s\b|sec|seconds?|min|:\d|{_CLOCKW}))")

# --- level, room, width ---------------------------------------------------------------------
_DB = r"\s*(?:db|decibels?)(?:fs)?(?!\w)(?!\s*spl)"
_NEG_PRE = (r"cut|attenuated?|reduced?|drop(?:ped)?|decreased?|duck(?:ed)?|lower(?:ed)?|down|quieter|"
            r"softer|turn(?:ed)?\s+down")
_POS_PRE = r"boost(?:ed)?|raised?|increased?|up|louder|plus|turn(?:ed)?\s+up"
_NEG_POST = (r"quieter|softer|lower|down|cut|attenuation|reduction|less|below|under|"
             r"attenuated|reduced|quieter")
_POS_POST = r"louder|up|boost|more|above|over|higher|hotter|gain"
_NEG_STEMS = ("cut", "attenuat", "reduc", "drop", "decreas", "duck", "lower", "down", "quieter", "softer",
              "turn down", "turned down", "less", "below", "under")
_DRR = re.compile(
    r"\b(?:drr|direct[\s/-]+to[\s/-]+reverb(?:erant)?(?:\s+ratio)?|direct[\s/-]+reverb(?:erant)?\s+ratio)"
    rf"\s*(?:of|at|to|=|:|is)?\s*{_APPROX}?(?P<n>{_N})(?:{_DB})?")
_GAIN_KW = re.compile(
    rf"\b(?P<kw>gain|level|volume|vol)\s*(?:of|at|to|=|:|is|by|from)?\s*{_APPROX}?(?P<n>{_N})"
    rf"(?:(?:{_DB})?\s+to\s+{_N})?(?P<db>{_DB})?")
_GAIN_DB = re.compile(
    rf"(?:\b(?P<pre>{_NEG_PRE}|{_POS_PRE})\s+(?:(?:it|the\s+\w+|by|of)\s+)*)?(?P<n>{_N}){_DB}"
    rf"(?:\s+(?P<post>{_NEG_POST}|{_POS_POST})\b)?")
_WET_KW = re.compile(
    r"\b(?P<kw>reverb(?:eration)?|wet(?:ness)?|wet/dry|dry/wet|dry)(?:\s+(?:mix|level|amount|send|ratio))?"
    rf"\s*(?:of|at|to|=|:|is)?\s*{_APPROX}?(?P<n>{_N})\s*(?P<pct>%|percent\b|per\s+cent\b)?"
    r"(?!\s*(?:s\b|sec|seconds?\b|ms\b|db\b|m\b|meters?|metres?|min))")
_WET_PCT = re.compile(
    rf"(?P<n>{_N})\s*(?:%|percent\b|per\s+cent\b)\s*(?P<kw>reverb(?:eration)?|wet|dry)\b")
_SPREAD_KW = re.compile(
    rf"\b(?:spread|width|wide|spreading|aperture|extent|fanned(?:\s+out)?|fans?\s+out)\s*(?:of|at|to|=|:|is|over|across)?\s*{_APPROX}?"
    rf"(?P<n>{_N})(?:{_DEG})?(?!\s*(?:%|db|m\b|metres?|meters?|s\b|sec|seconds?|feet|ft|min))")
_SPREAD_POST = re.compile(
    rf"(?P<n>{_N}){_DEG}\s*-?\s*(?:wide|of\s+spread|spread|width|in\s+width|across|apart)\b")

# --- motion -------------------------------------------------------------------------------
_DURATION = re.compile(
    r"\b(?:over|in|for|during|within|lasting|taking|takes|take|across|throughout|spanning)\s+"
    r"(?:(?:the\s+)?(?:next|following|course\s+of(?:\s+the)?)\s+)?"
    rf"{_APPROX}?(?:(?P<a>an?)\s+|(?P<n>{_N})\s*-?\s*)(?P<u>{_TIMEU})")
_DURATION_ADJ = re.compile(rf"(?P<n>{_N})\s*-\s*(?P<u>milliseconds?|seconds?|minutes?)\b")
_TIME_FACTOR = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0}
_CCW = re.compile(r"\b(?:counter|anti)[\s-]?clockwise\b|\bccw\b")
_CW = re.compile(r"(?<![\w-])(?<!counter )(?<!anti )clockwise\b|\bcw\b")
_ORBIT_CONTEXT = re.compile(
    r"\b(?:circl\w*|orbit\w*|rotat\w*|spin\w*|revolv\w*|revolution\w*|laps?|loops?|turns?|"
    r"(?:a)?round\s+(?:me|you|us|the\s+listener|my\s+head|the\s+head|the\s+room|and))\b")
_TURNS = re.compile(
    rf"(?P<n>{_N})\s+(?:full\s+|complete\s+|whole\s+)?(?:turns?|revolutions?|rotations?|circles?|laps?|"
    r"loops?|orbits?|circuits?|spins?)\b")
_TURNS_FULL = re.compile(
    r"\b(?:a|one|1)\s+(?:full|complete|whole|single)\s+(?:turn|circle|revolution|rotation|lap|loop|orbit|"
    r"circuit)\b|\bfull\s+circle\b")
_TIMES = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_TURNS_WORD = re.compile(r"\b(?P<w>once|twice|thrice)\b|(?P<n>" + _N + r")\s+times\b")
_TURNS_DEG = re.compile(
    r"\b(?:circl(?:e|es|ed|ing)|orbit(?:s|ed|ing)?|rotat(?:e|es|ed|ing)|spin(?:s|ning)?|revolv(?:e|es|ed|ing))"
    r"\s+(?:(?:a)?round\s+(?:me|you|us|the\s+listener|my\s+head|the\s+head|the\s+room)\s+)?"
    rf"(?:a\s+full\s+|through\s+|by\s+|about\s+)?(?P<n>{_N}){_DEG}"
    rf"|(?P<n2>{_N}){_DEG}\s+(?:(?:a)?round|orbit|rotation|turn|circle|arc)\b")
_MOTION_CONTEXT = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)|pan(?:s|ned|ning)?|sweep(?:s|ing)?|swept|travel\w*|glid(?:e|es|ed|ing)|"
    r"drift\w*|fl(?:y|ies|ying|ew)|go(?:es|ing)?|went|swing(?:s|ing)?|swung|slid(?:e|es|ing)|shift\w*|"
    r"rotat\w*|ris(?:e|es|ing)|rose|fall(?:s|ing)?|fell|drop(?:s|ped|ping)?|descend\w*|ascend\w*|"
    r"approach\w*|com(?:e|es|ing)|came|reced\w*|walk\w*|run(?:s|ning)?|ran|driv(?:e|es|ing)|drove|"
    r"roll(?:s|ed|ing)?|crawl\w*|creep\w*|crept|wander\w*|whoosh\w*|zoom\w*|pass(?:es|ed|ing)?|"
    r"cross(?:es|ed|ing)?|circl\w*|orbit\w*|float\w*|jump\w*|closer|nearer|further|farther|towards?|"
    r"from)\b")

_SIDE_T = rf"(?:\s*,?\s*(?:(?:to|on|towards?)\s+)?{_ART}?(?:left|right)\b)"
_REF_T = rf"(?:\s+of\s+(?:the\s+)?{_REF_ADV}(?:centre|center|middle|front|behind|back|rear))"
_E_ANGLE = (rf"{_N}{_DEG}(?:{_SIDE_T}{_REF_T}?|\s*(?:of\s+)?(?:upwards|up|above|downwards|down|below"
            r"|elevation|azimuth)\b)?")
_E_SIDE = rf"{_N}\s+(?:(?:to|on)\s+)?(?:the\s+)?(?:left|right)\b"
_E_CLOCK = rf"{_N}(?::[0-5]\d)?\s*{_CLOCKW}"
_E_COMP = rf"(?:the\s+)?(?:due\s+)?{_COMP}\b(?!\s+(?:{_COMPASS_NOUNS})\b)"
_E_DIST = rf"{_N}\s*-?\s*{_DISTU}\b(?:\s+away)?"
_E_NAUT = _unnamed(_NAUT_SIDED) + r"\b"
_E_BODY = rf"(?:my|your)\s+{_unnamed(_BODY_SIDED)}\b"
_ENDP = rf"(?:{_E_CLOCK}|{_E_ANGLE}|{_E_SIDE}|{_E_DIST}|{_E_COMP}|{_E_NAUT}|{_E_BODY})"
_FROM_TO = re.compile(
    r"\bfrom\s+(?:the\s+)?(?:(?:an?\s+)?(?:azimuth|distance|elevation)\s+(?:of\s+)?)?"
    rf"(?P<a>{_ENDP}|{_N})\s*,?\s+(?:(?:all\s+the\s+way|back|round|around|over|across|up|down|through)\s+)?"
    rf"(?:to|towards?|toward|till|until|into|through)\s+(?:the\s+)?(?P<b>{_ENDP}|{_N})(?!\w)")
_TO_END = re.compile(
    r"\b(?:to\s+within|to|towards?|toward|till|until|into|within)\s+(?:the\s+)?"
    rf"(?P<b>{_ENDP})(?!\w)")
#: "first on the left, then 3 o'clock": a second place after "then" is where a movement ends
_THEN_END = re.compile(rf"\bthen\s+(?:(?:to|at|on|towards?)\s+)?(?:the\s+)?(?P<b>{_ENDP})(?!\w)")

_E_ANGLE_FULL = re.compile(
    rf"(?P<n>{_N}){_DEG}(?:\s*,?\s*(?:(?:to|on|towards?)\s+)?{_ART}?(?P<side>left|right)\b"
    rf"(?:\s+of\s+(?:the\s+)?{_REF_ADV}(?P<ref>centre|center|middle|front|behind|back|rear))?"
    r"|\s*(?:of\s+)?(?P<vd>upwards|up|above|downwards|down|below|elevation|azimuth)\b)?")
_E_SIDE_FULL = re.compile(rf"(?P<n>{_N})\s+(?:(?:to|on)\s+)?(?:the\s+)?(?P<side>left|right)\b")
_E_DIST_FULL = re.compile(rf"(?P<n>{_N})\s*-?\s*(?P<u>{_DISTU})\b(?:\s+away)?")
_E_COMP_FULL = re.compile(rf"(?:the\s+)?(?:due\s+)?(?P<c>{_COMP})\b")
_E_NAUT_FULL = re.compile(_NAUT_SIDED)
_E_BODY_FULL = re.compile(rf"(?:my|your)\s+{_BODY_SIDED}")
_E_CLOCK_FULL = re.compile(rf"(?P<h>{_N})(?::(?P<mm>[0-5]\d))?\s*{_CLOCKW}")
_N_AT_START = re.compile(_N)
_DIGIT = re.compile(r"\d")

# anything that could start an instruction (after normalize: number words are digits by then)
_TRIGGER = re.compile(
    r"\d|\b(?:north|south|east|west)|\ban?\s+(?:minute|second|hour)\b|clockwise|\bc?cw\b"
    r"|\b(?:once|twice|thrice)\b|\ba\s+(?:full|complete|whole|single)\b|\bfull\s+circle\b"
    r"|\b(?:port|starboard|astern|abeam)\b|\boff\s+the\s+bow\b"
    rf"|\b{_unnamed(_BODY_SIDED)}|\bback\s+of\s+(?:my|your|the\s+listener)|\bnape\b|stage\b")


# --------------------------------------------------------------------------------------------
# Evaluation helpers


def _num(s: str) -> float:
    return float(s)


def _dist_factor(unit: str) -> float:
    u = unit.lower()
    if u.startswith(("centi", "cm")):
        return _DIST_FACTOR["cm"]
    if u.startswith(("milli", "mm")):
        return _DIST_FACTOR["mm"]
    if u.startswith(("kilo", "km")):
        return _DIST_FACTOR["km"]
    if u in ("feet", "foot", "ft"):
        return _DIST_FACTOR["ft"]
    if u.startswith(("yard", "yd")):
        return _DIST_FACTOR["yd"]
    if u.startswith("inch"):
        return _DIST_FACTOR["in"]
    return _DIST_FACTOR["m"]


def _time_factor(unit: str) -> float:
    if unit.startswith(("ms", "msec", "milli")):
        return _TIME_FACTOR["ms"]
    if unit.startswith("m"):
        return _TIME_FACTOR["min"]
    if unit.startswith("h"):
        return _TIME_FACTOR["h"]
    return _TIME_FACTOR["s"]


def _clock_azimuth(hours: float) -> float | None:
    if not 0.0 <= hours <= 12.0:
        return None
    return wrap_azimuth(-30.0 * hours)


def _clock_at(h: str, mm: str | None) -> float | None:
    """The azimuth of clock position ``h[:mm]`` as matched ("10", "30"); None outside 0..12."""
    return _clock_azimuth(_num(h) + (int(mm) / 60.0 if mm else 0.0))


def _bearing(name: str) -> float | None:
    return _BEARINGS.get(name.replace(" ", "").replace("-", ""))


def _bearing_azimuth(bearing: float, facing: float) -> float:
    """A compass bearing (clockwise from north) as an azimuth for a listener facing ``facing``
    (conventions.md: azimuth = facing - bearing; with no facing stated, north is in front)."""
    return wrap_azimuth(facing - bearing)


def _angle_value(n: float, direction: str, ref: str | None, side: str | None) -> tuple[str, float, bool] | None:
    """(field, value, side used) of "N degrees <direction> [of <ref>] [<side>]"; None when ambiguous."""
    d = " ".join(direction.split())
    if d in _LEFT or d in _RIGHT:
        sign = 1.0 if d in _LEFT else -1.0
        if ref is not None and "clock" in ref:  # "10 degrees left of 12 o'clock"
            c = _E_CLOCK_FULL.fullmatch(ref)
            base = _clock_at(c.group("h"), c.group("mm")) if c else None
            return None if base is None else ("azimuth_deg", wrap_azimuth(base + sign * n), False)
        if ref is not None and ref.split()[-1] in _REF_BACK:
            return "azimuth_deg", wrap_azimuth(sign * (180.0 - n)), False
        return "azimuth_deg", wrap_azimuth(sign * n), False
    if d in _BACKS or d in _FRONTS:
        if side is None:  # only the two angles that need no side: "180 degrees behind", "0 degrees ahead"
            if n == (180.0 if d in _BACKS else 0.0):
                return "azimuth_deg", n, False
            return None
        sign = 1.0 if side == "left" else -1.0
        if d in _BACKS:
            # measured from straight behind, unless the number is already past the side
            # ("135 degrees back-right", "110 degrees rear left": counted from the front)
            return "azimuth_deg", wrap_azimuth(sign * (n if n > 90.0 else 180.0 - n)), True
        return "azimuth_deg", wrap_azimuth(sign * n), True
    if d in _UPS:
        return "elevation_deg", n, False
    if d in _DOWNS:
        return "elevation_deg", -abs(n), False
    if d == "elevation":
        return "elevation_deg", n, False
    if d == "azimuth":
        return "azimuth_deg", wrap_azimuth(n), False
    return None


def _sentence_around(t: str, a: int, b: int) -> tuple[int, str]:
    """The sentence of ``t`` that holds t[a:b], and where it starts."""
    start = max((e.end() for e in _SENTENCE_END.finditer(t, 0, a)), default=0)
    end = _SENTENCE_END.search(t, b)
    return start, t[start:end.start() if end else len(t)]


def _set_apart_azimuth(n: float, side: str | None, ref: str | None, off: bool, back: bool, front: bool) -> float | None:
    """The azimuth of an angle ``n`` set apart from its sentence's nearest ``side`` word (None: no side), with
    the reference after "off" and whether the sentence says behind / in front; None when that is ambiguous."""
    if side is None:  # only "straight ahead, 0 degrees" and "dead behind, 180 degrees" need no side
        return n if (n == 0.0 and front and not back) or (n == 180.0 and back and not front) else None
    sign = _SIDE_AZ[side] / 90.0
    from_back = ref in _REF_BACK if ref else off and back and not front  # "15 degrees off dead back"
    if from_back:
        return sign * (180.0 - n) if n <= 90.0 else None
    if (back and not front and n < 90.0 and ref is None) or (front and not back and n > 90.0):
        return None  # "behind me on the left, 30 degrees": from where?
    return sign * n


def _nautical_azimuth(side: str, part: str) -> float:
    """A vessel's relative bearing, the listener facing the bow: "port quarter" -> +135."""
    return math.copysign(_NAUTICAL_PART[part], _SIDE_AZ[side])


def _endpoint(s: str, facing: float) -> tuple[str, float, bool] | None:
    """(field, value, sided) of one explicit endpoint; field "bare" for a number without a unit."""
    s = s.strip()
    m = _E_CLOCK_FULL.fullmatch(s)
    if m:
        az = _clock_at(m.group("h"), m.group("mm"))
        return None if az is None else ("azimuth_deg", az, True)
    m = _E_ANGLE_FULL.fullmatch(s)
    if m:
        n = _num(m.group("n"))
        if m.group("side"):
            v = _angle_value(n, m.group("side"), m.group("ref"), None)
            return None if v is None else (v[0], v[1], True)
        if m.group("vd"):
            v = _angle_value(n, m.group("vd"), None, None)
            return None if v is None else (v[0], v[1], v[0] == "elevation_deg")
        return "azimuth_deg", wrap_azimuth(n), False
    m = _E_SIDE_FULL.fullmatch(s)
    if m:
        n = _num(m.group("n"))
        return "azimuth_deg", wrap_azimuth(n if m.group("side") == "left" else -n), True
    m = _E_DIST_FULL.fullmatch(s)
    if m:
        return "distance_m", _num(m.group("n")) * _dist_factor(m.group("u")), True
    m = _E_COMP_FULL.fullmatch(s)
    if m:
        b = _bearing(m.group("c"))
        return None if b is None else ("azimuth_deg", _bearing_azimuth(b, facing), True)
    m = _E_NAUT_FULL.fullmatch(s)
    if m:
        return "azimuth_deg", _nautical_azimuth(m.group("side"), m.group("part")), True
    m = _E_BODY_FULL.fullmatch(s)
    if m:
        return "azimuth_deg", _SIDE_AZ[m.group("side")], True
    if _N_AT_START.fullmatch(s):
        return "bare", _num(s), False
    return None


def _inherit(n: float, other: str, facing: float) -> tuple[str, float, bool] | None:
    """A bare number read with the unit and side of the other end of a from-to."""
    m = _N_AT_START.match(other)
    if m is None:  # the other end is a compass point: a bare number cannot share it
        return None
    return _endpoint(_fmt(n) + other[m.end():], facing)


class _Parse:
    """One pass over a normalised cue; each rule claims the characters it reads."""

    __slots__ = ("t", "taken", "values", "end", "kind", "duration", "direction", "turns", "facing")

    def __init__(self, t: str):
        self.t = t
        self.taken: list[tuple[int, int]] = []
        self.values: dict[str, float] = {}
        self.end: dict[str, float] = {}
        self.kind: str | None = None
        self.duration: float | None = None
        self.direction: str | None = None
        self.turns: float | None = None
        self.facing = 0.0

    def free(self, a: int, b: int) -> bool:
        for x, y in self.taken:
            if a < y and x < b:
                return False
        return True

    def take(self, a: int, b: int) -> None:
        self.taken.append((a, b))

    def set_value(self, name: str, v: float, a: int, b: int) -> bool:
        if name in self.values or not math.isfinite(v) or not self.free(a, b):
            return False
        if name == "azimuth_deg" and self.taken_back(a, b):
            self.take(a, b)  # nobody reads it again
            return False
        self.values[name] = wrap_azimuth(v) if name == "azimuth_deg" else v
        self.take(a, b)
        return True

    def taken_back(self, a: int, b: int) -> bool:
        """The place at a..b is one the note rejects: "not 7 o'clock", "I said 2 o'clock, that's wrong"."""
        return (_NOT_BEFORE.search(self.t, max(0, a - 40), a) is not None
                or _WRONG_AFTER.match(self.t, b) is not None)

    def rest(self) -> str:
        if not self.taken:
            return self.t
        chars = list(self.t)
        for a, b in self.taken:
            chars[a:b] = " " * (b - a)
        return "".join(chars)

    # -- the rules, in priority order ------------------------------------------------------

    def run(self) -> None:
        # Each rule runs only when a cheap substring test says it could match (speed: most cues
        # hold one or two instructions, and the daemon answers within milliseconds).
        t = self.t
        digit = _DIGIT.search(t) is not None
        compass = "north" in t or "south" in t or "east" in t or "west" in t
        if compass:
            for m in _FACING.finditer(t):
                b = _bearing(m.group("c"))
                if b is not None:
                    self.facing = b
                    self.take(*m.span())
                    break
        nautical = "port" in t or "starboard" in t or "astern" in t or "abeam" in t or "bow" in t
        body = "ear" in t or "back of" in t or "nape" in t or "stage" in t or " left " in t or " right " in t
        if digit or compass or nautical or body:
            self.from_to()
            self.to_end()
        if digit and ("clockwise" in t or "cw" in t):
            self.rotation_from_reference()
        if digit or "once" in t or "twice" in t or "thrice" in t or "full" in t:
            self.turns_rules()
        if digit or "minute" in t or "second" in t or "hour" in t:
            self.duration_rules()
        if "clockwise" in t or "cw" in t:
            self.orbit_direction()
        if not digit:
            if compass:
                self.compass()
            if nautical:
                self.nautical()
            if body:
                self.body()
            return
        if "drr" in t or "direct" in t:
            self.simple(_DRR, "drr_db", lambda m: _num(m.group("n")))
        if "db" in t or "gain" in t or "decibel" in t:
            self.gain()
        if "reverb" in t or "wet" in t or "dry" in t:
            self.wet()
        if "spread" in t or "wid" in t or "fan" in t or "aperture" in t or "extent" in t or "across" in t or "apart" in t:
            self.simple(_SPREAD_KW, "spread_deg", lambda m: abs(_num(m.group("n"))))
            self.simple(_SPREAD_POST, "spread_deg", lambda m: abs(_num(m.group("n"))))
        if "clock" in t or "o'c" in t or "past" in t or "quarter" in t or "position" in t:
            self.clock()
        if "az" in t or "el" in t or "alt" in t or "height" in t:
            self.azimuth_keywords()
        if "deg" in t or "\u00b0" in t:
            self.angles()
        elif " by " in t:
            self.dir_first()  # "pan it left by 30": a pan amount in degrees
        if "bearing" in t or "brg" in t or "heading" in t:
            self.bearing_degrees()
        self.pan_notation()
        if compass:
            self.compass()
        if nautical:
            self.nautical()
        if body:
            self.body()
        if "deg" in t or "\u00b0" in t:
            self.bare_angle()
        self.distance()

    def simple(self, rx: re.Pattern[str], name: str, value) -> None:
        if name in self.values:
            return
        for m in rx.finditer(self.t):
            if self.set_value(name, value(m), *m.span()):
                return

    def from_to(self) -> None:
        for m in _FROM_TO.finditer(self.t):
            if not self.free(*m.span()):
                continue
            a_txt, b_txt = m.group("a"), m.group("b")
            a = _endpoint(a_txt, self.facing)
            b = _endpoint(b_txt, self.facing)
            if a is None or b is None or (a[0] == "bare" and b[0] == "bare"):
                continue
            if a[0] == "bare":  # "from 30 to 60 degrees left": the start takes the end's unit
                a = _inherit(a[1], b_txt, self.facing)
            elif b[0] == "bare":
                b = _inherit(b[1], a_txt, self.facing)
            if a is None or b is None or a[0] != b[0]:
                continue
            name = a[0]
            if name in self.values or name in self.end:
                continue
            self.values[name] = a[1]
            self.end[name] = b[1]
            if name == "distance_m":
                if b[1] != a[1] and self.kind is None:
                    self.kind = "approach" if b[1] < a[1] else "recede"
            else:
                self.kind = "line"
            self.take(*m.span())

    def to_end(self) -> None:
        t = self.t
        ends = [(m, False) for m in _TO_END.finditer(t)]
        if "then" in t:
            ends += [(m, True) for m in _THEN_END.finditer(t)]
        for m, then in ends:
            if not self.free(*m.span()):
                continue
            # "to" needs a movement before it; "then" a movement anywhere ("first A, then B: it moves")
            if _MOTION_CONTEXT.search(t, 0, len(t) if then else m.start()) is None:
                continue
            e = _endpoint(m.group("b"), self.facing)
            if e is None or e[0] == "bare" or not e[2] or e[0] in self.end:
                continue
            self.end[e[0]] = e[1]
            self.take(*m.span())

    def turns_rules(self) -> None:
        t = self.t
        found: tuple[float, tuple[int, int]] | None = None
        for m in _TURNS.finditer(t):
            if self.free(*m.span()):
                found = abs(_num(m.group("n"))), m.span()
                break
        if found is None:
            m = _TURNS_FULL.search(t)
            if m and self.free(*m.span()):
                found = 1.0, m.span()
        if found is None and _ORBIT_CONTEXT.search(t) is not None:
            for m in _TURNS_DEG.finditer(t):
                if self.free(*m.span()):
                    found = abs(_num(m.group("n") or m.group("n2"))) / 360.0, m.span()
                    break
            if found is None:
                for m in _TURNS_WORD.finditer(t):
                    if self.free(*m.span()):
                        w = m.group("w")
                        found = (_TIMES[w] if w else abs(_num(m.group("n")))), m.span()
                        break
        if found is not None:
            self.turns = found[0]
            self.kind = "orbit"
            self.take(*found[1])

    def duration_rules(self) -> None:
        for rx in (_DURATION, _DURATION_ADJ):
            for m in rx.finditer(self.t):
                if not self.free(*m.span()):
                    continue
                n = 1.0 if m.groupdict().get("a") else _num(m.group("n"))
                if n <= 0:
                    continue
                self.duration = n * _time_factor(m.group("u"))
                self.take(*m.span())
                return

    def rotation_from_reference(self) -> None:
        for m in _ROT_FROM.finditer(self.t):
            n = _num(m.group("n"))
            ref = m.group("ref")
            sign = -1.0 if m.group("r") in ("clockwise", "cw") else 1.0
            if ref in ("behind", "back", "rear"):
                base = 180.0
            elif ref == "north":
                base = _bearing_azimuth(0.0, self.facing)
            else:
                base = 0.0
            if self.set_value("azimuth_deg", base + sign * n, *m.span()):
                return

    def bearing_degrees(self) -> None:
        for m in _BEARING_DEG.finditer(self.t):
            if self.set_value("azimuth_deg", _bearing_azimuth(_num(m.group("n")), self.facing), *m.span()):
                return

    def pan_notation(self) -> None:
        if "azimuth_deg" in self.values:
            return
        for m in _PAN_NOTATION.finditer(self.t):
            n = float(m.group("n1") or m.group("n2") or m.group("n3"))
            side = m.group("s1") or m.group("s2") or m.group("s3")
            if 0 < n <= 180 and self.set_value("azimuth_deg", n if side == "l" else -n, *m.span()):
                return

    def orbit_direction(self) -> None:
        ccw = next((m for m in _CCW.finditer(self.t) if self.free(*m.span())), None)
        cw = next((m for m in _CW.finditer(self.t) if self.free(*m.span())), None)
        if ccw and (cw is None or ccw.start() <= cw.start()):
            self.direction = "ccw"
        elif cw:
            self.direction = "cw"

    def gain(self) -> None:
        if "gain_db" in self.values:
            return
        for m in _GAIN_KW.finditer(self.t):
            if m.group("kw") != "gain" and not m.group("db"):
                continue
            if self.set_value("gain_db", _num(m.group("n")), *m.span()):
                return
        for m in _GAIN_DB.finditer(self.t):
            v = _num(m.group("n"))
            word = m.group("pre") or m.group("post")
            if word:
                v = -abs(v) if " ".join(word.split()).startswith(_NEG_STEMS) else abs(v)
            if self.set_value("gain_db", v, *m.span()):
                return

    def wet(self) -> None:
        if "wet" in self.values:
            return
        for rx in (_WET_PCT, _WET_KW):
            for m in rx.finditer(self.t):
                n = _num(m.group("n"))
                pct = rx is _WET_PCT or bool(m.groupdict().get("pct"))
                if m.group("kw") == "dry" and not pct:
                    continue
                x = n / 100.0 if (pct or n > 1.0) else n
                if m.group("kw") == "dry":
                    x = 1.0 - x
                if self.set_value("wet", x, *m.span()):
                    return

    def clock(self) -> None:
        if "azimuth_deg" in self.values:
            return
        for m in _CLOCK_BETWEEN.finditer(self.t):
            a1, a2 = _clock_at(m.group("h1"), m.group("m1")), _clock_at(m.group("h2"), m.group("m2"))
            if a1 is None or a2 is None:
                continue
            d = wrap_azimuth(a2 - a1)
            if abs(d) >= 179.0:  # opposite positions: no middle; neither end is the place either
                self.take(*m.span())
            elif self.set_value("azimuth_deg", a1 + d / 2.0, *m.span()):
                return
        for m in _CLOCK.finditer(self.t):
            if _REF_BEFORE.search(self.t, max(0, m.start() - 16), m.start()):
                continue  # "10 degrees left of 12 o'clock": a reference point, read by angles()
            az = _clock_at(m.group("h"), m.group("mm"))
            if az is not None and self.set_value("azimuth_deg", az, *m.span()):
                return
        for m in _CLOCK_PAST.finditer(self.t):
            h = float(m.group("h"))
            frac = 0.5 if m.group("q") == "half" else 0.25
            h = h + frac if m.group("rel") == "past" else h - frac
            az = _clock_azimuth(h % 12.0)
            if az is not None and self.set_value("azimuth_deg", az, *m.span()):
                return

    def azimuth_keywords(self) -> None:
        for m in _AZ_KW.finditer(self.t):
            n = _num(m.group("n"))
            if m.group("side") == "right" and m.group("n")[0] not in "+-":  # a signed number is canonical
                n = -n
            if self.set_value("azimuth_deg", n, *m.span()):
                break
        for m in _EL_KW.finditer(self.t):
            n = _num(m.group("n"))
            if m.group("vd") and m.group("vd") in _DOWNS:
                n = -abs(n)
            if self.set_value("elevation_deg", n, *m.span()):
                break

    def angles(self) -> None:
        # A number after an elevation verb or up/down is an elevation, whatever follows it
        # ("tilted up 65 degrees, at the left rear"): those claim their characters first.
        for m in _EL_VERB.finditer(self.t):
            n = abs(_num(m.group("n")))
            if self.set_value("elevation_deg", n if m.group("up") else -n, *m.span()):
                break
        self.dir_first(vertical=True)
        for m in _ANGLE.finditer(self.t):
            side = m.group("side")
            v = _angle_value(_num(m.group("n")), m.group("dir"), m.group("ref"), side)
            if v is None:
                continue
            name, value, side_used = v
            end = m.end() if side_used else max(m.end("dir"), m.end("ref") if m.group("ref") else 0)
            self.set_value(name, value, m.start(), end)
        self.dir_first(vertical=False)
        for m in _SIDE_AT.finditer(self.t):
            n, pre, side = abs(_num(m.group("n"))), m.group("pre"), m.group("side")
            if (side == "right" and pre is None) or (pre in ("rear", "back") and n <= 90.0):
                continue  # "right at 45 degrees": an intensifier; "rear left at 30": from where?
            if self.set_value("azimuth_deg", n if side == "left" else -n, *m.span()):
                break
        for m in _AT_FRONT_BACK.finditer(self.t):
            if self.set_value("azimuth_deg", float(m.group("n")), *m.span()):
                break
        for m in _SIGNED_ANGLE.finditer(self.t):  # claimed above when a direction word follows
            if self.set_value("azimuth_deg", _num(m.group("n")), *m.span()):
                break
        if "azimuth_deg" in self.values and "elevation_deg" not in self.values:
            for m in _AND_VERT.finditer(self.t):
                n = abs(_num(m.group("n")))
                if self.set_value("elevation_deg", n if m.group("vd") in _UPS else -n, *m.span()):
                    break

    def bare_angle(self) -> None:
        """An unsigned angle set apart from its side ("on the listener's left, about 75 degrees"): the side is the
        side word nearest to it in the same sentence. "N degrees off (dead) back" counts from behind; a bare
        angle below 90 in a sentence that says behind (or above 90 in one that says in front) is left unread."""
        if "azimuth_deg" in self.values:
            return
        t = self.t
        for m in _BARE_ANGLE.finditer(t):
            a, b = m.span("n")
            if not self.free(a, b):
                continue
            n = _num(m.group("n"))
            if n > 180.0:
                continue
            start, sentence = _sentence_around(t, a, m.end())
            sides = [(abs((start + s.start()) - a), s.group()) for s in _SIDE_WORD.finditer(sentence)]
            az = _set_apart_azimuth(n, min(sides)[1] if sides else None, m.group("ref"), m.group("off") is not None,
                                    _BACK_WORD.search(sentence) is not None, _FRONT_WORD.search(sentence) is not None)
            if az is not None and self.set_value("azimuth_deg", az, a, m.end()):
                return

    def dir_first(self, vertical: bool | None = None) -> None:
        """"left 30 degrees", "up by 10 degrees"; ``vertical`` keeps only up/down (True) or left/right (False)."""
        for m in _DIR_FIRST.finditer(self.t):
            d = m.group("dir")
            if vertical is not None and (d not in ("left", "right")) != vertical:
                continue
            n = m.group("n") or m.group("nb")
            v = _angle_value(_num(n), d, None, None)
            if v is not None:
                self.set_value(v[0], v[1], *m.span())

    def compass(self) -> None:
        if "azimuth_deg" in self.values:
            return
        for m in _COMPASS_DIR.finditer(self.t):
            b = _bearing(m.group("c") or m.group("c2") or m.group("c3"))
            if b is not None and self.place(_bearing_azimuth(b, self.facing), *m.span()):
                return

    def place(self, az: float, a: int, b: int) -> bool:
        """A worded place (compass, nautical, body, stage) is where a cue starts, unless the text says a movement
        ends there ("ends up on the starboard side", "then into my right ear", "... in the north at the end"):
        then it is the end, when something moves. True when it became the start."""
        t = self.t
        before = _END_BEFORE.search(t, max(0, a - 32), a)
        if before is None and not _END_AFTER.match(t, b):
            return self.set_value("azimuth_deg", az, a, b)
        moving = before is None or before.group("end_verb") is not None or _MOTION_CONTEXT.search(t, 0, a) is not None
        if not moving and before.group("to_word") is not None:
            return self.set_value("azimuth_deg", az, a, b)  # "a bell rings close to the port side": nothing moves
        if moving and "azimuth_deg" not in self.end and self.free(a, b):
            self.end["azimuth_deg"] = wrap_azimuth(az)
        self.take(a, b)
        return False

    def nautical(self) -> None:
        if "azimuth_deg" in self.values:
            return
        for m in _NAUTICAL.finditer(self.t):
            if m.group("astern"):
                az = 180.0
            elif m.group("bow"):
                az = 0.0
            else:
                if _ABAFT_BEFORE.search(self.t, max(0, m.start() - 12), m.start()):
                    continue  # "abaft the port beam": somewhere behind the beam, not on it
                az = _nautical_azimuth(m.group("side") or m.group("side2"), m.group("part") or "beam")
            if self.place(az, *m.span()):
                return

    def body(self) -> None:
        """A side of the listener's body, the back of the head, and stage directions when the listener
        faces the audience; ``place`` tells a start from the place where a movement ends."""
        if "azimuth_deg" in self.values:
            return
        found: list[tuple[int, int, float]] = []
        for m in _BODY_SIDE.finditer(self.t):
            found.append((*m.span(), _SIDE_AZ[m.group("side")]))
        for m in _BODY_BACK.finditer(self.t):
            found.append((*m.span(), 180.0))
        if "stage" in self.t and _FACING_HOUSE.search(self.t):
            for m in _STAGE.finditer(self.t):
                side = m.group("s1") or m.group("s2")
                lat = 0.0 if side is None else _SIDE_AZ[side]
                if m.group("ud") is None:
                    az = lat
                elif m.group("ud") == "up":
                    az = 180.0 if side is None else math.copysign(135.0, lat)
                else:
                    az = 0.0 if side is None else math.copysign(45.0, lat)
                found.append((*m.span(), az))
        for a, b, az in sorted(found):
            if self.place(az, a, b):
                return

    def distance(self) -> None:
        if "distance_m" in self.values:
            return
        for rx in (_DIST, _DIST_KW):
            for m in rx.finditer(self.t):
                n = _num(m.group("n"))
                if n <= 0:
                    continue
                f = _dist_factor(m.group("u")) if m.group("u") else 1.0
                if self.set_value("distance_m", n * f, *m.span()):
                    return

    def result(self) -> Instructions:
        names = [n for n in FIELDS if n in self.values]
        names += [f"motion.end.{k}" for k in _POSITION_FIELDS if k in self.end]
        if self.duration is not None:
            names.append("motion.duration_s")
        if self.direction is not None:
            names.append("motion.direction")
        if self.turns is not None:
            names.append("motion.turns")
        if not names:
            return Instructions()
        return Instructions(
            values=dict(self.values), motion_kind=self.kind, end=dict(self.end), duration_s=self.duration,
            direction=self.direction, turns=self.turns, explicit=tuple(names))


def parse_instructions_with_rest(text: str) -> tuple[Instructions, str]:
    """``parse_instructions(text)`` and the normalised text (lower case, number words as digits)
    with every character an instruction was read from blanked out, for a keyword pass to read
    without seeing the same words again ("30 degrees to the left" leaves no "left" behind)."""
    t = normalize(text)
    if _TRIGGER.search(t) is None:
        return Instructions(), t
    p = _Parse(t)
    p.run()
    return p.result(), p.rest()


def parse_instructions(text: str) -> Instructions:
    """What ``text`` states outright (see the module docstring for the grammar); never guesses."""
    return parse_instructions_with_rest(text)[0]

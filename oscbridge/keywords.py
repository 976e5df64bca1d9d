"""The keyword-rule baseline: direction, distance, room and motion words to a full parameter set.

This is the "keyword rule" row of the seed paper's Table 2 (Paik & Lee), improved, and the
daemon's predictor until a neural model lands. It reads English only; any other text (or
gibberish) gets the defaults, azimuth 0 (front) and a confidence of at most 0.2. Explicit
numbers always win: the cue's ``oscbridge.instructions`` are parsed first, the words they were
read from are hidden from the keyword pass, and the result is laid over the keyword guess.

Rules, all on whole words ("leftover", "write", "backing", "upbeat" are not directions):

Direction (canonical frame, +90 = left)
    left / right                              +90 / -90 ("hard", "far", "fully", "all the way" left: 90)
    slightly / a little / a bit left           +20;  "left of centre" +30
    front / ahead / in front / centre          0;    behind / rear / "the back" 180
    front + side, e.g. "front right"           -45;  "behind me on the left" +135
    "slightly behind on the left" +110, "front, slightly left" +20, "left, slightly in front" +70
    left and right both (no "from ... to")    0 with a wide spread ("on both sides"), low confidence
    above / overhead / up high / upstairs     +60 alone, +45 with a horizontal direction;
                                              "directly overhead", "straight up": +90 (+60 with one)
    below / beneath / under / downstairs      the same, negative; "slightly above" +20
Distance
    in my ear / whisper / up close / right next to 0.4 m;  near / close / nearby / beside 0.8 m
    a few metres away / across the room / not far  5 m;  far / distant / in the distance 15 m;
    very far / miles away / on the horizon     30 m;  otherwise 2 m (aircraft and thunder 20 m)
Level, room and width
    quiet / faint / soft -12 dB, very quiet / barely audible -18 dB, loud +3 dB, deafening +6 dB;
    the level also falls 7 dB per decade of distance beyond 2 m (rises nearer).
    cathedral / cave / canyon: wet 0.75; hall / church / tunnel / echo: wet 0.55;
    bathroom 0.45; outdoors 0.08; small room / dry / booth 0.05; anechoic 0.0; otherwise 0.2.
    wet grows and DRR falls with distance (wet x (d/2)^0.35, DRR - 8 dB per decade).
    spread: everywhere / all around / surrounding 360, both sides 180, diffuse / ambient 120,
    wide / rain / crowd / orchestra 90, narrow / pinpoint 0, otherwise 10.
Motion
    "from X to Y" / "X to Y" with direction words    line X -> Y ("passes by from left to right")
    circles / orbits / goes around / spins around    orbit, ccw unless "clockwise"; elevation capped
                                                      at 60 ("circles overhead" -> 60); no turns:
                                                      keeps going, one revolution per duration_s
    approaches / comes closer / towards me           approach from far (15 m when "far", else 10 m)
                                                      to near (1 m, or the near word's distance)
    recedes / moves away / fades into the distance   recede from 2 m (or near) to 20 m (or far)
    passes / drives past / flies by (no from-to)     line, front-side to back-side of the side
                                                      named, else left to right
    moves / pans / drifts ... to the X, pans left    line from the static direction to X
    rises up / into the sky, ascends, takes off      line to elevation +60; falls down / to the floor,
                                                      descends, sinks, dives: -45 (bare "rises" and
                                                      "falls" are about level: "the music rises")
    duration: very slowly 12 s, slowly 8 s, quickly 2 s, very quickly 1 s, otherwise 4 s
Confidence
    1.0 when the azimuth is explicit; of the (start) direction otherwise: 0.8 for a two-axis
    direction ("front right"), 0.75 for one horizontal word, 0.7 for a vertical word only or when
    only the end of a movement is named ("moves to the left"), 0.4 for left and right together,
    0.1 when there is no direction word at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from oscbridge.errors import CueError
from oscbridge.instructions import _CCW, _CW, Instructions, parse_instructions_with_rest
from oscbridge.params import Motion, Position, Prediction, SpatialParams

__all__ = ["KeywordPredictor", "predict_text"]

DEFAULT_DISTANCE_M = 2.0
DEFAULT_SPREAD_DEG = 10.0
DEFAULT_WET = 0.2
DEFAULT_DRR_DB = 6.0
DEFAULT_DURATION_S = 4.0
APPROACH_START_M = 10.0
APPROACH_END_M = 1.0
RECEDE_END_M = 20.0
ORBIT_MAX_ELEVATION_DEG = 60.0

CONFIDENCE_TWO_AXES = 0.8
CONFIDENCE_DIRECTION = 0.75
CONFIDENCE_VERTICAL = 0.7
CONFIDENCE_CONFLICT = 0.4
CONFIDENCE_NONE = 0.1

# --------------------------------------------------------------------------------------------
# Direction words

_SLIGHT = {"slightly", "a little", "a little bit", "a bit", "a touch", "a tad", "somewhat", "just", "barely",
           "a few degrees", "mildly"}
_STRONG = {"hard", "far", "extreme", "extremely", "fully", "full", "completely", "all the way", "directly",
           "straight", "dead", "due", "exactly", "totally", "squarely", "right", "way"}

_DIR = re.compile(
    r"\b(?:(?P<mod>slightly|a\s+little(?:\s+bit)?|a\s+bit|a\s+touch|a\s+tad|somewhat|just|barely|a\s+few\s+degrees"
    r"|mildly|hard|far|extreme|extremely|fully|full|completely|all\s+the\s+way|directly|straight|dead|due"
    r"|exactly|totally|squarely|(?<!the\s)(?<!my\s)(?<!your\s)(?<!our\s)(?<!his\s)(?<!her\s)right|way|high|low)"
    r"\s+(?:(?:to|towards?|toward|on|off|over|at|in)\s+)?(?:(?:the|my|your|our|his|her|their)\s+)?)?"
    r"\b(?:(?P<left>left(?:[\s-]hand(?:\s+side)?)?(?:\s+of\s+(?:the\s+)?(?:centre|center|middle))?)"
    r"|(?P<right>right(?:[\s-]hand(?:\s+side)?)?(?:\s+of\s+(?:the\s+)?(?:centre|center|middle))?)"
    r"|(?P<front>in\s+front|front|ahead|forwards?|straight\s+ahead|centre|center|centred|centered"
    r"|in\s+the\s+middle|before\s+(?:me|you|us))"
    r"|(?P<back>behind|rear|back)"
    r"|(?P<up>above|overhead|over\s+(?:my|your|our|his|her|the)\s+heads?|upper|upstairs|up|high|aloft"
    r"|skyward|on\s+the\s+ceiling|in\s+the\s+sky)"
    r"|(?P<down>below|beneath|underneath|under|lower|downstairs|down|underfoot|at\s+(?:my|your)\s+feet|low))\b")
_WORD_BEFORE = re.compile(r"([a-z']+)[\s-]*$")
_WORD_AFTER = re.compile(r"[\s-]*([a-z']+)")

_OWNER = {"the", "my", "your", "his", "her", "our", "their", "to", "far", "hard", "front", "back", "rear",
          "upper", "lower", "slightly", "extreme", "bottom", "top", "and", "its", "stage"}
_LEFT_VERB_NEXT = {"the", "a", "an", "it", "him", "her", "them", "alone", "over", "out", "us", "me", "for",
                   "home", "behind", "his", "their", "our", "its", "with", "unattended", "early", "off"}
_LEFT_VERB_PREV = {"has", "have", "had", "nothing", "anything", "something", "just", "then", "who", "they",
                   "he", "she", "we", "i", "you"}
_RIGHT_NOT_NEXT = {"here", "there", "now", "away", "next", "beside", "at", "by", "between", "across", "inside",
                   "outside", "out", "off", "into", "through", "where", "then", "after", "before", "when",
                   "as", "so", "up", "down", "behind", "above", "below", "overhead", "over", "under", "beneath",
                   "in", "on", "around", "near", "close", "against", "along", "onto"}
_RIGHT_NOT_PREV = {"all", "that's", "thats", "it's", "you're", "youre", "quite", "exactly", "is", "not"}
_BACK_PREV = {"the", "my", "your", "at", "from", "in", "to", "towards", "toward", "hard", "far", "directly",
              "straight", "right", "dead", "our", "his", "her", "their", "its"}
_BACK_NEXT = {"left", "right", "corner", "wall", "of", "side", "row", "centre", "center", "seat", "seats"}
_UP_NEXT = {"high", "above", "there", "overhead", "left", "right", "top", "in", "front", "behind"}
_UP_PREV = {"high", "way", "straight", "directly", "far", "looking"}
_DOWN_NEXT = {"below", "low", "there", "left", "right", "under", "beneath", "on", "in"}
_DOWN_PREV = {"low", "way", "straight", "directly", "far", "looking"}
_HIGH_NEXT = {"up", "above", "left", "right", "overhead", "on", "in", "to", "and"}
_LOW_NEXT = {"down", "below", "left", "right", "on", "in", "to", "and"}
_LOWER_NOT_NEXT = {"the", "it", "its", "volume", "gain", "level", "than", "them", "this", "that"}
_STRONG_VERTICAL = {"overhead", "on the ceiling"}


@dataclass
class _Words:
    """The direction words read from a text, before they are resolved into angles."""

    side: int = 0  # +1 left, -1 right, 0 none
    side_deg: float = 90.0  # 20 "slightly", 30 "left of centre"
    both_sides: bool = False
    fb: str | None = None  # "front" / "back"
    fb_slight: bool = False
    vert: int = 0  # +1 up, -1 down
    vert_level: str = "normal"  # "slight" / "normal" / "strong"

    def fill_from(self, other: "_Words") -> "_Words":
        """These words, with every axis they leave open taken from ``other``."""
        w = _Words(**vars(self))
        if not w.side and not w.both_sides and not other.both_sides:
            w.side, w.side_deg = other.side, other.side_deg
        if w.fb is None:
            w.fb, w.fb_slight = other.fb, other.fb_slight
        if not w.vert:
            w.vert, w.vert_level = other.vert, other.vert_level
        return w


@dataclass
class _Direction:
    azimuth_deg: float = 0.0
    elevation_deg: float = 0.0
    horizontal: bool = False  # a left/right/front/back word was read
    vertical: bool = False
    conflict: bool = False  # left and right both
    axes: int = 0  # 2 when both a side and a front/back were read

    @property
    def found(self) -> bool:
        return self.horizontal or self.vertical


def _prev_word(t: str, i: int) -> str:
    m = _WORD_BEFORE.search(t, max(0, i - 24), i)
    return m.group(1) if m else ""


def _next_word(t: str, j: int) -> str:
    m = _WORD_AFTER.match(t, j)
    return m.group(1) if m else ""


def _accept(kind: str, word: str, mod: str | None, t: str, i: int, j: int) -> bool:
    """Whether a direction word at t[i:j] is used as a direction (not "left the room", "come back")."""
    if mod is not None:
        return True
    prev, nxt = _prev_word(t, i), _next_word(t, j)
    if kind == "left":
        if word != "left":
            return True
        if prev in _LEFT_VERB_PREV:
            return False
        return not (nxt in _LEFT_VERB_NEXT and prev not in _OWNER)
    if kind == "right":
        if word != "right":
            return True
        if prev in _RIGHT_NOT_PREV:
            return False
        return not (nxt in _RIGHT_NOT_NEXT and prev not in _OWNER)
    if kind == "back" and word == "back":
        return prev in _BACK_PREV or nxt in _BACK_NEXT or t.startswith("-", j)
    if kind == "up":
        if word == "up":
            return nxt in _UP_NEXT or prev in _UP_PREV
        if word == "high":
            return nxt in _HIGH_NEXT or prev in ("up", "way", "on")
        return True
    if kind == "down":
        if word == "down":
            return nxt in _DOWN_NEXT or prev in _DOWN_PREV
        if word == "low":
            return nxt in _LOW_NEXT or prev in ("down", "way")
        if word == "lower":
            return nxt not in _LOWER_NOT_NEXT
        if word == "under":
            return not (nxt[:1].isdigit() or nxt in ("a", "an", "way", "control", "pressure"))
        return True
    return True


def _scan(t: str, lenient: bool = False) -> _Words:
    """The direction words of ``t`` (lower case); ``lenient`` takes every one as a direction
    (for the ends of a "from X to Y", where "back" and "up" cannot be anything else)."""
    w = _Words()
    for m in _DIR.finditer(t):
        kind = m.lastgroup
        if kind is None or kind == "mod":
            continue
        word = m.group(kind)
        mod = m.group("mod")
        if mod is not None:
            mod = " ".join(mod.split())
        if not lenient and not _accept(kind, word, mod, t, m.start(kind), m.end(kind)):
            continue
        slight = mod in _SLIGHT
        strong = mod in _STRONG
        if kind in ("left", "right"):
            s = 1 if kind == "left" else -1
            if w.side == 0:
                w.side = s
                if slight:
                    w.side_deg = 20.0
                elif " of " in word:
                    w.side_deg = 30.0
            elif w.side != s:
                w.both_sides = True
        elif kind in ("front", "back"):
            if w.fb is None:
                w.fb = kind
                w.fb_slight = slight
        elif w.vert == 0:
            w.vert = 1 if kind == "up" else -1
            v = " ".join(word.split())
            if slight:
                w.vert_level = "slight"
            elif strong or v in _STRONG_VERTICAL or v.startswith("over "):
                w.vert_level = "strong"
    return w


def _direction(t: str, lenient: bool = False) -> _Direction:
    """The static direction that the words of ``t`` (lower case) name."""
    return _resolve(_scan(t, lenient))


def _resolve(w: _Words) -> _Direction:
    side, side_deg, fb, fb_slight = w.side, w.side_deg, w.fb, w.fb_slight
    d = _Direction()
    if w.both_sides:
        d.conflict = True
        d.horizontal = True
        side = 0
    if side:
        d.horizontal = True
        if fb is None:
            az = side_deg
            d.axes = 1
        elif fb == "front":
            az = 20.0 if side_deg < 90.0 else (70.0 if fb_slight else 45.0)
            d.axes = 2
        else:
            az = 160.0 if side_deg < 90.0 else (110.0 if fb_slight else 135.0)
            d.axes = 2
        d.azimuth_deg = side * az
    elif fb is not None:
        d.horizontal = True
        d.axes = max(d.axes, 1)
        d.azimuth_deg = 0.0 if fb == "front" else 180.0
    if w.vert:
        d.vertical = True
        with_h = d.horizontal and not d.conflict
        if w.vert_level == "slight":
            el = 20.0
        elif w.vert_level == "strong":
            el = 60.0 if with_h else 90.0
        else:
            el = 45.0 if with_h else 60.0
        d.elevation_deg = w.vert * el
    return d


# --------------------------------------------------------------------------------------------
# Distance, level, room, width, speed: first match wins, in the order of the alternatives.

_DISTANCE = re.compile(
    r"\b(?:(?P<ignore>so\s+far|as\s+far\s+as|by\s+far|thus\s+far|far\s+(?:more|less|too|better|worse|louder"
    r"|quieter|greater|bigger|smaller|left|right|side|end|corner|wall)|close\s+(?:the|a|it|its|your|my)\b"
    r"|closer|nearer|closes|closing)"
    r"|(?P<very_far>(?:very|really|extremely|so|super)\s+(?:far|distant)|miles\s+away|far\s+far|on\s+the\s+horizon"
    r"|in\s+the\s+far\s+distance|way\s+off\s+in\s+the\s+distance)"
    r"|(?P<mid>a\s+few\s+(?:metres|meters|feet|steps|yards)\s+(?:away|off)|across\s+the\s+room|some\s+distance"
    r"|medium\s+distance|mid[\s-]distance|a\s+little\s+way\s+(?:off|away)|not\s+(?:too\s+|very\s+|that\s+)?far"
    r"|middle\s+distance)"
    r"|(?P<very_near>in\s+(?:my|your|the\s+listener's)\s+(?:left\s+|right\s+)?ears?|at\s+(?:my|your)\s+ears?"
    r"|whisper\w*|right\s+next\s+to|up\s+close|very\s+close|really\s+close|extremely\s+close|so\s+close"
    r"|intimate\w*|inches\s+(?:away|from)|very\s+near|right\s+beside)"
    r"|(?P<far>far(?:[\s-](?:away|off))?|faraway|distant|in\s+the\s+distance|afar|a\s+long\s+way\s+(?:off|away)"
    r"|remote|way\s+off|far\s+off)"
    r"|(?P<near>near(?:by)?|close(?:\s+by)?|close-up|beside\s+(?:me|you|us)|next\s+to\s+(?:me|you|us|the\s+listener)"
    r"|at\s+arm'?s\s+length|right\s+here))\b")
_DISTANCE_M = {"very_far": 30.0, "far": 15.0, "mid": 5.0, "near": 0.8, "very_near": 0.4}

_LOUDNESS = re.compile(
    r"\b(?:(?P<very_quiet>very\s+(?:quiet|soft|faint)(?:ly)?|barely\s+audible|almost\s+inaudible|faintly"
    r"|just\s+audible)"
    r"|(?P<very_loud>very\s+loud(?:ly)?|deafening|extremely\s+loud|ear[\s-]splitting|at\s+full\s+volume"
    r"|thunderous)"
    r"|(?P<quiet>quiet(?:ly)?|soft(?:ly)?|faint|muted|hushed|subtle|murmur\w*|low\s+volume|whisper\w*)"
    r"|(?P<loud>loud(?:ly)?|booming|blaring|roaring|shouting|screaming|yelling|banging|powerful))\b")
_LOUDNESS_DB = {"very_quiet": -18.0, "quiet": -12.0, "loud": 3.0, "very_loud": 6.0}

_ROOM = re.compile(
    r"\b(?:(?P<anechoic>anechoic|bone[\s-]dry|completely\s+dry|totally\s+dry|no\s+reverb|without\s+reverb)"
    r"|(?P<huge>cathedral|cave|cavern|canyon|cistern|huge\s+(?:hall|room|space)|vast\s+(?:hall|space)"
    r"|enormous\s+(?:hall|room|space)|dome)"
    r"|(?P<hall>(?:large|big|concert|empty|great)\s+(?:hall|room)|hall|church|chapel|tunnel|auditorium|stadium"
    r"|arena|gym(?:nasium)?|warehouse|parking\s+garage|garage|stairwell|echo\w*|reverberant|reverberating"
    r"|reverby|cavernous|underground|basement)"
    r"|(?P<bath>bathroom|shower|tiled|tile|kitchen)"
    r"|(?P<outdoor>outdoors?|outside|open\s+field|field|meadow|park|street|open\s+air|in\s+the\s+open|desert"
    r"|beach|forest|woods|garden)"
    r"|(?P<dry>small\s+room|closet|booth|dry|dead\s+room|padded|studio|close[\s-]mic\w*|bedroom|office"
    r"|inside\s+a\s+car|car\s+interior))\b")
_ROOM_WET_DRR = {
    "anechoic": (0.0, 25.0), "huge": (0.75, -8.0), "hall": (0.55, -2.0), "bath": (0.45, 0.0),
    "outdoor": (0.08, 14.0), "dry": (0.05, 16.0),
}

_SPREAD = re.compile(
    r"\b(?:(?P<point>narrow|focused|focussed|pinpoint|point\s+source|tight|pin[\s-]point)"
    r"|(?P<surround>everywhere|all\s+around|surround(?:s|ing)?\s+(?:me|you|us)?"
    r"|from\s+all\s+(?:directions|sides)|enveloping|envelops|immersive|fills\s+the\s+room|all\s+over)"
    r"|(?P<both>on\s+both\s+sides|both\s+sides|left\s+and\s+right|right\s+and\s+left|either\s+side)"
    r"|(?P<diffuse>diffuse|ambient|ambience|ambiance|atmosphere|washy|room\s+tone)"
    r"|(?P<wide>wide|broad|spacious|huge\s+sound|big\s+sound)"
    r"|(?P<source>rain|wind|crowd|applause|audience|ocean|sea|waves|surf|traffic|choir|orchestra|river|stream"
    r"|waterfall|storm|cheering|chorus))\b")
_SPREAD_DEG = {"point": 0.0, "surround": 360.0, "both": 180.0, "diffuse": 120.0, "wide": 90.0, "source": 90.0}
#: a width word beats a kind of sound ("rain everywhere" is everywhere, "a narrow stream" narrow)
_SPREAD_PRIORITY = ("surround", "point", "both", "wide", "diffuse", "source")

_SKY = re.compile(r"\b(?:airplane|aeroplane|plane|jet|helicopter|chopper|thunder|fireworks|airliner)s?\b")
SKY_ELEVATION_DEG = 30.0
SKY_DISTANCE_M = 20.0

_SPEED = re.compile(
    r"\b(?:(?P<very_slow>(?:very|extremely|really)\s+slow(?:ly)?|glacial\w*|at\s+a\s+crawl)"
    r"|(?P<very_fast>(?:very|extremely|really)\s+(?:fast|quick(?:ly)?|rapid(?:ly)?)|lightning|in\s+a\s+flash"
    r"|instant\w*)"
    r"|(?P<slow>slow(?:ly)?|gradual(?:ly)?|gentl[ey]|leisurely|lazily|lazy|unhurried|creep\w*|crawl\w*"
    r"|drift\w*|meander\w*)"
    r"|(?P<fast>fast|quick(?:ly)?|rapid(?:ly)?|swift(?:ly)?|speed(?:s|ing)|zoom\w*|whoosh\w*|whizz?\w*"
    r"|rac(?:es|ing)|rush\w*|dart\w*|sudden(?:ly)?|abrupt(?:ly)?|brisk(?:ly)?|hurr\w*))\b")
_SPEED_S = {"very_slow": 12.0, "slow": 8.0, "fast": 2.0, "very_fast": 1.0}

# --------------------------------------------------------------------------------------------
# Motion

_DIRWORD = (r"(?:left|right|front|back|rear|behind|ahead|above|below|overhead|beneath|underneath|up|down"
            r"|centre|center|middle|forwards?)")
_DIRP = (rf"(?:(?:{_DIRWORD}|slightly|hard|far|extreme|the|my|your|and|hand|side|of|me|you|us|in|a\s+bit"
         rf"|a\s+little)[\s-]+){{0,4}}{_DIRWORD}(?:[\s-]+(?:hand\s+side|side|corner|of\s+(?:me|you|us)|me|you|us))?")
_FROM_TO = re.compile(
    rf"\bfrom\s+(?:the\s+|my\s+|your\s+)?(?P<a>{_DIRP})\s+(?:(?:all\s+the\s+way|over|across|round|around|back)\s+)?"
    rf"(?:to|towards?|toward|into|till|until)\s+(?:the\s+|my\s+|your\s+)?(?P<b>{_DIRP})\b"
    r"|\b(?P<a2>left|right|front|back|behind)[\s-]+to[\s-]+(?:the\s+)?(?P<b2>left|right|front|back|behind)\b")
_TRAILING_PLACE = re.compile(
    r"\b(?:left|right)(?:[\s-]+hand)?(?:\s+side)?(?P<tail>\s+(?:behind|in\s+front|ahead|above|below|overhead"
    r"|beneath|underneath)\b.*)$")
_MOVE_VERB = (r"(?:mov(?:e|es|ed|ing)|pan(?:s|ned|ning)?|sweep(?:s|ing)?|swept|travel\w*|glid(?:e|es|ed|ing)"
              r"|drift\w*|fl(?:y|ies|ying|ew)|go(?:es|ing)?|went|swing(?:s|ing)?|swung|slid(?:e|es|ing)"
              r"|shift\w*|walk\w*|run(?:s|ning)?|driv(?:e|es|ing)|roll(?:s|ed|ing)?|crawl\w*|creep\w*"
              r"|wander\w*|float\w*|head(?:s|ed|ing)|turn(?:s|ed|ing)?|zoom\w*|whoosh\w*|rush\w*|dart\w*)")
_TO_DEST = re.compile(
    rf"\b{_MOVE_VERB}\s+(?:[a-z']+\s+){{0,3}}?(?:(?:over|across|round|around|off|back|away)\s+)?"
    rf"(?:to|towards?|toward|into)\s+(?:the\s+|my\s+|your\s+)?(?P<b>{_DIRP})\b"
    rf"|\b{_MOVE_VERB}\s+(?:(?:slowly|quickly|gradually|gently|smoothly)\s+)?"
    r"(?P<b2>(?:(?:hard|slightly|far|all\s+the\s+way)\s+)?(?:left|right))\b")
_ORBIT = re.compile(
    r"\b(?:circl(?:e|es|ed|ing)|orbit(?:s|ed|ing)?|revolv(?:e|es|ed|ing)|round\s+and\s+round"
    r"|around\s+and\s+around|in\s+(?:a\s+)?circles?|swirl(?:s|ed|ing)?|whirl(?:s|ed|ing)?"
    r"|(?:spin(?:s|ning)?|rotat(?:e|es|ed|ing)|go(?:es|ing)?|went|mov(?:e|es|ed|ing)|fl(?:y|ies|ying|ew)"
    r"|walk(?:s|ed|ing)?|run(?:s|ning)?|travel\w*|buzz(?:es|ed|ing)?|travels?|pans?|panning|sweep(?:s|ing)?"
    r"|zoom(?:s|ed|ing)?|swoop(?:s|ed|ing)?)\s+(?:(?:all\s+)?(?:a)?round)\s+(?:me|you|us|the\s+listener"
    r"|my\s+head|the\s+head|the\s+room|in\s+(?:a\s+)?circles?))\b")
_APPROACH = re.compile(
    r"\b(?:approach(?:es|ing|ed)?|com(?:e|es|ing)\s+(?:closer|nearer|near|in\s+close|up\s+to\s+(?:me|you|us)"
    r"|towards?\s+(?:me|you|us|the\s+listener))|gets?\s+(?:closer|nearer|louder)|getting\s+(?:closer|nearer"
    r"|louder)|draw(?:s|ing)?\s+(?:near|nearer|closer)|(?:mov(?:e|es|ing)|walk(?:s|ing)?|run(?:s|ning)?"
    r"|driv(?:e|es|ing)|fl(?:y|ies|ying)|roll(?:s|ing)?|head(?:s|ing)?|creep(?:s|ing)?|crawl(?:s|ing)?)\s+"
    r"(?:closer|nearer|(?:up\s+)?(?:towards?|to)\s+(?:me|you|us|the\s+listener))|closer\s+and\s+closer"
    r"|nears|nearing|grow(?:s|ing)\s+louder|arriv(?:e|es|ing))\b")
_RECEDE = re.compile(
    r"\b(?:reced(?:e|es|ing)|(?:mov(?:e|es|ing)|go(?:es|ing)?|walk(?:s|ing)?|driv(?:e|es|ing)|fl(?:y|ies|ying)"
    r"|run(?:s|ning)?|drift(?:s|ing)?|roll(?:s|ing)?|head(?:s|ing)?|float(?:s|ing)?|wander(?:s|ing)?)\s+"
    r"(?:off\s+)?away|fad(?:e|es|ing)\s+(?:away|out|off|into\s+the\s+distance)|into\s+the\s+distance"
    r"|gets?\s+(?:further|farther|quieter|fainter)|getting\s+(?:further|farther|quieter|fainter)"
    r"|depart(?:s|ing)?|leav(?:e|es|ing)|retreat(?:s|ing)?|further\s+and\s+further|farther\s+and\s+farther"
    r"|di(?:es|ing)\s+away|trail(?:s|ing)?\s+off|disappear(?:s|ing)?)\b")
_PASS = re.compile(
    r"\b(?:pass(?:es|ing|ed)?|(?:go(?:es|ing)?|went|driv(?:e|es|ing)|drove|fl(?:y|ies|ying|ew)|zoom(?:s|ing)?"
    r"|whoosh(?:es|ing)?|whizz?(?:es|ing)?|rush(?:es|ing)?|speed(?:s|ing)?|run(?:s|ning)?|walk(?:s|ing)?"
    r"|roll(?:s|ing)?|race(?:s|ing)?)\s+(?:by|past)|cross(?:es|ing)?|(?:go(?:es|ing)?|mov(?:e|es|ing)"
    r"|travel(?:s|ing)?|sweep(?:s|ing)?|pan(?:s|ning)?|fl(?:y|ies|ying))\s+across)\b")
# bare "rises" / "falls" are too often about level or pitch ("the music rises", "rain falls")
_RISE = re.compile(r"\b(?:ris(?:e|es|ing)\s+(?:up|into|above|overhead|high|skyward)|ascend(?:s|ing)?"
                   r"|lift(?:s|ing)?\s+off|tak(?:e|es|ing)\s+off|go(?:es|ing)?\s+up(?:wards?)?|climb(?:s|ing)?"
                   r"|float(?:s|ing)?\s+up)\b")
_FALL = re.compile(r"\b(?:fall(?:s|ing)?\s+(?:down|to\s+the\s+(?:floor|ground))|descend(?:s|ing)?|sink(?:s|ing)?"
                   r"|go(?:es|ing)?\s+down(?:wards?)?|drop(?:s|ping)?\s+down|dives?|diving|plunge(?:s|ing)?)\b")
RISE_ELEVATION_DEG = 60.0
FALL_ELEVATION_DEG = -45.0


def _first(rx: re.Pattern[str], t: str) -> str | None:
    """The name of the group of the first match of ``rx`` in ``t`` (skipping "ignore")."""
    for m in rx.finditer(t):
        if m.lastgroup != "ignore":
            return m.lastgroup
    return None


def _blank(t: str, a: int, b: int) -> str:
    return t[:a] + " " * (b - a) + t[b:]


def _log_ratio(d: float) -> float:
    return math.log10(d / DEFAULT_DISTANCE_M)


def predict_text(text: str) -> Prediction:
    """The keyword prediction of one cue, with its explicit instructions laid over it."""
    if not isinstance(text, str):
        raise CueError(f"a cue must be text, got {type(text).__name__}")
    instructions, t = parse_instructions_with_rest(text)
    return instructions.apply(_keyword_prediction(text, t, instructions))


def _keyword_prediction(text: str, t: str, ins: Instructions) -> Prediction:
    # -- motion phrases first: their direction words must not count as the static direction ----
    motion_kind: str | None = None
    start_dir: _Direction | None = None
    end_dir: _Direction | None = None
    static_t = t
    m = _FROM_TO.search(t)
    if m is not None:
        a_txt, b_txt = m.group("a") or m.group("a2"), m.group("b") or m.group("b2")
        # "from right to left behind me": "behind me" is where the whole path lies
        tail = _TRAILING_PLACE.search(b_txt)
        shared = ""
        if tail is not None:
            b_txt, shared = b_txt[:tail.start("tail")], tail.group("tail")
        wa, wb = _scan(a_txt, lenient=True), _scan(b_txt, lenient=True)
        a, b = _resolve(wa), _resolve(wb)
        if a.found and b.found:
            # the words outside the two ends fill the axes the ends leave open
            static_t = _blank(t, *m.span())
            rest = _scan(static_t + " " + shared)
            motion_kind, start_dir, end_dir = "line", _resolve(wa.fill_from(rest)), _resolve(wb.fill_from(rest))
    orbit = _ORBIT.search(t)
    if motion_kind is None and orbit is not None:
        motion_kind = "orbit"
    if motion_kind is None:
        if _APPROACH.search(t):
            motion_kind = "approach"
        elif _RECEDE.search(t):
            motion_kind = "recede"
    if motion_kind is None:
        m = _TO_DEST.search(t)
        if m is not None:
            g = "b" if m.group("b") is not None else "b2"
            b = _direction(m.group(g), lenient=True)
            if b.found:
                motion_kind, end_dir = "line", b
                static_t = _blank(t, m.start(g), m.end(g))
    passing = motion_kind is None and _PASS.search(t) is not None
    if passing:
        motion_kind = "line"
    rising = falling = False
    if motion_kind is None:
        rising = _RISE.search(t) is not None
        falling = not rising and _FALL.search(t) is not None
        if rising or falling:
            motion_kind = "line"

    here = _direction(static_t) if start_dir is None else start_dir

    # -- distance ----------------------------------------------------------------------------
    found_d = [(mm.lastgroup, _DISTANCE_M[mm.lastgroup]) for mm in _DISTANCE.finditer(t)
               if mm.lastgroup != "ignore" and mm.lastgroup is not None]
    sky = _SKY.search(t) is not None
    distance = found_d[0][1] if found_d else (SKY_DISTANCE_M if sky else DEFAULT_DISTANCE_M)
    far_d = next((d for _, d in found_d if d >= 5.0), None)
    near_d = next((d for _, d in found_d if d < DEFAULT_DISTANCE_M), None)
    end_distance = None
    if motion_kind == "approach":
        distance = far_d if far_d is not None else APPROACH_START_M
        end_distance = near_d if near_d is not None else APPROACH_END_M
    elif motion_kind == "recede":
        distance = near_d if near_d is not None else DEFAULT_DISTANCE_M
        end_distance = far_d if far_d is not None else RECEDE_END_M

    # -- direction ----------------------------------------------------------------------------
    azimuth, elevation = here.azimuth_deg, here.elevation_deg
    if not here.vertical and sky:
        elevation = SKY_ELEVATION_DEG
    if here.found:
        if here.conflict:
            confidence = CONFIDENCE_CONFLICT
        elif here.horizontal:
            confidence = CONFIDENCE_TWO_AXES if here.axes == 2 else CONFIDENCE_DIRECTION
        else:
            confidence = CONFIDENCE_VERTICAL
    else:
        confidence = CONFIDENCE_NONE
    if end_dir is not None and end_dir.found and confidence < CONFIDENCE_VERTICAL:
        confidence = CONFIDENCE_VERTICAL

    # -- level, room, width -------------------------------------------------------------------
    d_eff = ins.values.get("distance_m", distance)
    d_eff = min(max(d_eff, 0.1), 100.0)
    loud = _first(_LOUDNESS, t)
    gain = (_LOUDNESS_DB[loud] if loud else 0.0) - 7.0 * _log_ratio(d_eff)
    room = _first(_ROOM, t)
    wet0, drr0 = _ROOM_WET_DRR[room] if room else (DEFAULT_WET, DEFAULT_DRR_DB)
    wet = min(0.95, wet0 * (d_eff / DEFAULT_DISTANCE_M) ** 0.35)
    drr = drr0 - 8.0 * _log_ratio(d_eff)
    widths = {mm.lastgroup for mm in _SPREAD.finditer(t)}
    if motion_kind == "orbit":
        widths.discard("surround")  # "goes all around me": the motion, not the width
    width = next((w for w in _SPREAD_PRIORITY if w in widths), None)
    spread = _SPREAD_DEG[width] if width else DEFAULT_SPREAD_DEG
    if here.conflict and motion_kind is None:
        spread = max(spread, _SPREAD_DEG["both"])

    # -- motion -------------------------------------------------------------------------------
    speed = _first(_SPEED, t)
    duration = _SPEED_S[speed] if speed else DEFAULT_DURATION_S
    motion: Motion | None = None
    if motion_kind == "line":
        if passing:
            # an overhead pass goes side to side high up, not through the zenith
            elevation = max(min(elevation, ORBIT_MAX_ELEVATION_DEG), -ORBIT_MAX_ELEVATION_DEG)
            if here.horizontal and not here.conflict and here.azimuth_deg not in (0.0, 180.0):
                s = 1.0 if here.azimuth_deg > 0 else -1.0
                azimuth, end_az = s * 45.0, s * 135.0
            elif here.horizontal and here.azimuth_deg == 180.0:
                azimuth, end_az = 135.0, -135.0
            else:
                azimuth, end_az = 90.0, -90.0
            end = Position.clamped(end_az, elevation, distance)
        elif rising or falling:
            end = Position.clamped(azimuth, RISE_ELEVATION_DEG if rising else FALL_ELEVATION_DEG, distance)
        elif end_dir is not None:  # a from-to or a destination
            end_el = end_dir.elevation_deg if end_dir.vertical else elevation
            end_az = end_dir.azimuth_deg if end_dir.horizontal else azimuth
            end = Position.clamped(end_az, end_el, distance)
        else:
            end = Position.clamped(azimuth, elevation, distance)
        motion = Motion("line", duration, end)
    elif motion_kind == "orbit":
        elevation = max(min(elevation, ORBIT_MAX_ELEVATION_DEG), -ORBIT_MAX_ELEVATION_DEG)
        ccw, cw = _CCW.search(t), _CW.search(t)
        direction = "cw" if cw is not None and (ccw is None or cw.start() < ccw.start()) else "ccw"
        motion = Motion("orbit", duration, None, direction)
    elif motion_kind in ("approach", "recede") and end_distance is not None:
        motion = Motion(motion_kind, duration, Position.clamped(azimuth, elevation, end_distance))

    params = SpatialParams.clamped(
        azimuth_deg=azimuth, elevation_deg=elevation, distance_m=distance, spread_deg=spread,
        wet=wet, drr_db=drr, gain_db=gain)
    return Prediction(text=text, params=params, source=1, motion=motion, explicit=(), confidence=confidence)


class KeywordPredictor:
    """The keyword-rule baseline (``oscbridge.predictor.Predictor``): no model, no state."""

    name = "keyword"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [predict_text(t) for t in texts]

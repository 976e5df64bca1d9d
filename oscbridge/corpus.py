"""A seeded synthetic corpus of English spatial cues, every row labelled in the canonical frame.

The neural predictor is trained on this corpus. Each row is built scene first, text second: the
generator samples a scene (source, direction, elevation, distance, room, loudness, width, motion),
then renders a sentence from a template family that states exactly the parts it samples, so the
labels are exact, not guessed from the words.

Row (one JSON object per line in the .jsonl files)::

    {"text": str, "split": "train" | "valid" | "test",
     "family": str,            # template family id, e.g. "motion.line.03"
     "category": str,          # one of CATEGORIES
     "labels": {"azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db",
                "gain_db",     # the seven static fields of conventions.md §1, always all present
                "motion": null | {"kind", "duration_s", "end": {azimuth_deg, elevation_deg,
                                  distance_m}} (line, approach, recede)
                                | {"kind": "orbit", "duration_s", "direction": "ccw" | "cw",
                                   "turns": float | null},
                "direction_known": bool}}

API: ``generate(n, seed, split)``, ``write_jsonl`` / ``read_jsonl``, ``build_corpus(out_dir, ...)``;
``heldout_vocabulary(split)`` lists the strings that only that split may use, ``split_of(family)``
says where a family went. ``python -m oscbridge.corpus OUT_DIR`` writes the three files.

Categories: plain, paraphrase, numeric (degrees, clock, compass, canonical azimuth), long
(distractor clauses and whole context sentences that state no direction, distance or loudness), metaphorical, elevation,
distance, motion, imperative (mixing-desk commands), typo (a row of another category with one or
two slips, in about a third of them in a direction word, e.g. "lfet"; ``family`` is the family it
came from) and noise. Shares are ``CATEGORY_WEIGHTS``; about 35 % of rows move, about 8 % state no
direction ("a bird sings"), 2 % are noise.

Label rules (the choices the text cannot make on its own)
---------------------------------------------------------
- Static fields of a moving source are its start; ``motion.end`` is where it ends. Line motion keeps
  distance and elevation unless the text moves them (vertical families); approach/recede keep the
  direction. An orbit has no ``end``; ``direction`` is "ccw" unless the text says clockwise
  (ccw is the frame's positive sense, towards the left first); ``turns`` is null unless stated.
- Duration: an explicit "over 10 seconds" wins; otherwise slow words/verbs 8 s, moderate 4 s,
  fast 2 s, none stated 4 s.
- Directions: worded sectors have fixed centres (0, ±10, ±15, ±20, ±30, ±45, ±60, ±90, ±110,
  ±135, ±160, 180; "slightly left" 20, "just off centre to the right" -15, "over my left
  shoulder" 135). Clock: 12 = 0, 3 = -90, 9 = +90, "half past ten" = +45. Compass: with no facing
  stated, north = front; "facing east, from the north" = +90 (azimuth = facing - bearing).
  "azimuth N" is read in the canonical frame. Screen and camera words are the listener's own:
  "screen left" = +90. Stage directions (stage left/right) are never generated: they are ambiguous.
- ``direction_known`` is true when the text states an azimuth (or straight up/down, where azimuth
  is moot). When it does not (implied-default rows such as "a bird sings", orbits with no start,
  "all around me", noise) azimuth is 0 and ``direction_known`` is false.
- ``elevation_stated`` is true when the words give the height (an elevation phrase, a number, a
  vertical movement); when false, ``elevation_deg`` is the sound's default (aircraft up high, a
  mouse low), a prior the words never state.
- A field the text does not state gets the default of that kind of sound (a thunderclap is far,
  wide and loud, a mosquito close, faint and narrow; aircraft are up high) or of the room.
- Reverb follows the room and the distance: DRR = 20·log10(r_c / d) (clamped to ±30 dB) with the
  room's critical distance r_c, and wet = wet_max·(0.15 + 0.85·r) with r the reverberant share of
  energy, so farther is wetter and has a lower DRR. Wet words ("bone dry", "drenched in reverb")
  set wet directly and DRR = 10·log10((1 - wet) / wet).
- Noise rows (gibberish, other languages, chat with no sound in it) carry the neutral defaults
  of ``SpatialParams()``, no motion and ``direction_known`` false. The foreign sentences state no
  direction, so that label is true to them.

Split rule (what makes valid/test phrasings unseen in training)
---------------------------------------------------------------
- Template families are grouped by (category, sub-kind), e.g. ``motion.orbit`` or
  ``numeric.clock``; within each group a fixed shuffle (seeded by the group name, not by
  ``seed``) sends about 15 % of the families to valid, 15 % to test and the rest to train (at
  least one each). No family is shared between splits.
- Sound sources are partitioned about 80/10/10 by a CRC32 of the noun; a held-out noun that also
  occurs as a word inside any text train can produce (another noun, a verb, a frame, a phrase) is
  moved to train, so held-out nouns never occur in train text. Valid and test rows draw sources
  only from their own pool.
- Some phrases in the word lists carry ``@v`` / ``@t``: direction paraphrases ("over my left
  shoulder", "on my six"), rooms, distances, loudness, width, speed and elevation words. Train
  never uses them; valid/test use the shared phrases plus their own (favoured half the time).
  Distractor clauses and noise sentences are partitioned like sources.
- Phrasings are held out, not the words they are made of: the words of a held-out direction,
  elevation or distance phrase also occur in some other, shared phrase ("on the port side@t"
  is held out, "to port" is shared; "a bit aft on the left@t" / "dead aft"). A model cannot
  learn a word it never reads, and this encoder does not know that port is left (its
  embedding of "on the port side" is as close to "on the right" as to "on the left"). Left
  unseen on purpose: one-word phrases ("underfoot"), the idiom "on my six" (the word six is
  seen, as a number), "half-left", and a few words ("surround", "neck", "edge of hearing",
  "valley", "plumb").
- The split assignment is fixed by the module, not by ``seed``: every seed gives the same split,
  so a corpus regenerated with another seed never leaks test phrasings into train.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from oscbridge.params import Motion, Position, SpatialParams, wrap_azimuth

CATEGORIES = (
    "plain", "paraphrase", "numeric", "long", "metaphorical", "elevation", "distance",
    "motion", "imperative", "typo", "noise",
)
SPLITS = ("train", "valid", "test")

#: share of rows per category (exact quotas per call of ``generate``)
CATEGORY_WEIGHTS: dict[str, float] = {
    "plain": 0.10, "paraphrase": 0.10, "numeric": 0.11, "long": 0.08, "metaphorical": 0.07,
    "elevation": 0.07, "distance": 0.07, "motion": 0.26, "imperative": 0.07, "typo": 0.05,
    "noise": 0.02,
}
#: within a category, the share of rows drawn from families that state no direction
NODIR_SHARE: dict[str, float] = {
    "plain": 0.13, "paraphrase": 0.07, "long": 0.06, "metaphorical": 0.07, "elevation": 0.15,
    "distance": 0.17, "motion": 0.08, "imperative": 0.07, "numeric": 0.0,
}
MAX_TEXT_CHARS = 400
SLOW_S, MODERATE_S, FAST_S = 8.0, 4.0, 2.0
_SPEED_S = {"slow": SLOW_S, "moderate": MODERATE_S, "fast": FAST_S}

# ---------------------------------------------------------------------------------------------
# Held-out tags and word lists
# ---------------------------------------------------------------------------------------------


def _tag(text: str) -> tuple[str, str | None]:
    """'phrase@t' -> ('phrase', 'test'); '@v' -> valid; untagged phrases are shared."""
    if text.endswith("@t"):
        return text[:-2], "test"
    if text.endswith("@v"):
        return text[:-2], "valid"
    return text, None


class _Vocab:
    """Phrases with a payload each; some held out for valid or test (see the split rule)."""

    def __init__(self, entries: Iterable[tuple[str, Any]]):
        self.entries: list[tuple[str, str | None, Any]] = []
        for text, value in entries:
            phrase, split = _tag(text)
            self.entries.append((phrase, split, value))
        self._pools: dict[str, tuple[list, list]] = {}

    @classmethod
    def of(cls, phrases: Iterable[str], value: Any = None) -> "_Vocab":
        return cls((p, value) for p in phrases)

    def pools(self, split: str) -> tuple[list, list]:
        if split not in self._pools:
            shared = [(p, v) for p, s, v in self.entries if s is None]
            held = [(p, v) for p, s, v in self.entries if s == split and split != "train"]
            self._pools[split] = (shared, held)
        return self._pools[split]

    def usable(self, split: str) -> bool:
        shared, held = self.pools(split)
        return bool(shared or held)

    def pick(self, rng: random.Random, split: str, where=None) -> tuple[str, Any]:
        shared, held = self.pools(split)
        if where is not None:
            shared = [e for e in shared if where(e[1])]
            held = [e for e in held if where(e[1])]
        if not shared and not held:
            raise LookupError("no phrase fits")
        if held and (not shared or rng.random() < 0.5):
            return rng.choice(held)
        return rng.choice(shared)

    def heldout(self, split: str) -> list[str]:
        return [p for p, s, _ in self.entries if s == split]

    def phrases(self, split: str | None = None) -> list[str]:
        """Every phrase usable by ``split`` (all of them when None)."""
        return [p for p, s, _ in self.entries if split is None or s is None or s == split]


_MIRROR = {"left": "right", "right": "left", "port": "starboard", "starboard": "port"}
_MIRROR_RE = re.compile(r"\b(left|right|port|starboard)\b")


def _mirror(text: str) -> str:
    return _MIRROR_RE.sub(lambda m: _MIRROR[m.group(1)], text)


# ---------------------------------------------------------------------------------------------
# Directions: worded sectors (left side written out, right side mirrored)
# ---------------------------------------------------------------------------------------------
# (azimuth, loc phrases, from phrases, bare endpoint phrases for "from X to Y")
# A loc phrase follows a verb ("barks ___"); a from phrase is its "from ___" form (derived from
# the loc phrase when the list is empty); bare phrases fill "from ___ to ___".
_SECTORS_LEFT: list[tuple[float, list[str], list[str], list[str]]] = [
    (10, ["a touch to the left", "a hair left of centre@t", "a whisker to the left@v",
          "a tiny bit left of straight ahead", "a whisker left of centre"],
         ["from a touch to the left", "from a tiny bit left of straight ahead"], []),
    (15, ["just off centre to the left", "just left of centre", "barely left of centre"],
         ["from just left of centre", "from just off centre to the left"], []),
    (20, ["slightly to the left", "slightly left", "a little to the left", "a bit to the left",
          "panned slightly left", "slightly left of centre", "a little left of straight ahead",
          "a shade to the left@v", "a few degrees off to the left@t",
          "a tad to the left", "a shade left of centre"],
         ["from slightly left", "from a little to the left", "from slightly left of centre",
          "from a bit to the left"],
         ["slightly left", "a little to the left"]),
    (30, ["left of centre", "off to the left of centre", "a bit left of centre@v",
          "between straight ahead and the front left"],
         ["from left of centre", "from off to the left of centre"],
         ["left of centre"]),
    (45, ["at my front left", "ahead and to the left", "to the front left", "in front of me on the left",
          "diagonally ahead to the left", "ahead on my left", "forward left", "front left",
          "ahead of me to the left", "half-left@t", "up ahead to the left@v"],
         ["from the front left", "from ahead and to the left", "from my front left",
          "from in front on the left", "from up ahead to the left@v", "from half-left@t"],
         ["front left", "the front left", "my front left"]),
    (60, ["to the left and a little in front", "mostly to my left, slightly ahead",
          "well to the left but still in front", "left and a bit forward@v",
          "more left than ahead@t", "more to my left than in front of me"],
         ["from the left and a little in front", "from mostly my left, slightly ahead"], []),
    (90, ["to my left", "on my left", "on the left", "to the left", "on my left side",
          "on the left-hand side", "directly to my left", "beside me on the left",
          "to my immediate left", "on your left", "to your left", "on your left side",
          "hard left", "far left", "fully left", "screen left", "camera left", "off to the left",
          "out to the left", "at my left", "on the port side@t", "a quarter turn to my left@t",
          "on my left flank@v", "level with my left ear@v",
          "to port", "off to port", "over to port", "by my left flank", "a quarter of a turn to my left"],
         ["from my left", "from the left", "from the left-hand side", "from my left side",
          "from your left", "from hard left", "from far left", "from screen left",
          "from off to the left", "from directly to my left", "from the port side@t",
          "from my left flank@v", "from port", "from off to port"],
         ["left", "the left", "my left", "hard left", "far left", "the left side", "screen left"]),
    (110, ["to my left and slightly behind", "left and a little behind me", "on my left, slightly back",
           "just past my left side, towards the back", "beside me and slightly back on the left@v",
           "a bit aft on the left@t"],
          ["from my left and slightly behind", "from left and a little behind me"], []),
    (135, ["behind me on the left", "back left", "to the back left", "at the back left", "rear left",
           "behind and to the left", "behind me to the left", "to my left rear", "in the back left corner",
           "left rear", "behind my left shoulder", "over my left shoulder@t", "diagonally behind me to the left@t",
           "at the left rear@v", "back and to the left@v"],
          ["from behind me on the left", "from the back left", "from the rear left",
           "from behind and to the left", "from my left rear", "from behind my left shoulder", "from over my left shoulder@t",
           "from the left rear@v"],
          ["back left", "the back left", "rear left", "the rear left", "behind me on the left"]),
    (160, ["almost straight behind, a touch to the left", "behind me, slightly left",
           "just left of directly behind", "mostly behind me, a little left",
           "behind me and a hair to the left@t", "a little left of dead behind@v"],
          ["from behind me, slightly left", "from just left of directly behind"], []),
]
_SECTORS_CENTRE: list[tuple[float, list[str], list[str], list[str]]] = [
    (0, ["in front of me", "straight ahead", "dead ahead", "directly in front of me", "ahead of me",
         "in front", "dead centre", "dead center", "front and centre", "right in front of me",
         "in the centre", "straight in front", "directly ahead", "centre screen", "in the middle",
         "smack in front of me@t", "bang in the middle@v", "right on the nose@t", "twelve o'clock straight on@v",
         "straight off my nose", "smack in the middle", "bang in front of me"],
        ["from the front", "from straight ahead", "from in front of me", "from dead ahead",
         "from directly ahead", "from the centre", "from up ahead", "from the middle",
         "from smack in front of me@t", "from bang in the middle@v"],
        ["the front", "in front", "in front of me", "straight ahead", "dead ahead", "the centre", "centre"]),
    (180, ["behind me", "directly behind me", "right behind me", "at my back", "behind", "straight behind me",
           "behind my back", "in back of me", "at the back", "to the rear", "dead behind me",
           "on my six@t", "behind my head@v", "dead aft", "aft of me"],
          ["from behind", "from behind me", "from the rear", "from directly behind", "from the back",
           "from right behind me", "from my six@t", "from behind my head@v", "from dead aft"],
          ["behind", "behind me", "the back", "the rear", "directly behind me"]),
]


def _from_form(loc: str) -> str:
    for prep in ("to ", "on ", "at "):
        if loc.startswith(prep):
            return "from " + loc[len(prep):]
    return "from " + loc


def _to_form(loc: str) -> str | None:
    """The "send it ___" form, or None when the loc phrase has none."""
    if loc.startswith("to "):
        return loc
    if loc.startswith(("on ", "at ")):
        return "to " + loc[3:]
    return None


@dataclass(frozen=True)
class _Sector:
    azimuth_deg: float
    loc: _Vocab
    frm: _Vocab
    bare: _Vocab
    to: _Vocab
    weight: float


def _make_sector(az: float, loc: list[str], frm: list[str], bare: list[str]) -> _Sector:
    frm = frm or [_from_form(p[:-2]) + p[-2:] if _tag(p)[1] else _from_form(p) for p in loc]
    to = []
    for p in loc:
        phrase, split = _tag(p)
        t = _to_form(phrase)
        if t:
            to.append(t + ("@" + split[0] if split else ""))
    weight = 2.0 if az in (0, 90, -90, 135, -135, 180, 45, -45) else 1.0
    return _Sector(az, _Vocab.of(loc), _Vocab.of(frm), _Vocab.of(bare), _Vocab.of(to), weight)


def _build_sectors() -> list[_Sector]:
    out = [_make_sector(az, *lists) for az, *lists in _SECTORS_CENTRE]
    for az, loc, frm, bare in _SECTORS_LEFT:
        out.append(_make_sector(az, loc, frm, bare))
        out.append(_make_sector(-az, [_mirror(p) for p in loc], [_mirror(p) for p in frm],
                                [_mirror(p) for p in bare]))
    return out


SECTORS = _build_sectors()

# Pan words of a mixing desk: (azimuth, phrases), left side; numbers are added when rendering.
_PAN_LEFT = [
    (90, ["hard left", "all the way left", "fully left", "full left", "left", "to the left",
          "hard to the left@v", "to the far left@t"]),
    (20, ["slightly left", "a little left", "a touch left", "a tad left@t", "just a bit left@v"]),
    (135, ["to the rear left", "into the back left", "to the left surround@t", "into the left rear@v",
           "into the left surrounds"]),
]
_PAN_CENTRE = [
    (0, ["centre", "center", "dead centre", "dead center", "to the middle", "down the middle",
         "to the centre", "straight up the middle@t", "to the phantom centre@v",
         "to a phantom centre"]),
    (180, ["to the rear", "behind the listener", "into the back", "to the rear centre@t",
           "to the back wall@v"]),
]
PAN_WORDS = _Vocab(
    [(p, az) for az, ps in _PAN_CENTRE for p in ps]
    + [(p, az) for az, ps in _PAN_LEFT for p in ps]
    + [(_mirror(p), -az) for az, ps in _PAN_LEFT for p in ps]
)

# Compass points: (name, bearing clockwise from north); a facing turns them into azimuths.
_COMPASS = [
    ("north", 0.0), ("north-northeast", 22.5), ("northeast", 45.0), ("east-northeast", 67.5),
    ("east", 90.0), ("east-southeast", 112.5), ("southeast", 135.0), ("south-southeast", 157.5),
    ("south", 180.0), ("south-southwest", 202.5), ("southwest", 225.0), ("west-southwest", 247.5),
    ("west", 270.0), ("west-northwest", 292.5), ("northwest", 315.0), ("north-northwest", 337.5),
]
_CARDINALS = ("north", "east", "south", "west")

# ---------------------------------------------------------------------------------------------
# Elevation, distance, rooms, wetness, loudness, width
# ---------------------------------------------------------------------------------------------
# (elevation, loc phrases, from phrases, environment or None (any), "in" = indoors only)
_ELEVATION: list[tuple[float, list[str], list[str], str | None]] = [
    (90, ["directly overhead", "straight above me", "right above my head", "directly above me",
          "straight up", "at the zenith@t", "bang overhead@v",
          "up at the very zenith"],
         ["from directly overhead", "from straight above", "from directly above me", "from the zenith@t"], None),
    (65, ["overhead", "high above", "high up", "up high", "high overhead", "way up above me@v",
          "up in the rafters@t", "among the roof rafters"],
         ["from high above", "from overhead", "from up high", "from way up above me@v"], None),
    (60, ["near the ceiling", "up at the ceiling", "on the ceiling", "up by the light fittings@t", "near the light fittings"],
         ["from the ceiling", "from up near the ceiling"], "in"),
    (45, ["above me", "above", "up above", "above my head", "raised up", "up above me",
          "elevated well above me@v"],
         ["from above", "from up above", "from above my head"], None),
    (20, ["slightly above", "a little above ear level", "slightly raised", "just above head height",
          "a bit higher than my head@v", "a touch above ear level@t",
          "higher than my ears"],
         ["from slightly above", "from a little above ear level"], None),
    (0, ["at ear level", "at head height", "level with my ears", "at ear height"],
        ["from ear level", "from head height"], None),
    (-20, ["slightly below", "a little below ear level", "slightly lowered", "just below ear level",
           "a tad under ear level@t"],
          ["from slightly below", "from just below ear level"], None),
    (-30, ["below", "below me", "down low", "low down", "beneath ear level", "around knee height@v"],
          ["from below", "from down low", "from below me"], None),
    (-45, ["on the floor", "down at floor level", "at floor level", "near the floor@v"],
          ["from the floor", "from floor level"], "in"),
    (-60, ["under my feet", "beneath me", "beneath my feet", "below my feet", "underfoot@t", "down around the ankles"],
          ["from under my feet", "from beneath me", "from underfoot@t"], None),
    (-90, ["directly below me", "straight below me", "straight down", "directly underneath me",
          "right beneath my feet, straight down", "plumb below me@v"],
          ["from directly below", "from straight below me"], None),
]
ELEVATION_LOC = _Vocab((p, (el, env)) for el, loc, _, env in _ELEVATION for p in loc)
ELEVATION_FROM = _Vocab((p, (el, env)) for el, _, frm, env in _ELEVATION for p in frm)
# endpoints of vertical motion: (phrase, elevation, env)
VERTICAL_ENDS = _Vocab([
    ("the floor", (-45, "in")), ("below me", (-30, None)), ("under my feet", (-60, None)),
    ("knee height", (-30, None)), ("ear level", (0, None)), ("head height", (0, None)),
    ("above me", (45, None)), ("overhead", (65, None)), ("directly overhead", (90, None)),
    ("the ceiling", (60, "in")), ("high above", (65, None)), ("floor level", (-45, "in")),
    ("my ankles@t", (-60, None)), ("the rafters@v", (65, "in")),
])

# (distance_m, phrases, env)
_DISTANCE: list[tuple[float, list[str], str | None]] = [
    (0.3, ["in my ear", "at my ear", "close enough to whisper in my ear", "whispering in my ear", "an inch from my ear@t",
           "millimetres from my ear@v", "an inch away", "millimetres away"], None),
    (0.5, ["very close", "right next to me", "up close", "very near", "right beside me",
           "practically touching me@v", "breathing down my neck@t",
           "almost touching me"], None),
    (0.7, ["within arm's reach", "at arm's length"], None),
    (1.0, ["close", "close by", "close to me", "near me", "quite close"], None),
    (1.5, ["nearby", "not far away", "not far off", "a step away", "a stride away@v", "one stride away"], None),
    (2.0, ["a couple of metres away", "a short distance away", "a couple of meters away",
           "a couple of paces off"], None),
    (4.0, ["a few metres away", "a few meters away", "a few paces away@v", "a handful of metres off@t",
           "a handful of steps away"], None),
    (6.0, ["across the room", "on the other side of the room", "at the far side of the room@t"], "in"),
    (10.0, ["some distance away", "a stone's throw away", "a little way off"], None),
    (15.0, ["far away", "far off", "a long way away", "far", "distant"], None),
    (20.0, ["a long way off", "way over there", "quite far away@v",
            "over yonder"], None),
    (25.0, ["down the street", "down the road"], "out"),
    (40.0, ["in the distance", "very far away", "very far", "far in the distance",
            "way off in the distance", "far, far away", "a great distance away@t",
            "at a great distance"], None),
    (50.0, ["across the field", "at the other end of the park@v"], "out"),
    (60.0, ["in the far distance", "at the very edge of hearing@t"], None),
    (80.0, ["on the horizon", "out on the horizon", "near the horizon@v"], "out"),
    (100.0, ["miles away", "across the valley@t"], "out"),
]
DISTANCE_WORDS = _Vocab((p, (d, env)) for d, ps, env in _DISTANCE for p in ps)
# approach / recede end points: (phrase, distance, env)
NEAR_ENDS = _Vocab([
    ("right next to me", (0.5, None)), ("close by", (1.0, None)), ("arm's length", (0.7, None)),
    ("my ear", (0.3, None)), ("right beside me", (0.5, None)), ("a metre away", (1.0, None)),
    ("nearly touching me@t", (0.4, None)), ("within reach@v", (0.7, None)),
])
FAR_ENDS = _Vocab([
    ("far away", (20.0, None)), ("the distance", (40.0, None)), ("a long way off", (20.0, None)),
    ("across the room", (6.0, "in")), ("the horizon", (80.0, "out")), ("the far end of the street", (30.0, "out")),
    ("the edge of hearing@t", (60.0, None)), ("way off yonder@v", (40.0, None)),
])


@dataclass(frozen=True)
class _Room:
    key: str
    critical_m: float  # critical distance: DRR is 0 dB there
    wet_max: float
    max_distance_m: float
    env: str  # "in" or "out"


_ROOMS: list[tuple[_Room, list[str]]] = [
    (_Room("booth", 8.0, 0.12, 3.0, "in"),
     ["in a dry vocal booth", "in a dead booth", "in an anechoic chamber", "in a treated booth@v",
      "in a padded recording booth@t"]),
    (_Room("small", 1.5, 0.35, 4.0, "in"),
     ["in a small room", "in a tiny room", "in a bedroom", "in a small office", "in a cramped cupboard@t",
      "in a box room@v"]),
    (_Room("bathroom", 1.0, 0.6, 3.0, "in"), ["in a bathroom", "in a tiled bathroom", "in a shower stall@v"]),
    (_Room("living", 2.5, 0.35, 7.0, "in"),
     ["in a living room", "in my living room", "in a lounge", "in a kitchen", "in an apartment",
      "in a cosy den@t"]),
    (_Room("studio", 3.0, 0.4, 10.0, "in"),
     ["in a studio live room", "in a recording studio", "in a rehearsal room"]),
    (_Room("classroom", 2.5, 0.45, 12.0, "in"), ["in a classroom", "in a meeting room", "in an office@v"]),
    (_Room("hall", 5.0, 0.75, 40.0, "in"),
     ["in a concert hall", "in a big hall", "in an auditorium", "in a theatre", "in an opera house@t"]),
    (_Room("church", 3.0, 0.95, 60.0, "in"),
     ["in a cathedral", "in a huge church", "in a stone church", "in a chapel", "in a vaulted abbey@t",
      "in a basilica@v"]),
    (_Room("cave", 2.0, 0.9, 50.0, "in"),
     ["in a cave", "in a cavern", "in a deep cave", "in a stone crypt@t", "in a mine shaft@v"]),
    (_Room("tunnel", 2.0, 0.85, 100.0, "in"),
     ["in a tunnel", "in a long tunnel", "in an underpass", "in a subway tunnel", "in a sewer pipe@t"]),
    (_Room("stairwell", 1.5, 0.8, 15.0, "in"),
     ["in a stairwell", "in a concrete stairwell", "in a lift shaft@v"]),
    (_Room("garage", 2.5, 0.8, 50.0, "in"),
     ["in a parking garage", "in a car park", "in an underground garage"]),
    (_Room("gym", 3.0, 0.75, 60.0, "in"),
     ["in a gymnasium", "in a sports hall", "in an empty warehouse", "in a warehouse",
      "in a drained swimming pool@v", "in an aircraft hangar@t"]),
    (_Room("outdoor", 30.0, 0.08, 100.0, "out"),
     ["outdoors", "outside", "in an open field", "in a meadow", "on a beach", "in the desert",
      "on a mountain top@t", "in the open air@v"]),
    (_Room("forest", 10.0, 0.3, 100.0, "out"),
     ["in a forest", "in the woods", "in a jungle", "in a pine forest@v", "in a bamboo grove@t"]),
    (_Room("street", 8.0, 0.3, 100.0, "out"),
     ["on a city street", "in a busy street", "in a town square", "in a courtyard", "in an alley@v"]),
]
ROOM_WORDS = _Vocab((p, room) for room, ps in _ROOMS for p in ps)
_DEFAULT_ROOM = {"in": _Room("default-in", 3.0, 0.4, 100.0, "in"),
                 "out": _Room("default-out", 20.0, 0.12, 100.0, "out")}

WET_WORDS = _Vocab([
    ("with lots of reverb", 0.7), ("drenched in reverb", 0.9), ("soaked in reverb", 0.9),
    ("bone dry", 0.03), ("completely dry", 0.03), ("dry", 0.08), ("with a touch of reverb", 0.2),
    ("slightly wet", 0.3), ("wet", 0.6), ("very wet", 0.8), ("with a long echoing tail", 0.75),
    ("with no reverb at all", 0.0), ("with a hint of room@v", 0.15), ("swimming in echo@t", 0.85),
    ("cavernously wet@t", 0.9), ("totally dead and dry@v", 0.02),
])
LOUD_WORDS = _Vocab([
    ("barely audible", -36.0), ("almost inaudible", -40.0), ("very faintly", -28.0), ("faintly", -24.0),
    ("faint", -24.0), ("very quietly", -20.0), ("quietly", -15.0), ("quiet", -15.0), ("softly", -10.0),
    ("soft", -10.0), ("in a whisper", -30.0), ("at a normal level", 0.0), ("at normal volume", 0.0),
    ("loudly", 4.0), ("loud", 4.0), ("very loudly", 8.0), ("very loud", 8.0), ("booming", 8.0),
    ("blaring", 9.0), ("deafening", 12.0), ("deafeningly loud", 12.0), ("at full volume", 10.0),
    ("in a hush@v", -20.0), ("thunderously@v", 10.0), ("at a murmur@t", -22.0),
    ("ear-splittingly loud@t", 12.0),
])
WIDTH_WORDS = _Vocab([
    ("as a point source", 0.0), ("pinpoint", 2.0), ("pin-sharp", 2.0), ("tightly focused", 4.0),
    ("focused", 6.0), ("narrow", 10.0), ("fairly narrow", 20.0), ("fairly wide", 60.0), ("wide", 90.0),
    ("broad", 100.0), ("spread wide", 120.0), ("very wide", 150.0), ("diffuse", 200.0),
    ("wide and diffuse", 200.0), ("like a wall of sound", 180.0), ("enveloping", 270.0),
    ("razor-thin@t", 1.0), ("billowing and huge@t", 220.0), ("huge and spacious@v", 160.0),
    ("needle-thin@v", 1.0),
])
# "all around me": spread 360 and no direction
AROUND_WORDS = _Vocab.of(["all around me", "everywhere", "from every direction", "surrounding me",
                          "all over the place", "on all sides@t", "wrapped around me@v"])

# ---------------------------------------------------------------------------------------------
# Motion words
# ---------------------------------------------------------------------------------------------
# (singular verb, speed class or None); plurals are derived
_MOVE_VERBS: dict[str, list[tuple[str, str | None]]] = {
    "generic": [("moves", None), ("travels", None), ("passes", None), ("goes", None), ("slides", None),
                ("sweeps", None), ("drifts", "slow"), ("creeps", "slow"), ("crawls", "slow"),
                ("glides", "slow"), ("wanders", "slow"), ("zooms", "fast"), ("whizzes", "fast"),
                ("races", "fast"), ("darts", "fast"), ("streaks", "fast"), ("shoots", "fast"),
                ("rushes", "fast")],
    "drive": [("drives", None), ("rolls", None), ("speeds", "fast"), ("crawls", "slow"), ("cruises", None)],
    "fly": [("flies", None), ("soars", None), ("flutters", None), ("swoops", "fast"), ("hovers", "slow")],
    "walk": [("walks", None), ("runs", "fast"), ("strolls", "slow"), ("wanders", "slow"), ("dashes", "fast")],
}
SPEED_WORDS = _Vocab([
    ("slowly", "slow"), ("very slowly", "slow"), ("lazily", "slow"), ("gradually", "slow"),
    ("at a leisurely pace", "slow"), ("unhurriedly@v", "slow"), ("at a snail's pace@t", "slow"),
    ("steadily", "moderate"), ("at a steady pace", "moderate"), ("at a walking pace", "moderate"),
    ("at a moderate speed", "moderate"), ("at an even clip@t", "moderate"),
    ("quickly", "fast"), ("rapidly", "fast"), ("fast", "fast"), ("swiftly", "fast"), ("in a flash", "fast"),
    ("at high speed", "fast"), ("in a rush@v", "fast"), ("like a bullet@t", "fast"),
])
ORBIT_DIRECTIONS = _Vocab([
    ("", "ccw"), ("", "ccw"), (" clockwise", "cw"), (" clockwise", "cw"), (" counter-clockwise", "ccw"),
    (" counterclockwise", "ccw"), (" anticlockwise", "ccw"), (" anti-clockwise", "ccw"),
    (" in a clockwise direction", "cw"), (" in a counter-clockwise direction", "ccw"),
    (" widdershins@t", "ccw"), (" sunwise@v", "cw"),
])
ORBIT_TURNS = _Vocab([
    ("", None), ("", None), ("", None), (" once", 1.0), (" twice", 2.0), (" three times", 3.0),
    (" one full turn", 1.0), (" one full circle", 1.0), (" halfway round", 0.5),
    (" for two full laps", 2.0), (" one and a half times", 1.5), (" four times", 4.0),
    (" a full revolution", 1.0), (" a couple of laps@v", 2.0), (" thrice@t", 3.0),
])
_DURATIONS = [0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 45, 60, 90]
_DURATION_FORMS = ["over {n} {sec}", "in {n} {sec}", "in {n} s", "over {n}s", "within {n} {sec}",
                   "taking {n} {sec}", "over the course of {n} {sec}", "for {n} {sec}", "over {w} {sec}"]

# ---------------------------------------------------------------------------------------------
# Sound sources
# ---------------------------------------------------------------------------------------------
# "@group key=value..." sets defaults; a line is "noun | verb, verb | key=value ...".
# Noun prefix: "~" mass noun (no "a", singular verb), "+" plural (no "a", plural verb).
# d distance m, w spread deg, g gain dB, e elevation deg, env in/out, mv walk/drive/fly/generic/static
_SOURCE_TABLE = """
@animal d=8 w=10 g=0 e=0 env=out mv=walk
dog | barks, growls, whines
puppy | yaps, whimpers | d=3
cat | meows, purrs, hisses | d=3 g=-6 env=in
kitten | mews | d=2 g=-10 env=in
cow | moos | d=15
horse | neighs, whinnies | d=12
donkey | brays | d=12
goat | bleats
sheep | bleats | d=10
pig | grunts, oinks
rooster | crows | d=12
hen | clucks | d=4
duck | quacks | d=6
goose | honks
turkey | gobbles
wolf | howls | d=40 g=2
coyote | yips | d=30
fox | screams, yelps | d=20
lion | roars | d=20 g=6
tiger | growls, snarls | g=4
bear | growls, roars | g=4
elephant | trumpets | d=20 g=6 w=20
monkey | chatters, screeches
gorilla | hoots, grunts
frog | croaks | d=5 g=-6
toad | croaks | d=4 g=-8
snake | hisses | d=1.5 g=-12 e=-20
rattlesnake | rattles | d=2 g=-8 e=-25
seal | barks | d=12
whale | sings, moans | d=40 w=40
dolphin | clicks, squeaks | d=10
mouse | squeaks, scratches | d=1 g=-18 e=-30 env=in
rat | scratches, squeaks | d=2 g=-14 e=-30 env=in
hamster | squeaks, gnaws | d=1 g=-16 env=in
guinea pig | squeals | d=1 g=-12 env=in
squirrel | chitters | d=6 e=20
raccoon | rummages, chitters | d=5
hyena | cackles, laughs | d=25
bat | squeaks | d=6 e=30 mv=fly
camel | grumbles, groans | d=10
deer | snorts, bellows | d=20
moose | bellows | d=30
llama | hums | d=6
parrot | squawks, talks | d=3 env=in mv=fly
horse and cart | clatters | d=12 mv=drive
+hooves | clatter | d=12 w=15
+frogs | croak | d=15 w=120
+wolves | howl | d=50 w=90 g=4
+dogs | bark | d=20 w=60
@bird d=10 w=5 g=-4 e=20 env=out mv=fly
bird | sings, chirps, tweets
songbird | sings, warbles
sparrow | chirps
robin | sings
blackbird | sings, whistles
crow | caws
raven | croaks, caws | d=15
magpie | chatters
seagull | cries, squawks | d=15 e=30
pigeon | coos | d=4 e=10
dove | coos | d=5
owl | hoots | d=15
woodpecker | drums, taps | e=30
cuckoo | calls | d=25
nightingale | sings
lark | trills | e=45 d=20
eagle | screeches | e=50 d=40
hawk | screeches, cries | e=50 d=40
canary | trills | d=2 e=0 env=in
flock of starlings | chatters, murmurs | w=90 d=20
peacock | screams | e=0
heron | croaks | e=0
swan | hisses | e=0 d=5
chick | peeps | d=1 e=-20 g=-14
cockatoo | screeches | d=5
hummingbird | buzzes, whirs | d=1 g=-14
loon | wails, calls | d=40
kookaburra | laughs, cackles | d=20
+geese | honk | e=40 d=40 w=60
+gulls | shriek, cry | d=25 w=60 e=30
@insect d=1 w=3 g=-14 e=5 env=out mv=fly
mosquito | whines, buzzes | d=0.5 g=-18
bee | buzzes
bumblebee | drones, buzzes
wasp | buzzes
hornet | buzzes, drones
fly | buzzes
horsefly | buzzes
cricket | chirps | d=4 e=-10
cicada | drones, buzzes | d=6 e=20
grasshopper | chirps | d=3 e=-20
dragonfly | whirs | d=2
moth | flutters | d=0.8 g=-24
beetle | clicks | d=1 e=-20
swarm of bees | drones | w=60 d=3 g=-6
+locusts | buzz | w=120 d=10 g=-4
+crickets | chirp | w=150 d=8 g=-10 e=-10
+cicadas | drone | w=180 d=10 g=-6 e=20
@vehicle d=15 w=25 g=4 e=0 env=out mv=drive
car | drives, hums, idles
sports car | roars, revs | g=8
truck | rumbles, rattles | g=6
lorry | rumbles | g=6
bus | idles, rumbles
motorbike | revs, roars | g=8
motorcycle | roars, growls | g=8
scooter | buzzes, putters
moped | putters
tractor | chugs | d=25
train | rumbles, clatters | d=30 w=60 g=6
steam train | chuffs, whistles | d=30 w=50 g=6
goods train | rumbles | d=40 w=70
tram | rattles, dings | d=12
subway train | screeches, rumbles | d=20 env=in
bicycle | rattles, whirs | d=4 g=-8
bicycle bell | rings | d=4 g=-2 w=2
skateboard | rolls, clacks | d=4 g=-4
ambulance | wails | g=6 d=30
police siren | wails | g=8 d=30
fire engine | blares | g=8 d=30
ice cream van | chimes, jingles | d=20
taxi | honks
car horn | honks, blares | w=5 g=6
go-kart | whines, buzzes | d=20
race car | screams, roars | g=8 d=30
tank | rumbles, grinds | d=30 g=8
bulldozer | rumbles, grinds | d=20 g=6
excavator | grinds, beeps | d=20
forklift | beeps, whines | d=8 env=in
garbage truck | beeps, clanks | d=20
speedboat | roars | d=30 g=6
motorboat | putters | d=25
ferry | rumbles, hoots | d=60 w=60
jet ski | whines | d=30
horse-drawn carriage | clatters | d=12
rickshaw | rattles | d=8
delivery van | idles | d=10
@aircraft d=60 w=40 g=6 e=45 env=out mv=fly
airplane | drones, roars
aeroplane | drones
jet | roars, screams | g=8
fighter jet | screams, roars | g=10
helicopter | thumps, chops, whirs | d=40 e=40
propeller plane | drones, buzzes
airliner | rumbles | d=80
hot air balloon | hisses, roars | e=50 d=30
quadcopter | buzzes, whines | d=10 e=20 g=-4
rocket | roars | d=100 e=30 g=10
blimp | hums, drones | d=60
seaplane | drones | d=50 e=20
@instrument d=4 w=15 g=0 e=0 env=in mv=generic
violin | plays, sings
viola | plays
cello | plays, hums
double bass | plays, thrums
flute | plays, trills
piccolo | trills, shrills
clarinet | plays
oboe | plays
bassoon | plays, grumbles
saxophone | plays, wails
trumpet | blares, plays | g=4
trombone | slides, blares | g=4
French horn | plays, calls
tuba | oompahs, plays
harmonica | wails, plays
accordion | wheezes, plays
+bagpipes | drone, wail | g=6 d=10 env=out
piano | plays
grand piano | plays | w=25
harpsichord | plays
pipe organ | thunders, plays | w=90 d=12 g=4
harp | ripples, plays
acoustic guitar | strums, plays
guitar | strums, plays
electric guitar | wails, chugs
bass guitar | thumps, plays
ukulele | strums
banjo | twangs, plays
mandolin | trills, plays
sitar | drones, plays
lute | plays
drum | thumps, beats
bass drum | booms | g=4
drum kit | plays, pounds | w=30 g=4
+timpani | rumble, roll | w=30 g=4
djembe | thumps
triangle | dings, chimes
xylophone | plinks, plays
glockenspiel | chimes, tinkles
marimba | plays
vibraphone | shimmers
gong | crashes, shimmers | g=6 w=30
cowbell | clanks
+castanets | click
+maracas | rattle
kalimba | plinks
music box | tinkles, plays | d=1 g=-10
synthesizer | drones, pulses
theremin | wails, warbles
didgeridoo | drones
steel drum | plays, rings
recorder | squeaks, plays
+panpipes | play, breathe
string quartet | plays | w=40
brass band | plays | w=60 g=6
orchestra | plays, swells | w=120 d=15
jazz band | plays | w=50
marching band | plays | w=60 g=6 env=out
harpist | plays
busker | plays, sings | env=out
music | plays
@voice d=2 w=8 g=-3 e=0 env=in mv=walk
man | talks, speaks, coughs
woman | laughs, sings, talks
child | giggles, shouts
baby | cries, coos | d=1.5
toddler | babbles
old man | mutters, coughs
old woman | hums
girl | sings, laughs
boy | shouts, whistles
teenager | mumbles
stranger | whispers | g=-20 d=1
narrator | speaks, narrates
announcer | speaks, announces | g=3
newsreader | reads the headlines
preacher | preaches | g=4 d=8
opera singer | sings | g=6 d=8
soprano | sings | g=4 d=8
tenor | sings | d=8
rapper | raps
beatboxer | beatboxes
auctioneer | rattles off prices
drill sergeant | barks orders | g=8 d=5
teacher | explains, lectures
waiter | calls out an order
street vendor | calls out, haggles | env=out d=6
someone | whistles, snores, sneezes
person | coughs, sneezes, hiccups
voice | calls my name, whispers
lover | whispers sweet nothings | g=-18 d=0.5
podcaster | talks, rambles
comedian | tells a joke
toddler's rattle | rattles | d=1 g=-10
@crowd d=10 w=120 g=0 e=0 env=out mv=generic
crowd | cheers, murmurs, roars
audience | applauds, claps | env=in d=8
choir | sings | w=90 env=in d=8
group of children | plays, laughs | w=60
stadium crowd | roars, chants | w=200 d=30 g=6
+protesters | chant | w=150 d=20
cocktail party | chatters, buzzes | w=150 env=in
+people | chat, laugh | w=90
+football fans | sing, chant | w=150 d=25
congregation | sings | env=in w=150
busy market | bustles | w=180
+commuters | shuffle, chatter | w=120
+schoolchildren | shriek, laugh | w=120
@nature d=20 w=90 g=0 e=0 env=out mv=static
~rain | falls, patters | w=300 d=5 e=30
~drizzle | patters | w=300 d=5 e=30 g=-8
~thunder | rumbles, cracks | d=40 w=180 g=8 e=30
~wind | howls, whistles, gusts | w=240 mv=generic
~breeze | sighs | w=200 g=-10 mv=generic
storm | rages | w=300 g=6
~hail | clatters | w=300 e=30
waterfall | roars | w=60
stream | babbles, trickles | d=5 w=40 g=-6
river | rushes, flows | w=90
brook | babbles | d=6 w=40 g=-8
ocean | roars | w=180 d=30
+waves | crash, lap | w=150 d=15
fire | crackles | d=3 w=30
campfire | crackles, pops | d=2 w=20
bonfire | roars, crackles | d=6 w=40
+leaves | rustle | w=60 d=4 mv=generic
tree | creaks | d=6 w=10
branch | snaps | d=5 w=5
volcano | rumbles | d=100 w=90 g=10
avalanche | thunders | d=60 w=120 g=8
geyser | hisses, erupts | d=30
glacier | groans | d=60
~ice | cracks | d=10
marsh | bubbles | d=8
mud pool | bubbles, blurps | d=3 w=20
sandstorm | howls | w=300 g=4
~water | drips, trickles | d=2 w=5 g=-10 env=in
fountain | splashes, gurgles | d=8 w=30
~surf | crashes | w=160 d=20
rockfall | clatters | d=40 w=40
@machine d=3 w=15 g=-4 e=0 env=in mv=static
washing machine | spins, thumps
dishwasher | hums, sloshes
fridge | hums
refrigerator | hums
freezer | buzzes
microwave | hums, beeps
kettle | whistles, boils
coffee machine | gurgles, hisses
espresso machine | hisses
blender | whirs, roars | g=2
vacuum cleaner | drones, roars | g=2 mv=generic
hair dryer | whooshes, whines
desk fan | whirs
ceiling fan | whirs | e=70
air conditioner | hums
heater | ticks, clicks
radiator | knocks, clanks
boiler | rumbles
printer | whirs, clunks
photocopier | whirs, hums
computer | beeps, hums
hard drive | clicks, whirs | d=1 g=-18
typewriter | clacks | d=1.5
sewing machine | rattles, whirs
clock | ticks | g=-12
alarm clock | rings, beeps | g=4 d=1.5
grandfather clock | chimes, ticks
cuckoo clock | chimes, calls
doorbell | rings, chimes
telephone | rings
mobile phone | rings, vibrates | d=1
smartphone | buzzes, pings | d=1
pager | beeps | d=1
smoke alarm | beeps, shrieks | g=6 e=60
fire alarm | blares | g=8 w=60 e=40
car alarm | blares | env=out d=20 g=6
radio | plays, crackles
television | drones, murmurs
record player | crackles, plays
tape deck | hisses, whirs
jukebox | plays
drill | whines, screeches | g=4
power drill | whirs | g=4
jackhammer | pounds, rattles | g=8 env=out d=15
chainsaw | roars, whines | g=8 env=out d=10
lawnmower | drones, buzzes | env=out d=10 mv=drive
leaf blower | roars | env=out d=10 mv=generic
circular saw | screams | g=6
angle grinder | shrieks | g=6
hammer | bangs, pounds
nail gun | thwacks
sander | buzzes
generator | drones | env=out d=10
compressor | chugs
pump | thumps
conveyor belt | rattles | w=40
stamping press | thuds | g=6
elevator | dings, hums
escalator | hums, clanks
vending machine | hums, clunks
cash register | dings, rings
arcade machine | bleeps
pinball machine | dings, rattles
slot machine | jingles
robot vacuum | bumps, whirs | e=-30 mv=walk
sprinkler | hisses, ticks | env=out
foghorn | blares | d=40 g=8 env=out
steam whistle | shrieks | d=20 g=6 env=out
+church bells | ring, peal | d=30 w=40 e=20 g=6 env=out
bell | rings, tolls | d=10
school bell | rings
+sleigh bells | jingle | d=4 mv=generic
siren | wails | d=30 g=6 env=out
air raid siren | wails | d=60 w=80 g=10 env=out
metronome | ticks | d=1.5 g=-10
wind turbine | whooshes | d=60 e=30 env=out
@foley d=2 w=5 g=-6 e=0 env=in mv=generic
+footsteps | echo, shuffle, crunch | mv=walk
+high heels | click | mv=walk
door | creaks, slams | mv=static
gate | creaks, clangs | env=out mv=static
window | rattles | mv=static
floorboard | creaks | e=-45 mv=static
+stairs | creak | mv=static
+keys | jingle
+coins | clink, jingle
glass | shatters, breaks
wine glass | clinks, rings
plate | smashes
+dishes | clatter
~cutlery | clinks
pot lid | rattles, clangs
frying pan | sizzles
~bacon | sizzles
~paper | rustles
newspaper | rustles
book | thuds, falls
+pages | flip, flutter
pen | scratches, clicks | d=0.7 g=-16
pencil | scratches | d=0.7 g=-16
zipper | zips
~velcro | rips
+scissors | snip
knife | chops
+ice cubes | clink
soda can | hisses, pops
bottle | pops, clinks
cork | pops
tap | drips, runs
shower | hisses, patters | w=30
toilet | flushes
bathtub | drains, gurgles
sink | gurgles
balloon | pops
~bubble wrap | pops
chair | creaks, scrapes
drawer | squeaks, slides shut
cupboard | bangs shut
umbrella | snaps open
match | strikes, flares | d=1 g=-12
lighter | clicks, flicks | d=1 g=-12
candle | sputters, flickers | d=1 g=-24
keyboard | clacks, clatters
computer mouse | clicks
camera shutter | clicks
+handcuffs | click
pistol | fires, cracks | g=8 d=15
rifle | cracks | g=10 d=40
shotgun | booms | g=10 d=20
cannon | booms | g=12 d=60 env=out
+fireworks | crackle, pop, bang | d=60 e=45 w=120 g=6 env=out
firecracker | pops, bangs | d=10 env=out
explosion | booms, thunders | d=60 g=12 w=60 env=out
sword | clangs, swishes
+chains | rattle
whip | cracks
+marbles | roll, clatter
basketball | bounces
ping pong ball | pings, bounces
bowling ball | rolls
+dice | rattle
deck of cards | flutters
+poker chips | clack
+wind chimes | tinkle | env=out d=4
rocking chair | creaks | mv=static
hammock | creaks | env=out mv=static
swing | squeaks | env=out mv=static
seesaw | creaks | env=out mv=static
trampoline | boings | env=out mv=static
shopping trolley | rattles
rope | creaks
@scifi d=5 w=20 g=0 e=0 env=in mv=fly
laser gun | fires, zaps
laser blast | zaps
spaceship | hums, roars | d=30 w=60 e=30
starship engine | throbs | d=20 w=60
flying saucer | warbles, whirs | e=45 d=20
UFO | hums | e=45 d=30
robot | beeps, whirs, speaks | mv=walk
android | speaks in a flat voice | mv=walk
cyborg | clanks | mv=walk
teleporter | hums, shimmers | mv=static
force field | crackles, hums | w=90 mv=static
plasma cannon | fires | g=8
energy sword | hums, crackles
alien | chirps, gurgles, screeches | mv=walk
monster | growls, roars | g=6 mv=walk
zombie | groans, moans | mv=walk
ghost | moans, wails | w=40
witch | cackles
dragon | roars | g=10 d=20 e=20
giant | stomps | g=8 d=15 mv=walk
fairy | giggles, tinkles | d=1 g=-12 e=20
goblin | cackles, snickers | mv=walk
troll | grumbles | mv=walk
werewolf | howls | d=30 env=out mv=walk
vampire | hisses | d=1 mv=walk
wizard | casts a spell | mv=walk
magic spell | crackles, shimmers
portal | hums, swirls | mv=static
time machine | whirs, groans | mv=static
hover bike | whines | mv=drive
giant mech | stomps | g=8 d=15 mv=walk
sonar | pings | mv=static
radar | beeps | mv=static
droid | beeps, chirps
warp drive | hums | mv=static
tractor beam | hums
space station | hums | w=90 d=40 mv=static
klaxon | blares | g=8 mv=static
@mix d=2 w=10 g=0 e=0 env=in mv=generic
kick drum | thumps, punches
snare | cracks, snaps
+toms | roll, thunder
ride cymbal | pings, rings
crash cymbal | crashes
lead vocal | sings
vocal | sings
+drums | pound, roll | w=30
synth | hums, pulses
+backing vocals | sing, swell
+harmonies | swell
bass | thumps, rumbles
synth bass | throbs, pulses
sub bass | rumbles | w=60
pad | swells, shimmers | w=90
synth pad | swells | w=90
lead synth | screams, soars
arpeggio | bubbles, ripples
synth pluck | plinks
+strings | swell | w=90
string section | swells | w=100
brass section | blares | w=60
+woodwinds | flutter
electric piano | chimes
clavinet | clucks
shaker | shakes, swishes
tambourine | jingles, shakes
+hand claps | crack
+finger snaps | click
+congas | patter
+bongos | patter
percussion loop | chugs
drum loop | plays, loops
hi-hat | ticks
riser | swells, builds
impact | hits, booms
swoosh | hisses
ambient drone | hums
~ambience | hums, breathes | w=180
~room tone | hisses | w=120
~dialogue | murmurs
voice-over | speaks
click track | ticks
vocal chop | stutters
guitar solo | wails
rhythm guitar | chugs
drum bus | pumps
~reverb tail | blooms | w=150
"""


@dataclass(frozen=True)
class _Source:
    noun: str
    verbs: tuple[str, ...]
    number: str  # "sg", "mass" (singular verb, no article) or "pl"
    group: str
    distance_m: float
    spread_deg: float
    gain_db: float
    elevation_deg: float
    env: str
    mover: str

    @property
    def plural(self) -> bool:
        return self.number == "pl"


def _parse_sources(table: str) -> list[_Source]:
    out: list[_Source] = []
    defaults: dict[str, str] = {}
    group = ""
    seen: set[str] = set()
    for raw in table.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            head, *kvs = line[1:].split()
            group = head
            defaults = dict(kv.split("=") for kv in kvs)
            continue
        parts = [p.strip() for p in line.split("|")]
        noun, verbs = parts[0], [v.strip() for v in parts[1].split(",")]
        opts = dict(defaults)
        if len(parts) > 2 and parts[2]:
            opts.update(kv.split("=") for kv in parts[2].split())
        number = "sg"
        if noun[0] == "~":
            number, noun = "mass", noun[1:]
        elif noun[0] == "+":
            number, noun = "pl", noun[1:]
        if noun.lower() in seen:
            raise ValueError(f"sound source {noun!r} is listed twice")
        seen.add(noun.lower())
        out.append(_Source(noun, tuple(verbs), number, group, float(opts["d"]), float(opts["w"]),
                           float(opts["g"]), float(opts["e"]), opts["env"], opts["mv"]))
    return out


SOURCES = _parse_sources(_SOURCE_TABLE)

# ---------------------------------------------------------------------------------------------
# Distractor clauses (long sentences) and noise text; partitioned between splits like sources
# ---------------------------------------------------------------------------------------------
# None of them says where anything is, how far, how loud or how fast: they change no label.
_PRE_CLAUSES = [
    "while the orchestra tunes up and someone coughs", "as the lights dim", "just after the title card",
    "during the opening credits", "while the kettle boils", "once the dialogue ends", "late at night",
    "when the scene cuts to the kitchen", "halfway through the song", "just as the hero opens the letter",
    "after a long pause", "while two characters argue about money", "as the credits roll",
    "before anyone says a word", "while the audience settles", "in the third verse",
    "as dawn breaks over the village", "when the detective walks in", "between the two choruses",
    "while the camera lingers on her face", "in the dream sequence", "just before the jump scare",
    "as the wedding guests sip their drinks", "while the teacher writes on the board",
    "during the final battle", "as the game loads", "at the start of level two",
    "while everyone waits for the bus", "as the tension builds", "when the power goes out",
    "while snow settles on the rooftops", "in the flashback", "during the podcast intro",
    "as she reads the letter", "while the main theme plays", "when the villain finally appears",
    "just as the clock strikes midnight", "while the chef plates the dessert", "moments after the crash",
    "while the narrator pauses", "as the meditation begins", "when the lights come on",
    "during the storm scene", "as the guests arrive", "while the baby sleeps", "at the end of the episode",
    "during the sword fight", "as the captain gives orders", "while the tea goes cold", "in this cutscene",
    "while the player explores the village", "as the team celebrates", "during the seance",
    "in the opening shot", "while the kids finish their homework", "as the bride walks in",
    "in the last minute of the match", "while the engine cools", "as the curtain opens",
    "when the phone finally stops", "just as the poem ends", "while the painter works",
    "while the old man stares at the fire", "as the cat stretches", "when the bell rings for the last time",
    "as the doctor checks the chart", "while the hero counts the coins",
    "when the music swells", "before the first line of dialogue", "as the children count to ten",
    "while the grandfather dozes", "during the quiz round", "once the storm has passed",
    "as the magician shows the card", "while the lovers say goodbye", "just as the timer runs out",
    "when the lights flicker", "after the argument", "as the boat leaves the harbour", "while the soup simmers",
    "as the boss level begins", "when nobody is looking", "during the montage", "while the spy waits",
    "as the clock ticks", "when the letter arrives", "just after the thunder", "as the bells ring for noon",
    "while the choir rehearses", "as the snow starts", "after the gunshot", "while the host reads the news",
    "during the interview", "when the twins finally meet", "as the knight draws his sword",
    "while the radio plays an old song", "after the opening line",
]
_POST_CLAUSES = [
    "while everyone else keeps talking", "as the scene fades to black", "just before the music kicks in",
    "and nobody seems to notice", "which makes the whole scene feel uneasy", "before the dialogue starts",
    "as the sun sets", "which sets the mood for the chapter", "while the actors freeze",
    "and it keeps going for the rest of the scene", "just like in the reference clip",
    "as written in the script", "which is exactly what the director asked for", "and it should feel natural",
    "to build suspense", "so the audience feels uneasy", "as the heroine wakes", "while the credits appear",
    "as a kind of punctuation", "before cutting to the next shot", "for the rest of the trailer",
    "as the candles flicker", "while the hero hesitates", "as in the original recording",
    "to make the moment feel real", "as the players take their seats", "while the guests keep eating",
    "after the door shuts", "during the whole cue", "which gives the scene some life", "until the cut",
    "as the story reaches its climax", "and the mood turns dark", "which the client loved",
    "like in the first draft", "as the heroes celebrate",
    "and it carries on until the next cue", "as the heroine turns the page", "while the villain laughs",
    "which keeps the tension going", "until the music comes back in", "so it feels like a memory",
    "while the dialogue continues", "and the shot holds for a moment", "which links the two scenes",
    "and then the scene ends", "while the crowd waits",
    "which should surprise the audience", "to keep the player on edge", "as the dog wags its tail",
    "like the director described", "which matches the storyboard", "as everyone gasps",
    "while the hero makes a decision", "and it repeats every few bars", "as agreed in the spotting session",
    "which the producer asked for twice", "until the scene changes", "as the day ends", "while the coffee brews",
    "and it should never feel forced", "so the joke lands", "as the timer starts",
    "while she searches for her keys",
]
_REL_CLAUSES = [
    "which I recorded last summer", "that the director loves", "which nobody expected",
    "that we sampled years ago", "which belongs to the neighbours", "that keeps the scene alive",
    "which the script calls for", "that everybody remembers", "which sounds a bit unreal",
    "that I found in the library", "which we added in the last mix", "that carries the whole scene",
]
# Whole sentences of context (scene, story, production notes) before or after the cue; like the
# clauses they state nothing the labels depend on.
_CTX_SENTENCES = [
    "The scene is a tense conversation between two old friends.", "The director wants the moment to feel lonely.",
    "This cue comes just after the interval.", "Keep everything else as it is in the current mix.",
    "Nothing else changes in this section.", "The client asked for something more cinematic this time.",
    "We are halfway through the second act.", "It should feel like a memory, almost dreamlike.",
    "The dialogue carries the story here, so nothing should fight it.",
    "This happens once the hero finds the letter.", "The mood is calm and warm.",
    "Our main character has just woken up.", "It's the morning after the party.",
    "Everyone in the scene is holding their breath.",
    "The mix is nearly finished and this is one of the last notes.",
    "The audience has just come back from the break.", "This is the emotional turning point of the film.",
    "The kids in the story are playing a game of hide and seek.", "It's the final night of the festival.",
    "The player has just picked up the key.", "The narrator is remembering his childhood.",
    "Nobody on screen reacts to it.", "We tried this in the last session and the producer liked it.",
    "This is version three of the cue.", "The story jumps forward ten years here.",
    "Her character is alone for the first time.", "The actors improvise most of this scene.",
    "It is supposed to be a little bit funny.", "The brief says the sound should tell the story.",
    "The shot lasts until the music changes.", "This moment sets up the twist at the end.",
    "Think of an old radio drama.", "The guests have all gone home.", "It's the opening of the podcast episode.",
    "The music drops out completely here.", "The players have just found the hidden door.",
    "The heroine is reading a letter from her sister.", "The whole sequence is one long take.",
    "It has to work on headphones as well as on the speakers.", "The monster has not appeared yet.",
    "This is the calm before the storm.", "The team wants it to feel natural, not designed.",
    "The installation runs in a loop all day.", "Our detective is thinking things over.",
    "This part of the show is meant to be playful.", "The animation is still a rough cut.",
    "The two brothers have stopped talking.", "The sequence is set on a summer afternoon.",
    "It's a flashback to the war.", "The grandmother is telling a story.",
    "The chef is about to serve the main course.",
    "The level starts with no music at all.", "The trailer ends on this shot.",
    "The couple are arguing about the holiday.", "We only hear it once in the whole film.",
    "The audience should notice it without thinking about it.", "The villain is watching everything.",
    "There is no dialogue in this scene.", "The tension has been building for a while.",
    "The host is welcoming today's guest.", "The robot has just switched itself on.",
    "Our hero is running out of time.", "The last cue was too busy, so keep this one simple.",
    "It's the first day of school.", "The band has just finished the soundcheck.",
    "This comes before the title card.", "The whole show has a fairy tale feel.",
]
_NOISE_SENTENCES = {
    "ko": [
        "오늘 날씨가 정말 좋네요", "점심 뭐 먹을까요?", "이 프로젝트 저장해 주세요", "안녕하세요, 만나서 반가워요",
        "커피 한 잔 주세요", "내일 회의는 몇 시예요?", "고양이가 자고 있어요", "책을 읽고 있어요",
        "음악을 조금 바꿔 주세요", "지하철이 늦었어요", "배가 고파요", "이건 테스트 문장입니다",
        "주말에 뭐 했어요?", "감사합니다", "잘 모르겠어요", "비밀번호를 잊어버렸어요", "숙제를 다 했어요",
        "생일 축하해요",
    ],
    "fr": [
        "Il fait beau aujourd'hui.", "Je voudrais un café, s'il vous plaît.", "Où est la gare ?",
        "Le chat dort sur le canapé.", "Nous allons au cinéma ce soir.", "Quelle heure est-il ?",
        "Merci beaucoup pour votre aide.", "C'est une phrase de test.", "J'aime beaucoup cette chanson.",
        "Le dîner est prêt.", "Il pleut depuis ce matin.", "Peux-tu enregistrer le projet ?",
        "Je ne sais pas.", "Bonne nuit et à demain.", "Le train est en retard.", "J'ai perdu mes clés.",
        "Elle lit un roman policier.", "On se voit lundi ?",
    ],
    "de": [
        "Das Wetter ist heute schön.", "Ich hätte gern einen Kaffee.", "Wie spät ist es?",
        "Der Hund schläft im Garten.", "Wir gehen morgen ins Kino.", "Das ist ein Testsatz.",
        "Vielen Dank für die Hilfe.", "Ich verstehe das nicht.", "Bitte speichere das Projekt.",
        "Das Essen ist fertig.", "Es regnet seit gestern.", "Guten Morgen!", "Mein Fahrrad ist kaputt.",
        "Kannst du mir helfen?", "Der Zug hat Verspätung.", "Ich habe meinen Schirm vergessen.",
        "Sie trinkt gern Tee.", "Bis nächste Woche!",
    ],
    "es": [
        "Hace buen tiempo hoy.", "Quiero un café, por favor.", "¿Qué hora es?",
        "El perro duerme en el jardín.", "Vamos al cine esta noche.", "Esta es una frase de prueba.",
        "Muchas gracias por tu ayuda.", "No entiendo nada.", "Guarda el proyecto, por favor.",
        "La cena está lista.", "Llueve desde esta mañana.", "¡Buenos días!", "Mi coche está en el taller.",
        "¿Puedes ayudarme?", "El tren llega tarde.", "Perdí mis llaves otra vez.",
        "Ella estudia medicina.", "Nos vemos el lunes.",
    ],
    "en": [
        "what time is it", "hello?", "testing, testing, one two three", "save the session", "undo that",
        "never mind", "the quarterly report is due on friday", "can anyone hear me", "thanks, that's perfect",
        "how do I export the mix", "I need a coffee", "is this thing on", "let's take a break",
        "who ate my sandwich", "please stand by", "what does this button do", "good morning everyone",
        "remind me tomorrow", "the password is incorrect", "open the file", "call me later",
        "this sentence has nothing to do with sound", "spatial audio is fun", "banana", "ok",
        "what's the plan for lunch", "my cat likes boxes", "don't forget the milk", "is it raining yet",
        "happy birthday", "that was a great session", "where did I put my glasses",
    ],
}
_LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
          "labore et dolore magna aliqua enim minim veniam quis nostrud exercitation ullamco laboris "
          "nisi aliquip ex ea commodo consequat").split()

# ---------------------------------------------------------------------------------------------
# Template families
# ---------------------------------------------------------------------------------------------
# Slots: {S} source, {V} its verb, {Vg} gerund, {BE} is/are, {v:verbs} a verb agreeing with {S},
# {D}/{DF}/{DTO} direction (loc, "from", "to" forms), {A}/{B} start/end of a line, {DA}/{DB}
# their loc forms, {EA}/{EB} vertical ends, {E}/{EF} elevation, {R} distance, {RN} numeric
# distance, {RS}/{RE} approach/recede ends, {X} extra attributes (", far away, in a cave"),
# {XS} the same joined by spaces, {T}/{TN} track (the snare / snare), {MV} a motion verb,
# {SPD} speed or duration, {ODIR}/{TURNS} orbit, {PRE}/{POST}/{REL} distractor clauses,
# {FP}/{FS} compass facing (prefix, suffix), {N} a scene number.
# A frame may start with "[key=value flag ...]": motion=, speed=, end= (far end), dist=,
# vdir=up|down, nodir, needx.
# Each group: (category, direction style, default marker, frames)
_FAMILY_GROUPS: dict[str, tuple[str, str, str, list[str]]] = {
    "plain.dir": ("plain", "word", "", [
        "{S} {V} {D}{X}", "{S} {BE} {D}{X}", "{S} {D}{X}", "{S} {V} {DF}{X}", "{D}: {S}{X}",
        "{S} {V}, {D}{X}", "{S} {Vg} {D}{X}", "the sound of {S} {DF}{X}", "{S} {DF}{X}",
        "{D}, {S} {V}{X}", "sound of {S} {Vg} {D}{X}", "{S} can be heard {D}{X}",
        "{S} {V} somewhere {D}{X}", "{S}, {D}{X}",
    ]),
    "plain.nodir": ("plain", "none", "nodir", [
        "{S} {V}{X}", "{S} {Vg}{X}", "the sound of {S}{X}", "{S}{X}", "just {S} {Vg}{X}",
    ]),
    "paraphrase.dir": ("paraphrase", "word", "", [
        "I can hear {S} {D}{X}", "there's {S} {Vg} {D}{X}", "you hear {S} {DF}{X}",
        "somewhere {D} there's {S}{X}", "coming {DF}: {S}{X}", "listen, {S} {V} {D}{X}",
        "imagine {S} {Vg} {D}{X}", "the sound of {S} comes {DF}{X}", "{DF} comes the sound of {S}{X}",
        "{S} {BE} heard {D}{X}", "I'd like to hear {S} {D}{X}", "picture {S} {D}{X}",
        "{S} {V}, and {v:it's} {D}{X}", "it's {S} {Vg} {D}{X}", "my ears pick up {S} {DF}{X}",
        "from where I sit, {S} {BE} {D}{X}", "the listener hears {S} {DF}{X}",
        "out of nowhere, {S} {V} {D}{X}", "I think I hear {S} {D}{X}", "what I hear is {S}, {D}{X}",
        "{S} — {D}{X}", "let there be {S} {D}{X}",
    ]),
    "paraphrase.nodir": ("paraphrase", "none", "nodir", [
        "I can hear {S}{X}", "there's {S} {Vg} somewhere{X}", "somewhere, {S} {V}{X}", "I think I hear {S}{X}",
    ]),
    "numeric.deg": ("numeric", "deg", "", [
        "{S} {V} {D}{X}", "{S}, {D}{X}", "{S} {BE} {D}{X}", "{D}: {S}{X}", "{S} {Vg} {D}{X}",
        "I hear {S} {DF}{X}",
    ]),
    "numeric.clock": ("numeric", "clock", "", [
        "{S} {V} {D}{X}", "{S} {D}{X}", "{D}, {S} {V}{X}", "there's {S} {D}{X}", "{S} {V} {DF}{X}",
        "{S} {Vg} {D}{X}",
    ]),
    "numeric.compass": ("numeric", "compass", "", [
        "{FP}{S} {V} {DF}{X}", "{FP}{S} {BE} {D}{X}", "{S} {V} {D}{X}{FS}", "{FP}{D}, {S} {V}{X}",
        "{S} {DF}{X}{FS}",
    ]),
    "numeric.azval": ("numeric", "azval", "", [
        "{S} at {D}{X}", "{S}, {D}{X}", "{S} {V} at {D}{X}", "place {S} at {D}{X}",
    ]),
    "numeric.motion": ("numeric", "clock", "", [
        "[motion=line] {S} {MV} from {A} to {B}{SPD}{X}",
        "[motion=line] {S} {MV} across, from {A} round to {B}{SPD}{X}",
        "[motion=orbit] starting {D}, {S} {v:circles} me{ODIR}{TURNS}{SPD}{X}",
        "[motion=orbit] {S} {v:orbits} the listener{ODIR}, beginning {D}{TURNS}{SPD}{X}",
    ]),
    "long.dir": ("long", "mix", "", [
        "{PRE}, {S} {V} {D}{X}", "{S} {V} {D}{X}, {POST}", "{PRE}, I hear {S} {Vg} {D}{X}, {POST}",
        "{PRE}. {S} {V} {D}{X}", "{S}, {REL}, {V} {D}{X}", "for this shot, {S} should be {D}{X}, {POST}",
        "{PRE}, and then {S} {V} {D}{X}", "scene {N}: {PRE}. {S} {V} {D}{X}",
        "{PRE}; meanwhile {S} {V} {D}{X}, {POST}", "in this part of the game, {PRE}, {S} {V} {D}{X}",
        "{PRE} — {S}, {D}{X}", "we need {S} {D}{X}, {POST}",
    ]),
    "long.nodir": ("long", "none", "nodir", [
        "{PRE}, {S} {V}{X}", "{S} {V}{X}, {POST}", "{PRE}; somewhere, {S} {V}{X}", "{PRE}, and {S} {V}{X}, {POST}",
    ]),
    # the same with more context: whole sentences about the scene, two clauses, the cue in the middle
    "long.context": ("long", "mix", "", [
        "{CTX} {PRE}, {S} {V} {D}{X}", "{CTX} {S} {V} {D}{X}, {POST}", "{CTX} {CTX2} {S} {V} {D}{X}",
        "{S} {V} {D}{X}. {CTX}", "{PRE}, {PRE2}, {S} {V} {D}{X}", "{PRE}, {S}, {REL}, {V} {D}{X}, {POST}",
        "note for the mix: {CTX} {S} should sit {D}{X}", "{CTX} {PRE}, I want {S} {D}{X}, {POST}",
        "ok so {PRE}, {S} {V} {D}{X} — {CTX}", "{CTX} Here {S} {V} {D}{X}, {POST}. {CTX2}",
        "{PRE}, {S} {V} {D}{X}, {POST}. {CTX}", "{CTX} {PRE} we hear {S} {D}{X}, {POST}",
        "scene {N}. {CTX} {S} {V} {D}{X}", "{CTX} ({PRE}) {S} {V} {D}{X}",
    ]),
    "long.context_nodir": ("long", "none", "nodir", [
        "{CTX} {PRE}, {S} {V}{X}", "{CTX} {S} {V}{X}, {POST}", "{PRE}, {PRE2}, {S} {V}{X}. {CTX}",
        "{CTX} {CTX2} we hear {S}{X}",
    ]),
    "long.context_motion": ("long", "mix", "", [
        "[motion=line] {CTX} {PRE}, {S} {MV} from {A} to {B}{SPD}{X}",
        "[motion=line] {CTX} {S} {MV} from {A} to {B}{SPD}{X}, {POST}",
        "[motion=approach] {CTX} {PRE}, {S} {v:approaches} {DF}{SPD}{X}",
        "[motion=recede] {CTX} {S}, {REL}, {v:moves} away {D}{SPD}{X}, {POST}",
    ]),
    "long.motion": ("long", "mix", "", [
        "[motion=line] {PRE}, {S} {MV} from {A} to {B}{SPD}{X}",
        "[motion=line] {S} {MV} from {A} to {B}{SPD}{X}, {POST}",
        "[motion=approach] {PRE}, {S} {v:approaches} {DF}{SPD}{X}",
        "[motion=recede] {S}, {REL}, {v:moves} away {D}{SPD}{X}",
    ]),
    "metaphorical.static": ("metaphorical", "word", "", [
        "{S} {v:blooms} {D} like a flower opening{X}", "{S} {v:hangs} in the air {D} like smoke{X}",
        "{D}, {S} {v:glows} like an ember{X}", "{S} {v:haunts} the space {D}{X}",
        "a ghost of {S} lingers {D}{X}", "{S} {v:shimmers} {D} like heat over a road{X}",
        "{S} {v:paints} a streak of colour {D}{X}", "{S} {v:dawns} {D} like a sunrise{X}",
        "{S} {v:whispers} secrets {D}{X}", "{S} {v:tugs} at my sleeve {DF}{X}",
        "{S} {v:smoulders} {D}, a coal that won't go out{X}", "{S} {v:stands} guard {D}{X}",
        "{S} {v:drips} like honey {DF}{X}", "{D}, {S} {v:breathes} like a sleeping giant{X}",
        "like a lantern in fog, {S} {v:glimmers} {D}{X}", "[dist=80] {S} {v:rolls} in from the horizon {D}{X}",
        "{S} {v:sparkles} {D} like frost on glass{X}", "the sun rises {D} with {S}{X}",
    ]),
    "metaphorical.motion": ("metaphorical", "word", "", [
        "[motion=approach speed=slow] {S} {v:creeps} up {D} like a ghost{SPD}{X}",
        "[motion=approach] {S} {v:rolls} in {DF} like a tide{SPD}{X}",
        "[motion=recede] {S} {v:melts} away {D} like snow in spring{SPD}{X}",
        "[motion=recede] {S} {v:dissolves} into nothing {D}{SPD}{X}",
        "[motion=line] {S} {v:sweeps} from {A} to {B} like a searchlight{SPD}{X}",
        "[motion=line speed=fast] {S} {v:streaks} from {A} to {B} like a comet{SPD}{X}",
        "[motion=orbit nodir] {S} {v:dances} around me like a moth round a lamp{ODIR}{TURNS}{SPD}{X}",
        "[motion=orbit] starting {D}, {S} {v:waltzes} around me{ODIR}{TURNS}{SPD}{X}",
    ]),
    "metaphorical.nodir": ("metaphorical", "none", "nodir", [
        "{S} {v:fills} the air like perfume{X}", "the memory of {S} lingers{X}",
        "{S} {v:hums} like a sleeping giant{X}", "{S} {v:washes} over me like warm water{X}",
    ]),
    "elevation.dir": ("elevation", "word", "", [
        "{S} {V} {D}, {E}{X}", "{S} {V} {E} {D}{X}", "{S} {BE} {D} and {E}{X}", "{S} {V} {EF}, {D}{X}",
        "{S} {Vg} {E}, {D}{X}", "{D} and {E}: {S}{X}", "{S}, {D}, {E}{X}",
    ]),
    "elevation.nodir": ("elevation", "none", "nodir", [
        "{S} {V} {E}{X}", "{S} {V} {EF}{X}", "{E}, {S} {V}{X}", "{S} {BE} {E}{X}",
    ]),
    "distance.dir": ("distance", "word", "", [
        "{S} {V} {D}, {R}{X}", "{S} {V} {R} {D}{X}", "{S} {BE} {R}, {D}{X}", "{R} {D}, {S} {V}{X}",
        "{S} {D}, {R}{X}", "{S} {V} {D} at a distance of {RN}{X}", "{D} and {R}: {S}{X}",
    ]),
    "distance.nodir": ("distance", "none", "nodir", [
        "{S} {V} {R}{X}", "{S} {BE} {R}{X}", "{R}, {S} {V}{X}", "I hear {S} {R}{X}",
    ]),
    "motion.line": ("motion", "mix", "motion=line", [
        "{S} {MV} from {A} to {B}{SPD}{X}", "{S} {v:passes} by from {A} to {B}{SPD}{X}",
        "{S} {MV} past me from {A} to {B}{SPD}{X}", "from {A} to {B}, {S} {MV}{SPD}{X}",
        "{S} {v:pans} from {A} to {B}{SPD}{X}", "{S} {v:starts} {DA} and {v:ends} up {DB}{SPD}{X}",
        "{S} {V} while moving from {A} to {B}{SPD}{X}", "{S} {v:crosses} from {A} to {B}{SPD}{X}",
        "{S} {v:sweeps} across from {A} to {B}{SPD}{X}", "{S} {MV} {DB}, starting {DA}{SPD}{X}",
        "{S} {v:makes} its way from {A} over to {B}{SPD}{X}",
    ]),
    # a line told as a sequence of two places rather than "from A to B"
    "motion.sequence": ("motion", "mix", "motion=line", [
        "{S} {v:begins} {DA} and {v:finishes} {DB}{SPD}{X}", "{S} {v:sets} off {DA} and {v:winds} up {DB}{SPD}{X}",
        "{S} {BE} {DA} at first, {DB} later on{SPD}{X}", "first {DA}, then {DB}: {S} {MV}{SPD}{X}",
        "{S} {MV} {DA} to begin with and {DB} at the end{SPD}{X}", "{S} {v:opens} {DA} and {v:closes} {DB}{SPD}{X}",
        "{S} {v:starts} out {DA}, then {v:drifts} {DB}{SPD}{X}",
    ]),
    "motion.orbit": ("motion", "mix", "motion=orbit", [
        "starting {D}, {S} {v:circles} around me{ODIR}{TURNS}{SPD}{X}",
        "{S} {v:starts} {D} and {v:circles} me{ODIR}{TURNS}{SPD}{X}",
        "{S} {v:orbits} my head{ODIR}{TURNS}{SPD}, beginning {D}{X}",
        "{DF}, {S} {v:begins} to circle around me{ODIR}{TURNS}{SPD}{X}",
    ]),
    "motion.orbitnodir": ("motion", "none", "motion=orbit nodir", [
        "{S} {v:circles} around me{ODIR}{TURNS}{SPD}{X}", "{S} {v:orbits} the listener{ODIR}{TURNS}{SPD}{X}",
        "{S} {v:goes} round and round me{ODIR}{TURNS}{SPD}{X}", "{S} {v:spins} around my head{ODIR}{TURNS}{SPD}{X}",
    ]),
    "motion.approach": ("motion", "mix", "motion=approach", [
        "{S} {v:approaches} {DF}{SPD}{X}", "{S} {v:comes} closer {DF}{SPD}{X}",
        "{S} {v:moves} towards me {DF}{SPD}{X}", "{D}, {S} {v:gets} closer and closer{SPD}{X}",
        "{S} {v:approaches} {DF}, from {RS} to {RE}{SPD}{X}", "{S} {v:draws} near {DF}{SPD}{X}",
    ]),
    "motion.recede": ("motion", "mix", "motion=recede", [
        "{S} {v:moves} away {D}{SPD}{X}", "{S} {v:recedes} {D}{SPD}{X}",
        "[end=40] {S} {v:fades} into the distance {D}{SPD}{X}",
        "[end=40 speed=slow] {D}, {S} {v:drifts} off into the distance{SPD}{X}",
        "{S} {v:gets} farther and farther away {D}{SPD}{X}", "{S} {v:retreats} {D}, from {RS} out to {RE}{SPD}{X}",
    ]),
    "motion.vertical": ("motion", "word", "motion=vertical", [
        "[vdir=up] {S} {v:rises} from {EA} to {EB} {D}{SPD}{X}",
        "[vdir=up] {D}, {S} {v:climbs} from {EA} to {EB}{SPD}{X}",
        "[vdir=down] {S} {v:drops} from {EA} to {EB} {D}{SPD}{X}",
        "[vdir=down] {D}, {S} {v:sinks} from {EA} down to {EB}{SPD}{X}",
    ]),
    "motion.nodir": ("motion", "none", "nodir", [
        "[motion=approach] {S} {v:approaches}{SPD}{X}", "[motion=approach] {S} {v:gets} closer{SPD}{X}",
        "[motion=recede end=40] {S} {v:fades} away into the distance{SPD}{X}",
        "[motion=recede end=40] {S} {v:moves} off into the distance{SPD}{X}",
    ]),
    "imperative.static": ("imperative", "word", "", [
        "put {T} {D}{X}", "place {T} {D}{X}", "send {T} {DTO}{X}", "move {T} {D}{X}", "I want {T} {D}{X}",
        "can you put {T} {D}{X}?", "make {T} come {DF}{X}", "{TN}: {D}{X}", "stick {T} {D}{X}",
        "let's have {T} {D}{X}", "position {T} {D}{X}", "I'd like {T} {D}{X}", "set {T} {D}{X}",
    ]),
    "imperative.pan": ("imperative", "pan", "", [
        "pan {T} {D}{X}", "pan {TN} {D}{X}", "{TN} panned {D}{X}", "could you pan {T} {D}{X}?",
        "{T} should sit {D} in the mix{X}",
    ]),
    "imperative.motion": ("imperative", "mix", "", [
        "[motion=line] automate {T} from {A} to {B}{SPD}{X}", "[motion=line] sweep {T} from {A} to {B}{SPD}{X}",
        "[motion=orbit nodir] make {T} orbit the listener{ODIR}{TURNS}{SPD}{X}",
        "[motion=approach] fly {T} in {DF}{SPD}{X}",
        "[motion=recede end=40] push {T} away into the distance {D}{SPD}{X}",
        "[motion=orbit] have {T} circle around the listener{ODIR}, starting {D}{TURNS}{SPD}{X}",
    ]),
    "imperative.nodir": ("imperative", "none", "nodir needx", [
        "I want {T}{XS}", "make {T} sound{XS}", "{TN}:{XS}", "keep {T}{XS}",
    ]),
}
# Noise families: the frame names the generator ("gib:<kind>" or "lang:<code>:<part>").
_NOISE_GROUPS: dict[str, list[str]] = {
    "noise.gib": ["gib:mash", "gib:syll", "gib:lorem", "gib:symbols", "gib:mixed"],
    **{f"noise.{lang}": [f"lang:{lang}:{k}" for k in range(3)] for lang in _NOISE_SENTENCES},
}


@dataclass(frozen=True)
class _Family:
    id: str
    category: str
    group: str
    frame: str
    style: str
    motion: str | None
    nodir: bool
    needx: bool
    speed: str | None
    end_m: float | None
    dist_m: float | None
    vdir: str | None
    slots: frozenset[str]


_SLOT_RE = re.compile(r"\{(\w+)(?::([^}]*))?\}")
_MARK_RE = re.compile(r"^\[([^\]]*)\]\s*")


def _parse_family(fid: str, category: str, group: str, style: str, default: str, frame: str) -> _Family:
    marks: dict[str, str] = {}
    m = _MARK_RE.match(frame)
    text = frame
    if m:
        text = frame[m.end():]
    for token in (default + " " + (m.group(1) if m else "")).split():
        k, _, v = token.partition("=")
        marks[k] = v or "1"
    motion = marks.get("motion")
    nodir = "nodir" in marks
    return _Family(
        id=fid, category=category, group=group, frame=text,
        style="none" if nodir else style, motion=motion, nodir=nodir, needx="needx" in marks,
        speed=marks.get("speed"), end_m=float(marks["end"]) if "end" in marks else None,
        dist_m=float(marks["dist"]) if "dist" in marks else None, vdir=marks.get("vdir"),
        slots=frozenset(s for s, _ in _SLOT_RE.findall(text)),
    )


def _build_families() -> list[_Family]:
    out: list[_Family] = []
    for group, (category, style, default, frames) in _FAMILY_GROUPS.items():
        for i, frame in enumerate(frames):
            out.append(_parse_family(f"{group}.{i:02d}", category, group, style, default, frame))
    for group, gens in _NOISE_GROUPS.items():
        for gen in gens:
            out.append(_Family(f"{group}.{gen.split(':')[-1]}", "noise", group, gen, "none", None, True,
                               False, None, None, None, None, frozenset()))
    ids = [f.id for f in out]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate family id")
    return out


FAMILIES = _build_families()


def _assign_family_splits(families: Sequence[_Family]) -> dict[str, str]:
    """family id -> split: per group a fixed shuffle, ~15 % valid, ~15 % test, the rest train."""
    by_group: dict[str, list[_Family]] = defaultdict(list)
    for f in families:
        by_group[f.group].append(f)
    out: dict[str, str] = {}
    for group, fams in sorted(by_group.items()):
        if len(fams) < 3:
            raise ValueError(f"family group {group} needs at least 3 families, has {len(fams)}")
        ids = sorted(f.id for f in fams)
        random.Random(f"oscbridge.corpus.families:{group}").shuffle(ids)
        n_held = max(1, round(0.15 * len(ids)))
        for i, fid in enumerate(ids):
            out[fid] = "test" if i < n_held else "valid" if i < 2 * n_held else "train"
    return out


FAMILY_SPLIT = _assign_family_splits(FAMILIES)


def split_of(family_id: str) -> str:
    """The split a template family belongs to."""
    return FAMILY_SPLIT[family_id]


def _hash_split(key: str, train: float = 0.8, valid: float = 0.1) -> str:
    h = zlib.crc32(key.lower().encode("utf-8")) % 1000 / 1000.0
    return "train" if h < train else "valid" if h < train + valid else "test"

# ---------------------------------------------------------------------------------------------
# Numbers and grammar
# ---------------------------------------------------------------------------------------------
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty",
         90: "ninety"}


def _number_word(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens * 10] + ("" if ones == 0 else "-" + _ONES[ones])
    if n == 100:
        return "a hundred"
    if n < 200:
        return "a hundred and " + _number_word(n - 100)
    return str(n)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


_DOUBLING = frozenset(
    "hum drum tap drip chat clap thud throb whir snap snip zip rip flip strum thrum yap pop chug lap spin "
    "rap zap slam run chop hit rev yip stop trot plop sob bob jog skip grin".split()
)


def _base_verb(word: str) -> str:
    """'approaches' -> 'approach': the plural / bare form of a third-person singular verb."""
    special = {"is": "are", "has": "have", "does": "do", "goes": "go", "it's": "they're", "its": "their"}
    if word in special:
        return special[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("shes", "ches", "sses", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _agree(phrase: str, plural: bool) -> str:
    """A singular verb phrase made to agree with a plural subject ("its" -> "their" too)."""
    if not plural:
        return phrase
    return " ".join(_base_verb(w) if i == 0 or w == "its" else w for i, w in enumerate(phrase.split(" ")))


def _ing(base: str) -> str:
    if base in _DOUBLING:
        return base + base[-1] + "ing"
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _gerund(verb: str, plural: bool) -> str:
    first, _, rest = verb.partition(" ")
    base = first if plural else _base_verb(first)
    return _ing(base) + (" " + rest if rest else "")


def _article(noun: str) -> str:
    low = noun.lower()
    if low.startswith(("uni", "uku", "ufo", "use", "one", "euro")):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


# ---------------------------------------------------------------------------------------------
# Numeric phrase forms (some held out, like the word lists)
# ---------------------------------------------------------------------------------------------
_DEG_LOC = _Vocab.of([
    "{n} degrees to the {L}", "{n} degrees {L}", "{n}° {L}", "{n}° to the {L}", "{n} deg {L}",
    "{n} degrees off to my {L}", "{n} degrees to my {L}", "{n} degrees {L} of centre",
    "{n} degrees to the {L} of straight ahead", "at {n} degrees {L}", "{w} degrees to the {L}",
    "{w} degrees {L}", "{n} degrees over to the {L}@t", "{n} degrees toward the {L}@v",
])
_DEG_FROM = _Vocab.of([
    "from {n} degrees {L}", "from {n}° {L}", "from {n} degrees to the {L}", "from {n} degrees off to my {L}",
    "from {w} degrees {L}", "from {n} degrees over to the {L}@t", "from {n} degrees toward the {L}@v",
])
_DEG_BEHIND_LOC = _Vocab.of([
    "{n} degrees {L} of directly behind", "{n}° to the {L} of straight behind me",
    "{n} degrees {L} of dead behind me", "{n} degrees off my back to the {L}@t",
])
_DEG_BARE = _Vocab.of(["{n} degrees {L}", "{n}° {L}", "{n} degrees to the {L}", "{w} degrees {L}"])
_AZ_LOC = _Vocab.of(["azimuth {a}", "azimuth {a}°", "az {a}", "azimuth {a} degrees", "an azimuth of {a}",
                     "azimuth {a} deg@v", "az={a}@t"])
_CLOCK_LOC = _Vocab.of(["at {h} o'clock", "at {hw} o'clock", "at my {h} o'clock", "in the {h} o'clock position",
                        "at the {h} o'clock position@v", "around {h} o'clock@t"])
_CLOCK_HALF_LOC = _Vocab.of(["at half past {hw}", "at half past {h}", "at {h}:30"])
_CLOCK_FROM = _Vocab.of(["from {h} o'clock", "from {hw} o'clock", "from my {h} o'clock",
                         "from the {h} o'clock position", "from around {h} o'clock@t"])
_CLOCK_HALF_FROM = _Vocab.of(["from half past {hw}", "from {h}:30"])
_CLOCK_BARE = _Vocab.of(["{h} o'clock", "{hw} o'clock"])
_COMPASS_LOC = _Vocab.of(["to the {p}", "to the {p} of me", "{p} of me", "in the {p}", "on the {p} side",
                          "off to the {p}@v", "{p}ward of me@t"])
_COMPASS_FROM = _Vocab.of(["from the {p}", "from the {p} side", "from off to the {p}@v"])
_FACING_PRE = _Vocab.of(["facing {f}, ", "I'm facing {f}; ", "(facing {f}) ", "with the listener facing {f}, ",
                         "looking {f}, ", "while I face {f}, @v", "my nose points {f}: @t",
                         "with my nose pointing {f}, "])
_FACING_POST = _Vocab.of([", while I face {f}", " (I'm facing {f})", ", with me facing {f}",
                          "; the listener faces {f}", ", and I'm looking {f}@t", " — I face {f}@v"])
_PAN_NUM = _Vocab.of(["{n} left", "{n}° left", "{n} degrees left", "{n} to the left", "{n} degrees to the left",
                      "{n} notches left@t", "left by {n}@v"])
_ELEV_UP = _Vocab.of(["{n} degrees up", "{n}° above ear level", "elevated {n} degrees", "at {n} degrees elevation",
                      "raised {n}°", "{n} degrees above the horizontal@t", "tilted up {n} degrees@v",
                      "{n}° above horizontal", "tilted {n} degrees upward"])
_ELEV_DOWN = _Vocab.of(["{n} degrees down", "{n}° below ear level", "lowered {n} degrees",
                        "at minus {n} degrees elevation", "{n} degrees below the horizontal@t", "dipped {n} degrees@v",
                        "{n}° below horizontal"])
_ELEV_UP_FROM = _Vocab.of(["from {n} degrees up", "from {n}° above ear level"])
_ELEV_DOWN_FROM = _Vocab.of(["from {n} degrees down", "from {n}° below ear level"])
_DIST_LOC = _Vocab.of(["{q} away", "at {q}", "{q} from me", "at a distance of {q}", "about {q} away",
                       "roughly {q} off", "some {q} out@t", "a good {q} away@v"])
_GAIN_NEG = _Vocab.of(["at {g} dB", "at {g}dB", "{g} dB", "with gain {g} dB", "at minus {a} dB", "{a} dB down",
                       "turned down {a} dB", "{a} dB quieter than normal@t", "attenuated by {a} dB@v"])
_GAIN_POS = _Vocab.of(["at {g} dB", "at {g}dB", "{g} dB", "with gain {g} dB", "boosted {a} dB",
                       "{a} dB hotter@t", "pushed up {a} dB@v"])
_WIDTH_NUM = _Vocab.of(["{n} degrees wide", "{n}° wide", "with a spread of {n} degrees", "spread over {n}°",
                        "with a {n}-degree spread", "{n} degrees of width@v", "fanned out {n} degrees@t"])
_ALL_VOCABS: list[_Vocab] = [
    PAN_WORDS, ELEVATION_LOC, ELEVATION_FROM, VERTICAL_ENDS, DISTANCE_WORDS, NEAR_ENDS, FAR_ENDS, ROOM_WORDS,
    WET_WORDS, LOUD_WORDS, WIDTH_WORDS, AROUND_WORDS, SPEED_WORDS, ORBIT_DIRECTIONS, ORBIT_TURNS,
    _DEG_LOC, _DEG_FROM, _DEG_BEHIND_LOC, _DEG_BARE, _AZ_LOC, _CLOCK_LOC, _CLOCK_HALF_LOC, _CLOCK_FROM,
    _CLOCK_HALF_FROM, _CLOCK_BARE, _COMPASS_LOC, _COMPASS_FROM, _FACING_PRE, _FACING_POST, _PAN_NUM,
    _ELEV_UP, _ELEV_DOWN, _ELEV_UP_FROM, _ELEV_DOWN_FROM, _DIST_LOC, _GAIN_NEG, _GAIN_POS, _WIDTH_NUM,
] + [v for s in SECTORS for v in (s.loc, s.frm, s.bare, s.to)]
# a held-out phrase form such as "{n} clicks left" is checked by its fixed words
_FORM_RE = re.compile(r"\{\w+\}")

# ---------------------------------------------------------------------------------------------
# Split pools: sources, clauses
# ---------------------------------------------------------------------------------------------


def _word_re(phrase: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])")


def _train_static_text(train_sources: Iterable[_Source]) -> str:
    parts: list[str] = [f.frame for f in FAMILIES]
    for v in _ALL_VOCABS:
        parts.extend(v.phrases("train"))
    for clauses in (_PRE_CLAUSES, _POST_CLAUSES, _REL_CLAUSES, _CTX_SENTENCES):
        parts.extend(c for c in clauses if _hash_split(c, 0.7, 0.15) == "train")
    for sentences in _NOISE_SENTENCES.values():
        parts.extend(sentences)
    parts.extend(p for p in _SPEECH_PARTS)
    for s in train_sources:
        parts.append(s.noun)
        parts.extend(s.verbs)
    for s in SOURCES:  # every verb form a frame or source can write: agreed, plural, gerund
        for v in s.verbs:
            parts.extend((v, _agree(v, True), _gerund(v, s.plural)))
    for f in FAMILIES:
        parts.extend(_agree(v, True) for v in re.findall(r"\{v:([^}]*)\}", f.frame))
    for verbs in _MOVE_VERBS.values():
        parts.extend(_agree(v, True) for v, _ in verbs)
    return "\n".join(parts).lower()


# fixed words that frames and renderers add around the vocabulary
_SPEECH_PARTS = ("a", "an", "the", "some", "my", "this", "these", "our", "it", "its", "their", "they're")


def _assign_source_splits() -> dict[str, str]:
    split = {s.noun: _hash_split(s.noun) for s in SOURCES}
    # a held-out noun must never occur in text that train can produce: move such nouns to train
    while True:
        blob = _train_static_text(s for s in SOURCES if split[s.noun] == "train")
        moved = [s.noun for s in SOURCES if split[s.noun] != "train" and s.noun.lower() in blob
                 and _word_re(s.noun).search(blob)]
        if not moved:
            return split
        for noun in moved:
            split[noun] = "train"


SOURCE_SPLIT = _assign_source_splits()
_TRAIN_BLOB = _train_static_text(s for s in SOURCES if SOURCE_SPLIT[s.noun] == "train")
_SOURCES_BY_SPLIT = {sp: [s for s in SOURCES if SOURCE_SPLIT[s.noun] == sp] for sp in SPLITS}
_CLAUSES_BY_SPLIT = {
    sp: {name: [c for c in clauses if _hash_split(c, 0.7, 0.15) == sp]
         for name, clauses in (("PRE", _PRE_CLAUSES), ("POST", _POST_CLAUSES), ("REL", _REL_CLAUSES),
                               ("CTX", _CTX_SENTENCES))}
    for sp in SPLITS
}


def heldout_vocabulary(split: str) -> set[str]:
    """Every string that only ``split`` may use ("valid" or "test"); empty for train.

    Source nouns, distractor clauses, the tagged phrases of the word lists, and the fixed words
    of held-out phrase forms ("{n} clicks left" -> "clicks left"). None of them occurs in train text.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    if split == "train":
        return set()
    out = {s.noun for s in _SOURCES_BY_SPLIT[split]}
    for clauses in _CLAUSES_BY_SPLIT[split].values():
        out.update(clauses)
    for v in _ALL_VOCABS:
        for phrase in v.heldout(split):
            if "{" not in phrase:
                out.add(phrase.strip(" ,;:—()"))
                continue
            for piece in _FORM_RE.split(phrase):  # a form: its fixed words that train never writes
                piece = piece.strip(" ,;:—()°=")
                if len(piece) >= 4 and not (piece.lower() in _TRAIN_BLOB and _word_re(piece).search(_TRAIN_BLOB)):
                    out.add(piece)
    return out

# ---------------------------------------------------------------------------------------------
# Scene sampling and rendering
# ---------------------------------------------------------------------------------------------
_EXTRA_P: dict[str, dict[str, float]] = {
    "plain": dict(dist=0.22, elev=0.06, room=0.10, wet=0.03, loud=0.10, width=0.06),
    "paraphrase": dict(dist=0.28, elev=0.08, room=0.14, wet=0.05, loud=0.14, width=0.08),
    "numeric": dict(dist=0.45, elev=0.2, room=0.1, wet=0.05, loud=0.25, width=0.12),
    "long": dict(dist=0.45, elev=0.12, room=0.35, wet=0.1, loud=0.3, width=0.2),
    "metaphorical": dict(dist=0.18, elev=0.05, room=0.15, wet=0.05, loud=0.15, width=0.1),
    "elevation": dict(dist=0.25, room=0.1, wet=0.03, loud=0.1, width=0.05),
    "distance": dict(elev=0.05, room=0.25, wet=0.05, loud=0.1, width=0.05),
    "motion": dict(dist=0.25, elev=0.08, room=0.12, wet=0.03, loud=0.1, width=0.05),
    "imperative": dict(dist=0.3, elev=0.1, room=0.12, wet=0.25, loud=0.2, width=0.3),
}
_MAX_EXTRAS = {"long": 4, "numeric": 3, "imperative": 3}
_NUMERIC_P = {"numeric": 0.75, "imperative": 0.4, "long": 0.25, "elevation": 0.25, "distance": 0.35}
_AROUND_P = 0.15  # share of no-direction rows that say "all around me"
_MIX_STYLES = (("word", 0.75), ("clock", 0.12), ("deg", 0.10), ("compass", 0.03))
_LINE_STYLES = (("word", 0.7), ("clock", 0.15), ("deg", 0.15))
_METRE_VALUES = [0.2, 0.3, 0.5, 0.75, 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 18, 20, 25, 30, 35,
                 40, 50, 60, 70, 75, 80, 90, 100]
_WIDTH_VALUES = [5, 10, 15, 20, 30, 40, 45, 60, 90, 120, 150, 180, 240, 270, 300, 360]
_DIRECTION_WORDS = frozenset(
    "left right front behind back ahead rear above below overhead beneath under underfoot centre center "
    "middle north south east west northeast northwest southeast southwest north-east north-west south-east "
    "south-west port starboard ceiling floor up down high low".split()
)
_PROTECTED_WORDS = frozenset(_ONES) | frozenset(_TENS.values()) | frozenset(
    "half past clockwise counter counterclockwise anticlockwise anti widdershins sunwise hundred dB deg "
    "twice thrice once azimuth".split()
)


@dataclass
class _Dir:
    azimuth_deg: float
    loc: str = ""
    frm: str = ""
    to: str = ""
    face_pre: str = ""
    face_post: str = ""


def _weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    r = rng.random() * sum(w for _, w in options)
    for name, w in options:
        r -= w
        if r < 0:
            return name
    return options[-1][0]


def _deg_number(rng: random.Random, low: int = 1, high: int = 179) -> int:
    if rng.random() < 0.6:
        return rng.choice(range(max(5, (low + 4) // 5 * 5), high + 1, 5))
    return rng.randint(low, high)


def _fill(form: str, **values: Any) -> str:
    return form.format(**values)


class _Builder:
    """Builds the rows of one split from one random stream."""

    def __init__(self, rng: random.Random, split: str):
        self.rng = rng
        self.split = split
        self.sources = _SOURCES_BY_SPLIT[split]
        self.movers = [s for s in self.sources if s.mover != "static"]
        self.tracks = [s for s in self.sources if s.group == "mix"] or self.sources
        self.clauses = _CLAUSES_BY_SPLIT[split]
        self.sectors = [s for s in SECTORS if s.loc.usable(split)]
        self.to_sectors = [s for s in self.sectors if s.to.usable(split)]
        self.bare_sectors = [s for s in self.sectors if s.bare.usable(split)]
        self.families = _families_by_category(split)
        self.forbidden = _typo_forbidden()

    # -- picking ------------------------------------------------------------------------------
    def pick(self, vocab: _Vocab, where=None) -> tuple[str, Any]:
        return vocab.pick(self.rng, self.split, where)

    def form(self, vocab: _Vocab) -> str:
        return vocab.pick(self.rng, self.split)[0]

    def family(self, category: str) -> _Family:
        fams, weights = self.families[category]
        return self.rng.choices(fams, weights)[0]

    # -- directions ---------------------------------------------------------------------------
    def sector(self, pool: Sequence[_Sector]) -> _Sector:
        return self.rng.choices(pool, [s.weight for s in pool])[0]

    def direction(self, style: str, need_to: bool = False, facing: str | None = None) -> _Dir:
        """A direction in ``style``; ``facing`` ("pre"/"post") is where the frame can state a compass facing."""
        rng = self.rng
        if style == "mix":
            style = _weighted(rng, _MIX_STYLES)
        if style == "word":
            sec = self.sector(self.to_sectors if need_to else self.sectors)
            d = _Dir(sec.azimuth_deg, self.pick(sec.loc)[0], self.pick(sec.frm)[0])
            if need_to:
                d.to = self.pick(sec.to)[0]
            return d
        if style == "deg":
            side = rng.choice(("left", "right"))
            sign = 1 if side == "left" else -1
            if rng.random() < 0.15:
                n = _deg_number(rng, 1, 80)
                loc = _fill(self.form(_DEG_BEHIND_LOC), n=n, L=side)
                return _Dir(wrap_azimuth(sign * (180 - n)), loc, "from " + loc)
            n = _deg_number(rng)
            vals = dict(n=n, w=_number_word(n), L=side)
            return _Dir(sign * n, _fill(self.form(_DEG_LOC), **vals), _fill(self.form(_DEG_FROM), **vals))
        if style == "azval":
            a = rng.choice(range(-175, 181, 5)) if rng.random() < 0.6 else rng.randint(-179, 180)
            text = f"+{a}" if a > 0 and rng.random() < 0.4 else str(a)
            loc = _fill(self.form(_AZ_LOC), a=text)
            return _Dir(float(a), loc, "from " + loc)
        if style == "clock":
            h = rng.randint(1, 12)
            if rng.random() < 0.25:
                loc_v, frm_v, hour = _CLOCK_HALF_LOC, _CLOCK_HALF_FROM, h + 0.5
            else:
                loc_v, frm_v, hour = _CLOCK_LOC, _CLOCK_FROM, float(h)
            vals = dict(h=h, hw=_number_word(h))
            return _Dir(wrap_azimuth(-30.0 * hour), _fill(self.form(loc_v), **vals), _fill(self.form(frm_v), **vals))
        if style == "compass":
            major = rng.random() < 0.85
            name, bearing = rng.choice([c for c in _COMPASS if (c[1] % 45 == 0) == major])
            if "-" not in name and len(name) > 5 and rng.random() < 0.5:  # northeast -> north-east / north east
                cut = 5 if name.startswith(("north", "south")) else 4
                name = name[:cut] + rng.choice(("-", " ")) + name[cut:]
            d = _Dir(0.0)
            facing_deg = 0.0
            if facing and rng.random() < 0.55:
                facing_name, facing_deg = rng.choice([c for c in _COMPASS if c[1] % 45 == 0])
                if facing == "pre":
                    d.face_pre = self.form(_FACING_PRE).format(f=facing_name)
                else:
                    d.face_post = self.form(_FACING_POST).format(f=facing_name)
            d.azimuth_deg = wrap_azimuth(facing_deg - bearing)
            d.loc = _fill(self.form(_COMPASS_LOC), p=name)
            if name in _CARDINALS and rng.random() < 0.2:
                d.loc = f"due {name}" + rng.choice(("", " of me"))
            d.frm = _fill(self.form(_COMPASS_FROM), p=name)
            return d
        if style == "pan":
            if rng.random() < 0.6:
                phrase, az = self.pick(PAN_WORDS)
                return _Dir(float(az), phrase)
            n = _deg_number(rng, 5, 90)
            side = rng.choice(("left", "right"))
            phrase = _fill(self.form(_PAN_NUM), n=n)
            return _Dir(float(n if side == "left" else -n), _mirror(phrase) if side == "right" else phrase)
        raise ValueError(f"unknown direction style {style!r}")

    def endpoints(self, style: str) -> tuple[float, str, float, str]:
        """Start and end of a line: (az_a, phrase_a, az_b, phrase_b), at least 40 degrees apart."""
        rng = self.rng
        if style in ("mix", "compass", "azval", "pan"):
            style = _weighted(rng, _LINE_STYLES)
        for _ in range(50):
            if style == "clock":
                ha, hb = rng.randint(1, 12), rng.randint(1, 12)
                a, b = wrap_azimuth(-30.0 * ha), wrap_azimuth(-30.0 * hb)
                pa = _fill(self.form(_CLOCK_BARE), h=ha, hw=_number_word(ha))
                pb = _fill(self.form(_CLOCK_BARE), h=hb, hw=_number_word(hb))
            elif style == "deg":
                na, nb = _deg_number(rng, 5, 175), _deg_number(rng, 5, 175)
                sa, sb = rng.choice(("left", "right")), rng.choice(("left", "right"))
                a, b = (na if sa == "left" else -na), (nb if sb == "left" else -nb)
                pa = _fill(self.form(_DEG_BARE), n=na, w=_number_word(na), L=sa)
                pb = _fill(self.form(_DEG_BARE), n=nb, w=_number_word(nb), L=sb)
            else:
                sa, sb = self.sector(self.bare_sectors), self.sector(self.bare_sectors)
                a, b = sa.azimuth_deg, sb.azimuth_deg
                pa, pb = self.pick(sa.bare)[0], self.pick(sb.bare)[0]
            if abs(wrap_azimuth(a - b)) >= 40:
                return float(a), pa, float(b), pb
        raise RuntimeError("could not draw two distinct line endpoints")

    def loc_endpoints(self) -> tuple[float, str, float, str]:
        for _ in range(50):
            sa, sb = self.sector(self.sectors), self.sector(self.sectors)
            if abs(wrap_azimuth(sa.azimuth_deg - sb.azimuth_deg)) >= 40:
                return sa.azimuth_deg, self.pick(sa.loc)[0], sb.azimuth_deg, self.pick(sb.loc)[0]
        raise RuntimeError("could not draw two distinct line endpoints")

    # -- other attributes ---------------------------------------------------------------------
    def elevation(self, numeric_p: float, env: str | None, allow_poles: bool, frm: bool) -> tuple[float, str, str | None]:
        rng = self.rng
        if rng.random() < numeric_p:
            n = _deg_number(rng, 5, 85)
            up = rng.random() < 0.55
            vocab = (_ELEV_UP_FROM if up else _ELEV_DOWN_FROM) if frm else (_ELEV_UP if up else _ELEV_DOWN)
            return float(n if up else -n), _fill(self.form(vocab), n=n), None
        vocab = ELEVATION_FROM if frm else ELEVATION_LOC

        def ok(v: tuple[float, str | None]) -> bool:
            return (allow_poles or abs(v[0]) < 90) and (v[1] is None or env is None or v[1] == env)

        phrase, (el, el_env) = self.pick(vocab, ok)
        return float(el), phrase, el_env

    def numeric_distance(self, max_d: float, min_d: float = 0.1) -> tuple[float, str]:
        """(metres, quantity phrase such as "3 metres" or "ten feet"), within [min_d, max_d]."""
        rng = self.rng
        for _ in range(50):
            unit = _weighted(rng, (("m", 0.55), ("cm", 0.08), ("ft", 0.2), ("yd", 0.07), ("words", 0.1)))
            if unit == "m":
                v = rng.choice(_METRE_VALUES) if rng.random() < 0.6 else float(rng.randint(1, 60))
                word = rng.choice(("metres", "meters", "m", "m", "metre" if v == 1 else "metres"))
                if word != "m" and v == 1:
                    word = word.rstrip("s")
                q = f"{_fmt(v)}m" if word == "m" and rng.random() < 0.3 else f"{_fmt(v)} {word}"
            elif unit == "cm":
                n = rng.choice(range(10, 200, 5))
                v, q = n / 100.0, f"{n} " + rng.choice(("cm", "centimetres", "centimeters"))
            elif unit == "ft":
                n = rng.randint(1, 40) if rng.random() < 0.7 else rng.randint(41, 300)
                v = n * 0.3048
                q = f"{n} " + ("foot" if n == 1 else rng.choice(("feet", "ft")))
            elif unit == "yd":
                n = rng.randint(1, 100)
                v, q = n * 0.9144, f"{n} " + ("yard" if n == 1 else "yards")
            else:
                choice = rng.randint(0, 24)
                if choice == 0:
                    v, q = 0.5, "half a metre"
                elif choice == 1:
                    v, q = 1.5, "a metre and a half"
                elif choice <= 20:
                    v, q = float(choice - 1), _number_word(choice - 1) + (" metre" if choice == 2 else " metres")
                    if choice == 2:
                        q = rng.choice(("one metre", "a metre"))
                else:
                    v = float((choice - 18) * 10)
                    q = _number_word(int(v)) + rng.choice((" metres", " meters", " feet"))
                    if q.endswith("feet"):
                        v = v * 0.3048
            if max(0.1, min_d) <= v <= max_d:
                return round(float(v), 3), q
        v = max(min_d, min(2.0, max_d))
        return v, _fmt(v) + " metres"

    def distance(self, numeric_p: float, env: str | None, max_d: float, force_numeric: bool = False
                 ) -> tuple[float, str, str, str | None]:
        """(metres, loc phrase, quantity phrase, env the phrase needs)."""
        if force_numeric or self.rng.random() < numeric_p:
            d, q = self.numeric_distance(max_d)
            return d, _fill(self.form(_DIST_LOC), q=q), q, None
        phrase, (d, d_env) = self.pick(
            DISTANCE_WORDS, lambda v: v[0] <= max_d and (v[1] is None or env is None or v[1] == env))
        return d, phrase, phrase, d_env

    def gain(self, numeric_p: float) -> tuple[float, str]:
        rng = self.rng
        if rng.random() < numeric_p:
            g = rng.randint(-40, 10) if rng.random() < 0.5 else rng.choice((-30, -24, -20, -18, -12, -10, -6, -3, 3, 6))
            if g == 0:
                g = -6
            form = self.form(_GAIN_NEG if g < 0 else _GAIN_POS)
            return float(g), form.format(g=f"{g:+d}" if g > 0 else str(g), a=abs(g))
        phrase, g = self.pick(LOUD_WORDS)
        return float(g), phrase

    def width(self, numeric_p: float) -> tuple[float, str]:
        if self.rng.random() < numeric_p:
            n = self.rng.choice(_WIDTH_VALUES)
            return float(n), _fill(self.form(_WIDTH_NUM), n=n)
        phrase, w = self.pick(WIDTH_WORDS)
        return float(w), phrase

    def speed(self, fam: _Family, has_mv: bool) -> tuple[str, str | None, float]:
        """(" over 10 seconds" / " slowly" / "", speed class for {MV}, duration_s)."""
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            n = rng.choice(_DURATIONS)
            if n == 0.5:
                return rng.choice((" in half a second", " over half a second")), None, 0.5
            sec = "second" if n == 1 else "seconds"
            if n == 60 and rng.random() < 0.4:
                return rng.choice((" over a minute", " in one minute", " over one minute")), None, 60.0
            if n == 30 and rng.random() < 0.3:
                return " over half a minute", None, 30.0
            form = rng.choice(_DURATION_FORMS)
            if "{w}" in form and not (float(n).is_integer() and n <= 20):
                form = "over {n} {sec}"
            text = form.format(n=_fmt(n), w=_number_word(int(n)) if float(n).is_integer() else "", sec=sec)
            return " " + text, None, float(n)
        if fam.speed:
            return "", None, _SPEED_S[fam.speed]
        if r < 0.65:
            phrase, cls = self.pick(SPEED_WORDS)
            return " " + phrase, None, _SPEED_S[cls]
        if r < 0.85 and has_mv:
            cls = rng.choice(("slow", "fast"))
            return "", cls, _SPEED_S[cls]
        return "", None, MODERATE_S

    def move_verb(self, src: _Source, cls: str | None) -> str:
        verbs = _MOVE_VERBS["generic"] + (_MOVE_VERBS.get(src.mover, []) if src.mover != "generic" else [])
        pool = [v for v, c in verbs if c == cls]
        return _agree(self.rng.choice(pool), src.plural)

    def noun_phrase(self, src: _Source, first: bool) -> str:
        r = self.rng.random()
        noun = src.noun
        if noun in ("someone",):
            return noun
        if src.number == "sg":
            if first and r < 0.07:
                return noun
            return f"{_article(noun)} {noun}" if r < 0.62 else f"the {noun}"
        if r < 0.45:
            return noun
        return f"the {noun}" if r < 0.85 else f"some {noun}"

    def track(self, src: _Source) -> str:
        r = self.rng.random()
        if r < 0.7:
            return "the " + src.noun
        if r < 0.82:
            return "my " + src.noun
        if r < 0.92:
            return ("these " if src.plural else "this ") + src.noun
        return "our " + src.noun

    # -- one row ------------------------------------------------------------------------------
    def row(self, category: str) -> dict[str, Any]:
        for _ in range(30):
            if category == "typo":
                base = _weighted(self.rng, [(c, w) for c, w in CATEGORY_WEIGHTS.items() if c not in ("typo", "noise")])
                fam = self.family(base)
                text, labels = self.scene(fam)
                typo = _add_typos(self.rng, text, self.forbidden)
                if typo == text:
                    continue
                text = typo
            elif category == "noise":
                fam = self.family("noise")
                text, labels = self.noise(fam), _noise_labels()
            else:
                fam = self.family(category)
                text, labels = self.scene(fam)
            if len(text) <= MAX_TEXT_CHARS and (category == "noise" or not _CLASH_RE.search(text)):
                _validate(labels)
                return {"text": text, "split": self.split, "family": fam.id, "category": category, "labels": labels}
        raise RuntimeError(f"could not build a {category} row")

    def noise(self, fam: _Family) -> str:
        rng = self.rng
        kind, _, rest = fam.frame.partition(":")
        if kind == "lang":
            lang, _, part = rest.partition(":")
            pool = _NOISE_SENTENCES[lang][int(part)::3]
            text = rng.choice(pool)
            if rng.random() < 0.4:
                other = rng.choice([t for t in pool if t != text])
                text += (" " if lang == "ko" or text[-1] in ".!?" else ". ") + other
            return text
        if rest == "mash":
            rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
            words = []
            for _ in range(rng.randint(1, 5)):
                row = rng.choice(rows)
                i = rng.randint(0, len(row) - 2)
                words.append(row[i:i + rng.randint(2, len(row) - i)])
            return " ".join(words)
        if rest == "syll":
            cons, vows = "bdfgkmnprstvz", "aeiou"
            words = ["".join(rng.choice(cons) + rng.choice(vows) for _ in range(rng.randint(1, 4)))
                     for _ in range(rng.randint(2, 6))]
            return " ".join(words)
        if rest == "lorem":
            return " ".join(rng.choice(_LOREM) for _ in range(rng.randint(3, 10)))
        if rest == "symbols":
            return "".join(rng.choice("?!.,-#*~…/") for _ in range(rng.randint(1, 8)))
        # mixed: a mash of letters, digits-free, with punctuation
        letters = "abcdefghijklmnopqrstuvwxyz"
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 7))) for _ in range(rng.randint(1, 4))]
        return rng.choice(("", "?? ", "... ")) + " ".join(words) + rng.choice(("", "?", "!!", "..."))

    def scene(self, fam: _Family) -> tuple[str, dict[str, Any]]:
        rng = self.rng
        slots = fam.slots
        cat = fam.category
        motion_kind = fam.motion
        numeric_p = _NUMERIC_P.get(cat, 0.15)

        # source
        if cat == "imperative" and rng.random() < 0.65:
            src = rng.choice(self.tracks)
        elif motion_kind:
            src = rng.choice(self.movers)
        else:
            src = rng.choice(self.sources)

        # which attributes the text states
        stated: set[str] = set()
        if slots & {"R", "RN"}:
            stated.add("dist")
        if slots & {"E", "EF"}:
            stated.add("elev")
        extras = self.pick_extras(fam, stated)

        # room first (it bounds distance), then distance, elevation, direction
        need_d = max(fam.end_m or 0.0, fam.dist_m or 0.0, 20.0 if "RS" in slots else 0.0)
        env: str | None = "out" if (fam.dist_m or 0) >= 80 else None
        room: _Room | None = None
        if "room" in extras:
            def room_ok(r: _Room) -> bool:
                return r.max_distance_m >= need_d and (env is None or r.env == env)
            try:
                if rng.random() >= 0.6:
                    raise LookupError
                phrase, room = self.pick(ROOM_WORDS, lambda r: room_ok(r) and r.env == src.env)
            except LookupError:
                phrase, room = self.pick(ROOM_WORDS, room_ok)
            extras["room"] = phrase
            env = room.env
        max_d = room.max_distance_m if room else 100.0

        dist: float | None = fam.dist_m
        dist_loc = dist_q = ""
        dist_numeric = el_numeric = False
        if "dist" in stated or "dist" in extras:
            dist, dist_loc, dist_q, d_env = self.distance(numeric_p, env, max_d, force_numeric="RN" in slots)
            env = env or d_env
            dist_numeric = bool(re.search(r"\d", dist_q))
            if "dist" in extras:
                extras["dist"] = dist_loc

        has_dir = not fam.nodir
        el: float | None = None
        el_text = ""
        if "elev" in stated or "elev" in extras:
            el, el_text, e_env = self.elevation(numeric_p, env, allow_poles=not has_dir and not fam.motion,
                                                frm="EF" in slots)
            env = env or e_env
            el_numeric = bool(re.search(r"\d", el_text))
            if "elev" in extras:
                extras["elev"] = el_text

        values: dict[str, str] = {}
        az = 0.0
        known = False
        if has_dir and slots & {"D", "DF", "DTO"}:
            facing = "pre" if "FP" in slots else "post" if "FS" in slots else None
            d = self.direction(fam.style, need_to="DTO" in slots, facing=facing)
            az, known = d.azimuth_deg, True
            values.update(D=d.loc, DF=d.frm, DTO=d.to, FP=d.face_pre, FS=d.face_post)
        if el is not None and abs(el) == 90:
            known = True
        spread = src.spread_deg
        if "around" in extras:
            extras["around"] = self.pick(AROUND_WORDS)[0]
            spread = 360.0
        gain = src.gain_db
        if "loud" in extras:
            gain, extras["loud"] = self.gain(numeric_p)
        if "width" in extras:
            spread, extras["width"] = self.width(numeric_p)
        wet_word: float | None = None
        if "wet" in extras:
            extras["wet"], wet_word = self.pick(WET_WORDS)

        # motion
        motion: dict[str, Any] | None = None
        if motion_kind:
            motion, az, known, el, dist, env = self.motion(fam, src, values, az, known, el, dist, env, max_d)

        if room is None:
            room = _DEFAULT_ROOM[env or src.env]
        el_stated = el is not None  # the words (or a vertical movement) give the height
        if el is None:
            el = src.elevation_deg
        if dist is None:
            dist = min(src.distance_m, room.max_distance_m)
        if motion and motion["kind"] == "line":
            motion["end"]["distance_m"] = dist
            if fam.motion == "line":
                motion["end"]["elevation_deg"] = el
        if motion and motion["kind"] in ("approach", "recede"):
            motion["end"]["azimuth_deg"] = az
            motion["end"]["elevation_deg"] = el

        if wet_word is not None:
            wet = wet_word
            drr = 30.0 if wet <= 0 else max(-30.0, min(30.0, 10 * math.log10((1 - wet) / wet)))
        else:
            drr = max(-30.0, min(30.0, 20 * math.log10(room.critical_m / dist)))
            reverberant = 1.0 / (1.0 + 10 ** (drr / 10))
            wet = room.wet_max * (0.15 + 0.85 * reverberant)

        # text
        values["S"] = self.noun_phrase(src, fam.frame.startswith("{S}"))
        verb = rng.choice(src.verbs)
        values["V"] = _agree(verb, src.plural)
        values["Vg"] = _gerund(verb, src.plural)
        values["BE"] = "are" if src.plural else "is"
        values["T"] = self.track(src)
        values["TN"] = src.noun
        values["E"] = values["EF"] = el_text
        values["R"] = dist_loc
        values["RN"] = dist_q
        values["N"] = str(rng.randint(1, 40))
        for name in ("PRE", "POST", "REL", "CTX"):
            if name in slots:
                pool = self.clauses[name] or _CLAUSES_BY_SPLIT["train"][name]
                values[name] = rng.choice(pool)
                if name + "2" in slots:  # a second clause of the same kind, never the first again
                    values[name + "2"] = rng.choice([c for c in pool if c != values[name]] or pool)
        for name in ("CTX", "CTX2"):  # a sentence that ends the text leaves the full stop to _finish
            if fam.frame.endswith("{" + name + "}"):
                values[name] = values[name].rstrip(".")
        values["X"], values["XS"] = self.render_extras(extras)
        frame = fam.frame
        if el_numeric:  # "lowered 10 degrees to the left" misreads: "lowered 10 degrees, to the left"
            frame = frame.replace("{E} {D}", "{E}, {D}")
        if dist_numeric:
            frame = frame.replace("{R} {D}", "{R}, {D}")
        text = _SLOT_RE.sub(lambda m: _agree(m.group(2), src.plural) if m.group(1) == "v" else values[m.group(1)],
                            frame)
        text = _finish(rng, text)

        labels = {
            "azimuth_deg": wrap_azimuth(round(az if known else 0.0, 2)),
            "elevation_deg": round(el, 2),
            "distance_m": round(dist, 3),
            "spread_deg": round(spread, 1),
            "wet": round(wet, 3),
            "drr_db": round(drr, 2),
            "gain_db": round(gain, 1),
            "motion": motion,
            "direction_known": known,
            "elevation_stated": el_stated,
        }
        if motion and "end" in motion:
            end = motion["end"]
            end["azimuth_deg"] = wrap_azimuth(round(end["azimuth_deg"], 2))
            end["elevation_deg"] = round(end["elevation_deg"], 2)
            end["distance_m"] = round(end["distance_m"], 3)
        return text, labels

    def pick_extras(self, fam: _Family, stated: set[str]) -> dict[str, str]:
        rng = self.rng
        probs = dict(_EXTRA_P[fam.category])
        for k in stated:
            probs.pop(k, None)
        if fam.motion in ("approach", "recede") or fam.dist_m:
            probs.pop("dist", None)
        if fam.motion == "vertical":
            probs.pop("elev", None)
        chosen = [k for k, p in probs.items() if rng.random() < p]
        if fam.needx and not chosen:
            chosen = [rng.choice(list(probs))]
        if "room" in chosen and "wet" in chosen:
            chosen.remove(rng.choice(("room", "wet")))
        if fam.nodir and not fam.motion and fam.category not in ("imperative", "elevation") and rng.random() < _AROUND_P:
            chosen = [k for k in chosen if k != "width"] + ["around"]
        rng.shuffle(chosen)
        return {k: "" for k in chosen[:_MAX_EXTRAS.get(fam.category, 2)]}

    def render_extras(self, extras: dict[str, str]) -> tuple[str, str]:
        parts = [p for p in extras.values() if p]
        if not parts:
            return "", ""
        rng = self.rng
        if len(parts) > 1 and rng.random() < 0.4:
            joined = ", ".join(parts[:-1]) + " and " + parts[-1]
        else:
            joined = ", ".join(parts)
        spaced = " " + (" and ".join(parts) if rng.random() < 0.6 else ", ".join(parts))
        r = rng.random()
        if r < 0.08:
            return f" ({joined})", spaced
        if r < 0.13:
            return f" — {joined}", spaced
        return ", " + joined, spaced

    def motion(self, fam: _Family, src: _Source, values: dict[str, str], az: float, known: bool,
               el: float | None, dist: float | None, env: str | None, max_d: float):
        rng = self.rng
        kind = fam.motion
        spd, cls, duration = self.speed(fam, "MV" in fam.slots)
        values["SPD"] = spd
        values["MV"] = self.move_verb(src, cls)
        if kind == "line":
            if "DA" in fam.slots:
                a, pa, b, pb = self.loc_endpoints()
                values["DA"], values["DB"] = pa, pb
            else:
                a, pa, b, pb = self.endpoints(fam.style)
                values["A"], values["B"] = pa, pb
            end = {"azimuth_deg": b, "elevation_deg": 0.0, "distance_m": 0.0}
            return {"kind": "line", "duration_s": duration, "end": end}, a, True, el, dist, env
        if kind == "vertical":
            for _ in range(50):
                pa, (ea, env_a) = self.pick(VERTICAL_ENDS, lambda v: v[1] is None or env is None or v[1] == env)
                pb, (eb, env_b) = self.pick(VERTICAL_ENDS, lambda v: v[1] is None or env is None or v[1] == env)
                if env_a and env_b and env_a != env_b:
                    continue
                if (fam.vdir == "up" and eb - ea >= 30) or (fam.vdir == "down" and ea - eb >= 30):
                    break
            else:
                raise RuntimeError("could not draw vertical endpoints")
            env = env or env_a or env_b
            values["EA"], values["EB"] = pa, pb
            end = {"azimuth_deg": az, "elevation_deg": float(eb), "distance_m": 0.0}
            return {"kind": "line", "duration_s": duration, "end": end}, az, known, float(ea), dist, env
        if kind == "orbit":
            odir_text, odir = self.pick(ORBIT_DIRECTIONS)
            turns_text, turns = self.pick(ORBIT_TURNS)
            values["ODIR"], values["TURNS"] = odir_text, turns_text
            return ({"kind": "orbit", "duration_s": duration, "direction": odir, "turns": turns},
                    az, known, el, dist, env)
        # approach / recede: distance changes, direction holds
        near_default, far_default = 1.0, 15.0
        if "RS" in fam.slots:
            def ok(v: tuple[float, str | None]) -> bool:
                return v[0] <= max_d and (v[1] is None or env is None or v[1] == env)
            far_p, (far_d, far_env) = self.pick(FAR_ENDS, ok)
            near_p, (near_d, _) = self.pick(NEAR_ENDS)
            if rng.random() < 0.35:
                far_d, q = self.numeric_distance(max_d, min_d=min(3.0, max_d))
                far_p = q + rng.choice(("", " away")) if kind == "approach" else q
            env = env or far_env
            if near_d >= far_d:
                near_d, near_p = 0.3, "my ear"
            values["RS"], values["RE"] = (far_p, near_p) if kind == "approach" else (near_p, far_p)
            start, stop = (far_d, near_d) if kind == "approach" else (near_d, far_d)
        elif kind == "approach":
            start, stop = min(far_default, max_d), near_default
        else:
            start, stop = 1.5, min(fam.end_m or 20.0, max_d)
        end = {"azimuth_deg": az, "elevation_deg": 0.0, "distance_m": stop}
        return {"kind": kind, "duration_s": duration, "end": end}, az, known, el, start, env


# phrases that run together and misread: "far off off to the left", "dipped 10 degrees up ahead"
_CLASH_RE = re.compile(r"\b(\w+) \1\b|(degrees|°) (up|down) ahead", re.IGNORECASE)


def _finish(rng: random.Random, text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = text.replace(" ,", ",").replace(",,", ",")
    question = text.endswith("?")
    text = text.rstrip(" ,;:?")
    if question:
        text += "?"
    else:
        r = rng.random()
        text += "." if r < 0.72 else "" if r < 0.9 else "!" if r < 0.96 else "..."
    r = rng.random()
    if r < 0.8 or (r >= 0.97 and len(text) > 80):
        text = text[0].upper() + text[1:]
        text = re.sub(r"([.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        text = re.sub(r"^\(([a-z])", lambda m: "(" + m.group(1).upper(), text)
    elif r < 0.97:
        text = text.lower()
    else:
        text = text.upper()
    return text


def _noise_labels() -> dict[str, Any]:
    labels: dict[str, Any] = SpatialParams().to_dict()
    labels["motion"] = None
    labels["direction_known"] = False
    labels["elevation_stated"] = False
    return labels


def _validate(labels: dict[str, Any]) -> None:
    """Raise ValueError unless the labels build valid params.SpatialParams / Motion objects."""
    static = {k: labels[k] for k in ("azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet", "drr_db",
                                     "gain_db")}
    SpatialParams(**static)
    if not isinstance(labels["direction_known"], bool):
        raise ValueError("direction_known must be a bool")
    m = labels["motion"]
    if m is None:
        return
    end = Position(**m["end"]) if "end" in m else None
    Motion(m["kind"], m["duration_s"], end, m.get("direction"), m.get("turns"))
    if m["kind"] == "approach" and not end.distance_m < labels["distance_m"]:
        raise ValueError("an approach must end closer than it starts")
    if m["kind"] == "recede" and not end.distance_m > labels["distance_m"]:
        raise ValueError("a recession must end farther than it starts")


# ---------------------------------------------------------------------------------------------
# Typos
# ---------------------------------------------------------------------------------------------
_KEY_NEIGHBOURS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "adwx", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli",
    "l": "ko", "z": "xa", "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}
_TYPO_FORBIDDEN: set[str] | None = None


def _typo_forbidden() -> set[str]:
    """Words a typo must not produce: direction words, numbers, and every held-out word."""
    global _TYPO_FORBIDDEN
    if _TYPO_FORBIDDEN is None:
        words = set(_DIRECTION_WORDS) | set(_PROTECTED_WORDS)
        for split in ("valid", "test"):
            for phrase in heldout_vocabulary(split):
                words.update(w.lower() for w in re.findall(r"[A-Za-z]+", phrase))
        _TYPO_FORBIDDEN = words
    return _TYPO_FORBIDDEN


def _corrupt(rng: random.Random, word: str, forbidden: set[str]) -> str:
    for _ in range(8):
        chars = list(word)
        op = rng.random()
        i = rng.randint(1, len(chars) - 1)
        if op < 0.35 and i < len(chars) - 1:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op < 0.6:
            del chars[i]
        elif op < 0.75:
            chars.insert(i, chars[i])
        else:
            low = chars[i].lower()
            if low in _KEY_NEIGHBOURS:
                sub = rng.choice(_KEY_NEIGHBOURS[low])
                chars[i] = sub.upper() if chars[i].isupper() else sub
        out = "".join(chars)
        if out != word and out.lower() not in forbidden:
            return out
    return word


def _add_typos(rng: random.Random, text: str, forbidden: set[str]) -> str:
    """One or two slips in ordinary words, and in about a third of rows one in a direction word."""
    parts = re.split(r"([A-Za-z]+)", text)
    words = [i for i in range(1, len(parts), 2) if len(parts[i]) >= 3 and parts[i].lower() not in _PROTECTED_WORDS]
    direction = [i for i in words if parts[i].lower() in _DIRECTION_WORDS]
    ordinary = [i for i in words if parts[i].lower() not in _DIRECTION_WORDS]
    targets = rng.sample(ordinary, min(len(ordinary), 1 if rng.random() < 0.7 else 2))
    if direction and rng.random() < 0.35:
        targets.append(rng.choice(direction))
    for i in targets:
        parts[i] = _corrupt(rng, parts[i], forbidden)
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Families per split and category
# ---------------------------------------------------------------------------------------------
_FAMILY_CACHE: dict[str, dict[str, tuple[list[_Family], list[float]]]] = {}


def _families_by_category(split: str) -> dict[str, tuple[list[_Family], list[float]]]:
    """category -> (families of this split, weights): no-direction families get NODIR_SHARE of the rows."""
    if split not in _FAMILY_CACHE:
        out: dict[str, tuple[list[_Family], list[float]]] = {}
        for cat in CATEGORIES:
            if cat == "typo":
                continue
            fams = [f for f in FAMILIES if f.category == cat and FAMILY_SPLIT[f.id] == split]
            if not fams:
                raise ValueError(f"no {cat} family in split {split}")
            share = NODIR_SHARE.get(cat, 0.0)
            n_dir = sum(1 for f in fams if not f.nodir)
            n_nodir = len(fams) - n_dir
            if cat == "noise" or n_nodir == 0 or n_dir == 0:
                weights = [1.0] * len(fams)
            else:
                w_nodir = share / (1 - share) * n_dir / n_nodir
                weights = [w_nodir if f.nodir else 1.0 for f in fams]
            out[cat] = (fams, weights)
        _FAMILY_CACHE[split] = out
    return _FAMILY_CACHE[split]


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _quotas(n: int) -> dict[str, int]:
    """Rows per category, exact to the largest remainder."""
    raw = {c: n * w for c, w in CATEGORY_WEIGHTS.items()}
    out = {c: int(v) for c, v in raw.items()}
    for c in sorted(raw, key=lambda c: (-(raw[c] - out[c]), c))[: n - sum(out.values())]:
        out[c] += 1
    return out


def generate(n: int, seed: int = 0, split: str = "train") -> list[dict[str, Any]]:
    """``n`` labelled rows of ``split``; the same (n, seed, split) always gives the same rows."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    rng = random.Random(f"oscbridge.corpus:{seed}:{split}")
    categories = [c for c, k in _quotas(n).items() for _ in range(k)]
    rng.shuffle(categories)
    builder = _Builder(rng, split)
    return [builder.row(c) for c in categories]


def write_jsonl(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write one JSON object per line (UTF-8); returns the number of rows written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_stats(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    cats = Counter(r["category"] for r in rows)
    motions = Counter((r["labels"]["motion"] or {}).get("kind", "static") for r in rows)
    return {
        "rows": n,
        "families": len({r["family"] for r in rows}),
        "category_share": {c: round(cats[c] / n, 4) if n else 0.0 for c in CATEGORIES},
        "motion_share": round(1 - motions["static"] / n, 4) if n else 0.0,
        "motion_kinds": dict(sorted(motions.items())),
        "direction_unknown_share": round(sum(not r["labels"]["direction_known"] for r in rows) / n, 4) if n else 0.0,
        "mean_chars": round(sum(len(r["text"]) for r in rows) / n, 1) if n else 0.0,
        "max_chars": max((len(r["text"]) for r in rows), default=0),
    }


def build_corpus(out_dir: str | Path, n_train: int = 60000, n_valid: int = 3000, n_test: int = 3000,
                 seed: int = 0) -> dict[str, Any]:
    """Write train/valid/test .jsonl under ``out_dir``; returns statistics per split.

    A valid or test row whose text also occurs in train is dropped (counted as ``dropped``);
    by construction there should be none.
    """
    out_dir = Path(out_dir)
    t0 = time.perf_counter()
    stats: dict[str, Any] = {"seed": seed, "sources": {sp: len(_SOURCES_BY_SPLIT[sp]) for sp in SPLITS},
                             "families": {sp: sum(1 for f in FAMILIES if FAMILY_SPLIT[f.id] == sp) for sp in SPLITS}}
    train_texts: set[str] = set()
    for split, n in (("train", n_train), ("valid", n_valid), ("test", n_test)):
        rows = generate(n, seed, split)
        dropped = 0
        if split == "train":
            train_texts = {r["text"] for r in rows}
        else:
            kept = [r for r in rows if r["text"] not in train_texts]
            dropped, rows = len(rows) - len(kept), kept
        write_jsonl(rows, out_dir / f"{split}.jsonl")
        stats[split] = corpus_stats(rows) | {"dropped": dropped, "path": str(out_dir / f"{split}.jsonl")}
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m oscbridge.corpus OUT_DIR [N_TRAIN N_VALID N_TEST [SEED]]``: write the corpus, print stats."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(main.__doc__)
        return 0 if args else 2
    counts = [int(a) for a in args[1:5]]
    stats = build_corpus(args[0], *counts)
    print(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

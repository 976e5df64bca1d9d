"""Everyday words that only look like places, made plain before the model reads a cue.

Cue notes are full of direction words that place nothing: "right after the slam", "wrap it up right now",
"nothing left to fix", "front of house loves it", "we're behind schedule". The model reads words, so such a
word can pull a sound to its side: "right at the top of act two, a flock of pigeons takes off from front left"
came out front-right (-40 deg). ``plain_idioms`` rewrites five of them for the model:

- "right" as an intensifier before a moment is dropped ("right after", "right now", "right at the top", "right
  on cue"); before a place it becomes "directly" ("right behind me", "right in front", "right above");
- "nothing left" becomes "nothing remaining", "front of house" "the venue", "behind schedule" "late".

"right" stays when the word before it makes it a side: "on the right after the bell", "back right when the
player...", "pan the shaker 50 right then...", "hard right", "front-right" (``_SIDE_BEFORE``); before a place,
"it" and "them" do not make it a side ("put it right behind me"). The explicit parser reads the cue as typed:
it has its own guards for "right" as an intensifier.

Chosen on read development sets and judged by a rule written first on two blind ones (models/MODEL_CARD.md).
"""

from __future__ import annotations

import re

__all__ = ["plain_idioms"]

#: a word before "right" that makes it a side ("on the right after the slam", "back right when", "pan it right")
_SIDE_BEFORE = re.compile(
    r"(?:\b(?:the|my|your|his|her|their|our|its|hard|far|to|on|at|slightly|fully|full|bit|little|touch|hair|front|rear"
    r"|back|behind|mid|centre|center|and|or|extreme|dead|it|them|pan|panned|pans|degrees|degree|deg|degs|of|more|just"
    r"|lower|upper|top|bottom|toward|towards|off|starboard)|\d|[-\u00b0/])\s*$", re.I)
#: ... except "it" / "them" before a place: "put it right behind me"
_OBJECT = re.compile(r"\b(?:it|them)\s*$", re.I)
_RIGHT_MOMENT = re.compile(
    r"\bright\s+(?=(?:after|before|now|away|when|until|till|on\s+(?:cue|time|the\s+(?:beat|downbeat|cut|hit|button|drop))"
    r"|at\s+the\s+(?:start|top|end|beginning|head|tail|moment|last\s+second|downbeat|cut)|from\s+the\s+(?:start|top|off)"
    r"|off\s+the\s+bat)\b)", re.I)
_RIGHT_PLACE = re.compile(
    r"\bright\s+(?=(?:behind|in\s+front|above|overhead|below|beneath|underneath|next\s+to|beside|on\s+top|in\s+the\s+middle"
    r"|in\s+the\s+centre|in\s+the\s+center|between)\b)", re.I)
_PLAIN = (
    (re.compile(r"\bnothing\s+(?:else\s+)?left\b", re.I), "nothing remaining"),
    (re.compile(r"\bfront[\s-]+of[\s-]+(?:the\s+)?house\b", re.I), "the venue"),
    (re.compile(r"\bbehind\s+schedule\b", re.I), "late"),
)


#: how far back the word before "right" is looked for (the longest side word and its spaces fit; a cue of 2,000
#: characters full of "right after" stays linear)
_LOOK_BACK = 64


def _intensifier(pattern: re.Pattern, replacement: str, text: str, place: bool) -> str:
    """``text`` with each "right" that ``pattern`` finds replaced, unless the word before it makes it a side."""
    def sub(m: re.Match) -> str:
        before = text[max(0, m.start() - _LOOK_BACK):m.start()]
        side = _SIDE_BEFORE.search(before) and not (place and _OBJECT.search(before))
        return m.group(0) if side else replacement

    return pattern.sub(sub, text)


def plain_idioms(text: str) -> str:
    """``text`` with the five idioms above made plain; everything else as typed."""
    t = _intensifier(_RIGHT_MOMENT, "", text, place=False)
    t = _intensifier(_RIGHT_PLACE, "directly ", t, place=True)
    for pattern, replacement in _PLAIN:
        t = pattern.sub(replacement, t)
    return t

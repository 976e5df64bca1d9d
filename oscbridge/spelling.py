"""Misspelt direction words, mended before the model and the parser read a cue.

People type cues fast: "fireworks at the frnot right", "woodpecker to the rihgt and behind", "engine starts
behidn on the left". The encoder splits such a word into pieces that say nothing of a place, and the model
then guesses from the rest ("frnot right" came out at -141 deg, behind). ``mend_spelling`` reads a word one
slip away from a direction word as that word. The slips are the ones fast typing makes and that rarely make
another English word:

- two neighbouring letters swapped ("rihgt", "frnot", "lfet", "behidn");
- one letter dropped, but not the first ("lft", "behnd", "listner");
- one letter added, but not in front; at the end only a doubled last letter or an "e" ("behinde", "rightt"),
  so plurals and "lefty"/"righto" stay as they are.

A letter typed for another ("light", "fight", "night") is never mended: that slip makes real words. Nor is
any word the encoder's vocabulary holds whole ("let", "font", "blow", "overheard"), nor "rearm", "rebar" or
"bellow" (``REAL_WORDS``). The keyword rule (``oscbridge.keywords``) reads cues as they are typed.

Chosen on read development sets and judged by a rule written first on four blind ones (models/MODEL_CARD.md).
"""

from __future__ import annotations

import re

__all__ = ["DIRECTION_WORDS", "REAL_WORDS", "MENDS", "mend_spelling"]

#: The words a slip is mended back to.
DIRECTION_WORDS = (
    "left", "right", "front", "behind", "back", "ahead", "rear", "above", "overhead", "below", "shoulder",
    "centre", "center", "degrees", "clock", "listener", "starboard", "across", "around", "toward", "towards",
    "forward",
)
#: Words one slip from a direction word that are words of their own: never mended. The first eight are all
#: such slips that all-MiniLM-L6-v2's vocabulary holds whole (a test checks that list against the vocabulary).
REAL_WORDS = frozenset({"aground", "black", "blow", "cock", "degree", "font", "let", "overheard",
                        "rearm", "rebar", "bellow"})

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _slips(word: str) -> list[str]:
    """Every spelling one mended slip away from ``word`` (in a fixed order)."""
    out = []
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if len(tail) > 1:
            out.append(head + tail[1] + tail[0] + tail[2:])  # neighbours swapped
        if tail and i > 0:
            out.append(head + tail[1:])  # a letter dropped, not the first
        if i > 0:
            for c in _LETTERS:  # a letter added, not in front; at the end only a doubled last letter or "e"
                if i < len(word) or c in (word[-1], "e"):
                    out.append(head + c + tail)
    return out


def _mends() -> dict[str, str]:
    table: dict[str, str] = {}
    for word in DIRECTION_WORDS:
        for slip in _slips(word):
            if len(slip) >= 3 and slip not in DIRECTION_WORDS and slip not in REAL_WORDS:
                table.setdefault(slip, word)
    return table


#: misspelling -> direction word
MENDS: dict[str, str] = _mends()
_WORD = re.compile(r"[A-Za-z]+")


def _mend(m: re.Match) -> str:
    word = m.group(0)
    right = MENDS.get(word.lower())
    if right is None:
        return word
    if word.isupper() and len(word) > 1:
        return right.upper()
    return right.capitalize() if word[0].isupper() else right


def mend_spelling(text: str) -> str:
    """``text`` with its misspelt direction words mended; everything else as typed."""
    return _WORD.sub(_mend, text)

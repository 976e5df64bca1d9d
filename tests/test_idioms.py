"""Everyday words that only look like places (oscbridge.idioms): which are made plain for the model, which stay."""
from __future__ import annotations

import pytest

from oscbridge.idioms import plain_idioms


@pytest.mark.parametrize("text, want", [
    ("right at the top of act two, pigeons take off from front left", "at the top of act two, pigeons take off from front left"),
    ("wrap it up right now, one more: a lawnmower, hard right", "wrap it up now, one more: a lawnmower, hard right"),
    ("Right after the candle goes out, the wolf howls behind", "after the candle goes out, the wolf howls behind"),
    ("the bell lands right on cue, front left", "the bell lands on cue, front left"),
    ("put the ticking bomb timer right behind me", "put the ticking bomb timer directly behind me"),
    ("put it right behind me", "put it directly behind me"),  # "it" before a place does not make "right" a side
    ("rain on the sunroof right above our heads", "rain on the sunroof directly above our heads"),
    ("Nothing left to clear except this: the wolf howl goes straight back", "nothing remaining to clear except this: the wolf howl goes straight back"),
    ("Front of house reckons the sub is too hot; the turbine sits hard right", "the venue reckons the sub is too hot; the turbine sits hard right"),
    ("we're behind schedule, so: crow cawing from back left", "we're late, so: crow cawing from back left"),
])
def test_idioms_are_made_plain(text, want):
    assert plain_idioms(text) == want


@pytest.mark.parametrize("text", [
    "a dog barks on the right after the door slam",  # a side, then a moment
    "the sniper fires from back right when the player stays in the open",
    "pan the shaker 50 right then sweep it to centre over 2 bars",
    "move the drone to the right behind the listener", "hard right now and then", "front-right after the hit",
    "30 degrees right after the bell", "pan it right after the bell",
    "turn left after the slam; the fridge hums behind me", "leftover hiss, left in the mix",  # only "nothing left"
    "a dog barks behind me on the left, far away",
])
def test_places_stay_as_typed(text):
    assert plain_idioms(text) == text

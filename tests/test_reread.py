"""The second reading of a cue with numbers (oscbridge.reread): which numbers go and which stay."""
from __future__ import annotations

import pytest

from oscbridge.reread import second_reading


@pytest.mark.parametrize("text, want", [
    ("scene 6 - 3 gunshots to the listener's right, 200 m", "scene - gunshots to the listener's right,"),
    ("01:02:10:05 - drone begins ahead and above, drifts back behind over 4 seconds",
     "- drone begins ahead and above, drifts back behind over"),
    ("Q47 - footsteps directly in front, 2 metres", "Q - footsteps directly in front,"),
    ("track 9 vocal dead center, -3 dB", "track vocal dead center,"),
    ("trumpet front right, +3dB, for 2 bars", "trumpet front right, , for"),
    ("obj 5: radio starts in front of you, 2m, 10 ft away", "obj: radio starts in front of you, , away"),
    ("SFX12 rain on the left (take 3)", "SFX rain on the left (take)"), ("QX9 hiss front left", "hiss front left"),
])
def test_numbers_that_are_not_places_go(text, want):
    assert second_reading(text) == want


@pytest.mark.parametrize("text", [
    "a dog barks behind me on the left, far away",  # no digit: no second reading
    "violin at 10 o'clock",  # a clock position is a place
    "the wind machine is behind left, 135",  # a bare angle may be a place
    "L45 on the rain bed", "R80 for the crowd bed",  # desk shorthand for a place
    "pan the hi-hat 30 right", "3 o'clock: fire crackling", "az -120 el 10",
    "between 1 and 2 o'clock: seagulls", "choir at -170",
])
def test_numbers_that_may_be_places_stay(text):
    assert second_reading(text) is None


def test_a_cue_of_numbers_only_keeps_its_text():
    assert second_reading("12 m") is None  # nothing would be left to read

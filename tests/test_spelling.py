"""Misspelt direction words (oscbridge.spelling): which slips are mended and which words stay as typed."""
from __future__ import annotations

import pytest

from oscbridge.spelling import DIRECTION_WORDS, MENDS, REAL_WORDS, _slips, mend_spelling


@pytest.mark.parametrize("text, want", [
    ("timecode 00:12:05:14, fireworks at the frnot right, 80 metres", "timecode 00:12:05:14, fireworks at the front right, 80 metres"),
    ("track 6 woodpecker to the rihgt and behind, 8 m", "track 6 woodpecker to the right and behind, 8 m"),
    ("engine starts behidn on the left", "engine starts behind on the left"),  # neighbours swapped
    ("two knocks on the wall to the lft, -4 dB", "two knocks on the wall to the left, -4 dB"),  # a letter dropped
    ("2 gunshots straight behinde, 400 m off", "2 gunshots straight behind, 400 m off"),  # an "e" added at the end
    ("door slam in front of the listner", "door slam in front of the listener"),
    ("Lfet: rain bed", "Left: rain bed"), ("REAR-RIGTH: drone", "REAR-RIGHT: drone"),  # the case is kept
    ("beeps at 10 o'clck", "beeps at 10 o'clock"), ("pan it 30 degress... 30 degres left", "pan it 30 degress... 30 degrees left"),
])
def test_slips_in_direction_words_are_mended(text, want):
    assert mend_spelling(text) == want


@pytest.mark.parametrize("text", [
    "a light on the right, a fight behind, at night",  # a letter typed for another makes real words: never mended
    "let it ring; the font on the sheet; blow the candle; overheard at the back",  # words of their own
    "the lefty guitarist, righto, the rears of the seats, two lefts and two rights",  # plurals and -y/-o endings
    "bright fright wright; rearm the trap, rebar, the bull's bellow",  # letters in front; REAL_WORDS
    "a dog barks behind me on the left, far away",  # nothing misspelt
])
def test_other_words_stay_as_typed(text):
    assert mend_spelling(text) == text


def test_no_word_the_encoder_holds_whole_is_mended():
    """REAL_WORDS lists every slip of a direction word that all-MiniLM-L6-v2's vocabulary holds as a whole
    word: none of those is in MENDS, and the list is not padded with slips the vocabulary does not hold."""
    from transformers import AutoTokenizer

    from oscbridge.encoders import encoder_dir

    vocab = AutoTokenizer.from_pretrained(str(encoder_dir("all-minilm-l6-v2")), local_files_only=True).get_vocab()
    whole = {s for w in DIRECTION_WORDS for s in _slips(w) if s in vocab and len(s) >= 3 and s not in DIRECTION_WORDS}
    assert whole == REAL_WORDS - {"rearm", "rebar", "bellow"}
    assert not whole & set(MENDS)
    assert not set(MENDS) & set(DIRECTION_WORDS)


def test_every_mend_is_one_slip_from_its_word():
    for slip, word in MENDS.items():
        assert slip in _slips(word) and len(slip) >= 3
    assert len(MENDS) > 2000  # 22 words, a hundred or more slips each

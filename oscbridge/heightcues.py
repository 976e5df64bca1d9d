"""Extra training cues for the word-level elevation head (``model.ElevationHead``).

The corpus states height with about fifty elevation phrases ("overhead", "under my feet"), so a
head trained on it alone reads height in those words only, and takes any "up", "down", "high" or
"low" for one: on the first elevation development set it missed "in the treetops", "in the
cellar", "from the gallery", and lifted "the crowd settles down", "a low rumble", "turn it down",
"heads up". These cues teach the head two things the corpus does not:

- **Places above and below** ("in the attic", "on the tin roof", "in the canopy", "down in the
  cellar", "under the floorboards", "below deck"), each with an elevation in the canonical frame
  (+ = up) on the scale of the hand-written set's README.
- **Words that only look like height**: mix and theatre jargon ("turn it down", "low in the mix",
  "under the dialogue", "upstage"), pitch and intensity ("a high-pitched whine", "a low rumble",
  "high energy"), phrasal verbs ("the storm dies down", "the tension builds up"), names and
  figures of speech ("the high street", "top priority"), and level places in the words the raised
  ones use ("behind my head", "directly in front of me", "at eye level"). These cues are level
  (0 deg); a quarter of the raised cues carry such an idiom too, so it argues for neither.

Rows carry only what the head reads: ``{"text", "category": "height", "labels": {"elevation_deg",
"elevation_stated": True}}``. Sources, directions and clauses come from the corpus's training
split only; no phrase here is one of the corpus's held-out (valid or test) elevation phrases, and
none was taken from a development or evaluation set. Only the elevation head trains on them.
"""

from __future__ import annotations

import random
from typing import Any

from oscbridge import corpus as C

# (elevation deg, phrases): where the sound is, said as a place
_RAISED: list[tuple[float, list[str]]] = [
    (90, ["straight over my head", "right over my head", "dead overhead", "directly above my head",
          "vertically above me", "at the very top of the sky above me"]),
    (70, ["high in the sky", "up in the clouds", "way up in the sky", "high over my head", "through the ceiling right above me",
          "on the ceiling above me", "in the ceiling", "from the ceiling vent", "on the skylight", "on the roof right above me",
          "on the sunroof", "in the loft above my head", "up on the lighting grid", "on the catwalk overhead",
          "from the ceiling speaker", "in the ceiling fan"]),
    (60, ["in the attic", "up in the attic", "in the loft", "on the roof", "on the tin roof", "on the rooftop",
          "in the sky", "up in the sky", "up on the lighting rig", "in the bell tower",
          "from the crow's nest", "up the chimney", "in the air vent above", "from the flies above the stage",
          "hovering high above", "circling high above"]),
    (50, ["upstairs", "on the floor above", "in the flat upstairs", "on the upper floor", "in the treetops",
          "in the canopy", "up a tree", "high in the branches", "on the bridge above me", "on the cliff above me",
          "at the top of the stairwell", "hovering above", "up on the hill above me", "from the upstairs window"]),
    (35, ["on the balcony", "from the balcony", "in the gallery", "up in the gallery", "in the upper circle",
          "in the upper tier", "on the mezzanine", "at the top of the stairs", "on a high shelf", "on top of the wardrobe",
          "up on the stage scaffolding", "in the branches", "from the pulpit", "up on the wall"]),
    (20, ["just above eye level", "a little above my head", "slightly up", "raised a little", "on a raised platform",
          "slightly elevated", "tilted up a touch", "on the shelf above the desk",
          "at the height of the picture rail"]),
    (-15, ["just below eye level", "a little lower than my head", "slightly low", "dropped a touch",
           "a little below my chin", "at chest height"]),
    (-30, ["on the ground", "on the ground beside me", "in the grass", "at ground level", "in the gutter",
           "on the floor nearby", "down by my knees", "on the carpet", "in the orchestra pit",
           "under the table", "under the bed", "down in the valley below", "in the undergrowth"]),
    (-45, ["in the cellar", "down in the cellar", "in the basement", "down in the basement", "downstairs",
           "on the floor below", "in the flat downstairs", "under the floorboards", "beneath the floor", "under my seat",
           "under the seat", "beneath the stage", "under the stage", "below deck", "in the street below",
           "from the street below", "in the water below", "down the stairwell"]),
    (-60, ["at my feet", "right at my feet", "under my shoes", "in the pit below",
           "in the tunnels beneath", "through the hull below", "in the sewer under the street", "deep underground",
           "under the ice below me", "in the crypt below"]),
    (-80, ["down the well", "at the bottom of the well", "straight down below my feet", "directly beneath my feet",
           "from the subway right under my feet", "vertically below me", "at the bottom of the shaft below"]),
]

# words that only look like height: the cue is level
_DECOY_CLAUSES = [  # a whole clause
    "turn it down", "turn it up", "bring it up in the mix", "pull it down in the mix", "keep it low in the mix",
    "tone it down", "pitch it higher", "pitch it lower", "drop it 3 dB", "fade it up", "fade it down",
    "push it up a little", "hype it up", "raise the level", "lower the volume", "raise the volume", "lower the level",
    "bring the music down", "pull the crowd down under the speech", "take the ambience down a notch",
    "the music winds down", "the storm dies down", "the crowd settles down", "the room quiets down",
    "the tension builds up", "the wind picks up", "the lights come up", "the scene heats up", "the party calms down",
    "the beat drops", "the engine slows down", "the traffic speeds up", "the house lights go down",
    "heads up", "the tension is sky-high", "spirits are high", "everyone is feeling low",
    "this is top priority", "it's high on my list", "low priority for now", "from the top",
    "at the top of the cue", "at the bottom of the scene", "the chorus lifts", "the bass drops out",
    "the story reaches its high point", "the hero hits rock bottom", "over the top is fine here",
    "it shows up late", "she ends up alone", "the fog creeps up on them", "he hangs up the phone",
]
_DECOY_ADJ = ["low", "high-pitched", "low-pitched", "deep, low", "shrill, high", "thin, high", "low-key", "upbeat",
              "high-end", "low-budget", "top-quality", "high-energy", "low, droning", "bottom-heavy", "overblown"]
_DECOY_PLACE = [  # a place that is level, in words that look like height
    "down the hall", "down the corridor", "up the street", "up the road", "down the road", "down the lane",
    "upstage", "downstage", "up front", "over the speakers", "over the phone", "over the radio", "over the PA",
    "on the high street", "from the Upper East Side", "down at the harbour", "up at the bar", "over by the door",
    "under the dialogue", "under the music", "underneath the score", "beneath the voice-over", "over the music",
    "on top of the music", "under everything else", "above the noise of the crowd",
]


# level places said with "head", "directly", "right", "eye": words the raised places also use
_LEVEL_PLACE = [
    "behind my head", "right behind my head", "around my head", "at head height", "level with my head", "beside my head",
    "next to my head", "at ear level", "right next to my ear", "in front of my face", "directly behind me",
    "directly in front of me", "directly to my left", "directly to my right", "right in front of me",
    "on the same level as me", "at the same height as me", "at eye level", "straight ahead at head height",
]


# The sources whose name hashes to train: a subset of the corpus's training sources (C.SOURCE_SPLIT also moves
# to train the held-out nouns that training text writes anyway; those 17 are left out here). The shipped head was
# trained on this list, so it stays as it is.
_SOURCES = [s for s in C.SOURCES if C._hash_split(s.noun) == "train"]
_POST = C._CLAUSES_BY_SPLIT["train"]["POST"]
_CTX = C._CLAUSES_BY_SPLIT["train"]["CTX"]


def _direction(rng: random.Random) -> str:
    sector = rng.choice(C.SECTORS)
    shared, _ = sector.loc.pools("train")
    return rng.choice(shared)[0]


def _subject(rng: random.Random, adj: str | None = None) -> tuple[str, str, str]:
    """(subject with its article, the noun with "the", a verb phrase that agrees)."""
    s = rng.choice(_SOURCES)
    noun = f"{adj} {s.noun}" if adj else s.noun
    if s.number == "sg":
        subj = f"{C._article(noun)} {noun}"
    else:
        subj = noun
    verb = C._agree(rng.choice(s.verbs), s.plural)
    return subj, f"the {noun}", verb


def _cue(rng: random.Random, where: str, decoy: str | None, adj: str | None, direction: bool = True) -> str:
    """A cue that puts a sound ``where``, with a horizontal direction too (when ``direction``, 80 %)."""
    subj, the, verb = _subject(rng, adj)
    d = _direction(rng) if direction and rng.random() < 0.8 else ""
    frames = [
        f"{subj} {verb} {where}{', ' + d if d else ''}",
        f"{subj} {verb}{' ' + d if d else ''}, {where}",
        f"{where}{', ' + d if d else ''}: {subj}",
        f"put {the} {where}{', ' + d if d else ''}",
        f"{d + ', ' if d else ''}{where}, {subj} {verb}",
        f"I want {the} {where}{' ' + d if d else ''}, {rng.choice(_POST)}",
        f"{rng.choice(_CTX)} {subj[0].upper() + subj[1:]} {verb} {where}{' ' + d if d else ''}.",
    ]
    text = rng.choice(frames)
    if decoy:
        text = f"{decoy}; {text}" if rng.random() < 0.5 else f"{text}, {decoy}"
    return text


def generate(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` rows: 45 % at a height said as a place (a quarter of them with a height-looking idiom too),
    55 % level with a height-looking idiom, adjective or place. Seeded: the same (n, seed), the same rows."""
    rng = random.Random(f"oscbridge.heightcues:{seed}")
    rows = []
    for _ in range(n):
        if rng.random() < 0.45:
            el, phrases = rng.choice(_RAISED)
            where = rng.choice(phrases)
            decoy = rng.choice(_DECOY_CLAUSES) if rng.random() < 0.25 else None
            text = _cue(rng, where, decoy, None)
        else:
            el = 0.0
            kind = rng.random()
            if kind < 0.3:
                text = _cue(rng, _direction(rng), rng.choice(_DECOY_CLAUSES), None, direction=False)
            elif kind < 0.45:
                text = _cue(rng, rng.choice(_LEVEL_PLACE), rng.choice(_DECOY_CLAUSES) if rng.random() < 0.3 else None, None)
            elif kind < 0.7:
                text = _cue(rng, _direction(rng), None, rng.choice(_DECOY_ADJ), direction=False)
            else:
                text = _cue(rng, rng.choice(_DECOY_PLACE), rng.choice(_DECOY_CLAUSES) if rng.random() < 0.3 else None, None)
        text = text[0].upper() + text[1:] if rng.random() < 0.6 else text
        rows.append({"text": text, "category": "height", "labels": {"elevation_deg": float(el), "elevation_stated": True}})
    return rows

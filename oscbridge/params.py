"""Value objects of the canonical spatial frame (see ../shared/conventions.md §1).

The frame, stated once for the whole code base:

    azimuth_deg    (-180, 180]  0 = front, +90 = LEFT, -90 = right, 180 = behind (counter-clockwise)
    elevation_deg  [-90, 90]    0 = ear level, +90 = straight up
    distance_m     [0.1, 100]   from the centre of the listener's head
    spread_deg     [0, 360]     apparent width, 0 = point source
    wet            [0, 1]       reverb mix, 0 = dry
    drr_db         [-30, 30]    direct-to-reverberant ratio
    gain_db        [-60, 12]    relative level

Every object here is immutable and valid once built: the constructors reject values out of
range or not finite, and ``SpatialParams.clamped`` / ``Position.clamped`` bring arbitrary
numbers into range (wrapping azimuth) for code that computes them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

AZIMUTH_RANGE = (-180.0, 180.0)
ELEVATION_RANGE = (-90.0, 90.0)
DISTANCE_RANGE = (0.1, 100.0)
SPREAD_RANGE = (0.0, 360.0)
WET_RANGE = (0.0, 1.0)
DRR_RANGE = (-30.0, 30.0)
GAIN_RANGE = (-60.0, 12.0)

#: name -> (low, high) of every static field, in contract order.
RANGES: dict[str, tuple[float, float]] = {
    "azimuth_deg": AZIMUTH_RANGE,
    "elevation_deg": ELEVATION_RANGE,
    "distance_m": DISTANCE_RANGE,
    "spread_deg": SPREAD_RANGE,
    "wet": WET_RANGE,
    "drr_db": DRR_RANGE,
    "gain_db": GAIN_RANGE,
}
FIELDS: tuple[str, ...] = tuple(RANGES)

MOTION_KINDS = ("line", "orbit", "approach", "recede")
ORBIT_DIRECTIONS = ("ccw", "cw")
DURATION_RANGE = (0.05, 3600.0)
MAX_SOURCES = 128


def wrap_azimuth(azimuth_deg: float) -> float:
    """Wrap any angle in degrees into (-180, 180]."""
    a = math.fmod(azimuth_deg, 360.0)
    if a <= -180.0:
        a += 360.0
    elif a > 180.0:
        a -= 360.0
    return a + 0.0  # turn -0.0 into 0.0


def angular_error_deg(a, b):
    """|a - b| the short way round, in degrees; floats or numpy arrays alike."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


def _in_range(name: str, value: Any, low: float, high: float) -> float:
    v = _finite(name, value)
    if not low <= v <= high:
        raise ValueError(f"{name} {v:g} is outside [{low:g}, {high:g}]")
    return v


def _clamp(name: str, value: Any, low: float, high: float) -> float:
    return min(max(_finite(name, value), low), high)


@dataclass(frozen=True)
class Position:
    """A point in the canonical frame: where a motion ends."""

    azimuth_deg: float = 0.0
    elevation_deg: float = 0.0
    distance_m: float = 2.0

    def __post_init__(self) -> None:
        az = _finite("azimuth_deg", self.azimuth_deg)
        if not -180.0 < az <= 180.0:
            raise ValueError(f"azimuth_deg {az:g} is outside (-180, 180]")
        object.__setattr__(self, "azimuth_deg", az)
        object.__setattr__(self, "elevation_deg", _in_range("elevation_deg", self.elevation_deg, *ELEVATION_RANGE))
        object.__setattr__(self, "distance_m", _in_range("distance_m", self.distance_m, *DISTANCE_RANGE))

    @classmethod
    def clamped(cls, azimuth_deg: float = 0.0, elevation_deg: float = 0.0, distance_m: float = 2.0) -> "Position":
        return cls(
            wrap_azimuth(_finite("azimuth_deg", azimuth_deg)),
            _clamp("elevation_deg", elevation_deg, *ELEVATION_RANGE),
            _clamp("distance_m", distance_m, *DISTANCE_RANGE),
        )

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Motion:
    """How a source moves after the cue lands.

    kind      line (start -> end), orbit (circles the listener), approach / recede (distance)
    end       where a line/approach/recede ends; optional for an orbit
    direction orbit only: "ccw" (towards the left first, the frame's positive sense) or "cw"
    turns     orbit only: how many revolutions over duration_s (None = keep going)
    """

    kind: str
    duration_s: float
    end: Position | None = None
    direction: str | None = None
    turns: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in MOTION_KINDS:
            raise ValueError(f"motion kind {self.kind!r} is not one of {', '.join(MOTION_KINDS)}")
        object.__setattr__(self, "duration_s", _in_range("duration_s", self.duration_s, *DURATION_RANGE))
        if self.end is not None and not isinstance(self.end, Position):
            raise ValueError("motion end must be a Position")
        if self.kind == "orbit":
            if self.direction not in ORBIT_DIRECTIONS:
                raise ValueError(f"orbit direction {self.direction!r} is not 'ccw' or 'cw'")
            if self.turns is not None:
                object.__setattr__(self, "turns", _in_range("turns", self.turns, 0.0, 1000.0))
        else:
            if self.direction is not None or self.turns is not None:
                raise ValueError(f"direction and turns belong to orbits, not to a {self.kind}")
            if self.end is None:
                raise ValueError(f"a {self.kind} motion needs an end position")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "duration_s": self.duration_s}
        if self.end is not None:
            d["end"] = self.end.to_dict()
        if self.direction is not None:
            d["direction"] = self.direction
        if self.turns is not None:
            d["turns"] = self.turns
        return d


@dataclass(frozen=True)
class SpatialParams:
    """The seven static parameters of one source, always all present and in range."""

    azimuth_deg: float = 0.0
    elevation_deg: float = 0.0
    distance_m: float = 2.0
    spread_deg: float = 0.0
    wet: float = 0.2
    drr_db: float = 6.0
    gain_db: float = 0.0

    def __post_init__(self) -> None:
        az = _finite("azimuth_deg", self.azimuth_deg)
        if not -180.0 < az <= 180.0:
            raise ValueError(f"azimuth_deg {az:g} is outside (-180, 180]")
        object.__setattr__(self, "azimuth_deg", az)
        for name in FIELDS[1:]:
            object.__setattr__(self, name, _in_range(name, getattr(self, name), *RANGES[name]))

    @classmethod
    def clamped(cls, **values: float) -> "SpatialParams":
        """Build from any finite numbers: azimuth wrapped, the others clamped to their ranges.

        Raises ValueError for an unknown name or a value that is not a finite number.
        """
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown spatial parameter(s): {', '.join(sorted(unknown))}")
        out: dict[str, float] = {}
        for name, value in values.items():
            if name == "azimuth_deg":
                out[name] = wrap_azimuth(_finite(name, value))
            else:
                out[name] = _clamp(name, value, *RANGES[name])
        return cls(**out)

    def with_(self, **values: float) -> "SpatialParams":
        """A copy with some fields changed (clamped like ``clamped``)."""
        merged = self.to_dict()
        merged.update(values)
        return SpatialParams.clamped(**merged)

    @property
    def position(self) -> Position:
        return Position(self.azimuth_deg, self.elevation_deg, self.distance_m)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Prediction:
    """One answered cue: the JSON contract of ``oscbridge predict`` (conventions.md §2)."""

    text: str
    params: SpatialParams
    source: int = 1
    motion: Motion | None = None
    explicit: tuple[str, ...] = field(default_factory=tuple)
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.source, bool) or not isinstance(self.source, int) or not 1 <= self.source <= MAX_SOURCES:
            raise ValueError(f"source must be an integer in 1..{MAX_SOURCES}, got {self.source!r}")
        object.__setattr__(self, "confidence", _in_range("confidence", self.confidence, 0.0, 1.0))
        object.__setattr__(self, "explicit", tuple(self.explicit))

    def with_source(self, source: int) -> "Prediction":
        return replace(self, source=source)

    def to_json_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "source": self.source}
        d.update({k: round(v, 4) for k, v in self.params.to_dict().items()})
        d["motion"] = self.motion.to_dict() if self.motion is not None else None
        d["explicit"] = list(self.explicit)
        d["confidence"] = round(self.confidence, 4)
        return d

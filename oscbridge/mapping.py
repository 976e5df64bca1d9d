"""Mapping profiles: from the canonical frame to one target's OSC address space.

A profile is one YAML file (``mappings/NAME.yaml`` or any path). A user adds a target by
writing YAML only. Schema (every key is checked; every problem is reported with its path)::

    name: adm-osc                      # required, [a-z0-9-]
    description: one line              # required
    host: 127.0.0.1                    # default destination
    port: 4001                         # default destination port, 1..65535
    index_base: 1                      # source N is addressed as N - 1 + index_base
    max_sources: 64                    # sources beyond this are refused for this target
    bundle: false                      # true: one cue's messages travel as one OSC bundle (atomic)
    vars: {dmax_m: 20}                 # named numbers, usable in addresses and in any numeric field
    messages:                          # what one update sends, in order
      - address: /adm/obj/{index}/aed  # {index} = the target's index; {var} = a var
        args:
          - param: azimuth_deg         # a parameter (see PARAMS) ...
          - value: 0                   # ... or a constant
            type: f                    # f (float32, default), i (int32), s (string)

Per argument, the conversion runs in this fixed order (each step optional)::

    param -> scale (multiply) -> divide -> offset (add) -> map {from: [a, b], to: [c, d]}
          -> db_to_linear -> clamp [lo, hi] -> type

Any numeric field may name a var instead of a number (``divide: dmax_m``).
``oscbridge --set PROFILE.KEY=VALUE`` overrides host, port, index_base, max_sources, bundle
or a var before validation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from oscbridge.errors import ConfigError, ProfileError
from oscbridge.osc import Encoder, encode_bundle
from oscbridge.params import FIELDS, SpatialParams

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"

#: every parameter a profile may send; derived ones are computed from the canonical seven.
DERIVED_PARAMS = {
    "front_m": "metres towards the front (x of IEM/ambisonics: x front, y left, z up)",
    "left_m": "metres towards the left",
    "up_m": "metres upwards",
    "gain_with_distance_db": "gain_db plus the 1/r law beyond var distance_ref_m (default 1 m), "
    "for targets with no distance parameter",
    "index": "the target's index of the source (integer)",
    "source": "the 1-based source number (integer)",
}
PARAMS = tuple(FIELDS) + tuple(DERIVED_PARAMS)
OVERRIDABLE = ("host", "port", "index_base", "max_sources", "bundle")
TOP_KEYS = {"name", "description", "host", "port", "index_base", "max_sources", "bundle", "vars", "messages"}
ARG_KEYS = {"param", "value", "scale", "divide", "offset", "map", "db_to_linear", "clamp", "type"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def derived_values(params: SpatialParams, source: int, index: int, distance_ref_m: float) -> dict[str, float]:
    """All of PARAMS for one source. Cartesian axes: front, left, up (the canonical frame)."""
    az = math.radians(params.azimuth_deg)
    el = math.radians(params.elevation_deg)
    d = params.distance_m
    horiz = d * math.cos(el)
    v = params.to_dict()
    v["front_m"] = horiz * math.cos(az)
    v["left_m"] = horiz * math.sin(az)
    v["up_m"] = d * math.sin(el)
    v["gain_with_distance_db"] = params.gain_db - 20.0 * math.log10(max(d, distance_ref_m) / distance_ref_m)
    v["index"] = index
    v["source"] = source
    return v


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a message and how it is computed."""

    param: str | None = None
    value: float | str | None = None
    scale: float = 1.0
    divide: float = 1.0
    offset: float = 0.0
    map_from: tuple[float, float] | None = None
    map_to: tuple[float, float] | None = None
    db_to_linear: bool = False
    clamp: tuple[float, float] | None = None
    type: str = "f"

    def convert(self, values: Mapping[str, float]) -> float | int | str:
        if self.param is None:
            return self.value  # type: ignore[return-value]  # a constant, type-checked at load
        x = float(values[self.param]) * self.scale / self.divide + self.offset
        if self.map_from is not None and self.map_to is not None:
            (a, b), (c, d) = self.map_from, self.map_to
            x = c + (x - a) * (d - c) / (b - a)
        if self.db_to_linear:
            x = 10.0 ** (x / 20.0)
        if self.clamp is not None:
            x = min(max(x, self.clamp[0]), self.clamp[1])
        if self.type == "i":
            return int(round(x))
        if self.type == "s":
            return f"{x:g}"
        return x


@dataclass(frozen=True)
class MessageSpec:
    address: str  # vars substituted; "{index}" left in place
    args: tuple[ArgSpec, ...]

    @property
    def typetags(self) -> str:
        return "".join(a.type for a in self.args)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    host: str
    port: int
    index_base: int
    max_sources: int
    bundle: bool
    vars: Mapping[str, float]
    messages: tuple[MessageSpec, ...]
    origin: str = ""
    _encoders: dict[int, tuple[Encoder, ...]] = field(default_factory=dict, compare=False, repr=False)

    def index_of(self, source: int) -> int:
        if not 1 <= source <= self.max_sources:
            raise ValueError(f"{self.name} has sources 1..{self.max_sources}, not {source}")
        return source - 1 + self.index_base

    def values(self, source: int, params: SpatialParams) -> list[tuple[str, str, tuple]]:
        """What one update sends: ``[(address, typetags, args), ...]``."""
        index = self.index_of(source)
        vals = derived_values(params, source, index, self.vars.get("distance_ref_m", 1.0))
        return [
            (m.address.replace("{index}", str(index)), m.typetags, tuple(a.convert(vals) for a in m.args))
            for m in self.messages
        ]

    def datagrams(self, source: int, params: SpatialParams) -> list[bytes]:
        """The encoded packets of one update: one per message, or one bundle."""
        index = self.index_of(source)
        encoders = self._encoders.get(index)
        if encoders is None:  # built once per index, then only numbers are packed
            encoders = tuple(Encoder(m.address.replace("{index}", str(index)), m.typetags) for m in self.messages)
            self._encoders[index] = encoders
        vals = derived_values(params, source, index, self.vars.get("distance_ref_m", 1.0))
        packets = [enc(*(a.convert(vals) for a in m.args)) for enc, m in zip(encoders, self.messages)]
        return [encode_bundle(packets)] if self.bundle else packets

    def unsent_params(self) -> list[str]:
        """Canonical fields this target does not receive (it lacks them)."""
        used = {a.param for m in self.messages for a in m.args if a.param}
        carried = set(used)
        if used & {"front_m", "left_m", "up_m"}:
            carried |= {"azimuth_deg", "elevation_deg", "distance_m"}
        if "gain_with_distance_db" in used:
            carried |= {"gain_db", "distance_m"}
        return [f for f in FIELDS if f not in carried]

    def describe(self) -> str:
        lines = [
            f"{self.name}: {self.description}",
            f"  default destination {self.host}:{self.port}; source N -> index N - 1 + {self.index_base}; "
            f"sources 1..{self.max_sources}; {'one bundle per update' if self.bundle else 'one datagram per message'}",
        ]
        if self.vars:
            lines.append("  vars: " + ", ".join(f"{k}={v:g}" for k, v in self.vars.items()))
        for m in self.messages:
            lines.append(f"  {m.address} ,{m.typetags}  <- " + ", ".join(_describe_arg(a) for a in m.args))
        unsent = self.unsent_params()
        lines.append("  not carried (the target lacks them): " + (", ".join(unsent) if unsent else "none"))
        lines.append(f"  from {self.origin}")
        return "\n".join(lines)


def _describe_arg(a: ArgSpec) -> str:
    if a.param is None:
        return repr(a.value)
    s = a.param
    if a.scale != 1.0:
        s += f"*{a.scale:g}"
    if a.divide != 1.0:
        s += f"/{a.divide:g}"
    if a.offset:
        s += f"{a.offset:+g}"
    if a.map_from is not None:
        s += f" [{a.map_from[0]:g},{a.map_from[1]:g}]->[{a.map_to[0]:g},{a.map_to[1]:g}]"  # type: ignore[index]
    if a.db_to_linear:
        s += " dB->linear"
    if a.clamp is not None:
        s += f" clamp[{a.clamp[0]:g},{a.clamp[1]:g}]"
    return s


# ----------------------------------------------------------------------------- loading


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}" if path else message)


def _number(raw: Any, path: str, vars_: Mapping[str, float], problems: _Problems) -> float | None:
    if isinstance(raw, str):
        if raw in vars_:
            return vars_[raw]
        problems.add(path, f"{raw!r} is neither a number nor a var (vars: {', '.join(vars_) or 'none'})")
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        problems.add(path, f"expected a number, got {type(raw).__name__}")
        return None
    if not math.isfinite(raw):
        problems.add(path, f"{raw} is not finite")
        return None
    return float(raw)


def _pair(raw: Any, path: str, vars_: Mapping[str, float], problems: _Problems) -> tuple[float, float] | None:
    if not isinstance(raw, list) or len(raw) != 2:
        problems.add(path, "expected a list of two numbers [low, high]")
        return None
    a = _number(raw[0], f"{path}[0]", vars_, problems)
    b = _number(raw[1], f"{path}[1]", vars_, problems)
    if a is None or b is None:
        return None
    return (a, b)


def _arg(raw: Any, path: str, vars_: Mapping[str, float], problems: _Problems) -> ArgSpec | None:
    if not isinstance(raw, dict):
        problems.add(path, "expected a mapping such as {param: azimuth_deg}")
        return None
    n0 = len(problems.items)
    for key in raw:
        if key not in ARG_KEYS:
            problems.add(f"{path}.{key}", f"unknown key (known: {', '.join(sorted(ARG_KEYS))})")
    typ = raw.get("type", "f")
    if typ not in ("f", "i", "s"):
        problems.add(f"{path}.type", f"{typ!r} is not one of f, i, s")
    param, value = raw.get("param"), raw.get("value")
    if (param is None) == (value is None):
        problems.add(path, "give exactly one of 'param' or 'value'")
    if param is not None and param not in PARAMS:
        problems.add(f"{path}.param", f"unknown parameter {param!r} (known: {', '.join(PARAMS)})")
    if value is not None:
        conv_keys = set(raw) - {"value", "type"}
        if conv_keys:
            problems.add(path, f"a constant takes no conversion ({', '.join(sorted(conv_keys))})")
        if typ == "s":
            if not isinstance(value, str):
                problems.add(f"{path}.value", "type s needs a string value")
        else:
            num = _number(value, f"{path}.value", vars_, problems)
            value = None if num is None else (int(round(num)) if typ == "i" else num)
    kw: dict[str, Any] = {"param": param, "value": value, "type": typ}
    for key in ("scale", "divide", "offset"):
        if key in raw:
            kw[key] = _number(raw[key], f"{path}.{key}", vars_, problems)
    if kw.get("divide") == 0.0:
        problems.add(f"{path}.divide", "cannot divide by zero")
    if "map" in raw:
        m = raw["map"]
        if not isinstance(m, dict) or set(m) != {"from", "to"}:
            problems.add(f"{path}.map", "expected {from: [a, b], to: [c, d]}")
        else:
            kw["map_from"] = _pair(m["from"], f"{path}.map.from", vars_, problems)
            kw["map_to"] = _pair(m["to"], f"{path}.map.to", vars_, problems)
            if kw["map_from"] and kw["map_from"][0] == kw["map_from"][1]:
                problems.add(f"{path}.map.from", "the two ends must differ")
    if "db_to_linear" in raw:
        if not isinstance(raw["db_to_linear"], bool):
            problems.add(f"{path}.db_to_linear", "expected true or false")
        kw["db_to_linear"] = bool(raw["db_to_linear"])
    if "clamp" in raw:
        kw["clamp"] = _pair(raw["clamp"], f"{path}.clamp", vars_, problems)
        if kw["clamp"] and kw["clamp"][0] > kw["clamp"][1]:
            problems.add(f"{path}.clamp", "low is above high")
    if typ == "s" and param is not None:
        problems.add(f"{path}.type", "a parameter is sent as a number (f or i), not a string")
    if len(problems.items) > n0:
        return None
    return ArgSpec(**kw)


def _apply_overrides(raw: dict, overrides: Mapping[str, Any], problems: _Problems) -> None:
    for key, value in overrides.items():
        if key in OVERRIDABLE:
            raw[key] = value
        elif isinstance(raw.get("vars"), dict) and key in raw["vars"]:
            raw["vars"][key] = value
        else:
            known = list(OVERRIDABLE) + list(raw.get("vars") or {})
            problems.add(f"--set {key}", f"not a setting of this profile (known: {', '.join(known)})")


def parse_profile(raw: Any, origin: str, overrides: Mapping[str, Any] | None = None) -> Profile:
    """Validate a profile's YAML data; raise ProfileError listing every problem."""
    problems = _Problems()
    if not isinstance(raw, dict):
        raise ProfileError(origin, ["the file must hold a mapping (name:, description:, messages: ...)"])
    raw = dict(raw)
    if isinstance(raw.get("vars"), dict):
        raw["vars"] = dict(raw["vars"])
    if overrides:
        _apply_overrides(raw, overrides, problems)
    for key in raw:
        if key not in TOP_KEYS:
            problems.add(str(key), f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")

    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.add("name", "required: lower-case letters, digits and '-'")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.add("description", "required: one line saying what the target is")
    host = raw.get("host", "127.0.0.1")
    if not isinstance(host, str) or not host:
        problems.add("host", "expected a host name or address")
    port = raw.get("port")
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        problems.add("port", "required: an integer in 1..65535")
    index_base = raw.get("index_base", 1)
    if isinstance(index_base, str) and index_base.lstrip("-").isdigit():
        index_base = int(index_base)
    if isinstance(index_base, bool) or not isinstance(index_base, int) or index_base < 0:
        problems.add("index_base", "expected an integer >= 0 (0 or 1 for most targets)")
    max_sources = raw.get("max_sources", 64)
    if isinstance(max_sources, str) and max_sources.isdigit():
        max_sources = int(max_sources)
    if isinstance(max_sources, bool) or not isinstance(max_sources, int) or not 1 <= max_sources <= 128:
        problems.add("max_sources", "expected an integer in 1..128")
    bundle = raw.get("bundle", False)
    if isinstance(bundle, str) and bundle.lower() in ("true", "false"):
        bundle = bundle.lower() == "true"
    if not isinstance(bundle, bool):
        problems.add("bundle", "expected true or false")

    vars_: dict[str, float] = {}
    raw_vars = raw.get("vars", {}) or {}
    if not isinstance(raw_vars, dict):
        problems.add("vars", "expected a mapping of names to numbers")
    else:
        for k, v in raw_vars.items():
            if not isinstance(k, str) or not re.match(r"^[a-z_][a-z0-9_]*$", k):
                problems.add(f"vars.{k}", "a var name is lower-case letters, digits and '_'")
                continue
            if k == "index":
                problems.add(f"vars.{k}", "'index' is reserved for the source's index")
                continue
            if isinstance(v, str):
                try:
                    v = float(v)
                except ValueError:
                    pass
            num = _number(v, f"vars.{k}", {}, problems)
            if num is not None:
                vars_[k] = num
        if "distance_ref_m" in vars_ and vars_["distance_ref_m"] <= 0:
            problems.add("vars.distance_ref_m", "must be > 0")

    messages: list[MessageSpec] = []
    raw_msgs = raw.get("messages")
    if not isinstance(raw_msgs, list) or not raw_msgs:
        problems.add("messages", "required: a non-empty list of {address, args}")
        raw_msgs = []
    for i, m in enumerate(raw_msgs):
        path = f"messages[{i}]"
        if not isinstance(m, dict):
            problems.add(path, "expected a mapping {address: ..., args: [...]}")
            continue
        for key in m:
            if key not in ("address", "args"):
                problems.add(f"{path}.{key}", "unknown key (known: address, args)")
        address = m.get("address")
        if not isinstance(address, str) or not address.startswith("/") or " " in address:
            problems.add(f"{path}.address", "required: an OSC address starting with '/' and without spaces")
            continue
        for ph in PLACEHOLDER_RE.findall(address):
            if ph != "index" and ph not in vars_:
                problems.add(f"{path}.address", f"unknown placeholder {{{ph}}} (use {{index}} or a var)")
        resolved = PLACEHOLDER_RE.sub(
            lambda mt: mt.group(0) if mt.group(1) not in vars_ else f"{vars_[mt.group(1)]:g}", address
        )
        raw_args = m.get("args", [])
        if not isinstance(raw_args, list):
            problems.add(f"{path}.args", "expected a list")
            continue
        args = [_arg(a, f"{path}.args[{j}]", vars_, problems) for j, a in enumerate(raw_args)]
        if all(a is not None for a in args):
            messages.append(MessageSpec(resolved, tuple(args)))  # type: ignore[arg-type]

    if problems.items:
        raise ProfileError(origin, problems.items)
    return Profile(
        name=name,
        description=description.strip(),
        host=host,
        port=port,
        index_base=index_base,
        max_sources=max_sources,
        bundle=bundle,
        vars=vars_,
        messages=tuple(messages),
        origin=origin,
    )


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ProfileError(str(path), [f"YAML syntax error at{where}: {problem}"]) from None


def available_profiles(directory: Path = MAPPINGS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


def resolve_profile_path(name_or_path: str, directory: Path = MAPPINGS_DIR) -> Path:
    """A shipped profile name ("adm-osc") or a path to a YAML file."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or "/" in name_or_path:
        return p
    candidate = directory / f"{name_or_path}.yaml"
    if not candidate.exists():
        raise ConfigError(
            f"unknown profile {name_or_path!r} (shipped: {', '.join(available_profiles(directory))}; "
            "or give a path to a .yaml file)"
        )
    return candidate


def load_profile(name_or_path: str, overrides: Mapping[str, Any] | None = None) -> Profile:
    path = resolve_profile_path(name_or_path)
    return parse_profile(read_yaml(path), str(path), overrides)


def check_profiles(paths: Iterable[str]) -> list[str]:
    """Every problem of every file, as ``"FILE: PATH: message"`` lines (empty = all good)."""
    out: list[str] = []
    for p in paths:
        try:
            load_profile(p)
        except ProfileError as e:
            out.extend(f"{e.source}: {problem}" for problem in e.problems)
        except ConfigError as e:
            out.append(str(e))
    return out


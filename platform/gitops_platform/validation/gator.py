"""Locating and running the Gatekeeper CLI ``gator``."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GatorRun", "find_gator", "run_gator"]

#: Environment variable naming a folder of tools that wins over the project's ``bin/``.
BIN_ENV = "GITOPS_PLATFORM_BIN"


def find_gator(root: Path | None = None) -> Path | None:
    """Find ``gator``: ``$GITOPS_PLATFORM_BIN/gator``, then ``<root>/bin/gator``, then ``PATH``.

    Args:
        root: the project root (the folder holding ``bin/``); skipped when ``None``.

    Returns:
        The path of an executable ``gator``, or ``None`` when there is none.

    """
    candidates: list[Path] = []
    if os.environ.get(BIN_ENV):
        candidates.append(Path(os.environ[BIN_ENV]) / "gator")
    if root is not None:
        candidates.append(root / "bin" / "gator")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("gator")
    return Path(found) if found else None


@dataclass(frozen=True)
class GatorRun:
    """What one ``gator test`` run returned."""

    returncode: int
    stdout: str
    stderr: str


def run_gator(gator: Path, files: list[Path], *, timeout: float = 600.0) -> GatorRun:
    """Run ``gator test -o json`` once over ``files``.

    Args:
        gator: the gator executable.
        files: YAML or JSON files holding templates, constraints and the objects to review.
        timeout: seconds before the run is abandoned.

    Returns:
        The exit code and outputs. gator exits 1 both when a constraint denies and when it
        cannot run; tell them apart by parsing ``stdout`` (a JSON list, or ``null``).

    """
    command = [str(gator), "test", "--output=json"]
    for file in files:
        command.append(f"--filename={file}")
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    return GatorRun(completed.returncode, completed.stdout, completed.stderr)

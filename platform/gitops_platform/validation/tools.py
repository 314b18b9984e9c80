"""Locating the pinned command-line tools and running them: every subprocess goes through here."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_platform.layout import BIN_ENV
from gitops_platform.validation.report import Finding

__all__ = ["INSTALL_HINT", "CommandResult", "find_tool", "missing_tool", "run_command"]

INSTALL_HINT = "run `make tools` (builds the pinned helm, kubeconform, gator, kustomize into bin/)"


def find_tool(name: str, repo_root: Path, folder: str = "bin") -> Path | None:
    """Find a tool: ``$GITOPS_PLATFORM_BIN/<name>``, then ``<repo_root>/<folder>/<name>``, PATH.

    Args:
        name: the executable name (``kubeconform``).
        repo_root: the repository whose ``folder`` holds the pinned tools.
        folder: where the repository keeps it: ``bin`` for the Go tools (``make tools``),
            ``node_modules/.bin`` for the cdk8s CLI (``npm ci``).

    Returns:
        The executable, or ``None`` when it is nowhere to be found.

    """
    candidates = [repo_root / folder / name]
    if os.environ.get(BIN_ENV):
        candidates.insert(0, Path(os.environ[BIN_ENV]) / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def missing_tool(name: str, rule: str) -> Finding:
    """The finding reported when a step's tool is not installed."""
    return Finding(f"bin/{name}", rule, f"{name} is not installed: {INSTALL_HINT}")


@dataclass(frozen=True)
class CommandResult:
    """The outcome of one command (what :func:`run_command` returns)."""

    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """Whether the command exited with status 0."""
        return self.returncode == 0

    def output(self, limit: int = 4000) -> str:
        """Stderr (else stdout), stripped and cut to ``limit`` characters."""
        text = (self.stderr.strip() or self.stdout.strip()) or f"exit status {self.returncode}"
        return text if len(text) <= limit else text[:limit] + " [...]"


def run_command(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600.0,
    stdin: str | None = None,
) -> CommandResult:
    """Run a command, capturing its output; a timeout or a missing binary is a failed run.

    Args:
        command: the program and its arguments.
        cwd: the working directory.
        env: extra environment variables, added to the current environment.
        timeout: seconds before the command is killed.
        stdin: text fed to the command's standard input.

    Returns:
        The exit status and outputs.

    """
    args = tuple(str(part) for part in command)
    full_env = {**os.environ, **env} if env else None
    try:
        completed = subprocess.run(
            args,
            cwd=cwd,
            env=full_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CommandResult(args, 124, "", f"timed out after {timeout:g}s")
    except OSError as error:
        return CommandResult(args, 127, "", str(error))
    return CommandResult(args, completed.returncode, completed.stdout, completed.stderr)

"""Locating the pinned command-line tools, installing them, and running every subprocess.

The pinned Go tools (helm, kubeconform, gator, kustomize) are listed once, in the package data
file ``defaults/tools.txt`` (:func:`pinned_tools`); ``gitops-platform tools install``
(:func:`install_tools`) and the repository's ``scripts/install_tools.sh`` both read it. Go is the
one prerequisite: each tool is built with ``go install <module>@<exact version>``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gitops_platform.layout import BIN_ENV
from gitops_platform.validation.report import Finding

__all__ = [
    "INSTALL_COMMAND",
    "INSTALL_HINT",
    "MIN_NODE_MAJOR",
    "CommandResult",
    "PinnedTool",
    "find_tool",
    "install_tools",
    "missing_tool",
    "node_problem",
    "pinned_tools",
    "run_command",
    "user_bin",
]

#: The command that installs the pinned tools (what every hint names).
INSTALL_COMMAND = "gitops-platform tools install"
INSTALL_HINT = (
    f"run `{INSTALL_COMMAND}` (builds the pinned helm, kubeconform, gator, kustomize with Go "
    f"into the user cache, or ${BIN_ENV})"
)
#: The record of what was installed, one ``name module@version`` line per tool.
VERSIONS_FILE = ".versions"


@dataclass(frozen=True)
class PinnedTool:
    """One pinned Go tool.

    Attributes:
        name: the executable name (``helm``).
        module: the Go package built (``helm.sh/helm/v4/cmd/helm``).
        version: the exact module version (``v4.3.1``).
        stamp: the ``-X`` linker variable that stamps the version into the binary, or ``""``.

    """

    name: str
    module: str
    version: str
    stamp: str = ""

    @property
    def record(self) -> str:
        """The line ``.versions`` keeps for it: ``name module@version``."""
        return f"{self.name} {self.module}@{self.version}"


def pinned_tools() -> tuple[PinnedTool, ...]:
    """The pinned tools, read from the package data file ``defaults/tools.txt``."""
    text = (
        resources.files("gitops_platform.validation")
        .joinpath("defaults/tools.txt")
        .read_text(encoding="utf-8")
    )
    tools = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            name, module, version, stamp = words
            tools.append(PinnedTool(name, module, version, "" if stamp == "-" else stamp))
    return tuple(tools)


def user_bin() -> Path:
    """Where ``gitops-platform tools install`` puts the tools by default.

    ``$GITOPS_PLATFORM_BIN`` when set, else ``$XDG_CACHE_HOME/gitops-platform/bin`` (default
    ``~/.cache/gitops-platform/bin``).
    """
    if os.environ.get(BIN_ENV):
        return Path(os.environ[BIN_ENV]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "gitops-platform" / "bin"


def install_tools(
    target: Path, echo: Callable[[str], None] = print, go: str | None = None
) -> list[str]:
    """Build every pinned tool that ``target`` lacks (or holds at another version).

    A tool whose ``.versions`` line matches and whose binary exists is not rebuilt, so a second
    run builds nothing.

    Args:
        target: the folder for the executables (created when missing).
        echo: where progress lines go.
        go: the ``go`` executable; default: ``go`` on ``PATH``.

    Returns:
        The names of the tools built.

    Raises:
        RuntimeError: Go is not installed, or a build failed (the message carries Go's output).

    """
    versions = target / VERSIONS_FILE
    recorded = (
        set(versions.read_text(encoding="utf-8").splitlines()) if versions.is_file() else set()
    )
    todo = [
        t
        for t in pinned_tools()
        if t.record not in recorded or not os.access(target / t.name, os.X_OK)
    ]
    if not todo:
        return []
    go_binary = go or shutil.which("go")
    if go_binary is None:
        raise RuntimeError(
            "'go' was not found on PATH: the validation tools (helm, kubeconform, gator, "
            "kustomize) are built from their Go modules; install Go 1.24 or newer "
            f"(https://go.dev/dl/ or a package manager), then run `{INSTALL_COMMAND}` again"
        )
    target.mkdir(parents=True, exist_ok=True)
    built = []
    for tool in todo:
        ldflags = "-s -w" + (f" -X {tool.stamp}={tool.version}" if tool.stamp else "")
        echo(f"go install {tool.module}@{tool.version} -> {target / tool.name}")
        env = {
            "GOBIN": str(target),
            "GOFLAGS": f"{os.environ.get('GOFLAGS', '')} -buildvcs=false".strip(),
        }
        done = run_command(
            [
                go_binary,
                "install",
                "-trimpath",
                f"-ldflags={ldflags}",
                f"{tool.module}@{tool.version}",
            ],
            env=env,
            timeout=3600,
        )
        if not done.ok:
            raise RuntimeError(
                f"building {tool.name} failed (the Go module proxy must be reachable): "
                f"{done.output()}"
            )
        lines = [
            line
            for line in (
                versions.read_text(encoding="utf-8").splitlines() if versions.is_file() else []
            )
            if not line.startswith(f"{tool.name} ")
        ]
        versions.write_text("\n".join([*lines, tool.record]) + "\n", encoding="utf-8")
        built.append(tool.name)
    return built


#: The oldest Node.js major version jsii supports without an end-of-life banner.
MIN_NODE_MAJOR = 22


def node_problem(environ: Mapping[str, str] | None = None) -> str:
    """Why jsii's Node.js is unsupported, with how to point ``JSII_NODE`` elsewhere (``""``: ok).

    jsii runs ``$JSII_NODE``, else ``node`` on ``PATH``; a Node.js older than
    :data:`MIN_NODE_MAJOR` prints an end-of-life banner on every run (jsii's supported
    releases are listed in that banner).

    Args:
        environ: the environment (default: the process's).

    Returns:
        A sentence naming the Node.js found and how to use a supported one, or ``""``.

    """
    env = os.environ if environ is None else environ
    node = env.get("JSII_NODE") or shutil.which("node", path=env.get("PATH"))
    hint = (
        f"install Node.js {MIN_NODE_MAJOR} or newer and set JSII_NODE to its `node` (e.g. "
        f"`npm install node@{MIN_NODE_MAJOR}` in a folder, then "
        "export JSII_NODE=$PWD/node_modules/.bin/node)"
    )
    if not node:
        return f"Node.js not found (jsii needs it to run the constructs): {hint}"
    ran = run_command([node, "--version"], timeout=30)
    match = re.match(r"v(\d+)\.", ran.stdout.strip())
    if not ran.ok or match is None or int(match[1]) < MIN_NODE_MAJOR:
        found = ran.stdout.strip() or ran.output()
        return f"{node} is Node.js {found}, which jsii does not support: {hint}"
    return ""


def find_tool(name: str, repo_root: Path, folder: str = "bin") -> Path | None:
    """Find a tool.

    Searched in order: ``$GITOPS_PLATFORM_BIN/<name>``, ``<repo_root>/<folder>/<name>``, the
    user cache of ``gitops-platform tools install`` (:func:`user_bin`), then ``PATH``.

    Args:
        name: the executable name (``kubeconform``).
        repo_root: the repository whose ``folder`` holds the pinned tools.
        folder: where the repository keeps it: ``bin`` for the Go tools,
            ``node_modules/.bin`` for the cdk8s CLI (``npm ci``).

    Returns:
        The executable, or ``None`` when it is nowhere to be found.

    """
    candidates = [repo_root / folder / name, user_bin() / name]
    if os.environ.get(BIN_ENV):
        candidates.insert(0, Path(os.environ[BIN_ENV]) / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def missing_tool(name: str, rule: str) -> Finding:
    """The finding reported when a step's tool is not installed."""
    return Finding(name, rule, f"{name} is not installed: {INSTALL_HINT}", root_cause=True)


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

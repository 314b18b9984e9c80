"""Locating the pinned command-line tools, installing them, and running every subprocess.

The pinned Go tools (helm, kubeconform, gator, kustomize) are listed once, in the package data
file ``defaults/tools.txt`` (:func:`pinned_tools`); ``gitops-platform tools install``
(:func:`install_tools`) and the repository's ``scripts/install_tools.sh`` both read it. Go is the
one prerequisite: each tool is built with ``go install <module>@<exact version>``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gitops_platform.layout import BIN_ENV
from gitops_platform.node import MIN_NODE_MAJOR, node_problem
from gitops_platform.validation.report import Finding

__all__ = [
    "INSTALL_COMMAND",
    "INSTALL_HINT",
    "MIN_NODE_MAJOR",
    "VRL_HINT",
    "VRL_VERSION",
    "CommandResult",
    "PinnedTool",
    "find_tool",
    "install_tools",
    "kube_module",
    "kube_tools",
    "missing_tool",
    "node_problem",
    "pinned_tools",
    "run_command",
    "tool_names",
    "user_bin",
]

#: The command that installs the pinned tools (what every hint names).
INSTALL_COMMAND = "gitops-platform tools install"
INSTALL_HINT = (
    f"run `{INSTALL_COMMAND}` (builds the pinned helm, kubeconform, gator, kustomize, "
    f"promtool, cyclonus, kube-apiserver, kubectl and etcd with Go into the user cache, or "
    f"${BIN_ENV})"
)
#: The VRL engine's version: the ``vrl`` crate Vector 0.56.0 (the gateway's image) pins.
VRL_VERSION = "0.33.1"
#: How to install the VRL engine, a Rust build that ``tools install`` (Go only) leaves out.
VRL_HINT = (
    f"build it with Rust's cargo: `cargo install vrl --version {VRL_VERSION} --locked "
    f"--root <dir>` and put <dir>/bin on PATH (or copy `vrl` into ${BIN_ENV})"
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


#: The files of the Kubernetes wrapper module whose digest the ``.versions`` lines carry.
KUBE_MODULE_FILES = ("go.mod", "go.sum", "tools.go", "etcd/main.go")


@dataclass(frozen=True)
class KubeTool:
    """A Kubernetes server tool, built with ``go build`` in the wrapper module ``tools/kube``.

    ``k8s.io/kubernetes`` cannot be built by ``go install pkg@version`` (its go.mod replaces
    its staging modules by local folders); the wrapper module pins it instead, and ships in the
    wheel as ``gitops_platform/validation/kube``.

    Attributes:
        name: the executable (``kube-apiserver``).
        package: the package built in the module (``k8s.io/kubernetes/cmd/kube-apiserver``).
        record: the ``.versions`` line, with the digest of the module's files.
        ldflags: the linker flags (the Kubernetes version stamps).

    """

    name: str
    package: str
    record: str
    ldflags: str


def kube_module() -> Path | None:
    """The wrapper module: in the installed package, else in the source checkout."""
    packaged = Path(str(resources.files("gitops_platform.validation").joinpath("kube")))
    source = Path(__file__).resolve().parents[3] / "tools" / "kube"
    for folder in (packaged, source):
        if (folder / "go.mod").is_file():
            return folder
    return None


def kube_tools(module: Path) -> tuple[KubeTool, ...]:
    """The server tools the wrapper module ``module`` pins (as ``install_tools.sh`` builds them)."""
    requires: dict[str, str] = {}
    for line in (module / "go.mod").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("k8s.io/kubernetes", "go.etcd.io/etcd/server/v3"):
            requires.setdefault(words[0], words[1])
    kube = requires["k8s.io/kubernetes"]
    etcd = requires["go.etcd.io/etcd/server/v3"]
    digest = hashlib.sha256(
        b"".join((module / name).read_bytes() for name in KUBE_MODULE_FILES)
    ).hexdigest()[:12]
    stamps = ""
    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        stamps += f" -X {package}.gitVersion={kube} -X {package}.gitMajor=1"
        stamps += f" -X {package}.gitMinor={kube.split('.')[1]} -X {package}.gitTreeState=clean"
    tail = f"tools/kube@{digest}"
    return (
        KubeTool(
            "kube-apiserver",
            "k8s.io/kubernetes/cmd/kube-apiserver",
            f"kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver@{kube} {tail}",
            "-s -w" + stamps,
        ),
        KubeTool(
            "kubectl",
            "k8s.io/kubernetes/cmd/kubectl",
            f"kubectl k8s.io/kubernetes/cmd/kubectl@{kube} {tail}",
            "-s -w" + stamps,
        ),
        KubeTool("etcd", "./etcd", f"etcd go.etcd.io/etcd/server/v3@{etcd} {tail}", "-s -w"),
    )


def tool_names() -> tuple[str, ...]:
    """Every tool the pipeline runs: the pinned Go tools, then the Kubernetes server tools."""
    return (*(t.name for t in pinned_tools()), "kube-apiserver", "etcd")


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

    def recorded() -> list[str]:
        return versions.read_text(encoding="utf-8").splitlines() if versions.is_file() else []

    def record(name: str, line: str) -> None:
        lines = [old for old in recorded() if not old.startswith(f"{name} ")]
        versions.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")

    def missing(name: str, line: str) -> bool:
        return line not in recorded() or not os.access(target / name, os.X_OK)

    module = kube_module()
    todo = [t for t in pinned_tools() if missing(t.name, t.record)]
    kube_todo = [t for t in kube_tools(module) if missing(t.name, t.record)] if module else []
    if not todo and not kube_todo:
        return []
    go_binary = go or shutil.which("go")
    if go_binary is None:
        raise RuntimeError(
            "'go' was not found on PATH: the validation tools (helm, kubeconform, gator, "
            "kustomize, kube-apiserver, etcd) are built from their Go modules; install Go 1.24 "
            f"or newer (https://go.dev/dl/ or a package manager), then run `{INSTALL_COMMAND}`"
        )
    target.mkdir(parents=True, exist_ok=True)
    flags = os.environ.get("GOFLAGS", "")
    built = []
    for tool in todo:
        ldflags = "-s -w" + (f" -X {tool.stamp}={tool.version}" if tool.stamp else "")
        echo(f"go install {tool.module}@{tool.version} -> {target / tool.name}")
        done = run_command(
            [
                go_binary,
                "install",
                "-trimpath",
                f"-ldflags={ldflags}",
                f"{tool.module}@{tool.version}",
            ],
            env={"GOBIN": str(target), "GOFLAGS": f"{flags} -buildvcs=false".strip()},
            timeout=3600,
        )
        _check_build(tool.name, done)
        record(tool.name, tool.record)
        built.append(tool.name)
    for kube in kube_todo:
        echo(f"go build -C {module} {kube.package} -> {target / kube.name}")
        done = run_command(
            [go_binary, "build", "-C", str(module), "-trimpath", f"-ldflags={kube.ldflags}",
             "-o", str(target / kube.name), kube.package],
            env={"GOFLAGS": f"{flags} -buildvcs=false -mod=readonly".strip()},
            timeout=3600,
        )  # fmt: skip
        _check_build(kube.name, done)
        record(kube.name, kube.record)
        built.append(kube.name)
    return built


def _check_build(name: str, done: CommandResult) -> None:
    if not done.ok:
        raise RuntimeError(
            f"building {name} failed (the Go module proxy must be reachable): {done.output()}"
        )


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

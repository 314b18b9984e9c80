"""Step 1: the committed tree is exactly what the committed code renders.

The app of ``cdk8s.yaml`` is run (through ``cdk8s synth`` when the CLI is installed, else its
``app`` command directly, which is what ``cdk8s synth`` does for a Python app; a bare ``python``
there is the validator's own interpreter) with
``GITOPS_PLATFORM_RENDER_INTO`` pointing at a scratch folder: :meth:`PlatformApp.synth` writes
there whatever folder the app passes it, so the committed tree is never the target. As a
second guard the committed tree is copied aside first; should an app write into it anyway (a
plain cdk8s ``App`` with ``outdir="dist"``), the copy is put back and the step fails saying so.
The two trees are then compared file by file, every difference reported with a (shortened)
unified diff.
"""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
import sys
from pathlib import Path

import yaml

from gitops_platform.layout import DIST_ENV, RENDER_INTO_ENV
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.tools import CommandResult, find_tool, run_command

__all__ = ["STEP", "compare_trees", "find_cdk8s", "run_freshness"]

STEP = "freshness"
#: Where ``npm ci`` installs the pinned cdk8s CLI, relative to the repository.
NODE_BIN = "node_modules/.bin"
CDK8S_CONFIG = "cdk8s.yaml"
MAX_DIFF_LINES = 40
MAX_DIFFED_FILES = 10


def find_cdk8s(repo_root: Path) -> Path | None:
    """The pinned ``cdk8s`` CLI of the repository (``node_modules/.bin``), else PATH's."""
    return find_tool("cdk8s", repo_root, NODE_BIN)


def run_freshness(repo_root: Path, tree: Path, cdk8s: Path | None, workdir: Path) -> StepResult:
    """Re-render the tree into ``workdir`` and compare it with ``tree``.

    Args:
        repo_root: the folder holding ``cdk8s.yaml`` (the app runs there).
        tree: the committed tree; never written to (see the module documentation).
        cdk8s: the cdk8s CLI, or ``None`` to run the ``app`` command of ``cdk8s.yaml`` directly.
        workdir: a scratch folder.

    Returns:
        ``FAILED`` with one finding per added, removed or changed file (or when the app fails
        or writes into ``tree``); ``NOT_RUN`` when there is no ``cdk8s.yaml`` to render with;
        else ``PASSED``.

    """

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail)

    config = repo_root / CDK8S_CONFIG
    app_command = _app_command(config)
    if app_command is None:
        return result(
            Status.NOT_RUN,
            [],
            f"no app to re-render with: {config} is missing or names no `app` command",
        )
    fresh = workdir / "dist"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    backup = workdir / "committed"
    if tree.is_dir():
        shutil.copytree(tree, backup, symlinks=True)
    synth = _render(repo_root, cdk8s, app_command, fresh, workdir / "staging")
    if tree.is_dir() and compare_trees(backup, tree):
        shutil.rmtree(tree)
        shutil.copytree(backup, tree, symlinks=True)
        return result(
            Status.FAILED,
            [
                Finding(
                    CDK8S_CONFIG,
                    STEP,
                    f"the app wrote into the tree under validation ({tree}); it was restored. "
                    f"Render with PlatformApp.synth(), which honours ${RENDER_INTO_ENV}",
                )
            ],
            "the app ignored the scratch folder",
        )
    if not synth.ok:
        return result(
            Status.FAILED,
            [Finding(CDK8S_CONFIG, STEP, f"the app failed to render: {synth.output()}")],
            "could not re-render",
        )
    if not fresh.is_dir():
        return result(
            Status.FAILED,
            [
                Finding(
                    CDK8S_CONFIG,
                    STEP,
                    f"the app wrote nothing to ${RENDER_INTO_ENV} ({fresh}): render with "
                    "PlatformApp.synth(), or write the tree where that variable says",
                )
            ],
            "could not re-render",
        )
    findings = compare_trees(tree, fresh)
    count = sum(1 for p in fresh.rglob("*") if p.is_file())
    if findings:
        return result(
            Status.FAILED,
            findings,
            f"{len(findings)} files differ from a fresh synth ({count} files): synthesize "
            "again and commit the tree",
        )
    return result(Status.PASSED, [], f"{count} files identical to a fresh synth")


def _app_command(config: Path) -> list[str] | None:
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    app = data.get("app") if isinstance(data, dict) else None
    if not isinstance(app, str) or not app.strip():
        return None
    words = shlex.split(app)
    if words[0] in ("python", "python3"):
        words[0] = sys.executable  # the interpreter the validator (and the library) runs in
    return words


def _render(
    repo_root: Path, cdk8s: Path | None, app: list[str], fresh: Path, staging: Path
) -> CommandResult:
    node_bin = repo_root / NODE_BIN
    env = {
        DIST_ENV: str(fresh),
        RENDER_INTO_ENV: str(fresh),
        "CDK8S_OUTDIR": str(staging),
        "PATH": f"{node_bin}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    if (node_bin / "node").is_file() and not os.environ.get("JSII_NODE"):
        env["JSII_NODE"] = str(node_bin / "node")
    if cdk8s is not None:
        command: list[str | Path] = [cdk8s, "synth", "--no-check-upgrade", "-o", staging]
    else:
        staging.mkdir(parents=True, exist_ok=True)
        command = list(app)
    return run_command(command, cwd=repo_root, env=env, timeout=900)


def compare_trees(committed: Path, fresh: Path) -> list[Finding]:
    """Compare two trees; one finding per file that is added, removed or changed.

    Args:
        committed: the tree under review.
        fresh: the freshly rendered tree.

    Returns:
        Findings named by path relative to the trees; a changed file's message carries a
        unified diff (committed -> fresh), cut to a readable length.

    """
    old = _files(committed)
    new = _files(fresh)
    findings: list[Finding] = []
    diffed = 0
    for relpath in sorted(old.keys() | new.keys()):
        if relpath not in new:
            findings.append(
                Finding(relpath, STEP, "stale: in the tree, but a fresh synth does not render it")
            )
        elif relpath not in old:
            findings.append(Finding(relpath, STEP, "missing: a fresh synth renders it"))
        elif old[relpath].read_bytes() != new[relpath].read_bytes():
            diffed += 1
            message = "differs from a fresh synth"
            if diffed <= MAX_DIFFED_FILES:
                message += ":\n" + _diff(relpath, old[relpath], new[relpath])
            findings.append(Finding(relpath, STEP, message))
    return findings


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def _diff(relpath: str, old: Path, new: Path) -> str:
    try:
        before = old.read_text(encoding="utf-8").splitlines()
        after = new.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return "    (binary files differ)"
    lines = list(
        difflib.unified_diff(
            before, after, f"committed/{relpath}", f"fresh/{relpath}", n=2, lineterm=""
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"... ({len(lines) - MAX_DIFF_LINES} more diff lines)"]
    return "\n".join(f"    {line}" for line in lines)

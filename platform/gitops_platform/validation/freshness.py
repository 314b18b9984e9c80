"""Step 1: the committed tree is exactly what the committed code renders.

``cdk8s synth`` runs the repository's app (``cdk8s.yaml``) with ``GITOPS_PLATFORM_DIST`` pointing
at a scratch folder, so the committed tree is never touched; the two trees are then compared
file by file, and every difference is reported with a (shortened) unified diff.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from gitops_platform.layout import DIST_ENV
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.tools import find_tool, run_command

__all__ = ["STEP", "compare_trees", "find_cdk8s", "run_freshness"]

STEP = "freshness"
#: Where ``npm ci`` installs the pinned cdk8s CLI, relative to the repository.
NODE_BIN = "node_modules/.bin"
MAX_DIFF_LINES = 40
MAX_DIFFED_FILES = 10


def find_cdk8s(repo_root: Path) -> Path | None:
    """The pinned ``cdk8s`` CLI of the repository (``node_modules/.bin``), else PATH's."""
    return find_tool("cdk8s", repo_root, NODE_BIN)


def run_freshness(repo_root: Path, tree: Path, cdk8s: Path | None, workdir: Path) -> StepResult:
    """Re-render the tree into ``workdir`` and compare it with ``tree``.

    Args:
        repo_root: the folder holding ``cdk8s.yaml`` (the synth runs there).
        tree: the committed tree.
        cdk8s: the cdk8s CLI (``None`` when it is not installed).
        workdir: a scratch folder.

    Returns:
        ``FAILED`` with one finding per added, removed or changed file (or when the synth
        fails), else ``PASSED``.

    """

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail)

    if cdk8s is None:
        return result(
            Status.FAILED,
            [Finding("node_modules/.bin/cdk8s", STEP, "cdk8s is not installed: run `make setup`")],
            "",
        )
    fresh = workdir / "dist"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    node_bin = repo_root / NODE_BIN
    env = {DIST_ENV: str(fresh), "PATH": f"{node_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    if (node_bin / "node").is_file():
        env.setdefault("JSII_NODE", os.environ.get("JSII_NODE", str(node_bin / "node")))
    synth = run_command(
        [cdk8s, "synth", "--no-check-upgrade", "-o", workdir / "staging"],
        cwd=repo_root,
        env=env,
        timeout=900,
    )
    if not synth.ok:
        return result(
            Status.FAILED,
            [Finding("cdk8s.yaml", STEP, f"cdk8s synth failed: {synth.output()}")],
            "could not re-render",
        )
    if not fresh.is_dir():
        return result(
            Status.FAILED,
            [
                Finding(
                    "cdk8s.yaml",
                    STEP,
                    f"cdk8s synth wrote nothing to ${DIST_ENV} ({fresh}): the app must write "
                    f"its tree where {DIST_ENV} says",
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
            f"{len(findings)} files differ from a fresh synth ({count} files): run "
            "`make synth` and commit the tree",
        )
    return result(Status.PASSED, [], f"{count} files identical to a fresh synth")


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

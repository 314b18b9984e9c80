"""Step 3: ``kustomize build`` of every folder of the tree that holds a kustomization.

Argo CD renders such a folder with Kustomize (5.8.1 in Argo CD 3.5), so each must build; the
outputs are kept for the schema, policy and Argo CD steps.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import missing_tool, run_command
from gitops_platform.validation.tree import parse_documents

__all__ = ["STEP", "Build", "build_all", "origin_of", "step_result"]

STEP = "kustomize"


def origin_of(folder: str) -> str:
    """The origin recorded on the documents built from ``folder``."""
    return f"kustomize build {folder}"


@dataclass
class Build:
    """One ``kustomize build``.

    Attributes:
        folder: the folder, relative to the tree (``infra/clusters/dev``).
        ok: whether it built.
        text: the rendered YAML stream.
        documents: the rendered objects.
        error: kustomize's message when it did not build.

    """

    folder: str
    ok: bool
    text: str = ""
    documents: list[Document] = field(default_factory=list)
    error: str = ""


def build_all(tree: Path, folders: list[str], kustomize: Path) -> dict[str, Build]:
    """Build each folder (in parallel).

    Args:
        tree: the tree's root.
        folders: folders relative to the tree.
        kustomize: the kustomize executable.

    Returns:
        The builds, by folder.

    """

    def one(folder: str) -> Build:
        completed = run_command([kustomize, "build", tree / folder], timeout=300)
        if not completed.ok:
            return Build(folder, False, error=completed.output())
        documents, problem = parse_documents(completed.stdout, origin_of(folder))
        if problem:
            return Build(folder, False, completed.stdout, documents, problem.message)
        return Build(folder, True, completed.stdout, documents)

    workers = max(1, min(len(folders), os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(folders, pool.map(one, folders), strict=True))


def step_result(builds: dict[str, Build], kustomize: Path | None) -> StepResult:
    """The step's result from the builds (or the missing-tool failure)."""
    if kustomize is None:
        return StepResult(STEP, Status.FAILED, [missing_tool("kustomize", STEP)], "")
    findings = [
        Finding(f"{b.folder}/kustomization.yaml", STEP, f"kustomize build failed: {b.error}")
        for b in builds.values()
        if not b.ok
    ]
    objects = sum(len(b.documents) for b in builds.values())
    detail = f"{len(builds)} kustomizations, {objects} objects"
    if findings:
        return StepResult(STEP, Status.FAILED, findings, f"{detail}, {len(findings)} failed")
    if not builds:
        detail = "no kustomization in the tree"
    return StepResult(STEP, Status.PASSED, [], detail)

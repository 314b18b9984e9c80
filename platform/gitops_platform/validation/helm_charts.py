"""Steps 5b and 5c: Helm charts linted and rendered with the real ``helm`` (v4, as Argo CD 3.5).

* 5b (``helm-charts``): every chart kept in this repository (a folder with a ``Chart.yaml``
  outside ``dist/``, ``.venv``, ``node_modules``, ``bin`` and ``tests/fixtures``, plus any chart
  inside the validated tree) gets ``helm lint --strict`` and ``helm template``, once with its
  defaults and once per ``values-<env>.yaml`` next to it.
* 5c (``helm-render``): every platform Application's chart rendered exactly as Argo CD would,
  in :mod:`~gitops_platform.validation.chart_render` (re-exported here).

The ``HelmOutput``s are returned so that the schema and policy steps validate them too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gitops_platform.validation.chart_render import (
    RENDER_STEP,
    HelmOutput,
    render_platform_charts,
)
from gitops_platform.validation.chart_source import helm_env
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.settings import KUBERNETES_VERSION
from gitops_platform.validation.tools import CommandResult, missing_tool, run_command
from gitops_platform.validation.tree import Tree, parse_documents

__all__ = [
    "CHARTS_STEP",
    "EXCLUDED_DIRS",
    "RENDER_STEP",
    "HelmOutput",
    "find_repo_charts",
    "lint_charts",
    "render_platform_charts",
]

CHARTS_STEP = "helm-charts"
#: Folders of the repository never searched for charts (first path component, or a prefix).
EXCLUDED_DIRS = (
    "dist",
    ".venv",
    "node_modules",
    "bin",
    "tests/fixtures",
    "examples",  # each example is a repository of its own, validated by its own test
    ".build",
    ".tools",
    ".git",
)


def find_repo_charts(repo_root: Path, tree: Tree, repo_prefix: str) -> list[Path]:
    """Every chart folder of the repository and of the tree.

    Args:
        repo_root: the repository.
        tree: the validated tree (its charts are included wherever it is).
        repo_prefix: the repository's rendered tree folder (``dist/``), never searched.

    Returns:
        Absolute chart folders, sorted.

    """
    excluded = {*EXCLUDED_DIRS, repo_prefix.strip("/")} - {""}
    charts: set[Path] = set()
    for chart_file in repo_root.rglob("Chart.yaml"):
        rel = chart_file.parent.relative_to(repo_root).as_posix()
        if any(rel == e or rel.startswith(f"{e}/") for e in excluded):
            continue
        if any(part.startswith(".") for part in Path(rel).parts):
            continue
        charts.add(chart_file.parent.resolve())
    for folder in tree.chart_dirs:
        charts.add((tree.root / folder).resolve())
    # A chart inside another chart (charts/<subchart>) is linted with its parent.
    return sorted(c for c in charts if not any(p in charts for p in c.parents))


def lint_charts(
    charts: list[Path], helm: Path | None, envs: list[str], cache: Path, display: Any
) -> tuple[StepResult, list[HelmOutput]]:
    """``helm lint --strict`` and ``helm template`` for each chart and each values variant.

    Args:
        charts: chart folders.
        helm: the helm executable (``None`` when it is not installed).
        envs: environment names; ``values-<env>.yaml`` next to a chart is used when present.
        cache: the cache root (helm's home folders live there).
        display: a function turning a path into its report form.

    Returns:
        The step result and the rendered outputs.

    """
    started = time.monotonic()

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(
            CHARTS_STEP, status, findings, detail, round(time.monotonic() - started, 3)
        )

    if not charts:
        return result(Status.PASSED, [], "0 charts in this repository"), []
    if helm is None:
        return result(Status.FAILED, [missing_tool("helm", CHARTS_STEP)], ""), []
    env = helm_env(cache)
    findings: list[Finding] = []
    outputs: list[HelmOutput] = []

    def check(chart: Path) -> list[tuple[str, list[Path], CommandResult, CommandResult]]:
        variants: list[list[Path]] = [[]]
        variants += [
            [chart / f"values-{e}.yaml"] for e in envs if (chart / f"values-{e}.yaml").is_file()
        ]
        digest = _chart_digest(chart)
        done = []
        for values in variants:
            flags: list[str | Path] = []
            for file in values:
                flags += ["--values", file]
            release = re.sub(r"[^a-z0-9-]", "-", chart.name.lower())[:53].strip("-") or "chart"
            lint = _cached_run(
                [helm, "lint", "--strict", chart, *flags], digest, values, cache, env
            )
            template = _cached_run(
                [helm, "template", release, chart, "--kube-version", KUBERNETES_VERSION, *flags],
                digest,
                values,
                cache,
                env,
            )
            done.append((release, values, lint, template))
        return done

    # two helm processes at a time (the machines this runs on have two cores or more)
    with ThreadPoolExecutor(max_workers=2) as pool:
        checked = list(pool.map(check, charts))
    for chart, variants in zip(charts, checked, strict=True):
        shown = display(chart)
        for _, values, lint, template in variants:
            label = f"{shown}" + (f" with {values[0].name}" if values else "")
            if not lint.ok:
                findings.extend(_lint_findings(lint, shown, label))
            origin = f"helm template {label}"
            if not template.ok:
                findings.append(
                    Finding(
                        f"{shown}/Chart.yaml", CHARTS_STEP, f"{origin} failed: {template.output()}"
                    )
                )
                continue
            documents, problem = parse_documents(template.stdout, origin)
            if problem:
                findings.append(problem)
            outputs.append(HelmOutput(origin, template.stdout, documents))
    detail = f"{len(charts)} charts in this repository, {len(outputs)} renders"
    if findings:
        return result(Status.FAILED, findings, f"{detail}, {len(findings)} problems"), outputs
    return result(Status.PASSED, [], detail), outputs


def _chart_digest(chart: Path) -> str:
    """The sha256 of a chart folder: every file's path and content."""
    hasher = hashlib.sha256()
    for path in sorted(p for p in chart.rglob("*") if p.is_file()):
        hasher.update(path.relative_to(chart).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def _cached_run(
    command: list[str | Path], digest: str, values: list[Path], cache: Path, env: dict[str, str]
) -> CommandResult:
    """Run a ``helm lint``/``helm template`` of a repository chart, or reuse its last result.

    The key covers everything the result depends on: helm's binary, every argument (the
    chart's folder included), the chart's files and the value files' contents.
    """
    helm = Path(command[0])
    stat = helm.stat()
    hasher = hashlib.sha256()
    hasher.update(f"{helm.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{digest}".encode())
    for part in command[1:]:
        hasher.update(str(part).encode() + b"\0")
    for file in values:
        hasher.update(file.read_bytes() + b"\0")
    cached = cache / "chart-checks" / f"{hasher.hexdigest()[:32]}.json"
    if cached.is_file():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            return CommandResult(
                tuple(data["command"]), data["returncode"], data["stdout"], data["stderr"]
            )
        except (OSError, ValueError, KeyError):
            pass
    result = run_command(command, env=env, timeout=300)
    if result.returncode in (0, 1):  # helm's verdict; not a timeout or a crash
        cached.parent.mkdir(parents=True, exist_ok=True)
        staging = cached.with_name(f".{cached.name}.{os.getpid()}.{threading.get_ident()}")
        staging.write_text(
            json.dumps(
                {
                    "command": list(result.command),
                    "returncode": result.returncode,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                }
            ),
            encoding="utf-8",
        )
        os.replace(staging, cached)
    return result


def _lint_findings(lint: CommandResult, shown: str, label: str) -> list[Finding]:
    findings = []
    for line in (lint.stdout + "\n" + lint.stderr).splitlines():
        match = re.match(r"^\[(ERROR|WARNING)\]\s+(.*)$", line.strip())
        if match:
            findings.append(
                Finding(
                    f"{shown}",
                    f"{CHARTS_STEP}/lint",
                    f"{match.group(1)}: {match.group(2)} ({label})",
                )
            )
    if not findings:
        findings.append(Finding(shown, f"{CHARTS_STEP}/lint", f"helm lint failed: {lint.output()}"))
    return findings

"""Steps 5b and 5c: Helm charts linted and rendered with the real ``helm`` (v4, as Argo CD 3.5).

* 5b (``helm-charts``): every chart kept in this repository (a folder with a ``Chart.yaml``
  outside ``dist/``, ``.venv``, ``node_modules``, ``bin`` and ``tests/fixtures``, plus any chart
  inside the validated tree) gets ``helm lint --strict`` and ``helm template``, once with its
  defaults and once per ``values-<env>.yaml`` next to it.
* 5c (``helm-render``): every platform Application's chart rendered exactly as Argo CD would:
  the pinned version, the same value files in the same order, ``helm.values`` /
  ``helm.valuesObject`` / ``helm.parameters``, the release name (``helm.releaseName``, else the
  Application's name), the destination namespace, Kubernetes 1.33 and ``--api-versions`` for
  every CRD the platform installs. Charts are pulled once into the cache; where a chart
  repository cannot be reached the step reports *not run* with the reason, never a pass.

The ``HelmOutput``s are returned so that the schema and policy steps validate them too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_platform.validation.argo_tree import AppSource, ArgoApp, ArgoInventory, RepoPrefix
from gitops_platform.validation.helm_values import user_values
from gitops_platform.validation.report import Document, Finding, Status, StepResult
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
RENDER_STEP = "helm-render"
#: Folders of the repository never searched for charts (first path component, or a prefix).
EXCLUDED_DIRS = (
    "dist",
    ".venv",
    "node_modules",
    "bin",
    "tests/fixtures",
    ".build",
    ".tools",
    ".git",
)
PULL_TIMEOUT = 60.0


@dataclass
class HelmOutput:
    """One ``helm template`` output.

    Attributes:
        origin: the command, as reports name it.
        text: the rendered stream.
        documents: the rendered objects.
        app: the ``ref`` of the Application it was rendered for, if any.

    """

    origin: str
    text: str
    documents: list[Document] = field(default_factory=list)
    app: str | None = None


def _helm_env(cache: Path) -> dict[str, str]:
    base = cache / "helm"
    return {
        "HELM_CACHE_HOME": str(base / "cache"),
        "HELM_CONFIG_HOME": str(base / "config"),
        "HELM_DATA_HOME": str(base / "data"),
    }


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
    env = _helm_env(cache)
    findings: list[Finding] = []
    outputs: list[HelmOutput] = []
    for chart in charts:
        shown = display(chart)
        variants: list[list[Path]] = [[]]
        variants += [
            [chart / f"values-{e}.yaml"] for e in envs if (chart / f"values-{e}.yaml").is_file()
        ]
        for values in variants:
            flags: list[str | Path] = []
            for file in values:
                flags += ["--values", file]
            label = f"{shown}" + (f" with {values[0].name}" if values else "")
            lint = run_command([helm, "lint", "--strict", chart, *flags], env=env, timeout=300)
            if not lint.ok:
                findings.extend(_lint_findings(lint, shown, label))
            release = re.sub(r"[^a-z0-9-]", "-", chart.name.lower())[:53].strip("-") or "chart"
            template = run_command(
                [helm, "template", release, chart, "--kube-version", KUBERNETES_VERSION, *flags],
                env=env,
                timeout=300,
            )
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


@dataclass
class _Job:
    app: ArgoApp
    source: AppSource
    archive: Path | None = None
    error: str = ""


def render_platform_charts(
    inventory: ArgoInventory,
    tree: Tree,
    paths: RepoPrefix,
    helm: Path | None,
    api_versions: set[str],
    cache: Path,
    workdir: Path,
) -> tuple[StepResult, list[HelmOutput]]:
    """Render every Application's chart as Argo CD would (see the module documentation).

    Args:
        inventory: the Applications Argo CD would create.
        tree: the tree holding the value files.
        paths: how repository paths map onto the tree.
        helm: the helm executable (``None`` when it is not installed).
        api_versions: ``--api-versions`` values (the CRDs the platform installs).
        cache: the cache root (pulled charts are kept there).
        workdir: a scratch folder for inline values.

    Returns:
        The step result (``NOT_RUN`` when a chart repository is unreachable) and the renders.

    """
    started = time.monotonic()

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(
            RENDER_STEP, status, findings, detail, round(time.monotonic() - started, 3)
        )

    jobs = [_Job(app, s) for app in inventory.apps for s in app.sources if s.chart is not None]
    if not jobs:
        return result(Status.PASSED, [], "no Application deploys a Helm chart"), []
    if helm is None:
        return result(Status.FAILED, [missing_tool("helm", RENDER_STEP)], ""), []
    env = _helm_env(cache)
    charts = {_chart_id(j.source): j.source for j in jobs}
    with ThreadPoolExecutor(max_workers=min(8, len(charts))) as pool:
        pulled = dict(
            zip(
                charts, pool.map(lambda s: _pull(helm, s, cache, env), charts.values()), strict=True
            )
        )
    unreachable: dict[str, str] = {}
    for job in jobs:
        job.archive, job.error = pulled[_chart_id(job.source)]
        if job.archive is None:
            unreachable[job.source.repo_url] = job.error
    findings: list[Finding] = []
    outputs: list[HelmOutput] = []
    workdir.mkdir(parents=True, exist_ok=True)
    for number, job in enumerate(j for j in jobs if j.archive is not None):
        rendered, problem = _template(
            job, number, helm, tree, paths, inventory, api_versions, env, workdir
        )
        if problem:
            findings.append(problem)
        if rendered:
            outputs.append(rendered)
    done = f"{len(outputs)} of {len(jobs)} chart sources rendered"
    if findings:
        return result(Status.FAILED, findings, f"{done}, {len(findings)} failed"), outputs
    if unreachable:
        reasons = "; ".join(f"{url}: {error}" for url, error in sorted(unreachable.items()))
        return (
            result(
                Status.NOT_RUN,
                [],
                f"{done}; chart repositories not reachable from here, so these charts were not "
                f"rendered: {reasons}",
            ),
            outputs,
        )
    return result(Status.PASSED, [], done), outputs


def _chart_id(source: AppSource) -> str:
    return f"{source.repo_url}|{source.chart}|{source.revision}"


def _pull(
    helm: Path, source: AppSource, cache: Path, env: dict[str, str]
) -> tuple[Path | None, str]:
    digest = hashlib.sha256(_chart_id(source).encode()).hexdigest()[:16]
    folder = cache / "charts" / digest
    existing = sorted(folder.glob("*.tgz")) if folder.is_dir() else []
    if existing:
        return existing[0], ""
    repo = source.repo_url.rstrip("/")
    if repo.startswith("oci://") or "://" not in repo:
        reference = repo if repo.startswith("oci://") else f"oci://{repo}"
        command: list[str | Path] = [helm, "pull", f"{reference}/{source.chart}"]
    else:
        command = [helm, "pull", str(source.chart), "--repo", repo]
    staging = folder.with_name(f".{digest}.{os.getpid()}")
    staging.mkdir(parents=True, exist_ok=True)
    pulled = run_command(
        [*command, "--version", source.revision, "--destination", staging],
        env=env,
        timeout=PULL_TIMEOUT,
    )
    archives = sorted(staging.glob("*.tgz"))
    if not pulled.ok or not archives:
        for leftover in staging.glob("*"):
            leftover.unlink()
        staging.rmdir()
        return None, _reason(pulled.output(600))
    with contextlib.suppress(OSError):  # another run may have pulled it meanwhile
        staging.rename(folder)
    found = sorted(folder.glob("*.tgz"))
    return (found[0] if found else archives[0]), ""


def _reason(output: str) -> str:
    """The gist of a failed pull: the network error when there is one (``no such host``)."""
    first = output.splitlines()[0] if output else "pull failed"
    if "cannot be reached" in first and '": ' in first:
        return first.rsplit('": ', 1)[-1]
    return first


def _template(
    job: _Job,
    number: int,
    helm: Path,
    tree: Tree,
    paths: RepoPrefix,
    inventory: ArgoInventory,
    api_versions: set[str],
    env: dict[str, str],
    workdir: Path,
) -> tuple[HelmOutput | None, Finding | None]:
    app, source = job.app, job.source
    helm_spec = source.helm
    release = str(helm_spec.get("releaseName") or app.name)
    namespace = str(app.destination.get("namespace") or "default")
    given = user_values(app, source, tree, paths, inventory)
    flags: list[str | Path] = []
    for index, (_, content) in enumerate(given.files):
        file = workdir / f"values-{number}-{index}.yaml"
        file.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
        flags += ["--values", file]
    for parameter in helm_spec.get("parameters") or []:
        if isinstance(parameter, dict) and parameter.get("name"):
            option = "--set-string" if parameter.get("forceString") else "--set"
            flags += [option, f"{parameter['name']}={parameter.get('value', '')}"]
    for api in sorted(api_versions):
        flags += ["--api-versions", api]
    if helm_spec.get("skipCrds"):
        flags.append("--skip-crds")
    else:
        flags.append("--include-crds")
    if helm_spec.get("skipTests"):
        flags.append("--skip-tests")
    assert job.archive is not None  # noqa: S101 - filtered by the caller
    command = [
        helm, "template", release, job.archive, "--namespace", namespace,
        "--kube-version", KUBERNETES_VERSION, *flags,
    ]  # fmt: skip
    origin = f"helm template {release} {source.chart} {source.revision} ({app.name})"
    completed = run_command(command, env=env, timeout=300)
    if not completed.ok:
        return None, Finding(
            app.document.origin,
            RENDER_STEP,
            f"{origin} failed: {completed.output()}",
            app.document.ref,
        )
    documents, problem = parse_documents(completed.stdout, origin)
    return HelmOutput(origin, completed.stdout, documents, app.document.ref), problem

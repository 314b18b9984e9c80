"""Step 5c (``helm-render``): every platform chart rendered exactly as Argo CD 3.5 would.

For every Application Argo CD would create from the tree (one per environment) and each of its
Helm chart sources, ``helm template`` (Helm 4, as Argo CD 3.5) runs on the chart archive from
:mod:`~gitops_platform.validation.chart_source` (the offline mirror, else the repository) with:

* the release name (``helm.releaseName``, else the Application's name) and the namespace
  (``helm.namespace``, else the destination namespace);
* the values in Argo CD's order: the value files as listed (chart defaults first, then
  ``base.yaml``, then ``<env>.yaml``), then ``helm.values``, ``helm.valuesObject``, and
  ``helm.parameters`` as ``--set``/``--set-string``;
* ``--kube-version`` of the clusters (``helm.kubeVersion`` when the Application sets one);
* ``--api-versions`` for every API the destination cluster serves once the platform is
  installed (``helm.apiVersions`` when the Application sets them): Kubernetes' GA APIs, plus
  every CRD the environment's charts and manifests install (plus the constraint kinds Gatekeeper
  creates from the ConstraintTemplates). Those CRDs are known only after rendering, so each
  environment is rendered twice: once to collect the CRDs, then with the full list (the
  steady state Argo CD sees, since it asks the live cluster);
* ``--include-crds`` unless ``helm.skipCrds``; ``--skip-tests`` for ``helm.skipTests``;
  ``--skip-schema-validation`` for ``helm.skipSchemaValidation``.

A Git path source whose folder in the tree holds a ``Chart.yaml`` (a chart kept in the
repository and copied into the tree) is a Helm source too: Argo CD renders that folder with
``helm template`` and the source's ``helm`` block, exactly as above, so it is rendered here per
environment with the same values (Argo CD 3.5 ``docs/user-guide/helm.md``: "Helm" is detected
for a Git path holding ``Chart.yaml``).

Objects whose only Helm hooks are ones Argo CD does not support (``test``, ``test-success``,
``test-failure``, ``pre-rollback``, ``post-rollback``) are left out of the output, as Argo CD
never applies them (Argo CD 3.5 ``docs/user-guide/helm.md``, "Helm Hooks" and "Helm
--skip-tests"); an object with an ``argocd.argoproj.io/hook`` annotation follows that one
instead, and ``Skip`` leaves it out.

Each ``helm template`` output is kept in the cache (parsed, as JSON), keyed by helm's binary,
the archive's sha256, every argument and the value files' contents, so a second run renders
only what changed.

The outputs are returned so that kubeconform (step 4), the policy set (step 6) and the Argo CD
project check (step 7) see every rendered object.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_platform.validation.argo_tree import (
    AppSource,
    ArgoApp,
    ArgoInventory,
    RepoPrefix,
    source_field_location,
)
from gitops_platform.validation.chart_source import ChartArchive, ChartFetcher, ChartRef, helm_env
from gitops_platform.validation.helm_values import user_values
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.schemas import (
    API_VERSIONS_FILE,
    Scopes,
    constraint_crd,
    kubernetes_schemas,
)
from gitops_platform.validation.settings import KUBERNETES_VERSION
from gitops_platform.validation.tools import missing_tool, run_command
from gitops_platform.validation.tree import Tree, parse_documents

__all__ = [
    "HELM_HOOK",
    "RENDER_STEP",
    "UNSUPPORTED_HELM_HOOKS",
    "HelmOutput",
    "applied_by_argocd",
    "builtin_api_versions",
    "chart_ref",
    "render_platform_charts",
]

RENDER_STEP = "helm-render"
HELM_HOOK = "helm.sh/hook"
ARGOCD_HOOK = "argocd.argoproj.io/hook"
#: Helm hooks Argo CD maps to none of its own: objects carrying only these are never applied.
UNSUPPORTED_HELM_HOOKS = frozenset(
    {"test", "test-success", "test-failure", "pre-rollback", "post-rollback"}
)
RENDER_TIMEOUT = 300.0


@dataclass
class HelmOutput:
    """One ``helm template`` output, as Argo CD would apply it.

    Attributes:
        origin: how reports name it: the command, the environment and the Application.
        text: the rendered objects as a YAML stream (after hooks Argo CD ignores are removed).
        documents: the rendered objects.
        app: the ``ref`` of the Application it was rendered for, if any.
        env: the environment of that Application, if any.
        chart: ``<chart> <version>``.
        source: where the chart archive came from.
        left_out: how many objects were left out as hooks Argo CD never applies.

    """

    origin: str
    text: str
    documents: list[Document] = field(default_factory=list)
    app: str | None = None
    env: str | None = None
    chart: str = ""
    source: str = ""
    left_out: int = 0


def chart_ref(source: AppSource) -> ChartRef:
    """The pinned chart of a Helm source."""
    return ChartRef(source.repo_url, str(source.chart), source.revision)


def tree_chart_folder(
    source: AppSource, tree: Tree, paths: RepoPrefix, inventory: ArgoInventory
) -> str | None:
    """The tree folder of a Git path source that is a Helm chart (holds ``Chart.yaml``), if any.

    Args:
        source: an Application source.
        tree: the tree.
        paths: how repository paths map onto the tree.
        inventory: the walk (to tell which repository the tree is).

    Returns:
        The tree-relative chart folder, or ``None`` for a chart repository source, a source of
        another repository, or a folder without ``Chart.yaml``.

    """
    if source.chart is not None or source.path is None:
        return None
    if not inventory.is_this_repo(source.repo_url):
        return None
    folder = paths.to_tree(source.path)
    if folder is None or not (tree.root / folder / "Chart.yaml").is_file():
        return None
    return folder


def _folder_archive(source: AppSource, root: Path, folder: str) -> ChartArchive:
    """A chart folder of the tree as an archive: its path, its files' digest."""
    hasher = hashlib.sha256()
    base = root / folder
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        hasher.update(path.relative_to(base).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    ref = ChartRef(source.repo_url, folder, "at each environment's pin")
    return ChartArchive(
        ref, base, "the chart folder of the validated tree", digest=hasher.hexdigest()
    )


def applied_by_argocd(obj: dict[str, Any]) -> bool:
    """Whether Argo CD applies a rendered object (hooks it does not support are ignored)."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if not isinstance(annotations, dict):
        return True
    argo_hook = annotations.get(ARGOCD_HOOK)
    if argo_hook is not None:
        return "Skip" not in {h.strip() for h in str(argo_hook).split(",")}
    helm_hook = annotations.get(HELM_HOOK)
    if helm_hook is None:
        return True
    hooks = {h.strip() for h in str(helm_hook).split(",") if h.strip()}
    return not hooks or not hooks <= UNSUPPORTED_HELM_HOOKS


def builtin_api_versions(cache: Path) -> set[str]:
    """Kubernetes' own GA ``group/version`` and ``group/version/Kind`` (the clusters' 1.33)."""
    folder = kubernetes_schemas(cache)
    return {str(v) for v in json.loads((folder / API_VERSIONS_FILE).read_text(encoding="utf-8"))}


def crd_api_versions(objects: Iterable[dict[str, Any]]) -> set[str]:
    """The API versions the CRDs among ``objects`` serve.

    The constraint kinds Gatekeeper creates from ConstraintTemplates count as CRDs too.
    """
    scopes = Scopes()
    for obj in objects:
        kind = obj.get("kind")
        api_version = str(obj.get("apiVersion", ""))
        if kind == "CustomResourceDefinition" and api_version.startswith("apiextensions.k8s.io/"):
            scopes.add_crd(obj)
        elif kind == "ConstraintTemplate" and api_version.startswith("templates.gatekeeper.sh/"):
            derived = constraint_crd(obj)
            if derived:
                scopes.add_crd(derived)
    return scopes.api_versions


@dataclass
class _Job:
    number: int
    app: ArgoApp
    source: AppSource
    archive: ChartArchive | None = None
    folder: str | None = None

    @property
    def env(self) -> str | None:
        return self.app.env

    @property
    def release(self) -> str:
        return str(self.source.helm.get("releaseName") or self.app.name)

    @property
    def namespace(self) -> str:
        return str(
            self.source.helm.get("namespace") or self.app.destination.get("namespace") or "default"
        )

    @property
    def origin(self) -> str:
        where = f"env {self.env}, " if self.env else ""
        chart = self.folder or self.source.chart
        return (
            f"helm template {self.release} {chart} {self.source.revision} "
            f"[{where}Application {self.app.name}]"
        )

    @property
    def label(self) -> str:
        return self.folder or chart_ref(self.source).label


@dataclass
class _Output:
    rendered: HelmOutput | None
    problems: list[Finding]
    reused: bool = False


def render_platform_charts(
    inventory: ArgoInventory,
    tree: Tree,
    paths: RepoPrefix,
    charts: ChartFetcher,
    cache: Path,
    workdir: Path,
) -> tuple[StepResult, list[HelmOutput]]:
    """Render every Application's chart as Argo CD would (see the module documentation).

    Args:
        inventory: the Applications Argo CD would create.
        tree: the tree holding the value files.
        paths: how repository paths map onto the tree.
        charts: where chart archives come from (the mirror, else the repositories); its helm
            also renders.
        cache: the cache root (Kubernetes' API list, helm's home folders, and each render's
            output, kept under ``renders/`` keyed by everything it depends on).
        workdir: a scratch folder for the value files handed to helm.

    Returns:
        The step result and the renders. ``FAILED`` when a chart cannot be had from the
        mirror (missing version, digest mismatch) or does not render; ``NOT_RUN`` when only
        unreachable repositories kept charts from rendering; else ``PASSED``. The detail says
        where each chart came from.

    """
    started = time.monotonic()

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(
            RENDER_STEP, status, findings, detail, round(time.monotonic() - started, 3)
        )

    jobs = [
        _Job(0, app, source, folder=tree_chart_folder(source, tree, paths, inventory))
        for app in inventory.apps
        for source in app.sources
        if source.chart is not None or tree_chart_folder(source, tree, paths, inventory)
    ]
    for number, job in enumerate(jobs):
        job.number = number
    if not jobs:
        return result(Status.PASSED, [], "no Application deploys a Helm chart"), []
    helm = charts.helm
    if helm is None:
        return result(Status.FAILED, [missing_tool("helm", RENDER_STEP)], ""), []
    refs = sorted(
        {chart_ref(j.source) for j in jobs if j.folder is None}, key=lambda r: (r.chart, r.version)
    )
    fetched: dict[ChartRef, ChartArchive] = {}
    if refs:
        with ThreadPoolExecutor(max_workers=min(4, len(refs))) as pool:
            fetched = dict(zip(refs, pool.map(charts.fetch, refs), strict=True))
    folders = {j.folder: _folder_archive(j.source, tree.root, j.folder) for j in jobs if j.folder}
    findings: list[Finding] = []
    unreachable: dict[str, str] = {}
    ready: list[_Job] = []
    for job in jobs:
        job.archive = folders[job.folder] if job.folder else fetched[chart_ref(job.source)]
        if job.archive.path is not None:
            ready.append(job)
        elif job.archive.unreachable:
            unreachable[job.source.repo_url] = job.archive.problem
        else:
            file, document, where = source_field_location(
                tree, job.app, job.source, "targetRevision"
            )
            findings.append(
                Finding(
                    file,
                    RENDER_STEP,
                    f"{job.archive.problem} (env {job.env or '-'}; Application {job.app.name}; "
                    f"{job.archive.origin})",
                    document,
                    where,
                )
            )
    workdir.mkdir(parents=True, exist_ok=True)
    builtin = builtin_api_versions(cache)
    env = helm_env(cache)
    # Pass 1: what each environment's charts install (their CRDs), with Kubernetes' own APIs.
    by_env: dict[str | None, set[str]] = {}
    for app in inventory.apps:
        objects = [d.obj for r in inventory.rendered.get(app.document.ref, []) for d in r.documents]
        by_env.setdefault(app.env, set()).update(crd_api_versions(objects))

    def render(job: _Job, api_versions: set[str]) -> _Output:
        return _template(job, helm, tree, paths, inventory, api_versions, env, workdir, cache)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = list(pool.map(lambda j: render(j, builtin | by_env.get(j.env, set())), ready))
    for job, output in zip(ready, first, strict=True):
        if output.rendered is not None:
            by_env.setdefault(job.env, set()).update(
                crd_api_versions(d.obj for d in output.rendered.documents)
            )
    # Pass 2: the steady state, every API the environment ends up serving.
    with ThreadPoolExecutor(max_workers=2) as pool:
        second = list(pool.map(lambda j: render(j, builtin | by_env.get(j.env, set())), ready))
    outputs: list[HelmOutput] = []
    reused = sum(o.reused for o in [*first, *second])
    for output in second:
        findings.extend(output.problems)
        if output.rendered is not None:
            outputs.append(output.rendered)
    detail = _detail(
        jobs, outputs, {**fetched, **{a.ref: a for a in folders.values()}}, charts,
        f"{reused} of {2 * len(ready)} renders cached",
    )  # fmt: skip
    if findings:
        return result(Status.FAILED, findings, f"{detail}; {len(findings)} problems"), outputs
    if unreachable:
        reasons = "; ".join(f"{url}: {error}" for url, error in sorted(unreachable.items()))
        return (
            result(
                Status.NOT_RUN,
                [],
                f"{detail}; chart repositories not reachable from here, so these charts were "
                f"not rendered: {reasons}",
            ),
            outputs,
        )
    return result(Status.PASSED, [], detail), outputs


def _detail(
    jobs: list[_Job],
    outputs: list[HelmOutput],
    fetched: dict[ChartRef, ChartArchive],
    charts: ChartFetcher,
    reuse: str,
) -> str:
    envs = sorted({j.env or "-" for j in jobs})
    left_out = sum(o.left_out for o in outputs)
    objects = sum(len(o.documents) for o in outputs)
    mirror = f"chart mirror {charts.mirror_root}" if charts.mirror_root else "no chart mirror"
    sources = "; ".join(
        f"{ref.label}: {archive.origin}" if archive.path else f"{ref.label}: not available"
        for ref, archive in fetched.items()
    )
    return (
        f"{len(outputs)} of {len(jobs)} chart sources rendered ({len(fetched)} charts, "
        f"environments {', '.join(envs)}; {objects} objects, {left_out} hooks Argo CD never "
        f"applies left out; Kubernetes {KUBERNETES_VERSION}; {reuse}); {mirror}; {sources}"
    )


def _cache_file(cache: Path, helm: Path, archive: ChartArchive, command: list[str | Path]) -> Path:
    """Where the output of one ``helm template`` is kept between runs.

    The key covers everything the output depends on: helm's binary, the archive's sha256, every
    argument, and the contents of the value files.
    """
    hasher = hashlib.sha256()
    stat = helm.stat()
    hasher.update(f"{helm.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{archive.digest}".encode())
    previous = ""
    for part in command[2:]:
        text = str(part)
        if previous == "--values":
            text = hashlib.sha256(Path(text).read_bytes()).hexdigest()
        elif isinstance(part, Path):
            text = part.name
        hasher.update(text.encode() + b"\0")
        previous = str(part)
    return cache / "renders" / f"{hasher.hexdigest()[:32]}.json"


def _store(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, target)


def _template(
    job: _Job,
    helm: Path,
    tree: Tree,
    paths: RepoPrefix,
    inventory: ArgoInventory,
    api_versions: set[str],
    env: dict[str, str],
    workdir: Path,
    cache: Path,
) -> _Output:
    app, source, archive = job.app, job.source, job.archive
    assert archive is not None  # noqa: S101 - filtered by the caller
    assert archive.path is not None  # noqa: S101
    spec = source.helm
    given = user_values(app, source, tree, paths, inventory)
    flags: list[str | Path] = []
    for index, (_, content) in enumerate(given.files):
        file = workdir / f"values-{job.number}-{index}.yaml"
        file.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
        flags += ["--values", file]
    for parameter in spec.get("parameters") or []:
        if isinstance(parameter, dict) and parameter.get("name"):
            option = "--set-string" if parameter.get("forceString") else "--set"
            flags += [option, f"{parameter['name']}={parameter.get('value', '')}"]
    overrides = spec.get("apiVersions")
    apis = [str(a) for a in overrides] if isinstance(overrides, list) else sorted(api_versions)
    for api in apis:
        flags += ["--api-versions", api]
    flags.append("--skip-crds" if spec.get("skipCrds") else "--include-crds")
    if spec.get("skipTests"):
        flags.append("--skip-tests")
    if spec.get("skipSchemaValidation"):
        flags.append("--skip-schema-validation")
    kube_version = str(spec.get("kubeVersion") or KUBERNETES_VERSION)
    command = [
        helm, "template", job.release, archive.path, "--namespace", job.namespace,
        "--kube-version", kube_version, *flags,
    ]  # fmt: skip
    origin = job.origin
    cached = _cache_file(cache, helm, archive, command)
    reused = cached.is_file()
    problem: Finding | None = None
    if reused:
        objects = json.loads(cached.read_text(encoding="utf-8"))
    else:
        completed = run_command(command, env=env, timeout=RENDER_TIMEOUT)
        if not completed.ok:
            return _Output(
                None,
                [
                    Finding(
                        app.document.origin,
                        RENDER_STEP,
                        f"{origin} failed: {completed.output()}",
                        app.document.ref,
                        source.field,
                    )
                ],
            )
        parsed, problem = parse_documents(completed.stdout, origin)
        objects = [d.obj for d in parsed]
        if problem is None:
            _store(cached, json.dumps(objects))
    kept = [obj for obj in objects if applied_by_argocd(obj)]
    documents = [Document(origin, i, obj) for i, obj in enumerate(kept)]
    text = "".join(f"---\n{json.dumps(obj, sort_keys=True)}\n" for obj in kept)
    rendered = HelmOutput(
        origin,
        text,
        documents,
        app.document.ref,
        job.env,
        job.label,
        archive.origin,
        len(objects) - len(kept),
    )
    return _Output(rendered, [problem] if problem else [], reused)

"""Step 7: what Argo CD would refuse at sync time, refused before merge.

For every Application Argo CD would create from the tree (see
:mod:`~gitops_platform.validation.argo_tree`):

* its project exists, and permits each source repository, the destination (server or name, and
  namespace) and every kind its Git path sources (and, where rendered, its chart) deploy;
* every source is complete; ``ref`` keys are valid and unique; every ``$ref/...`` value file
  names an existing ``ref`` source, and exists in the tree when that source is this repository;
* every Git ``path`` of this repository exists in the tree;
* every Helm chart ``targetRevision`` is an exact version (no range, never empty);
* inside an environment, every Git source of this repository is at the environment's pin.

Messages reuse Argo CD's own wording where it has one (Argo CD 3.5.1 sources).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from gitops_platform.errors import InvalidValueError
from gitops_platform.rules.argocd import resolve_cluster
from gitops_platform.rules.versions import EXACT_VERSION, is_exact_version
from gitops_platform.validation.argo_project import Project
from gitops_platform.validation.argo_tree import AppSource, ArgoApp, ArgoInventory, RepoPrefix
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.schemas import Scopes
from gitops_platform.validation.tree import Tree

__all__ = ["EXACT_VERSION", "STEP", "check_inventory", "is_exact_version"]

STEP = "argocd"
_REF_KEY = re.compile(r"^[a-zA-Z0-9_-]+$")
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass
class _Context:
    inventory: ArgoInventory
    tree: Tree
    paths: RepoPrefix
    scopes: Scopes
    chart_objects: dict[str, list[Document]]
    findings: list[Finding] = field(default_factory=list)

    def add(self, app: ArgoApp, message: str, at: str | None = None) -> None:
        self.findings.append(Finding(app.document.origin, STEP, message, app.document.ref, at))


def check_inventory(
    inventory: ArgoInventory,
    tree: Tree,
    paths: RepoPrefix,
    scopes: Scopes,
    chart_objects: dict[str, list[Document]] | None = None,
    *,
    started: float | None = None,
) -> StepResult:
    """Run every check on every Application of ``inventory``.

    Args:
        inventory: the Applications, projects and renders found by the walk.
        tree: the tree.
        paths: how repository paths map onto the tree.
        scopes: which kinds are namespaced.
        chart_objects: per Application ``ref``, the objects its chart renders (when charts
            could be rendered), so their kinds are checked too.
        started: when the step started (for its duration).

    Returns:
        ``FAILED`` with one finding per refusal, else ``PASSED``.

    """
    started = time.monotonic() if started is None else started
    context = _Context(inventory, tree, paths, scopes, chart_objects or {})
    context.findings.extend(inventory.findings)
    for app in inventory.apps:
        _check_app(context, app)
    findings = sorted(set(context.findings), key=_sort_key)
    envs = ", ".join(f"{env}@{pin or 'HEAD'}" for env, pin in sorted(inventory.pins.items()))
    roots = "infra/infra-root.yaml" if inventory.has_root else "every Application (no infra-root)"
    detail = (
        f"{len(inventory.apps)} Applications from {roots}, {len(inventory.projects)} AppProjects, "
        f"environments: {envs or 'none'}"
    )
    seconds = round(time.monotonic() - started, 3)
    if findings:
        return StepResult(
            STEP, Status.FAILED, findings, f"{detail}, {len(findings)} problems", seconds
        )
    return StepResult(STEP, Status.PASSED, [], detail, seconds)


def _check_app(context: _Context, app: ArgoApp) -> None:
    project = _project(context, app)
    sources = app.sources
    if not sources:
        context.add(
            app,
            "spec.source.repoURL and either spec.source.path or spec.source.chart are required",
            "spec.source",
        )
    refs = [s.ref for s in sources if s.ref is not None]
    for ref in refs:
        if not _REF_KEY.match(ref):
            context.add(
                app, f"sources.ref {ref} cannot contain any special characters except '_' and '-'"
            )
    if len(refs) != len(set(refs)):
        context.add(app, "invalid sources: multiple sources had the same `ref` key", "spec.sources")
    for source in sources:
        _check_source(context, app, source, project)
    _check_destination(context, app, project)
    if project is not None:
        _check_kinds(context, app, project)


def _project(context: _Context, app: ArgoApp) -> Project | None:
    project = context.inventory.project(app.project)
    if isinstance(project, InvalidValueError):
        context.add(app, f"project {app.project} cannot be read: {project}", "spec.project")
        return None
    if project is None:
        context.add(
            app,
            f"Application referencing project {app.project} which does not exist",
            "spec.project",
        )
    return project


def _check_source(
    context: _Context, app: ArgoApp, source: AppSource, project: Project | None
) -> None:
    at = source.field
    if not source.repo_url or (source.path is None and source.chart is None and source.ref is None):
        if app.multi_source:
            message = (
                "spec.source.repoURL and either source.path, source.chart, or source.ref are "
                f"required for source {source.raw}"
            )
        else:
            message = (
                "spec.source.repoURL and either spec.source.path or spec.source.chart are required"
            )
        context.add(app, message, at)
        return
    if project is not None and not project.source_permitted(source.repo_url):
        context.add(
            app,
            f"application repo {source.repo_url} is not permitted in project '{project.name}'",
            f"{at}.repoURL",
        )
    if source.chart is not None:
        if source.ref is not None:
            context.add(
                app,
                "source has a 'chart' field defined, but Helm charts are not yet not supported "
                "for 'ref' sources",
                f"{at}.ref",
            )
        if not source.revision:
            context.add(
                app,
                "spec.source.targetRevision is required if the manifest source is a helm chart",
                f"{at}.targetRevision",
            )
        elif not is_exact_version(source.revision):
            context.add(
                app,
                f"chart {source.chart} targetRevision '{source.revision}' is not an exact "
                "version (ranges, wildcards and partial versions float): pin one version",
                f"{at}.targetRevision",
            )
    elif app.env is not None and context.inventory.is_this_repo(source.repo_url):
        pin = context.inventory.pins.get(app.env)
        if pin is not None and source.revision != pin:
            context.add(
                app,
                f"Git source {source.repo_url} is at '{source.revision or 'HEAD'}', but "
                f"environment {app.env} is pinned to '{pin or 'HEAD'}': every Git source of an "
                "environment must resolve at its pin",
                f"{at}.targetRevision",
            )
    _check_value_files(context, app, source)


def _check_value_files(context: _Context, app: ArgoApp, source: AppSource) -> None:
    value_files = source.helm.get("valueFiles") or []
    ignore_missing = bool(source.helm.get("ignoreMissingValueFiles"))
    by_ref = {s.ref: s for s in app.sources if s.ref is not None}
    for number, entry in enumerate(value_files):
        value_file = str(entry)
        at = f"{source.field}.helm.valueFiles[{number}]"
        if value_file.startswith("$"):
            ref, _, rest = value_file.partition("/")
            target = by_ref.get(ref[1:])
            if target is None:
                quoted = f'"{ref}"'  # Go's %q
                if not by_ref:
                    message = f"source referenced {quoted}, but no source has a 'ref' field defined"
                else:
                    available = ", ".join(sorted(by_ref))
                    message = (
                        f"source referenced {quoted}, which is not one of the available sources "
                        f"({available})"
                    )
                context.add(app, message, at)
                continue
            if not context.inventory.is_this_repo(target.repo_url):
                continue
            repo_path = rest
        elif source.chart is None and source.path is not None:
            repo_path = str(PurePosixPath(source.path) / value_file)
        else:
            continue  # a file inside a chart from a chart repository
        _check_file(context, app, value_file, repo_path, at, ignore_missing=ignore_missing)


def _check_file(
    context: _Context,
    app: ArgoApp,
    value_file: str,
    repo_path: str,
    at: str,
    *,
    ignore_missing: bool,
) -> None:
    relpath = context.paths.to_tree(repo_path)
    if relpath is None:
        context.add(
            app,
            f"value file {value_file} is outside the validated tree (repository prefix "
            f"'{context.paths.prefix}')",
            at,
        )
        return
    if _GLOB_CHARS.search(relpath):
        if not any(p.is_file() for p in context.tree.root.glob(relpath)) and not ignore_missing:
            context.add(app, f"values file glob {value_file} matched no files", at)
        return
    if not (context.tree.root / relpath).is_file() and not ignore_missing:
        context.add(
            app, f"value file {value_file} does not exist in the tree ({relpath}): no such file", at
        )


def _destination(app: ArgoApp) -> tuple[str, str, str]:
    dest = app.destination
    server, name = resolve_cluster(str(dest.get("server") or ""), str(dest.get("name") or ""))
    return server, name, str(dest.get("namespace") or "")


def _check_destination(context: _Context, app: ArgoApp, project: Project | None) -> None:
    dest = app.destination
    if dest.get("server") and dest.get("name"):
        context.add(
            app,
            "application destination can't have both name and server defined: "
            f"{dest.get('name')} {dest.get('server')}",
            "spec.destination",
        )
        return
    if project is None:
        return
    server, name, namespace = _destination(app)
    if not project.destination_permitted(server, name, namespace):
        shown = dest.get("server") or ""
        cluster = f" (cluster name '{dest.get('name')}')" if dest.get("name") else ""
        context.add(
            app,
            f"application destination server '{shown}' and namespace '{namespace}' do not "
            f"match any of the allowed destinations in project '{project.name}'{cluster}",
            "spec.destination",
        )


def _check_kinds(context: _Context, app: ArgoApp, project: Project) -> None:
    server, name, namespace = _destination(app)
    objects: list[Document] = []
    for rendered in context.inventory.rendered.get(app.document.ref, []):
        objects.extend(rendered.documents)
    objects.extend(context.chart_objects.get(app.document.ref, []))
    for document in _unique(objects):
        obj = document.obj
        api_version = str(obj.get("apiVersion") or "")
        kind = str(obj.get("kind") or "")
        if not kind:
            continue
        group = api_version.rpartition("/")[0]
        meta = obj.get("metadata") or {}
        obj_name = str(meta.get("name", ""))
        namespaced = context.scopes.is_namespaced(group, kind)
        where = f"deployed by Application {app.name}"
        if namespaced is None:
            context.findings.append(
                Finding(
                    document.origin,
                    STEP,
                    f"cannot tell whether {group or 'core'}/{kind} is namespaced: not a "
                    f"Kubernetes kind and no CRD for it ({where})",
                    document.ref,
                )
            )
            continue
        if not project.kind_permitted(group, kind, obj_name, namespaced=namespaced):
            context.findings.append(
                Finding(
                    document.origin,
                    STEP,
                    f"resource {group}:{kind} is not permitted in project {project.name} ({where})",
                    document.ref,
                    "kind",
                )
            )
            continue
        if namespaced:
            obj_namespace = str(meta.get("namespace") or namespace)
            if not project.destination_permitted(server, name, obj_namespace):
                context.findings.append(
                    Finding(
                        document.origin,
                        STEP,
                        f"namespace {obj_namespace} is not permitted in project "
                        f"'{project.name}' ({where})",
                        document.ref,
                        "metadata.namespace",
                    )
                )


def _unique(documents: Iterable[Document]) -> list[Document]:
    seen: set[tuple[str, int]] = set()
    out = []
    for document in documents:
        key = (document.origin, document.index)
        if key not in seen:
            seen.add(key)
            out.append(document)
    return out


def _sort_key(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.file, finding.document or "", finding.field or "", finding.message)

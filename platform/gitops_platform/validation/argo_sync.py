"""Argo CD sync-time rules that depend on what an Application deploys (part of step 7).

Two refusals that happen only when Argo CD syncs, checked on any tree:

* **CreateNamespace needs the Namespace kind.** With the sync option ``CreateNamespace=true``
  Argo CD creates ``spec.destination.namespace`` itself, and the project must permit the
  cluster-scoped ``Namespace`` of that name (``clusterResourceWhitelist`` with the project's
  ``name`` globs, minus ``clusterResourceBlacklist``); otherwise the sync fails with
  "resource :Namespace is not permitted in project <p>" (Argo CD 3.5
  ``controller/sync.go`` ``validateSyncPermissions``; ``docs/user-guide/sync-options.md``).
* **Large CRDs need server-side apply.** Client-side apply stores the whole object as JSON in
  the ``kubectl.kubernetes.io/last-applied-configuration`` annotation, and annotations may hold
  at most 262,144 bytes in total (``TotalAnnotationSizeLimitB`` in Kubernetes
  ``apimachinery/pkg/api/validation/objectmeta.go``), so a CustomResourceDefinition larger than
  that as compact JSON fails with "metadata.annotations: Too long: must have at most 262144
  bytes". It applies when the Application sets ``ServerSideApply=true`` (or ``Replace=true``,
  which takes precedence) in ``spec.syncPolicy.syncOptions``, or the CRD carries the same option
  in its ``argocd.argoproj.io/sync-options`` annotation; a per-resource ``ServerSideApply=false``
  turns it off again (Argo CD 3.5 ``docs/user-guide/sync-options.md``).

The objects of an Application are what its Git path sources render (the tree's manifests and
kustomize outputs) and, where charts were rendered, its chart renders.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from gitops_platform.errors import InvalidValueError
from gitops_platform.validation.argo_tree import ArgoApp, ArgoInventory
from gitops_platform.validation.report import Document, Finding

__all__ = [
    "ANNOTATION_LIMIT_BYTES",
    "SYNC_OPTIONS_ANNOTATION",
    "check_sync_rules",
    "json_size",
    "sync_options",
]

RULE = "argocd"
#: The most bytes all annotations of one object may hold (Kubernetes
#: ``TotalAnnotationSizeLimitB``), which the last-applied annotation of client-side apply counts.
ANNOTATION_LIMIT_BYTES = 262_144
#: The per-resource sync options annotation of Argo CD.
SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options"
_CRD = ("apiextensions.k8s.io", "CustomResourceDefinition")


def sync_options(options: Iterable[Any]) -> dict[str, str]:
    """Parse sync options (``["CreateNamespace=true", ...]``) into ``{name: value}``.

    Args:
        options: the entries of ``syncOptions``, or the comma-separated parts of the
            ``argocd.argoproj.io/sync-options`` annotation.

    Returns:
        Option name to its value, as written (later entries win).

    """
    parsed: dict[str, str] = {}
    for entry in options:
        name, _, value = str(entry).strip().partition("=")
        if name:
            parsed[name.strip()] = value.strip()
    return parsed


def json_size(obj: Any) -> int:
    """The size in bytes of ``obj`` as compact JSON (what the last-applied annotation holds)."""
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_sync_rules(
    inventory: ArgoInventory, chart_objects: Mapping[str, list[Document]] | None = None
) -> list[Finding]:
    """Check every Application of ``inventory`` against the rules of the module documentation.

    Args:
        inventory: the Applications and projects Argo CD would create.
        chart_objects: per Application ``ref``, the objects its charts render (when rendered).

    Returns:
        One finding per refusal (an Application whose project does not exist is left to the
        project check of step 7).

    """
    findings: list[Finding] = []
    for app in inventory.apps:
        options = _app_options(app)
        findings.extend(_create_namespace(inventory, app, options))
        objects: list[Document] = []
        for rendered in inventory.rendered.get(app.document.ref, []):
            objects.extend(rendered.documents)
        objects.extend((chart_objects or {}).get(app.document.ref, []))
        findings.extend(_large_crds(app, options, objects))
    return findings


def _app_options(app: ArgoApp) -> dict[str, str]:
    policy = app.spec.get("syncPolicy")
    raw = policy.get("syncOptions") if isinstance(policy, dict) else None
    return sync_options(raw if isinstance(raw, list) else [])


def _enabled(options: Mapping[str, str], name: str) -> bool | None:
    value = options.get(name)
    return None if value is None else value.lower() == "true"


def _create_namespace(
    inventory: ArgoInventory, app: ArgoApp, options: Mapping[str, str]
) -> list[Finding]:
    namespace = str(app.destination.get("namespace") or "")
    if not _enabled(options, "CreateNamespace") or not namespace:
        return []
    project = inventory.project(app.project)
    if project is None or isinstance(project, InvalidValueError):
        return []  # the project check reports a missing project, or one it cannot read
    if project.kind_permitted("", "Namespace", namespace, namespaced=False):
        return []
    return [
        Finding(
            app.document.origin,
            RULE,
            f"resource :Namespace is not permitted in project {project.name}: "
            f"CreateNamespace=true creates Namespace {namespace} at sync time, so the project's "
            f"clusterResourceWhitelist must permit Namespace {namespace} (group '', kind "
            "Namespace) and its clusterResourceBlacklist must not list it",
            app.document.ref,
            "spec.syncPolicy.syncOptions",
        )
    ]


def _large_crds(app: ArgoApp, options: Mapping[str, str], objects: list[Document]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for document in objects:
        obj = document.obj
        group = str(obj.get("apiVersion") or "").rpartition("/")[0]
        if (group, obj.get("kind")) != _CRD:
            continue
        meta = obj.get("metadata") or {}
        name = str(meta.get("name") or "")
        if name in seen:
            continue
        seen.add(name)
        size = json_size(obj)
        if size <= ANNOTATION_LIMIT_BYTES or _server_side(options, meta):
            continue
        findings.append(
            Finding(
                document.origin,
                RULE,
                f"CustomResourceDefinition {name} is {size:,} bytes as JSON, over the "
                f"{ANNOTATION_LIMIT_BYTES:,}-byte limit of the last-applied-configuration "
                f"annotation: Application {app.name} applies it client-side, which fails "
                "(metadata.annotations: Too long: must have at most 262144 bytes); add "
                "ServerSideApply=true to the Application's spec.syncPolicy.syncOptions or "
                f"annotate the CRD {SYNC_OPTIONS_ANNOTATION}: ServerSideApply=true",
                document.ref,
            )
        )
    return findings


def _server_side(app_options: Mapping[str, str], meta: dict[str, Any]) -> bool:
    annotations = meta.get("annotations") or {}
    raw = annotations.get(SYNC_OPTIONS_ANNOTATION) if isinstance(annotations, dict) else None
    own = sync_options(str(raw).split(",")) if raw else {}
    replace = _enabled(own, "Replace")
    if replace or (replace is None and _enabled(app_options, "Replace")):
        return True
    resource = _enabled(own, "ServerSideApply")
    if resource is not None:
        return resource
    return bool(_enabled(app_options, "ServerSideApply"))

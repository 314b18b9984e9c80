"""Emitting Kubernetes objects: plain Python data, crossing the jsii bridge as little as possible.

:func:`manifest` builds an object exactly as ``cdk8s`` 2 renders an ``ApiObject`` with that
metadata and a JSON patch adding the body (``ApiObject.toJson``: ``apiVersion``, ``kind``,
``metadata`` first, metadata keys sorted at every level, empty labels, annotations and
finalizers dropped; the body's fields after them, in their order, untouched).

:func:`api_object` adds an object under a construct scope. Into a scope registered with
:func:`collect_plain` (the rendered tree's folders, whose objects need no cdk8s feature) it
adds the plain document without crossing the bridge at all; anywhere else it creates a cdk8s
``ApiObject`` whose body is handed over in a single JSON patch, so the cost per object stays
constant however many fields it has.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from cdk8s import ApiObject, ApiObjectMetadata, JsonPatch
from constructs import Construct

__all__ = [
    "SKIP_DRY_RUN",
    "SYNC_OPTIONS",
    "SYNC_WAVE",
    "api_object",
    "collect_plain",
    "manifest",
    "plain_objects",
    "standard_labels",
    "take_plain",
]

SYNC_WAVE = "argocd.argoproj.io/sync-wave"
#: Argo CD's per-resource sync options annotation.
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
#: The sync option for a custom resource whose CRD may not exist yet at dry-run time (Argo CD
#: ``docs/user-guide/sync-options.md``).
SKIP_DRY_RUN = "SkipDryRunOnMissingResource=true"
MANAGED_BY = "gitops-platform"


def standard_labels(
    name: str,
    part_of: str,
    *,
    component: str | None = None,
    instance: str | None = None,
) -> dict[str, str]:
    """Return the ``app.kubernetes.io/*`` labels every object of the platform carries."""
    labels = {
        "app.kubernetes.io/instance": instance or name,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": part_of,
    }
    if component:
        labels["app.kubernetes.io/component"] = component
    return labels


#: Scopes whose objects are kept as plain documents (scope -> its documents, in order).
_PLAIN: weakref.WeakKeyDictionary[Construct, list[dict[str, Any]]] = weakref.WeakKeyDictionary()


def collect_plain(scope: Construct) -> None:
    """Keep the objects :func:`api_object` adds directly under ``scope`` as plain documents.

    Read them back with :func:`plain_objects`. Only for scopes whose objects are rendered one
    by one without cdk8s features (dependencies, chart labels or namespace, name generation):
    the rendered tree's folders.
    """
    _PLAIN.setdefault(scope, [])


def plain_objects(scope: Construct) -> list[dict[str, Any]]:
    """The plain documents added under ``scope`` (registered with :func:`collect_plain`)."""
    return _PLAIN.get(scope, [])


def take_plain(scope: Construct) -> list[dict[str, Any]]:
    """Return the plain documents added under ``scope`` and start a new, empty list."""
    taken = _PLAIN.get(scope, [])
    _PLAIN[scope] = []
    return taken


def manifest(
    *,
    api_version: str,
    kind: str,
    name: str,
    labels: Mapping[str, str],
    namespace: str | None = None,
    annotations: Mapping[str, str] | None = None,
    finalizers: Sequence[str] | None = None,
    body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the object as cdk8s renders the same :func:`api_object` (plain data, no bridge)."""
    metadata: dict[str, Any] = {}
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    if finalizers:
        metadata["finalizers"] = list(finalizers)
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    metadata["name"] = name
    if namespace is not None:
        metadata["namespace"] = namespace
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": metadata}
    for key, value in (body or {}).items():
        obj[key] = _as_json(value)
    return obj


def _as_json(value: Any) -> Any:
    """``value`` as it comes back from the bridge: a copy, tuples as lists, whole floats as ints.

    (JSON carries one number type; JavaScript prints ``1.0`` as ``1``.)
    """
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def api_object(
    scope: Construct,
    construct_id: str,
    *,
    api_version: str,
    kind: str,
    name: str,
    labels: Mapping[str, str],
    namespace: str | None = None,
    annotations: Mapping[str, str] | None = None,
    finalizers: Sequence[str] | None = None,
    body: Mapping[str, Any] | None = None,
) -> ApiObject | None:
    """Add an object whose top-level fields (``spec``...) are ``body`` under ``scope``.

    Returns the :class:`cdk8s.ApiObject` created, or ``None`` when ``scope`` keeps plain
    documents (:func:`collect_plain`): then the object is added as :func:`manifest` data.
    """
    plain = _PLAIN.get(scope)
    if plain is not None:
        plain.append(
            manifest(
                api_version=api_version,
                kind=kind,
                name=name,
                labels=labels,
                namespace=namespace,
                annotations=annotations,
                finalizers=finalizers,
                body=body,
            )
        )
        return None
    obj = ApiObject(
        scope,
        construct_id,
        api_version=api_version,
        kind=kind,
        metadata=ApiObjectMetadata(
            name=name,
            namespace=namespace,
            labels=dict(labels),
            annotations=dict(annotations) if annotations else None,
            finalizers=list(finalizers) if finalizers else None,
        ),
    )
    if body:
        obj.add_json_patch(*(JsonPatch.add(f"/{key}", value) for key, value in body.items()))
    return obj

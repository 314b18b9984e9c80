"""Emitting Kubernetes objects into a construct tree, one jsii crossing per object.

Bodies are built as plain Python data and handed to cdk8s in a single JSON patch, so the cost
per object stays constant however many fields it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdk8s import ApiObject, ApiObjectMetadata, JsonPatch
from constructs import Construct

__all__ = ["SKIP_DRY_RUN", "SYNC_OPTIONS", "SYNC_WAVE", "api_object", "standard_labels"]

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
) -> ApiObject:
    """Create an :class:`cdk8s.ApiObject` whose top-level fields (``spec``...) are ``body``."""
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

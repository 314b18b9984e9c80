"""Gatekeeper: the admission controller and the platform's policy set, in every cluster.

The ConstraintTemplates and constraints delivered here are the very objects the validation
pipeline evaluates with ``gator`` before merge, so a rule is enforced in CI and in the cluster
from one definition (``gitops_platform.policy.library``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from constructs import Construct

from gitops_platform.argocd.application import WEBHOOK_CA_BUNDLES
from gitops_platform.argocd.project import GroupKind
from gitops_platform.component import (
    CONTROLLER_KINDS,
    WEBHOOK_KINDS,
    ChartRelease,
    ComponentContext,
    CrdSource,
    Delivery,
    PlatformComponent,
    SingleChartComponent,
)
from gitops_platform.core.environment import Environment, External, PlatformSpec
from gitops_platform.core.objects import api_object
from gitops_platform.errors import InvalidValueError
from gitops_platform.network.flows import Flow, Port, Workload
from gitops_platform.policy.library import Exemption, PolicySet, policy_objects

__all__ = ["Gatekeeper"]

_RELEASE = "gatekeeper"


#: How Argo CD delivers Gatekeeper by default.
_DELIVERY = Delivery(
    sync_wave=-2,
    ignore_differences=WEBHOOK_CA_BUNDLES,
    # Gatekeeper must not police its own namespace (its webhook would block its own pods).
    namespace_labels={"admission.gatekeeper.sh/ignore": "no-self-managing"},
)


@dataclass(frozen=True, kw_only=True)
class Gatekeeper(SingleChartComponent):
    """The ``policy`` component: Gatekeeper with the platform's policy set.

    The constraints carry the policy set's own exemptions plus every exemption the platform's
    components declare (:meth:`PlatformComponent.policy_exemptions`), this one's included.

    Attributes:
        policy_set: the policies' parameters and the reviewed exemptions that belong to no
            component.
        version: the Gatekeeper chart version (and the tag of the CRDs it installs).
        name: the component's name (default ``policy``).
        namespace: its namespace (default ``gatekeeper-system``).
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        *CONTROLLER_KINDS,
        *WEBHOOK_KINDS,
        GroupKind("templates.gatekeeper.sh", "ConstraintTemplate"),
        GroupKind("constraints.gatekeeper.sh", "*"),
    )

    policy_set: PolicySet = field(default_factory=PolicySet)
    version: str = "3.23.0"
    name: str = "policy"
    namespace: str = "gatekeeper-system"
    delivery: Delivery = _DELIVERY

    def __post_init__(self) -> None:
        if not isinstance(self.policy_set, PolicySet):
            raise InvalidValueError("Gatekeeper", "policy_set", self.policy_set, "a PolicySet")

    @property
    def chart(self) -> ChartRelease:
        """Gatekeeper's chart."""
        return ChartRelease(
            repo_url="https://open-policy-agent.github.io/gatekeeper/charts",
            chart="gatekeeper",
            version=self.version,
            release_name=_RELEASE,
            crds=(CrdSource("gatekeeper", f"v{self.version}"),),
        )

    @property
    def controller_manager(self) -> Workload:
        """The admission webhook and constraint controller."""
        return Workload(
            self,
            "gatekeeper-controller-manager",
            {"release": _RELEASE, "control-plane": "controller-manager"},
            (
                Port(8443, name="webhook-server"),
                Port(8888, name="metrics"),
                Port(9090, name="healthz"),
            ),
        )

    @property
    def audit(self) -> Workload:
        """The audit controller."""
        return Workload(
            self,
            "gatekeeper-audit",
            {"release": _RELEASE, "control-plane": "audit-controller"},
            (Port(8888, name="metrics"), Port(9090, name="healthz")),
        )

    @property
    def update_crds(self) -> Workload:
        """The CRD upgrade hook Job (its pods carry only the chart's common labels).

        Its selector also selects the two controllers; they reach the API server anyway.
        """
        return Workload(
            self, "gatekeeper-update-crds-hook", {"release": _RELEASE, "app": "gatekeeper"}
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The controller manager, the audit controller and the CRD upgrade Job."""
        return (self.controller_manager, self.audit, self.update_crds)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """API server both ways (watches and status; the admission webhook)."""
        api = External.KUBE_APISERVER
        return (
            Flow(self.controller_manager, api, reason="watches constraints and synced objects"),
            Flow(self.audit, api, reason="lists every object, writes constraint status"),
            Flow(self.update_crds, api, reason="applies the CRDs on upgrade"),
            Flow(api, self.controller_manager, ports=(8443,), reason="admission webhook"),
        )

    def policy_exemptions(self) -> tuple[Exemption, ...]:
        """Label exemptions for Gatekeeper's own objects (only the label check is waived).

        Its chart (3.23) has no ``commonLabels`` value, so its objects carry only the chart's
        own labels. Scoped to the chart's object names, in its namespace and in cluster-wide
        RBAC and webhooks.
        """
        return (
            Exemption(
                policy="required-labels",
                kind="*",
                namespace=self.namespace,
                name=f"{_RELEASE}-*",
                checks=("missing-label",),
                reason=(
                    "Gatekeeper's chart has no value that labels every object it renders (no "
                    "commonLabels); its objects carry the chart's own app and release labels."
                ),
            ),
            Exemption(
                policy="required-labels",
                kind="ClusterRole*",
                namespace="*",
                name=f"{_RELEASE}-*",
                checks=("missing-label",),
                reason=(
                    "Gatekeeper's chart has no value that labels its cluster-wide RBAC (no "
                    "commonLabels); the objects carry the chart's own app and release labels."
                ),
            ),
            Exemption(
                policy="required-labels",
                kind="*WebhookConfiguration",
                namespace="*",
                name=f"{_RELEASE}-*",
                checks=("missing-label",),
                reason=(
                    "Gatekeeper's chart has no value that labels its admission webhook "
                    "configurations (no commonLabels); they carry the chart's own app and "
                    "release labels."
                ),
            ),
        )

    def enforced_policy_set(self, components: Sequence[PlatformComponent]) -> PolicySet:
        """The policy set with the exemptions of ``components`` (the platform's) and its own."""
        members = tuple(components) if self in components else (*components, self)
        gathered = tuple(e for c in members for e in c.policy_exemptions())
        return replace(self.policy_set, exemptions=(*self.policy_set.exemptions, *gathered))

    def base_values(self, platform: PlatformSpec) -> dict[str, Any]:
        """Chart settings shared by every environment.

        No ResourceQuota (the platform project refuses them); the namespace label comes from
        Argo CD instead of a post-install Job.
        """
        return {
            "resourceQuota": False,
            # the namespace label comes from Argo CD; Argo CD's health checks and retries
            # replace the webhook probe Job (which sets no resources)
            "postInstall": {
                "labelNamespace": {"enabled": False},
                "probeWebhook": {"enabled": False},
            },
            "podLabels": {"app.kubernetes.io/part-of": platform.name},
            # the namespace's NetworkPolicies come from the declared flows
            # (gitops_platform.network); the chart's own would be a second, partial set
            "controllerManager": {"networkPolicy": {"enabled": False}},
            "auditInterval": 60,
            "constraintViolationsLimit": 50,
            "logDenies": True,
        }

    def environment_values(self, platform: PlatformSpec, env: Environment) -> dict[str, Any]:
        """Replicas, disruption budget and resources from the environment's sizing."""
        sizing = env.sizing
        return {
            "replicas": sizing.replicas,
            # the chart always renders this budget (default minAvailable 1): with a single
            # replica it would block every node drain
            "pdb": {"controllerManager": {"minAvailable": max(sizing.replicas - 1, 0)}},
            "controllerManager": {"resources": sizing.resources()},
            "audit": {"resources": sizing.resources()},
            "crds": {"resources": sizing.resources()},  # the CRD upgrade hook Job
        }

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Emit the policy set (one object per file), the same in every environment.

        The objects are :func:`~gitops_platform.policy.library.policy_objects` as they are:
        the waves (templates and sync Config in 1, constraints in 2, after the chart's objects
        in 0) and labels set there; the AppProject namespace is the platform's.
        """
        if ctx.env is not None:
            return
        platform = ctx.platform
        objects = policy_objects(
            self.enforced_policy_set(ctx.components),
            gatekeeper_namespace=self.namespace,
            argocd_namespace=platform.argocd_namespace,
            part_of=platform.name,
        )
        for obj in objects:
            metadata = dict(obj["metadata"])
            labels = metadata.pop("labels", {})
            annotations = dict(metadata.pop("annotations", None) or {})
            api_object(
                scope,
                f"{obj['kind']}-{metadata['name']}",
                api_version=obj["apiVersion"],
                kind=obj["kind"],
                name=metadata.pop("name"),
                namespace=metadata.pop("namespace", None),
                labels=labels,
                annotations=annotations,
                body={k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")},
            )

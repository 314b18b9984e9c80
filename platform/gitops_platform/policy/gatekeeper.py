"""Gatekeeper: the admission controller and the platform's policy set, in every cluster.

The ConstraintTemplates and constraints delivered here are the very objects the validation
pipeline evaluates with ``gator`` before merge, so a rule is enforced in CI and in the cluster
from one definition (``gitops_platform.policy.library``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from gitops_platform.argocd.application import WEBHOOK_CA_BUNDLES, HelmChartSource
from gitops_platform.argocd.project import GroupKind
from gitops_platform.core.component import CONTROLLER_KINDS, WEBHOOK_KINDS, PlatformComponent
from gitops_platform.core.environment import Environment, PlatformSpec
from gitops_platform.core.objects import api_object
from gitops_platform.errors import InvalidValueError
from gitops_platform.policy.library import PolicySet, policy_objects

__all__ = ["Gatekeeper"]


@dataclass(frozen=True)
class Gatekeeper(PlatformComponent):
    """The ``policy`` component: Gatekeeper with the platform's policy set.

    Attributes:
        policy_set: the policies' parameters and the reviewed exemption list.
        version: the Gatekeeper chart version.
    """

    policy_set: PolicySet = field(default_factory=PolicySet)
    version: str = "3.23.0"

    name = "policy"
    namespace = "gatekeeper-system"
    sync_wave = -2
    # Gatekeeper must not police its own namespace (its webhook would block its own pods).
    namespace_labels = (("admission.gatekeeper.sh/ignore", "no-self-managing"),)
    ignore_differences = WEBHOOK_CA_BUNDLES
    cluster_kinds = (
        *CONTROLLER_KINDS,
        *WEBHOOK_KINDS,
        GroupKind("templates.gatekeeper.sh", "ConstraintTemplate"),
        GroupKind("constraints.gatekeeper.sh", "*"),
    )

    def __post_init__(self) -> None:
        if not isinstance(self.policy_set, PolicySet):
            raise InvalidValueError("Gatekeeper", "policy_set", self.policy_set, "a PolicySet")

    @property
    def chart(self) -> HelmChartSource:
        """Gatekeeper's chart."""
        return HelmChartSource(
            repo_url="https://open-policy-agent.github.io/gatekeeper/charts",
            chart="gatekeeper",
            version=self.version,
            release_name="gatekeeper",
        )

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

    def has_shared_manifests(self) -> bool:
        """The templates, constraints and sync Config are the same in every environment."""
        return True

    def shared_manifests(self, scope: Construct, platform: PlatformSpec) -> None:
        """Emit the policy set (one object per file), after the chart in the same sync.

        The objects are :func:`~gitops_platform.policy.library.policy_objects` as they are:
        the waves (templates and sync Config in 1, constraints in 2, after the chart's objects
        in 0) and labels set there; the AppProject namespace is the platform's.
        """
        objects = policy_objects(
            self.policy_set,
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

"""Traefik: the ingress controller serving standard Ingress objects.

ingress-nginx is retired (no releases or fixes since March 2026); Traefik is maintained and
serves plain ``networking.k8s.io/v1`` Ingresses through its ``traefik`` IngressClass, so
components keep using the standard API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitops_platform.argocd.application import HelmChartSource
from gitops_platform.argocd.project import GroupKind
from gitops_platform.core.component import CONTROLLER_KINDS, PlatformComponent
from gitops_platform.core.environment import Environment, PlatformSpec
from gitops_platform.core.naming import check_dns_label

__all__ = ["Traefik"]


@dataclass(frozen=True)
class Traefik(PlatformComponent):
    """The ``ingress`` component: Traefik as the cluster's default IngressClass.

    HTTP is redirected to HTTPS; TLS certificates come from cert-manager through the
    Ingresses' ``cert-manager.io/cluster-issuer`` annotation.

    Attributes:
        version: the chart version (chart 41.x ships Traefik v3.7).
        image_tag: the Traefik image tag (pinned; the chart default follows its appVersion).
        ingress_class: the IngressClass name.
    """

    version: str = "41.3.0"
    image_tag: str = "v3.7.11"
    ingress_class: str = "traefik"

    name = "ingress"
    namespace = "traefik"
    sync_wave = -1
    cluster_kinds = (*CONTROLLER_KINDS, GroupKind("networking.k8s.io", "IngressClass"))

    def __post_init__(self) -> None:
        check_dns_label("Traefik", "ingress_class", self.ingress_class)

    @property
    def chart(self) -> HelmChartSource:
        """Traefik's chart."""
        return HelmChartSource(
            repo_url="https://traefik.github.io/charts",
            chart="traefik",
            version=self.version,
            release_name="traefik",
        )

    def base_values(self, platform: PlatformSpec) -> dict[str, Any]:
        """Default IngressClass, HTTPS redirect, Prometheus metrics, restricted security."""
        return {
            "commonLabels": {"app.kubernetes.io/part-of": platform.name},
            "image": {"tag": self.image_tag},
            "ingressClass": {
                "enabled": True,
                "isDefaultClass": True,
                "name": self.ingress_class,
            },
            "providers": {
                "kubernetesIngress": {"enabled": True, "publishedService": {"enabled": True}},
                "kubernetesCRD": {"enabled": False},
            },
            "ports": {
                "web": {
                    "http": {
                        "redirections": {
                            "entryPoint": {"to": "websecure", "scheme": "https", "permanent": True}
                        }
                    }
                },
            },
            "metrics": {"prometheus": {"entryPoint": "metrics"}},
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "readOnlyRootFilesystem": True,
            },
            "podSecurityContext": {
                "runAsNonRoot": True,
                "runAsUser": 65532,
                "runAsGroup": 65532,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "service": {"spec": {"type": "LoadBalancer"}},
        }

    def environment_values(self, platform: PlatformSpec, env: Environment) -> dict[str, Any]:
        """Replicas and resources from the environment's sizing."""
        sizing = env.sizing
        return {
            "deployment": {"replicas": sizing.replicas},
            "podDisruptionBudget": (
                {"enabled": True, "maxUnavailable": 1}
                if sizing.replicas > 1
                else {"enabled": False}
            ),
            "resources": sizing.resources(),
        }

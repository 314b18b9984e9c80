"""A component with two charts: traces (Tempo) and dashboards (Grafana) in one Application.

Argo CD delivers both charts from one Application (multi-source); each chart has its own
values files (``values/observability/<release>/<overlay>.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gitops_platform import (
    ChartRelease,
    ComponentContext,
    Delivery,
    GroupKind,
    PlatformComponent,
    Release,
)

GRAFANA_CHARTS = "https://grafana-community.github.io/helm-charts"
#: After the operators and the policy controller, before the services that send telemetry.
DELIVERY = Delivery(sync_wave=-1)
#: What the platform's container-security policy asks of every container.
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@dataclass(frozen=True, kw_only=True)
class Observability(PlatformComponent):
    """Tempo (single binary) and Grafana, released side by side.

    Attributes:
        admin_secret: the Secret holding Grafana's admin credentials (from an ExternalSecret).
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        GroupKind("rbac.authorization.k8s.io", "ClusterRole"),
        GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    )

    admin_secret: str = "grafana-admin"  # noqa: S105 (a Secret name)
    tempo_version: str = "2.2.4"
    grafana_version: str = "12.11.1"
    name: str = "observability"
    namespace: str = "monitoring"
    delivery: Delivery = DELIVERY

    @property
    def tempo(self) -> ChartRelease:
        """The Tempo release."""
        return ChartRelease(
            repo_url=GRAFANA_CHARTS,
            chart="tempo",
            version=self.tempo_version,
            release_name="tempo",
        )

    @property
    def grafana(self) -> ChartRelease:
        """The Grafana release."""
        return ChartRelease(
            repo_url=GRAFANA_CHARTS,
            chart="grafana",
            version=self.grafana_version,
            release_name="grafana",
        )

    @property
    def charts(self) -> tuple[Release, ...]:
        """Tempo, then Grafana."""
        return (self.tempo, self.grafana)

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Each chart's values: labels and hardening (shared), sizing (per environment)."""
        labels = {"app.kubernetes.io/part-of": ctx.platform.name}
        if ctx.env is not None:
            replicas, resources = ctx.env.sizing.replicas, ctx.env.sizing.resources()
            if release == self.tempo:
                return {"replicas": replicas, "tempo": {"resources": resources}}
            return {"replicas": replicas, "resources": resources}
        if release == self.tempo:
            return {
                "extraLabels": labels,
                "podLabels": labels,
                "tempo": {"securityContext": CONTAINER_SECURITY},
            }
        return {
            "extraLabels": labels,
            # the chart would otherwise generate a Secret with a password in Git
            "admin": {"existingSecret": self.admin_secret},
        }

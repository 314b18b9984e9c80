"""A component with two charts: logs (Loki) and traces (Tempo) in one Application.

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
#: After the operators (-3) and before consumers; CRDs too large for client-side apply.
DELIVERY = Delivery(sync_wave=-1, server_side_apply=True)


@dataclass(frozen=True, kw_only=True)
class Observability(PlatformComponent):
    """Loki (single binary, filesystem storage) and Tempo, released side by side."""

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        GroupKind("rbac.authorization.k8s.io", "ClusterRole"),
        GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    )

    loki_version: str = "18.11.0"
    tempo_version: str = "2.2.4"
    name: str = "observability"
    namespace: str = "monitoring"
    delivery: Delivery = DELIVERY

    @property
    def loki(self) -> ChartRelease:
        """The Loki release."""
        return ChartRelease(
            repo_url=GRAFANA_CHARTS,
            chart="loki",
            version=self.loki_version,
            release_name="loki",
            values_schema=f"charts/loki/{self.loki_version}/values.schema.json",
        )

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
    def charts(self) -> tuple[Release, ...]:
        """Loki, then Tempo."""
        return (self.loki, self.tempo)

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Each chart's values: shared settings, then replicas per environment."""
        replicas = ctx.env.sizing.replicas if ctx.env else None
        if release == self.loki:
            if ctx.env is None:
                return {
                    "deploymentMode": "SingleBinary",
                    "loki": {
                        "auth_enabled": False,
                        "commonConfig": {"replication_factor": 1},
                        "storage": {"type": "filesystem"},
                    },
                }
            return {"singleBinary": {"replicas": replicas}}
        if ctx.env is None:
            return {"tempo": {"retention": "72h"}}
        return {"replicas": replicas}

"""podinfo: a custom component with its chart kept in this repository, its manifests and kinds.

The chart (``charts/podinfo``) is copied into the rendered tree and read by Argo CD as a Git
path source with the component's values files; :meth:`Podinfo.manifests` adds a plain
cluster-scoped object (a PriorityClass), which :attr:`Podinfo.cluster_kinds` declares so the
project allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from cdk8s import ApiObject, JsonPatch
from constructs import Construct

from gitops_platform import (
    CertManager,
    ComponentContext,
    Flow,
    GroupKind,
    LocalChart,
    PlatformComponent,
    Port,
    Release,
    Traefik,
    Workload,
)
from gitops_platform.network.flows import ingress_flow

CHART = Path(__file__).resolve().parent.parent / "charts" / "podinfo"


@dataclass(frozen=True, kw_only=True)
class Podinfo(PlatformComponent):
    """podinfo behind the platform's ingress, with a certificate from its issuer.

    Attributes:
        ingress: the ingress component serving podinfo's Ingress.
        tls: the certificates component whose issuer signs the certificate.
        image_tag: the pinned podinfo image tag.
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        GroupKind("scheduling.k8s.io", "PriorityClass", "podinfo-*"),
    )

    ingress: Traefik
    tls: CertManager
    image_tag: str = "6.9.2"
    name: str = "podinfo"
    namespace: str = "podinfo"

    @property
    def charts(self) -> tuple[Release, ...]:
        """The chart kept in this repository."""
        return (LocalChart(CHART, release_name="podinfo"),)

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The ingress and certificates components whose outputs the values read."""
        return (self.ingress, self.tls)

    @property
    def pods(self) -> Workload:
        """The chart's Deployment: selected by its release name, serving ``http`` 9898."""
        return Workload(
            self, "podinfo", {"app.kubernetes.io/name": "podinfo"}, (Port(9898, name="http"),)
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The pods of podinfo (its namespace gets a default deny and these flows)."""
        return (self.pods,)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """The Ingress's traffic; where the issuer is ACME, the HTTP-01 challenge's too."""
        return (
            ingress_flow(self.ingress, self.pods, 9898, "podinfo's UI, routed by the Ingress"),
            *self.tls.http01_flows(ctx, self),
        )

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Image, ingress class and issuer (shared); host, replicas, resources (per env)."""
        if ctx.env is None:
            return {
                "partOf": ctx.platform.name,
                "priorityClassName": "podinfo-high",
                "image": {"repository": "ghcr.io/stefanprodan/podinfo", "tag": self.image_tag},
                "ingress": {
                    "className": self.ingress.ingress_class.name,
                    "annotations": self.tls.issuer.annotations(),
                },
            }
        return {
            "replicas": ctx.env.sizing.replicas,
            "host": ctx.env.host("podinfo"),
            "resources": ctx.env.sizing.resources(),
        }

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """The PriorityClass podinfo's pods run at (shared by every environment)."""
        if ctx.env is not None:
            return
        priority = ApiObject(
            scope,
            "priority-class",
            api_version="scheduling.k8s.io/v1",
            kind="PriorityClass",
            metadata={
                "name": "podinfo-high",
                "labels": {
                    "app.kubernetes.io/name": "podinfo",
                    "app.kubernetes.io/part-of": ctx.platform.name,
                },
            },
        )
        priority.add_json_patch(JsonPatch.add("/value", 100000))

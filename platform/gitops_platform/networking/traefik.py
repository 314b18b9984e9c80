"""Traefik: the ingress controller serving standard Ingress objects.

ingress-nginx is retired (no releases or fixes since March 2026); Traefik is maintained and
serves plain ``networking.k8s.io/v1`` Ingresses through its ``traefik`` IngressClass, so
components keep using the standard API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gitops_platform.argocd.project import GroupKind
from gitops_platform.component import (
    CONTROLLER_KINDS,
    ChartRelease,
    ComponentContext,
    Delivery,
    IngressClassRef,
    SingleChartComponent,
)
from gitops_platform.core.environment import Environment, External, PlatformSpec
from gitops_platform.core.naming import check_dns_label
from gitops_platform.errors import InvalidValueError
from gitops_platform.network.flows import Flow, Port, Workload

__all__ = ["Traefik"]


#: How Argo CD delivers Traefik by default.
_DELIVERY = Delivery(sync_wave=-1)


@dataclass(frozen=True, kw_only=True)
class Traefik(SingleChartComponent):
    """The ``ingress`` component: Traefik as the cluster's default IngressClass.

    HTTP is redirected to HTTPS; TLS certificates come from cert-manager through the
    Ingresses' ``cert-manager.io/cluster-issuer`` annotation. Consumers take this component
    and read :attr:`ingress_class`.

    A second instance in the same cluster (an internal ingress, say) must neither claim the
    default IngressClass nor install the CRDs the first one installs (two Applications owning
    the same object keep overwriting and pruning it)::

        Traefik(name="ingress-internal", namespace="traefik-internal",
                class_name="internal", default_class=False, install_crds=False)

    Attributes:
        version: the chart version (chart 41.x ships Traefik v3.7).
        image_tag: the Traefik image tag (pinned; the chart default follows its appVersion).
        class_name: the name of the IngressClass it creates and serves.
        default_class: whether that IngressClass is the cluster's default (annotated
            ``ingressclass.kubernetes.io/is-default-class: "true"``); at most one per cluster.
            Default ``True``.
        install_crds: whether the chart's ``crds/`` folder (Traefik's CRDs) is installed;
            ``False`` sets Argo CD's ``skipCrds`` on the Helm source, for a second instance in
            a cluster whose CRDs another instance installs. Default ``True``.
        name: the component's name (default ``ingress``).
        namespace: its namespace (default ``traefik``).
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        *CONTROLLER_KINDS,
        GroupKind("networking.k8s.io", "IngressClass"),
    )

    version: str = "41.3.0"
    image_tag: str = "v3.7.11"
    class_name: str = "traefik"
    default_class: bool = True
    install_crds: bool = True
    name: str = "ingress"
    namespace: str = "traefik"
    delivery: Delivery = _DELIVERY

    def __post_init__(self) -> None:
        check_dns_label("Traefik", "class_name", self.class_name)
        for option in ("default_class", "install_crds"):
            if not isinstance(getattr(self, option), bool):
                raise InvalidValueError("Traefik", option, getattr(self, option), "a bool")

    @property
    def ingress_class(self) -> IngressClassRef:
        """The IngressClass Traefik serves (``Ingress.spec.ingressClassName``)."""
        return IngressClassRef(self.class_name)

    @property
    def controller(self) -> Workload:
        """Traefik's pods: the source of every flow to an exposed service.

        A component exposed through this ingress declares
        ``Flow(traefik.controller, <its workload>, ports=(<container port>,), reason=...)``.
        """
        return Workload(
            self,
            "traefik",
            # the chart's selector labels (instance: <release>-<namespace>)
            {
                "app.kubernetes.io/name": "traefik",
                "app.kubernetes.io/instance": f"traefik-{self.namespace}",
            },
            (
                Port(8000, name="web"),
                Port(8443, name="websecure"),
                Port(8080, name="traefik"),
                Port(9100, name="metrics"),
            ),
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The Traefik Deployment."""
        return (self.controller,)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """Public clients to the entry points; Traefik to the API server (Ingress watch)."""
        return (
            Flow(
                External.CLIENTS,
                self.controller,
                ports=(8000, 8443),
                reason="public HTTP (redirected) and HTTPS through the load balancer",
            ),
            Flow(
                self.controller,
                External.KUBE_APISERVER,
                reason="watches Ingresses, Services, EndpointSlices and Secrets",
            ),
        )

    @property
    def chart(self) -> ChartRelease:
        """Traefik's chart."""
        return ChartRelease(
            repo_url="https://traefik.github.io/charts",
            chart="traefik",
            version=self.version,
            release_name="traefik",
            skip_crds=not self.install_crds,
        )

    def base_values(self, platform: PlatformSpec) -> dict[str, Any]:
        """Default IngressClass, HTTPS redirect, Prometheus metrics, restricted security."""
        return {
            "commonLabels": {"app.kubernetes.io/part-of": platform.name},
            "image": {"tag": self.image_tag},
            "ingressClass": {
                "enabled": True,
                "isDefaultClass": self.default_class,
                "name": self.class_name,
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

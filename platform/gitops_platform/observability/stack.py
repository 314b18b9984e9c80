"""The observability stack: Loki, Tempo, kube-prometheus-stack and Grafana in one Application.

One Argo CD Application with four chart sources (multi-source) rather than a parent of child
Applications: the four releases share one namespace, one sync wave and one Pod Security level,
and are promoted together; a parent Application would add four more objects to keep in step
and gain no ordering Argo CD does not already give inside one sync (CRDs are applied before the
custom resources of the same wave).

Chart facts (keys, ports, Service names) are from the charts in the offline mirror:
``loki`` 18.11.0, ``tempo`` 2.2.4, ``kube-prometheus-stack`` 88.5.3 and ``grafana`` 12.11.1
(``grafana-community/helm-charts`` and ``prometheus-community/helm-charts`` at those tags).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cdk8s import ApiObject, ApiObjectMetadata, JsonPatch
from constructs import Construct

from gitops_platform.argocd.project import GroupKind
from gitops_platform.component import (
    CONTROLLER_KINDS,
    ChartRelease,
    ComponentContext,
    Delivery,
    IngressProvider,
    IssuerRef,
    PlatformComponent,
    Release,
    ServiceEndpoint,
)
from gitops_platform.core.environment import External, PlatformSpec, PodSecurity
from gitops_platform.errors import ConfigurationError, InvalidValueError
from gitops_platform.external_secrets.operator import ExternalSecrets
from gitops_platform.network.flows import (
    Backend,
    Flow,
    Port,
    Workload,
    ingress_flow,
    scrape_flows,
    service_flow,
)
from gitops_platform.networking.cert_manager import CertManager
from gitops_platform.observability import dashboards, datasources
from gitops_platform.observability.slo import SLO, default_slos, prometheus_rule
from gitops_platform.policy.library import Exemption

__all__ = [
    "GRAFANA_CHARTS",
    "PROMETHEUS_CHARTS",
    "NodeExporter",
    "ObservabilityStack",
    "StackSizing",
]

GRAFANA_CHARTS = "https://grafana-community.github.io/helm-charts"
PROMETHEUS_CHARTS = "https://prometheus-community.github.io/helm-charts"

#: After the operators (cert-manager, External Secrets: -3) and Gatekeeper (-2); before every
#: component that ships a ServiceMonitor, PodMonitor or PrometheusRule (wave 0 and later), so the
#: prometheus-operator CRDs this Application installs exist when those are applied.
STACK_WAVE = -1
#: kube-prometheus-stack's CRDs exceed the client-side apply annotation: server-side apply.
_STACK_DELIVERY = Delivery(sync_wave=STACK_WAVE, server_side_apply=True)
#: One wave after the stack (its ServiceMonitor needs the stack's CRDs); host namespaces.
_NODE_DELIVERY = Delivery(sync_wave=STACK_WAVE + 1, pod_security=PodSecurity.PRIVILEGED)

#: What the platform's container-security policy asks of every container.
CONTAINER_SECURITY: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
POD_SECURITY: dict[str, Any] = {
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@dataclass(frozen=True)
class StackSizing:
    """Retention and storage of one environment.

    Attributes:
        logs_retention: Loki retention (a Prometheus-style duration such as ``168h``).
        traces_retention: Tempo block retention (``72h``).
        metrics_retention: Prometheus retention (``15d``).
        logs_storage: Loki's persistent volume size (``10Gi``).
        traces_storage: Tempo's persistent volume size.
        metrics_storage: Prometheus' persistent volume size.
        persistence: whether the stores keep data on persistent volumes (``False``: emptyDir).
        alertmanager_replicas: Alertmanager replicas.
    """

    logs_retention: str = "72h"
    traces_retention: str = "48h"
    metrics_retention: str = "3d"
    logs_storage: str = "5Gi"
    traces_storage: str = "5Gi"
    metrics_storage: str = "10Gi"
    persistence: bool = False
    alertmanager_replicas: int = 1


def _resources(cpu: str, memory: str, limit: str) -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": limit}}


_SMALL = _resources("10m", "32Mi", "128Mi")


@dataclass(frozen=True, kw_only=True)
class ObservabilityStack(PlatformComponent):
    """Loki, Tempo, kube-prometheus-stack and Grafana, with logs, traces and metrics linked.

    Consumers read the typed endpoints (:attr:`grafana`, :attr:`prometheus`,
    :attr:`prometheus_write`, :attr:`tempo_query`, :attr:`tempo_otlp_http`,
    :attr:`tempo_otlp_grpc`, :attr:`loki_push`) instead of writing a service URL.

    Attributes:
        secrets: the External Secrets component; Grafana's admin credentials and the token
            Backstage uses are read through its store.
        tls: the certificates component issuing Grafana's Ingress certificate.
        ingress: the ingress component serving Grafana's Ingress.
        sizing: retention and storage per environment name (default: dev-sized everywhere).
        slos: the SLOs whose burn-rate alerts the stack delivers.
        admin_vault_key: the Vault key holding ``admin-user`` and ``admin-password``.
        backstage_token_vault_key: the Vault key holding ``token``, a Grafana service-account
            token (Viewer) for Backstage's Grafana plugin.
        loki_version / tempo_version / kps_version / grafana_version: chart versions.
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = CONTROLLER_KINDS

    secrets: ExternalSecrets
    tls: CertManager
    ingress: IngressProvider
    sizing: Mapping[str, StackSizing] = field(default_factory=dict)
    slos: tuple[SLO, ...] = field(default_factory=default_slos)
    admin_vault_key: str = "observability/grafana-admin"
    backstage_token_vault_key: str = "observability/grafana-backstage-token"  # noqa: S105
    loki_version: str = "18.11.0"
    tempo_version: str = "2.2.4"
    kps_version: str = "88.5.3"
    grafana_version: str = "12.11.1"
    name: str = "observability"
    namespace: str = "observability"
    delivery: Delivery = _STACK_DELIVERY

    #: Secret names (not values): the ExternalSecrets' targets.
    ADMIN_SECRET: ClassVar[str] = "grafana-admin"  # noqa: S105 (a Secret name)
    BACKSTAGE_TOKEN_SECRET: ClassVar[str] = "grafana-backstage-token"  # noqa: S105
    DASHBOARDS_CONFIGMAP: ClassVar[str] = "grafana-dashboards"
    ALERTMANAGER_SECRET: ClassVar[str] = "alertmanager-kube-prometheus-stack-alertmanager"  # noqa: S105
    alertmanager_vault_key: str = "observability/alertmanager-config"

    def validate(self, platform: PlatformSpec) -> None:
        """Every ``sizing`` key names an environment of the platform.

        Raises:
            ConfigurationError: for a key that is no environment.
        """
        names = [e.name for e in platform.environments]
        for key in self.sizing:
            if key not in names:
                raise ConfigurationError(
                    "ObservabilityStack", "sizing", key, f"an environment name: {names}"
                )
        if not self.delivery.server_side_apply:
            raise InvalidValueError(
                "ObservabilityStack",
                "delivery.server_side_apply",
                False,
                "True: kube-prometheus-stack's CRDs exceed the client-side apply annotation",
            )

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The secrets, certificates and ingress components whose outputs it reads."""
        out: list[PlatformComponent] = [self.secrets, self.tls]
        if isinstance(self.ingress, PlatformComponent):
            out.append(self.ingress)
        return tuple(out)

    # -- typed endpoints ------------------------------------------------------------------

    @property
    def grafana(self) -> ServiceEndpoint:
        """Grafana's HTTP API and UI (Service ``grafana``, port 80 -> container 3000)."""
        return ServiceEndpoint("grafana", self.namespace, 80)

    @property
    def prometheus(self) -> ServiceEndpoint:
        """Prometheus' query API (``/api/v1/query`` lives under it)."""
        return ServiceEndpoint("kube-prometheus-stack-prometheus", self.namespace, 9090)

    @property
    def prometheus_write(self) -> ServiceEndpoint:
        """Prometheus' remote-write receiver (``--web.enable-remote-write-receiver``)."""
        return ServiceEndpoint(
            "kube-prometheus-stack-prometheus", self.namespace, 9090, path="/api/v1/write"
        )

    @property
    def tempo_query(self) -> ServiceEndpoint:
        """Tempo's HTTP query API (Grafana's Tempo data source)."""
        return ServiceEndpoint("tempo", self.namespace, 3200)

    @property
    def tempo_otlp_http(self) -> ServiceEndpoint:
        """Tempo's OTLP/HTTP trace receiver (the exporter appends nothing: full path)."""
        return ServiceEndpoint("tempo", self.namespace, 4318, path="/v1/traces")

    @property
    def tempo_otlp_grpc(self) -> ServiceEndpoint:
        """Tempo's OTLP/gRPC receiver."""
        return ServiceEndpoint("tempo", self.namespace, 4317)

    @property
    def loki_push(self) -> ServiceEndpoint:
        """Loki's HTTP API (the push path ``/loki/api/v1/push`` is appended by clients)."""
        return ServiceEndpoint("loki", self.namespace, 3100)

    @property
    def loki_query(self) -> ServiceEndpoint:
        """Loki's query API (same Service as :attr:`loki_push` in monolithic mode)."""
        return self.loki_push

    @property
    def backstage_token_secret(self) -> tuple[str, str]:
        """The Secret (name, key) in :attr:`namespace` holding Backstage's Grafana token."""
        return (self.BACKSTAGE_TOKEN_SECRET, "token")

    def grafana_url(self, base_domain: str) -> str:
        """Grafana's public URL in an environment (``https://grafana.<base domain>``)."""
        return f"https://grafana.{base_domain}"

    # -- workloads and flows (pod labels: the charts' Service selectors) ---------------------

    @property
    def grafana_pods(self) -> Workload:
        """Grafana's Deployment (``grafana`` 12.11.1: UI and API on 3000, gossip, profiling)."""
        return Workload(
            self,
            "grafana",
            {"app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana"},
            (
                Port(3000, name="grafana"),
                Port(9094, name="gossip-tcp"),
                Port(9094, "UDP", name="gossip-udp"),
                Port(6060, name="profiling"),
            ),
        )

    @property
    def prometheus_pods(self) -> Workload:
        """The StatefulSet prometheus-operator creates for the chart's ``Prometheus``.

        Named ``prometheus`` in the policies (the operator names the StatefulSet
        ``prometheus-kube-prometheus-stack-prometheus``).

        Labels and ports are the operator's (the chart's Service selects
        ``app.kubernetes.io/name: prometheus`` and ``operator.prometheus.io/name``): the
        ``http-web`` port 9090 and the config reloader's ``reloader-web`` 8080, both scraped by
        the chart's ServiceMonitor.
        """
        return Workload(
            self,
            "prometheus",
            {
                "app.kubernetes.io/name": "prometheus",
                "operator.prometheus.io/name": "kube-prometheus-stack-prometheus",
            },
            (
                Port(9090, name="http-web", metrics=True),
                Port(8080, name="reloader-web", metrics=True),
            ),
        )

    @property
    def alertmanager_pods(self) -> Workload:
        """The StatefulSet prometheus-operator creates for the chart's ``Alertmanager``.

        Named ``alertmanager`` in the policies (the operator names the StatefulSet
        ``alertmanager-kube-prometheus-stack-alertmanager``).
        """
        return Workload(
            self,
            "alertmanager",
            {
                "app.kubernetes.io/name": "alertmanager",
                "alertmanager": "kube-prometheus-stack-alertmanager",
            },
            (
                Port(9093, name="http-web", metrics=True),
                Port(9094, name="mesh-tcp"),
                Port(9094, "UDP", name="mesh-udp"),
                Port(8080, name="reloader-web", metrics=True),
            ),
        )

    @property
    def operator_pods(self) -> Workload:
        """prometheus-operator (TLS and admission webhooks off: plain ``http`` 8080).

        Named ``prometheus-operator`` in the policies (the chart's Deployment is
        ``kube-prometheus-stack-operator``).
        """
        return Workload(
            self,
            "prometheus-operator",
            {"app": "kube-prometheus-stack-operator", "release": "kube-prometheus-stack"},
            (Port(8080, name="http", metrics=True),),
        )

    @property
    def kube_state_metrics_pods(self) -> Workload:
        """kube-state-metrics (``http`` 8080 is what its ServiceMonitor scrapes).

        Named ``kube-state-metrics`` in the policies (the chart's Deployment is
        ``kube-prometheus-stack-kube-state-metrics``).
        """
        return Workload(
            self,
            "kube-state-metrics",
            {
                "app.kubernetes.io/name": "kube-state-metrics",
                "app.kubernetes.io/instance": "kube-prometheus-stack",
            },
            (Port(8080, name="http", metrics=True), Port(8081, name="metrics")),
        )

    @property
    def loki_pods(self) -> Workload:
        """Loki's single binary (HTTP 3100, gRPC 9095, memberlist 7946)."""
        return Workload(
            self,
            "loki",
            {
                "app.kubernetes.io/name": "loki",
                "app.kubernetes.io/instance": "loki",
                "app.kubernetes.io/component": "single-binary",
            },
            (
                Port(3100, name="http-metrics"),
                Port(9095, name="grpc"),
                Port(7946, name="http-memberlist"),
            ),
        )

    @property
    def tempo_pods(self) -> Workload:
        """Tempo's single binary: query API and metrics 3200, the receivers the chart opens."""
        return Workload(
            self,
            "tempo",
            {"app.kubernetes.io/name": "tempo", "app.kubernetes.io/instance": "tempo"},
            (
                Port(3200, name="prom-metrics", metrics=True),
                Port(4317, name="otlp-grpc"),
                Port(4318, name="otlp-http"),
                Port(6831, "UDP", name="jaeger-thrift-c"),
                Port(6832, "UDP", name="jaeger-thrift-b"),
                Port(9411, name="zipkin"),
                Port(14250, name="jaeger-grpc"),
                Port(14268, name="jaeger-thrift-h"),
                Port(55680, name="otlp-legacy"),
                Port(55681, name="otlp-httplegacy"),
            ),
        )

    def workloads(self) -> tuple[Workload, ...]:
        """Grafana, Prometheus, Alertmanager, the operator, kube-state-metrics, Loki, Tempo."""
        return (
            self.grafana_pods,
            self.prometheus_pods,
            self.alertmanager_pods,
            self.operator_pods,
            self.kube_state_metrics_pods,
            self.loki_pods,
            self.tempo_pods,
        )

    def backends(self) -> tuple[Backend, ...]:
        """The pods and container ports behind the typed endpoints."""
        return (
            Backend(self.grafana, self.grafana_pods, 3000),
            Backend(self.prometheus, self.prometheus_pods, 9090),
            Backend(self.tempo_query, self.tempo_pods, 3200),
            Backend(self.tempo_otlp_http, self.tempo_pods, 4318),
            Backend(self.tempo_otlp_grpc, self.tempo_pods, 4317),
            Backend(self.loki_push, self.loki_pods, 3100),
        )

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """Grafana's data sources, Prometheus' scraping and alerting, the operators' API access.

        Prometheus scrapes the metrics ports of every component's workloads
        (:func:`~gitops_platform.network.flows.scrape_flows`: the node exporter on the nodes'
        addresses); Tempo's metrics generator remote-writes to Prometheus; Loki talks to its own
        memberlist ring; with more than one Alertmanager replica, the replicas gossip on 9094.
        """
        api = External.KUBE_APISERVER
        components = ctx.components
        grafana, prometheus = self.grafana_pods, self.prometheus_pods
        flows = [
            ingress_flow(
                self.ingress, grafana, 3000, "Grafana's UI and API, routed by the Ingress"
            ),
            *self.tls.http01_flows(ctx, self),
            service_flow(grafana, components, self.prometheus, "the Prometheus data source"),
            service_flow(grafana, components, self.loki_query, "the Loki data source"),
            service_flow(grafana, components, self.tempo_query, "the Tempo data source"),
            service_flow(
                self.tempo_pods, components, self.prometheus_write, "metrics generator remote write"
            ),
            Flow(prometheus, api, reason="discovers scrape targets (endpoints, pods, services)"),
            Flow(self.operator_pods, api, reason="reconciles Prometheus, Alertmanager, monitors"),
            Flow(self.kube_state_metrics_pods, api, reason="lists and watches every object"),
            Flow(self.loki_pods, self.loki_pods, ports=(7946,), reason="memberlist ring gossip"),
        ]
        for flow in scrape_flows(prometheus, components):
            if flow.target == self.alertmanager_pods:
                # the same pods and port receive alerts: one flow per pair of ends
                flow = Flow(
                    prometheus,
                    self.alertmanager_pods,
                    ports=flow.ports,
                    reason="sends alerts (9093), scrapes metrics",
                )
            flows.append(flow)
        size = self._sizing(ctx.env.name) if ctx.env is not None else StackSizing()
        if size.alertmanager_replicas > 1:
            flows.append(
                Flow(
                    self.alertmanager_pods,
                    self.alertmanager_pods,
                    ports=(9094,),
                    reason="cluster gossip between the replicas (TCP and UDP)",
                )
            )
        return tuple(flows)

    # -- charts ----------------------------------------------------------------------------

    @property
    def loki(self) -> ChartRelease:
        """The Loki release (monolithic)."""
        return ChartRelease(
            GRAFANA_CHARTS,
            "loki",
            self.loki_version,
            release_name="loki",
            values_schema=f"charts/loki/{self.loki_version}/values.schema.json",
        )

    @property
    def tempo(self) -> ChartRelease:
        """The Tempo release (monolithic)."""
        return ChartRelease(GRAFANA_CHARTS, "tempo", self.tempo_version, release_name="tempo")

    @property
    def kps(self) -> ChartRelease:
        """The kube-prometheus-stack release (operator, Prometheus, Alertmanager, exporters)."""
        return ChartRelease(
            PROMETHEUS_CHARTS,
            "kube-prometheus-stack",
            self.kps_version,
            release_name="kube-prometheus-stack",
        )

    @property
    def grafana_chart(self) -> ChartRelease:
        """The Grafana release."""
        return ChartRelease(GRAFANA_CHARTS, "grafana", self.grafana_version, release_name="grafana")

    @property
    def charts(self) -> tuple[Release, ...]:
        """kube-prometheus-stack (CRDs), Loki, Tempo, then Grafana."""
        return (self.kps, self.loki, self.tempo, self.grafana_chart)

    def _sizing(self, env: str) -> StackSizing:
        return self.sizing.get(env, StackSizing())

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Each chart's values: shared wiring and hardening, per-environment sizing."""
        part_of = ctx.platform.name
        if release == self.loki:
            return self._loki(ctx)
        if release == self.tempo:
            return self._tempo(ctx, part_of)
        if release == self.kps:
            return self._kps(ctx, part_of)
        return self._grafana(ctx, part_of)

    def _loki(self, ctx: ComponentContext) -> dict[str, Any]:
        if ctx.env is not None:
            size = self._sizing(ctx.env.name)
            return {
                "loki": {"limits_config": {"retention_period": size.logs_retention}},
                "singleBinary": {
                    "persistence": {"enabled": size.persistence, "size": size.logs_storage},
                    "resources": _resources("100m", "256Mi", "1Gi"),
                },
            }
        return {
            "deploymentMode": "Monolithic",
            "commonLabels": {"app.kubernetes.io/part-of": ctx.platform.name},
            "sidecar": {"rules": {"enabled": False}},
            "loki": {
                "auth_enabled": False,
                "commonConfig": {"replication_factor": 1},
                "schemaConfig": {
                    "configs": [
                        {
                            "from": "2024-04-01",
                            "store": "tsdb",
                            "object_store": "filesystem",
                            "schema": "v13",
                            "index": {"prefix": "loki_index_", "period": "24h"},
                        }
                    ]
                },
                "storage": {"type": "filesystem"},
                "compactor": {"retention_enabled": True, "delete_request_store": "filesystem"},
                # structured metadata (trace_id, span_id) needs schema v13 and this limit
                "limits_config": {"allow_structured_metadata": True, "volume_enabled": True},
            },
            "singleBinary": {"replicas": 1},
            "read": {"replicas": 0},
            "write": {"replicas": 0},
            "backend": {"replicas": 0},
            "gateway": {"enabled": False},
            "chunksCache": {"enabled": False},
            "resultsCache": {"enabled": False},
            "lokiCanary": {"enabled": False},
            "test": {"enabled": False},
            "monitoring": {"serviceMonitor": {"enabled": True}},
        }

    def _tempo(self, ctx: ComponentContext, part_of: str) -> dict[str, Any]:
        if ctx.env is not None:
            size = self._sizing(ctx.env.name)
            return {
                "tempo": {
                    "retention": size.traces_retention,
                    "resources": _resources("100m", "256Mi", "1Gi"),
                },
                "persistence": {"enabled": size.persistence, "size": size.traces_storage},
            }
        return {
            "extraLabels": {"app.kubernetes.io/part-of": part_of},
            "podLabels": {"app.kubernetes.io/part-of": part_of},
            "tempo": {
                "reportingEnabled": False,
                "securityContext": CONTAINER_SECURITY,
                "metricsGenerator": {
                    "enabled": True,
                    "remoteWriteUrl": self.prometheus_write.url,
                },
                "overrides": {
                    "defaults": {
                        "metrics_generator": {"processors": ["service-graphs", "span-metrics"]}
                    }
                },
            },
            "securityContext": {
                "runAsUser": 10001,
                "runAsGroup": 10001,
                "fsGroup": 10001,
                "runAsNonRoot": True,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "serviceMonitor": {
                "enabled": True,
                "additionalLabels": {
                    "app.kubernetes.io/name": "tempo",
                    "app.kubernetes.io/part-of": part_of,
                },
            },
        }

    def _kps(self, ctx: ComponentContext, part_of: str) -> dict[str, Any]:
        if ctx.env is not None:
            size = self._sizing(ctx.env.name)
            storage: dict[str, Any] = (
                {
                    "volumeClaimTemplate": {
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": size.metrics_storage}},
                        }
                    }
                }
                if size.persistence
                else {}
            )
            return {
                "prometheus": {
                    "prometheusSpec": {
                        "retention": size.metrics_retention,
                        "resources": _resources("200m", "512Mi", "2Gi"),
                        "storageSpec": storage,
                    }
                },
                "alertmanager": {
                    "alertmanagerSpec": {
                        "replicas": size.alertmanager_replicas,
                        "resources": _resources("10m", "64Mi", "256Mi"),
                    }
                },
            }
        selectors = {
            f"{kind}SelectorNilUsesHelmValues": False
            for kind in ("serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig")
        }
        return {
            # the chart's label helper writes app.kubernetes.io/part-of itself: a common label
            # of the same key would be a duplicate key
            "crds": {"enabled": True},
            # Grafana is the stack's own release (datasources with fixed uids, dashboards)
            "grafana": {"enabled": False, "forceDeployDashboards": False},
            # node-exporter needs the host's namespaces: the NodeExporter component delivers
            # it into its own privileged namespace (see NodeExporter).
            "nodeExporter": {"enabled": False},
            # control-plane Services would be created in kube-system, which no platform
            # Application may write to; the API server and kubelet endpoints are managed by
            # Kubernetes and the operator, not by this tree
            "kubeApiServer": {"enabled": False},
            "kubelet": {"enabled": False},
            "kubeControllerManager": {"enabled": False},
            "coreDns": {"enabled": False},
            "kubeDns": {"enabled": False},
            "kubeEtcd": {"enabled": False},
            "kubeScheduler": {"enabled": False},
            "kubeProxy": {"enabled": False},
            "prometheus": {
                "prometheusSpec": {
                    **selectors,
                    "enableRemoteWriteReceiver": True,
                    "podMetadata": {"labels": {"app.kubernetes.io/part-of": part_of}},
                }
            },
            "alertmanager": {
                "alertmanagerSpec": {
                    "podMetadata": {"labels": {"app.kubernetes.io/part-of": part_of}},
                    # receivers hold credentials: the configuration is the operator's default
                    # Secret alertmanager-<name>, written by an ExternalSecret
                    "useExistingSecret": True,
                }
            },
            "prometheusOperator": {
                "resources": _resources("50m", "128Mi", "512Mi"),
                "podLabels": {"app.kubernetes.io/part-of": part_of},
                "prometheusConfigReloader": {"resources": _SMALL},
                # the webhook's certificate comes from Helm hook Jobs Argo CD does not run in
                # this set-up; rules are checked by promtool in CI instead
                "admissionWebhooks": {"enabled": False},
                "tls": {"enabled": False},
            },
            "kube-state-metrics": {
                "resources": _resources("10m", "64Mi", "256Mi"),
                "customLabels": {"app.kubernetes.io/part-of": part_of},
            },
        }

    def _grafana(self, ctx: ComponentContext, part_of: str) -> dict[str, Any]:
        if ctx.env is not None:
            return {"resources": _resources("50m", "128Mi", "512Mi")}
        return {
            "extraLabels": {"app.kubernetes.io/part-of": part_of},
            "testFramework": {"enabled": False},
            # the chart would otherwise generate a Secret with a password in Git
            "admin": {
                "existingSecret": self.ADMIN_SECRET,
                "userKey": "admin-user",
                "passwordKey": "admin-password",  # pragma: allowlist secret (a key name)
            },
            "persistence": {"enabled": False},
            "initChownData": {"enabled": False},
            # the Ingress is the stack's own manifest (typed class and issuer)
            "ingress": {"enabled": False},
            "datasources": {"datasources.yaml": datasources.provisioning(self)},
            "dashboardProviders": {
                "dashboardproviders.yaml": {
                    "apiVersion": 1,
                    "providers": [
                        {
                            "name": "platform",
                            "orgId": 1,
                            "folder": "Platform",
                            "type": "file",
                            "disableDeletion": True,
                            "editable": False,
                            "options": {"path": "/var/lib/grafana/dashboards/platform"},
                        }
                    ],
                }
            },
            "dashboardsConfigMaps": {"platform": self.DASHBOARDS_CONFIGMAP},
        }

    def policy_exemptions(self) -> tuple[Exemption, ...]:
        """kube-prometheus-stack's own objects: the one label its templates cannot take."""
        return (
            Exemption(
                policy="required-labels",
                kind="*",
                namespace=self.namespace,
                name="kube-prometheus-stack*",
                checks=("missing-label",),
                reason=(
                    "kube-prometheus-stack labels its Prometheus, Alertmanager, rules, monitors "
                    "and RBAC with app/release labels and its own part-of; it has no per-object "
                    "app.kubernetes.io/name value, and a common label would duplicate keys."
                ),
            ),
            Exemption(
                policy="required-labels",
                kind="ClusterRole*",
                namespace="*",
                name="kube-prometheus-stack-prometheus",
                checks=("missing-label",),
                reason=(
                    "Prometheus' cluster-scoped RBAC from kube-prometheus-stack, labelled by the "
                    "same chart helper with no per-object app.kubernetes.io/name value."
                ),
            ),
        )

    # -- manifests -------------------------------------------------------------------------

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Shared: ExternalSecrets, dashboards, SLO rules; per environment: Grafana's Ingress."""
        if ctx.env is not None:
            self._ingress(scope, ctx.platform.name, ctx.env.base_domain)
            return
        labels = {
            "app.kubernetes.io/part-of": ctx.platform.name,
            "app.kubernetes.io/component": "observability",
        }
        for secret, key in (
            (self.ADMIN_SECRET, self.admin_vault_key),
            (self.BACKSTAGE_TOKEN_SECRET, self.backstage_token_vault_key),
            (self.ALERTMANAGER_SECRET, self.alertmanager_vault_key),
        ):
            obj = ApiObject(
                scope,
                f"externalsecret-{secret}",
                api_version="external-secrets.io/v1",
                kind="ExternalSecret",
                metadata=ApiObjectMetadata(
                    name=secret,
                    namespace=self.namespace,
                    labels={"app.kubernetes.io/name": secret, **labels},
                ),
            )
            obj.add_json_patch(
                JsonPatch.add(
                    "/spec",
                    {
                        "refreshInterval": "1h",
                        "secretStoreRef": self.secrets.store.as_dict(),
                        "target": {"name": secret, "creationPolicy": "Owner"},
                        "dataFrom": [{"extract": {"key": key}}],
                    },
                )
            )
        board_data = {
            # no space after ':' so a long query stays one word (yamllint's line length)
            f"{uid}.json": json.dumps(board, indent=2, sort_keys=True, separators=(",", ":"))
            for uid, board in sorted(dashboards.all_dashboards().items())
        }
        ApiObject(
            scope,
            "configmap-dashboards",
            api_version="v1",
            kind="ConfigMap",
            metadata=ApiObjectMetadata(
                name=self.DASHBOARDS_CONFIGMAP,
                namespace=self.namespace,
                labels={"app.kubernetes.io/name": "grafana-dashboards", **labels},
            ),
        ).add_json_patch(JsonPatch.add("/data", board_data))
        rule = prometheus_rule(self.slos, self.namespace)
        obj = ApiObject(
            scope,
            "prometheusrule-slos",
            api_version="monitoring.coreos.com/v1",
            kind="PrometheusRule",
            metadata=ApiObjectMetadata(
                name=rule["metadata"]["name"],
                namespace=self.namespace,
                labels={"app.kubernetes.io/name": "slo-rules", **labels},
            ),
        )
        obj.add_json_patch(JsonPatch.add("/spec", rule["spec"]))

    def _ingress(self, scope: Construct, part_of: str, base_domain: str) -> None:
        host = f"grafana.{base_domain}"
        issuer: IssuerRef = self.tls.issuer
        obj = ApiObject(
            scope,
            "ingress-grafana",
            api_version="networking.k8s.io/v1",
            kind="Ingress",
            metadata=ApiObjectMetadata(
                name="grafana",
                namespace=self.namespace,
                labels={
                    "app.kubernetes.io/name": "grafana",
                    "app.kubernetes.io/part-of": part_of,
                    "app.kubernetes.io/component": "observability",
                },
                annotations=issuer.annotations(),
            ),
        )
        obj.add_json_patch(
            JsonPatch.add(
                "/spec",
                {
                    "ingressClassName": self.ingress.ingress_class.name,
                    "tls": [
                        {
                            "hosts": [host],
                            "secretName": "grafana-tls",  # pragma: allowlist secret
                        }
                    ],
                    "rules": [
                        {
                            "host": host,
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "pathType": "Prefix",
                                        "backend": {
                                            "service": {
                                                "name": self.grafana.service,
                                                "port": {"number": self.grafana.port},
                                            }
                                        },
                                    }
                                ]
                            },
                        }
                    ],
                },
            )
        )


@dataclass(frozen=True, kw_only=True)
class NodeExporter(PlatformComponent):
    """node-exporter, alone in a namespace whose Pod Security level is ``privileged``.

    node-exporter reads the node's metrics through the host's network and PID namespaces and
    a read-only mount of the host's root filesystem (kube-prometheus-stack's
    ``prometheus-node-exporter`` defaults ``hostNetwork``, ``hostPID``,
    ``hostRootFsMount``). No Pod Security level but ``privileged`` admits that, and the model
    gives a namespace one level; so node-exporter gets its own namespace rather than lowering
    the stack's ``restricted`` namespace. It is delivered from the same kube-prometheus-stack
    chart as the stack (everything but the node-exporter sub-chart and its ServiceMonitor
    switched off, CRDs left to the stack), one wave after the stack. The one reviewed
    exemption waives exactly ``host-network`` and ``host-pid`` for its DaemonSet.

    Attributes:
        stack: the observability stack whose Prometheus scrapes it.
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = ()

    stack: ObservabilityStack
    name: str = "node-exporter"
    namespace: str = "node-exporter"
    delivery: Delivery = _NODE_DELIVERY

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The stack (its CRDs and Prometheus)."""
        return (self.stack,)

    def workloads(self) -> tuple[Workload, ...]:
        """The DaemonSet, in the host's network: Prometheus scrapes it on the nodes' addresses.

        NetworkPolicies do not select host-network pods; the namespace still gets its default
        deny and DNS policy, and the scrape is the stack's flow to ``External.NODES`` on 9100
        (:func:`~gitops_platform.network.flows.scrape_flows`).
        """
        return (
            Workload(
                self,
                "node-exporter-prometheus-node-exporter",
                {
                    "app.kubernetes.io/name": "prometheus-node-exporter",
                    "app.kubernetes.io/instance": "node-exporter",
                },
                (Port(9100, name="http-metrics"),),
                host_network=True,
            ),
        )

    @property
    def charts(self) -> tuple[Release, ...]:
        """kube-prometheus-stack, node-exporter only."""
        return (
            ChartRelease(
                PROMETHEUS_CHARTS,
                "kube-prometheus-stack",
                self.stack.kps_version,
                release_name="node-exporter",
                skip_crds=True,
            ),
        )

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Everything off but node-exporter; its resources and hardening."""
        if ctx.env is not None:
            return {}
        off = {"enabled": False}
        return {
            "commonLabels": {"app.kubernetes.io/part-of": ctx.platform.name},
            "crds": off,
            "defaultRules": {"create": False},
            "alertmanager": off,
            "grafana": off,
            "kubeApiServer": off,
            "kubelet": off,
            "kubeControllerManager": off,
            "coreDns": off,
            "kubeDns": off,
            "kubeEtcd": off,
            "kubeScheduler": off,
            "kubeProxy": off,
            "kubeStateMetrics": off,
            "prometheusOperator": off,
            "prometheus": off,
            "nodeExporter": {"enabled": True},
            "prometheus-node-exporter": {
                "podLabels": {"app.kubernetes.io/part-of": ctx.platform.name},
                "resources": _resources("10m", "32Mi", "128Mi"),
                "containerSecurityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    "readOnlyRootFilesystem": True,
                },
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": 65534,
                    "runAsGroup": 65534,
                    "fsGroup": 65534,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
            },
        }

    def policy_exemptions(self) -> tuple[Exemption, ...]:
        """host-network and host-pid for the node-exporter DaemonSet only."""
        return (
            Exemption(
                policy="container-security",
                kind="DaemonSet",
                namespace=self.namespace,
                name="*prometheus-node-exporter",
                checks=("host-network", "host-pid"),
                reason=(
                    "node-exporter reports the node's own network and process metrics, which "
                    "are only visible from the host's network and PID namespaces; it runs as "
                    "nobody, unprivileged, with all capabilities dropped and a read-only root."
                ),
            ),
        )

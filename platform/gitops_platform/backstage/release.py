"""BackstageRelease: Red Hat Developer Hub (the RHDH ``backstage`` chart) on plain Kubernetes.

Chart facts (RHDH chart ``backstage`` 5.12.10, branch ``release-1.10``; every upstream
Backstage value is nested under ``upstream.``):

* ``global.host`` sets ``app.baseUrl``, ``backend.baseUrl``, ``backend.cors.origin`` and
  ``upstream.ingress.host``; ``route.enabled: false`` turns the OpenShift Route off;
* ``upstream.backstage.extraEnvVars`` is a list, replaced whole by Helm: the chart's default
  names ``POSTGRESQL_ADMIN_PASSWORD`` from the bundled database's Secret, so the list is
  redefined completely here;
* the chart's ``<release>-auth`` Secret is generated with ``randAlphaNum`` (a new value on
  every Argo CD render); ``global.auth.backend.existingSecret`` names a stable one instead;
* the vendored upstream chart stamps ``checksum/app-config`` on the pod template, so a
  changed app-config rolls the pods under Argo CD;
* ``upstream.metrics.serviceMonitor.enabled`` renders a ``monitoring.coreos.com/v1``
  ServiceMonitor (port ``http-metrics``, 9464).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from gitops_platform import layout
from gitops_platform.argocd.project import GroupKind
from gitops_platform.backstage.platform_catalog import PlatformCatalog
from gitops_platform.backstage.plugins import DynamicPlugin
from gitops_platform.component import (
    ChartRelease,
    ComponentContext,
    Delivery,
    IngressProvider,
    PlatformComponent,
    Release,
    ServiceEndpoint,
)
from gitops_platform.core.environment import Environment, External, PlatformSpec
from gitops_platform.core.objects import standard_labels
from gitops_platform.errors import ConfigurationError, InvalidValueError, raise_all
from gitops_platform.external_secrets.bundle import ExternalSecretBundle, RemoteValue, SecretSpec
from gitops_platform.network.flows import Flow, Port, Workload, ingress_flow, service_flow
from gitops_platform.policy.library import Exemption

if TYPE_CHECKING:
    from constructs import Construct

    from gitops_platform.external_secrets.operator import ExternalSecrets
    from gitops_platform.networking.cert_manager import CertManager

__all__ = [
    "BACKSTAGE_IMAGE",
    "DEFAULT_PLUGINS",
    "DISCOVERY_RULES",
    "BackstageObservability",
    "BackstageRelease",
    "PostgresConnection",
]

#: The RHDH image of the 1.10 line (the chart's default ``next-1.10`` is a moving tag).
BACKSTAGE_IMAGE = ("quay.io", "rhdh-community/rhdh", "1.10.0")
#: The RHDH plugin catalog index of the same release (default ``1.10``, a moving tag).
CATALOG_INDEX_IMAGE = ("quay.io", "rhdh/plugin-catalog-index", "1.10.0")

_RELEASE_TAG = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+)?$")

#: What the Kubernetes plugin reads (RHDH's e2e ClusterRole, ``rhdh-plugin-export-overlays``
#: ``workspaces/backstage/e2e-tests/tests/config/kubernetes/rbac/cluster-role-k8s.yaml``):
#: API group -> resources; get, list and watch only; never Secrets.
DISCOVERY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("configmaps", "limitranges", "pods", "pods/log", "resourcequotas", "services")),
    ("apps", ("daemonsets", "deployments", "replicasets", "statefulsets")),
    ("autoscaling", ("horizontalpodautoscalers",)),
    ("batch", ("cronjobs", "jobs")),
    ("metrics.k8s.io", ("pods",)),
    ("networking.k8s.io", ("ingresses",)),
)
_READ_VERBS = ("get", "list", "watch")

_K8S_FRONTEND_MOUNT = {
    "dynamicPlugins": {
        "frontend": {
            "backstage.plugin-kubernetes": {
                "mountPoints": [
                    {
                        "mountPoint": "entity.page.kubernetes/cards",
                        "importName": "EntityKubernetesContent",
                        "config": {
                            "layout": {"gridColumn": "1 / -1"},
                            "if": {
                                "anyOf": [
                                    {"hasAnnotation": "backstage.io/kubernetes-id"},
                                    {"hasAnnotation": "backstage.io/kubernetes-namespace"},
                                ]
                            },
                        },
                    }
                ]
            }
        }
    }
}

#: The plugins enabled by default; see the README for where each reference comes from.
DEFAULT_PLUGINS: tuple[DynamicPlugin, ...] = (
    DynamicPlugin(
        "./dynamic-plugins/dist/backstage-plugin-kubernetes-backend-dynamic",
        source="RHDH 1.10 dynamic-plugins.default.yaml (wrapped in the image)",
    ),
    DynamicPlugin(
        "./dynamic-plugins/dist/backstage-plugin-kubernetes",
        plugin_config=_K8S_FRONTEND_MOUNT,
        source="RHDH 1.10 dynamic-plugins.default.yaml (wrapped in the image)",
    ),
    DynamicPlugin(
        "@backstage-community/plugin-grafana@0.21.0",
        integrity=(
            "sha512-a1mDcng3P8kteCxs7F1ZCNGCTTzzqC2njzlqb1kr+fK"  # pragma: allowlist secret
            "kA0WittAtVAlcSfpE9YT+xBQFt16Wt5jsIBf/pAjxcg=="  # pragma: allowlist secret
        ),  # the registry's dist.integrity, verbatim
        source="npm registry: npm view @backstage-community/plugin-grafana@0.21.0 dist.integrity",
    ),
    DynamicPlugin(
        "@roadiehq/backstage-plugin-prometheus@3.3.1",
        integrity=(
            "sha512-dvRK68noyw0aUNKpjWs+ej1xBuSKNZXaY4CVMq2ndSl"  # pragma: allowlist secret
            "2rM0P6q29ckb1KzuxNOMG3VMQDHhfW79RXLuLY0r+ng=="  # pragma: allowlist secret
        ),  # the registry's dist.integrity, verbatim
        source="npm registry: npm view @roadiehq/backstage-plugin-prometheus@3.3.1 dist.integrity",
    ),
)


@dataclass(frozen=True)
class BackstageObservability:
    """The observability endpoints Backstage proxies (typed, from the observability stack).

    Attributes:
        grafana: Grafana's in-cluster HTTP service (proxied at ``/api/proxy/grafana/api``).
        prometheus: Prometheus' query API service (proxied at ``/api/proxy/prometheus/api``).
        tempo: Tempo's query front end (proxied at ``/api/proxy/tempo/api``).
        grafana_host: Grafana's public host name (``grafana.domain``, the links users open);
            ``None``: ``grafana.<environment base domain>``.
    """

    grafana: ServiceEndpoint
    prometheus: ServiceEndpoint
    tempo: ServiceEndpoint
    grafana_host: str | None = None

    def __post_init__(self) -> None:
        for name in ("grafana", "prometheus", "tempo"):
            value = getattr(self, name)
            if not isinstance(value, ServiceEndpoint):
                raise InvalidValueError("BackstageObservability", name, value, "a ServiceEndpoint")


@dataclass(frozen=True)
class PostgresConnection:
    """The existing Postgres (through PgBouncer) of one environment; no credential here.

    Attributes:
        host: the PgBouncer service host.
        port: its port (1-65535).
        database: the database Backstage uses (one schema per plugin).
        user: the database user.
        service: the external service ``host`` is, whose address blocks the environment lists
            (:attr:`Environment.endpoints`): the egress Backstage's NetworkPolicy allows.
    """

    host: str
    port: int
    database: str
    user: str
    service: External = External.PGBOUNCER

    def __post_init__(self) -> None:
        where = f"PostgresConnection({self.host})"
        problems: list[InvalidValueError] = []
        if not isinstance(self.host, str) or not self.host or " " in self.host:
            problems.append(InvalidValueError(where, "host", self.host, "a host name"))
        if (
            not isinstance(self.port, int)
            or isinstance(self.port, bool)
            or not (1 <= self.port <= 65535)
        ):
            problems.append(InvalidValueError(where, "port", self.port, "an int in 1-65535"))
        if self.service not in (External.PGBOUNCER, External.POSTGRES):
            problems.append(
                InvalidValueError(where, "service", self.service, "External.PGBOUNCER or POSTGRES")
            )
        for name in ("database", "user"):
            value = getattr(self, name)
            if (
                not isinstance(value, str)
                or not value.replace("_", "-").replace("-", "a").isalnum()
            ):
                problems.append(
                    InvalidValueError(
                        where, name, value, "a Postgres identifier (letters, digits, _)"
                    )
                )
        raise_all(where, problems)


#: After the observability stack (the ServiceMonitor CRD) and the secrets store.
_DELIVERY = Delivery(sync_wave=2)
#: The backend's Prometheus metrics port (the RHDH chart's ``service.extraPorts``).
METRICS_PORT = 9464

#: The Secrets Backstage reads, their Vault keys (``<env>/...``) and properties.
POSTGRES_SECRET = "backstage-postgres"  # noqa: S105  # pragma: allowlist secret
AUTH_SECRET = "backstage-backend-auth"  # noqa: S105  # pragma: allowlist secret
GRAFANA_SECRET = "backstage-grafana"  # noqa: S105  # pragma: allowlist secret
TLS_SECRET = "backstage-tls"  # noqa: S105  # pragma: allowlist secret


@dataclass(frozen=True, kw_only=True)
class BackstageRelease(PlatformComponent):
    """Red Hat Developer Hub from the RHDH chart, in namespace ``backstage``.

    Attributes:
        ingress: the ingress component; its IngressClass serves Backstage's Ingress.
        tls: the certificates component; its issuer signs ``backstage-tls``.
        secrets: the External Secrets component; its store reads every credential.
        observability: the Grafana, Prometheus and Tempo endpoints proxied.
        databases: the Postgres connection of each environment.
        hosts: per environment, a host name other than ``backstage.<base domain>``
            (must stay inside the environment's domain).
        plugins: the dynamic plugins enabled (default :data:`DEFAULT_PLUGINS`).
        catalog_files: tree paths of catalog files Backstage registers besides those the
            platform's components render (``catalog/...``), read at each environment's pin.
        title: the portal title.
        version: the chart version (5.12.10: the RHDH 1.10 line).
        image_tag: the RHDH image tag (also the dynamic-plugin installer's image).
        resources: the Backstage container's resources (defaults: the chart's own).
        platform_catalog: the platform's own entities (its System and services, with their
            TechDocs), rendered into ``catalog/`` and registered like the others; ``None``:
            none.

    Raises:
        ConfigurationError: a host outside the environment's domain, a database map that is
            not one entry per environment.
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        GroupKind("rbac.authorization.k8s.io", "ClusterRole"),
        GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    )

    ingress: IngressProvider
    tls: CertManager
    secrets: ExternalSecrets
    observability: BackstageObservability
    databases: Mapping[str, PostgresConnection]
    hosts: Mapping[str, str] = field(default_factory=dict)
    plugins: tuple[DynamicPlugin, ...] = DEFAULT_PLUGINS
    catalog_files: tuple[str, ...] = ()
    platform_catalog: PlatformCatalog | None = None
    title: str = "Developer Portal"
    version: str = "5.12.10"
    image_tag: str = BACKSTAGE_IMAGE[2]
    resources: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: {
            "requests": {"cpu": "250m", "memory": "1Gi"},
            "limits": {"memory": "2560Mi", "ephemeral-storage": "5Gi"},
        }
    )
    name: str = "backstage"
    namespace: str = "backstage"
    # after the observability stack (ServiceMonitor CRD) and the secrets store
    delivery: Delivery = _DELIVERY

    service_account: ClassVar[str] = "backstage"

    @property
    def charts(self) -> tuple[Release, ...]:
        """The RHDH chart."""
        return (
            ChartRelease(
                repo_url="https://redhat-developer.github.io/rhdh-chart",
                chart="backstage",
                version=self.version,
                release_name="backstage",
            ),
        )

    def policy_exemptions(self) -> tuple[Exemption, ...]:
        """The RHDH chart's two ConfigMaps have no label value (reviewed)."""
        reason = (
            "The RHDH chart renders <release>-dynamic-plugins (without a namespace) and the "
            "upstream chart's <fullname>-app-config ConfigMaps without any label value (no "
            "commonLabels in those templates); every other object of the chart is labelled."
        )
        return (
            Exemption(
                policy="required-labels",
                kind="ConfigMap",
                namespace=self.namespace,
                name="backstage-developer-hub-app-config",
                checks=("missing-label",),
                reason=reason,
            ),
            # the template names no namespace: the object has none until Argo CD places it
            Exemption(
                policy="required-labels",
                kind="ConfigMap",
                namespace="*",
                name="backstage-dynamic-plugins",
                checks=("missing-label",),
                reason=reason,
            ),
        )

    def files(self, ctx: ComponentContext) -> Mapping[str, str]:
        """The platform's own catalog entities, when :attr:`platform_catalog` is set."""
        if self.platform_catalog is None:
            return {}
        return self.platform_catalog.files(ctx.platform, ctx.components)

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The ingress, certificates and secrets components whose outputs it reads."""
        used: list[PlatformComponent] = []
        for item in (self.ingress, self.tls, self.secrets):
            if isinstance(item, PlatformComponent):
                used.append(item)
        return tuple(used)

    # -- network ------------------------------------------------------------------------------

    @property
    def pods(self) -> Workload:
        """The Backstage Deployment (the chart's selector labels): backend 7007, metrics 9464."""
        return Workload(
            self,
            "backstage-developer-hub",
            {
                "app.kubernetes.io/name": "developer-hub",
                "app.kubernetes.io/instance": self.name,
                "app.kubernetes.io/component": "backstage",
            },
            (Port(7007, name="backend"), Port(METRICS_PORT, name="http-metrics")),
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The Backstage Deployment."""
        return (self.pods,)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """The Ingress, the database, the API server, the proxies, the catalog and plugins.

        Backstage opens: the environment's Postgres (through PgBouncer), the Kubernetes API
        (the Kubernetes plugin, with its service account), Grafana, Prometheus and Tempo
        through its proxy endpoints, the Git host serving the catalog files (``catalog``
        locations on :attr:`PlatformSpec.repo_url`) and, from its init container, the registry
        of the RHDH catalog index image (``CATALOG_INDEX_IMAGE``) and OCI plugins.
        """
        pods, components, obs = self.pods, ctx.components, self.observability
        flows = [
            ingress_flow(self.ingress, pods, 7007, "the portal, routed by the Ingress"),
            *self.tls.http01_flows(ctx, self),
            Flow(pods, External.KUBE_APISERVER, reason="the Kubernetes plugin reads workloads"),
            service_flow(pods, components, obs.grafana, "the /grafana/api proxy"),
            service_flow(pods, components, obs.prometheus, "the /prometheus/api proxy"),
            service_flow(pods, components, obs.tempo, "the /tempo/api proxy"),
            Flow(pods, External.GIT_HOST, ports=(443,), reason="reads the catalog files"),
            Flow(
                pods,
                External.PLUGIN_REGISTRY,
                ports=(443,),
                reason="the init container pulls the catalog index and OCI plugins",
            ),
        ]
        if ctx.env is not None:
            db = self.databases[ctx.env.name]
            flows.append(Flow(pods, db.service, ports=(db.port,), reason="its database"))
        return tuple(flows)

    def host(self, env: Environment) -> str:
        """Backstage's public host name in ``env``."""
        return self.hosts.get(env.name, env.host("backstage"))

    def validate(self, platform: PlatformSpec) -> None:
        """Check the per-environment maps and that each host is inside its domain."""
        platform.per_environment(
            "BackstageRelease",
            "databases",
            self.databases,
            PostgresConnection,
            "a PostgresConnection",
        )
        problems: list[InvalidValueError] = []
        for env in platform.environments:
            host = self.host(env)
            if not host.endswith("." + env.base_domain):
                problems.append(
                    ConfigurationError(
                        f"BackstageRelease/{env.name}",
                        "hosts",
                        host,
                        f"a host inside the environment's domain (*.{env.base_domain})",
                    )
                )
        if not isinstance(self.plugins, tuple) or not all(
            isinstance(p, DynamicPlugin) for p in self.plugins
        ):
            problems.append(
                InvalidValueError("BackstageRelease", "plugins", self.plugins, "DynamicPlugin")
            )
        if not isinstance(self.image_tag, str) or not _RELEASE_TAG.fullmatch(self.image_tag):
            problems.append(
                InvalidValueError(
                    "BackstageRelease",
                    "image_tag",
                    self.image_tag,
                    "a released RHDH tag such as 1.10.0 (never next, next-1.10 or latest)",
                )
            )
        raise_all("BackstageRelease", problems)

    # -- secrets ------------------------------------------------------------------------------

    def secret_bundle(self, env: Environment) -> ExternalSecretBundle:
        """The ExternalSecrets of ``env``: database, backend auth secret, Grafana token."""
        db = self.databases[env.name]
        return ExternalSecretBundle(
            self.secrets,
            (
                SecretSpec(
                    POSTGRES_SECRET,
                    self.namespace,
                    {"password": RemoteValue("{env}/backstage/database", "password")},
                    template={
                        "POSTGRES_HOST": db.host,
                        "POSTGRES_PORT": str(db.port),
                        "POSTGRES_DB": db.database,
                        "POSTGRES_USER": db.user,
                        "POSTGRES_PASSWORD": "{{ .password }}",
                    },
                ),
                SecretSpec(
                    AUTH_SECRET,
                    self.namespace,
                    {"backend-secret": RemoteValue("{env}/backstage/backend", "secret")},
                ),
                SecretSpec(
                    GRAFANA_SECRET,
                    self.namespace,
                    {"token": RemoteValue("{env}/backstage/grafana", "token")},
                    template={"GRAFANA_TOKEN": "{{ .token }}"},
                ),
            ),
            part_of="backstage",
        )

    # -- values -------------------------------------------------------------------------------

    def kubernetes_config(self) -> dict[str, Any]:
        """The Kubernetes plugin's configuration: the local cluster, the pod's token."""
        return {
            "serviceLocatorMethod": {"type": "multiTenant"},
            "clusterLocatorMethods": [
                {
                    "type": "config",
                    "clusters": [
                        {
                            "name": "local",
                            "url": "https://kubernetes.default.svc",
                            "authProvider": "serviceAccount",
                            "skipTLSVerify": False,
                            "skipMetricsLookup": False,
                            "caFile": "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                        }
                    ],
                }
            ],
        }

    def _catalog_locations(
        self, platform: PlatformSpec, env: Environment, catalog: tuple[str, ...]
    ) -> list[Any]:
        base = platform.repo_url.removesuffix(".git")
        prefix = f"{platform.tree_prefix}/" if platform.tree_prefix else ""
        return [
            {
                "type": "url",
                "target": f"{base}/blob/{env.revision}/{prefix}{path}",
                "rules": [{"allow": ["Component", "System", "Group", "API", "Resource"]}],
            }
            for path in catalog
        ]

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Shared values (chart settings) and each environment's (host, sizing, config)."""
        if ctx.env is None:
            return self._base_values(ctx.platform.name)
        return self._env_values(ctx.platform, ctx.env, self._catalog(ctx))

    def _catalog(self, ctx: ComponentContext) -> tuple[str, ...]:
        """``catalog_files`` and every catalog file the platform's components render."""
        shared = ComponentContext(ctx.platform, None, ctx.components)
        found = {
            path
            for component in ctx.components
            for path in component.files(shared)
            if path.startswith(f"{layout.CATALOG_FOLDER}/")
        }
        return tuple(sorted(found | set(self.catalog_files)))

    def _base_values(self, part_of: str) -> dict[str, Any]:
        registry, repository, _ = BACKSTAGE_IMAGE
        idx_registry, idx_repository, idx_tag = CATALOG_INDEX_IMAGE
        plugins = []
        for plugin in self.plugins:
            item = plugin.as_value()
            if plugin.package.startswith("./dynamic-plugins/dist/backstage-plugin-kubernetes-"):
                item["pluginConfig"] = {"kubernetes": self.kubernetes_config()}
            plugins.append(item)
        return {
            "global": {
                "dynamic": {"includes": ["dynamic-plugins.default.yaml"], "plugins": plugins},
                "auth": {"backend": {"enabled": True, "existingSecret": AUTH_SECRET}},
                "catalogIndex": {
                    "image": {
                        "registry": idx_registry,
                        "repository": idx_repository,
                        "tag": idx_tag,
                    }
                },
                "lightspeed": {"enabled": False},
            },
            "route": {"enabled": False},
            "test": {"enabled": False},
            "upstream": {
                "commonLabels": {"app.kubernetes.io/part-of": part_of},
                "postgresql": {"enabled": False},
                "serviceAccount": {
                    "create": True,
                    "name": self.service_account,
                    "automountServiceAccountToken": True,
                    "labels": standard_labels(self.service_account, part_of, component="backstage"),
                },
                "metrics": {
                    "serviceMonitor": {"enabled": True, "path": "/metrics", "port": "http-metrics"}
                },
                "ingress": {
                    "enabled": True,
                    "className": self.ingress.ingress_class.name,
                    "annotations": self.tls.issuer.annotations(),
                    # the Secret cert-manager writes for the issuer annotation above
                    "tls": {"enabled": True, "secretName": TLS_SECRET},
                },
                "backstage": {
                    "image": {
                        "registry": registry,
                        "repository": repository,
                        "tag": self.image_tag,
                    },
                    "podLabels": {"app.kubernetes.io/part-of": part_of},
                    "podSecurityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 1001,
                        "runAsGroup": 1001,
                        "fsGroup": 1001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "resources": {k: dict(v) for k, v in self.resources.items()},
                    # Helm replaces lists: the whole list, each Secret created below.
                    "extraEnvVars": [
                        {
                            "name": "BACKEND_SECRET",
                            "valueFrom": {
                                "secretKeyRef": {"name": AUTH_SECRET, "key": "backend-secret"}
                            },
                        }
                    ],
                    "extraEnvVarsSecrets": [POSTGRES_SECRET, GRAFANA_SECRET],
                    # the metrics port the chart's Service and ServiceMonitor use (9464) is
                    # served by the backend but not declared by the chart's container: declared
                    # here so the NetworkPolicy flow from Prometheus names a served port
                    "extraPorts": [
                        {"name": "http-metrics", "containerPort": METRICS_PORT, "protocol": "TCP"}
                    ],
                },
            },
        }

    def _env_values(
        self, platform: PlatformSpec, env: Environment, catalog: tuple[str, ...]
    ) -> dict[str, Any]:
        obs = self.observability
        grafana_host = obs.grafana_host or env.host("grafana")
        replicas = env.sizing.replicas
        app_config: dict[str, Any] = {
            "app": {"title": self.title},
            "backend": {
                "database": {
                    "client": "pg",
                    "pluginDivisionMode": "schema",
                    "connection": {
                        "host": "${POSTGRES_HOST}",
                        "port": "${POSTGRES_PORT}",
                        "database": "${POSTGRES_DB}",
                        "user": "${POSTGRES_USER}",
                        "password": "${POSTGRES_PASSWORD}",
                    },
                },
            },
            "proxy": {
                "endpoints": {
                    "/grafana/api": {
                        "target": obs.grafana.url,
                        "headers": {"Authorization": "Bearer ${GRAFANA_TOKEN}"},
                    },
                    "/prometheus/api": {"target": f"{obs.prometheus.url}/api/v1/"},
                    "/tempo/api": {"target": obs.tempo.url},
                }
            },
            "grafana": {"domain": f"https://{grafana_host}", "unifiedAlerting": True},
            "prometheus": {"proxyPath": "/prometheus/api"},
            "kubernetes": self.kubernetes_config(),
            "catalog": {"locations": self._catalog_locations(platform, env, catalog)},
        }
        return {
            "global": {"host": self.host(env)},
            "upstream": {
                "backstage": {
                    "replicas": replicas,
                    "pdb": {"create": replicas > 1, "minAvailable": 1},
                    "appConfig": app_config,
                },
            },
        }

    # -- manifests ----------------------------------------------------------------------------

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Shared: the discovery ClusterRole and binding. Per env: the ExternalSecrets."""
        if ctx.env is not None:
            self.secret_bundle(ctx.env).add_to(scope, ctx.env.name)
            return
        from gitops_platform.core.objects import api_object

        labels = standard_labels(
            "backstage-kubernetes-reader", ctx.platform.name, component="backstage"
        )
        api_object(
            scope,
            "cluster-role",
            api_version="rbac.authorization.k8s.io/v1",
            kind="ClusterRole",
            name="backstage-kubernetes-reader",
            labels=labels,
            body={
                "rules": [
                    {"apiGroups": [group], "resources": list(resources), "verbs": list(_READ_VERBS)}
                    for group, resources in DISCOVERY_RULES
                ]
            },
        )
        api_object(
            scope,
            "cluster-role-binding",
            api_version="rbac.authorization.k8s.io/v1",
            kind="ClusterRoleBinding",
            name="backstage-kubernetes-reader",
            labels=labels,
            body={
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": "backstage-kubernetes-reader",
                },
                "subjects": [
                    {
                        "kind": "ServiceAccount",
                        "name": self.service_account,
                        "namespace": self.namespace,
                    }
                ],
            },
        )

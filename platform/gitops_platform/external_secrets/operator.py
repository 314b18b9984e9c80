"""External Secrets Operator: the chart and one Vault ClusterSecretStore per environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cdk8s import ApiObjectMetadata
from constructs import Construct

from gitops_platform.argocd.application import WEBHOOK_CA_BUNDLES, IgnoreDifference
from gitops_platform.argocd.project import GroupKind
from gitops_platform.component import (
    CONTROLLER_KINDS,
    ChartRelease,
    ComponentContext,
    CrdSource,
    Delivery,
    SecretStoreRef,
    SingleChartComponent,
)
from gitops_platform.core.environment import (
    Environment,
    External,
    PlatformSpec,
    check_environment_mapping,
)
from gitops_platform.core.naming import check_dns_label, check_https_url
from gitops_platform.core.objects import SYNC_WAVE, standard_labels
from gitops_platform.errors import InvalidValueError
from gitops_platform.network.flows import Flow, Port, Workload

__all__ = ["ExternalSecrets", "VaultStore"]


@dataclass(frozen=True)
class VaultStore:
    """A HashiCorp Vault KV store, reached with Vault's Kubernetes auth method.

    The operator authenticates with its own service account token: no credential is stored
    in Git or in the cluster for it.

    Attributes:
        server: the Vault address.
        path: the KV mount.
        kv_version: 1 or 2.
        auth_mount: the Kubernetes auth mount in Vault.
        role: the Vault role bound to the operator's service account.
    """

    server: str
    path: str = "secret"
    kv_version: int = 2
    auth_mount: str = "kubernetes"
    role: str = "external-secrets"

    def __post_init__(self) -> None:
        check_https_url("VaultStore", "server", self.server)
        if self.kv_version not in (1, 2):
            raise InvalidValueError("VaultStore", "kv_version", self.kv_version, "1 or 2")
        for name in ("path", "auth_mount", "role"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value or value.startswith("/"):
                raise InvalidValueError("VaultStore", name, value, "a Vault path without leading /")


#: How Argo CD delivers ExternalSecrets by default.
_DELIVERY = Delivery(
    sync_wave=-3,
    # The SecretStore CRDs are larger than the client-side apply annotation limit.
    server_side_apply=True,
    # The operator's cert controller writes CA bundles into its webhook and CRD conversion.
    ignore_differences=(
        *WEBHOOK_CA_BUNDLES,
        IgnoreDifference(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            json_pointers=("/spec/conversion/webhook/clientConfig/caBundle",),
        ),
    ),
)


@dataclass(frozen=True, kw_only=True)
class ExternalSecrets(SingleChartComponent):
    """The External Secrets Operator with one ``ClusterSecretStore`` per environment.

    Every environment's store has the same name, so ``ExternalSecret`` objects are identical
    across environments: consumers take this component and read :attr:`store`.

    Attributes:
        stores: the secret store of each environment.
        version: the chart version (and the tag of the CRDs it installs).
        store_name: the ClusterSecretStore name in every environment.
        name: the component's name (default ``external-secrets``).
        namespace: its namespace (default ``external-secrets``).
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = (
        *CONTROLLER_KINDS,
        GroupKind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        GroupKind("external-secrets.io", "ClusterSecretStore"),
    )

    stores: Mapping[str, VaultStore] = field(default_factory=dict)
    version: str = "2.9.0"
    store_name: str = "platform-secrets"
    name: str = "external-secrets"
    namespace: str = "external-secrets"
    delivery: Delivery = _DELIVERY

    def __post_init__(self) -> None:
        check_environment_mapping("ExternalSecrets", "stores", self.stores, "a VaultStore")

    @property
    def store(self) -> SecretStoreRef:
        """The ClusterSecretStore every environment has (``ExternalSecret.spec.secretStoreRef``)."""
        return SecretStoreRef(self.store_name, "ClusterSecretStore")

    @property
    def chart(self) -> ChartRelease:
        """The operator's chart."""
        return ChartRelease(
            repo_url="https://charts.external-secrets.io",
            chart="external-secrets",
            version=self.version,
            release_name="external-secrets",
            crds=(CrdSource("external-secrets", f"v{self.version}"),),
        )

    def _workload(self, name: str, *ports: Port) -> Workload:
        # the chart's selector labels
        selector = {
            "app.kubernetes.io/name": name,
            "app.kubernetes.io/instance": "external-secrets",
        }
        return Workload(self, name, selector, ports)

    @property
    def controller(self) -> Workload:
        """The operator: syncs ExternalSecrets from the stores."""
        return self._workload("external-secrets", Port(8080, name="metrics"))

    @property
    def webhook(self) -> Workload:
        """The validating webhook (called by the API server on container port 10250)."""
        return self._workload(
            "external-secrets-webhook",
            Port(8080, name="metrics"),
            Port(10250, name="webhook"),
            Port(8081, name="ready"),
        )

    @property
    def cert_controller(self) -> Workload:
        """The certificate controller (the webhook's serving certificate and CA bundles)."""
        return self._workload(
            "external-secrets-cert-controller", Port(8080, name="metrics"), Port(8081, name="ready")
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The operator, its webhook and its certificate controller."""
        return (self.controller, self.webhook, self.cert_controller)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """API server both ways, and the operator to Vault."""
        api = External.KUBE_APISERVER
        return (
            Flow(self.controller, api, reason="watches ExternalSecrets, writes Secrets"),
            Flow(self.webhook, api, reason="reads its serving certificate's secret"),
            Flow(self.cert_controller, api, reason="writes the webhook certificate, CA bundles"),
            Flow(api, self.webhook, ports=(10250,), reason="admission webhook for the stores"),
            Flow(self.controller, External.VAULT, reason="reads secrets, Kubernetes auth login"),
        )

    def validate(self, platform: PlatformSpec) -> None:
        """Check there is one store for each environment."""
        check_dns_label("ExternalSecrets", "store_name", self.store_name)
        platform.per_environment(
            "ExternalSecrets", "stores", self.stores, VaultStore, "a VaultStore"
        )

    def base_values(self, platform: PlatformSpec) -> dict[str, Any]:
        """CRDs installed by the chart, common labels, metrics on."""
        return {
            "installCRDs": True,
            "commonLabels": {"app.kubernetes.io/part-of": platform.name},
            "serviceMonitor": {"enabled": False},
            "metrics": {"service": {"enabled": True}},
            # the namespace's NetworkPolicies come from the declared flows
            # (gitops_platform.network); the chart's own would be a second, partial set
            "networkPolicy": {"enabled": False},
            "webhook": {"networkPolicy": {"enabled": False}},
            "certController": {"networkPolicy": {"enabled": False}},
        }

    def environment_values(self, platform: PlatformSpec, env: Environment) -> dict[str, Any]:
        """Replicas and resources from the environment's sizing."""
        per_pod = env.sizing.pod_values()
        return {**per_pod, "webhook": dict(per_pod), "certController": dict(per_pod)}

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Each environment's ClusterSecretStore (nothing shared)."""
        if ctx.env is not None:
            self._store(scope, ctx.platform, ctx.env)

    def _store(self, scope: Construct, platform: PlatformSpec, env: Environment) -> None:
        """The environment's ClusterSecretStore (Vault, Kubernetes auth)."""
        # bindings load on first use: importing the library stays cheap
        from gitops_platform.imports.external_secrets.io import external_secrets as es

        store = self.stores[env.name]
        version = (
            es.ClusterSecretStoreSpecProviderVaultVersion.V2
            if store.kv_version == 2
            else es.ClusterSecretStoreSpecProviderVaultVersion.V1
        )
        es.ClusterSecretStore(
            scope,
            f"cluster-secret-store-{env.name}",
            metadata=ApiObjectMetadata(
                name=self.store_name,
                labels=standard_labels(self.store_name, platform.name, component="secrets"),
                annotations={
                    SYNC_WAVE: "1",
                    "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true",
                },
            ),
            spec=es.ClusterSecretStoreSpec(
                provider=es.ClusterSecretStoreSpecProvider(
                    vault=es.ClusterSecretStoreSpecProviderVault(
                        server=store.server,
                        path=store.path,
                        version=version,
                        auth=es.ClusterSecretStoreSpecProviderVaultAuth(
                            kubernetes=es.ClusterSecretStoreSpecProviderVaultAuthKubernetes(
                                mount_path=store.auth_mount,
                                role=store.role,
                                service_account_ref=es.ClusterSecretStoreSpecProviderVaultAuthKubernetesServiceAccountRef(
                                    name="external-secrets", namespace=self.namespace
                                ),
                            )
                        ),
                    )
                )
            ),
        )

"""gitops-platform: typed cdk8s constructs for an internal developer platform on Argo CD.

The public API is what this module exports; everything else is internal.

Compose a platform::

    from gitops_platform import (
        AcmeIssuer, CertManager, Cluster, Environment, ExternalSecrets, PlatformApp,
        PlatformSpec, SelfSignedIssuer, Traefik, VaultStore,
    )

    spec = PlatformSpec(
        name="acme-platform",
        repo_url="https://git.example.com/platform/gitops.git",
        environments=(
            Environment("dev", "dev.example.com", Cluster(name="dev"), revision="main"),
            Environment("prd", "example.com", Cluster(name="prd"), revision="env/prd"),
        ),
    )
    ingress = Traefik()
    PlatformApp(spec, [
        CertManager(issuers={
            "dev": SelfSignedIssuer(),
            "prd": AcmeIssuer(email="ops@example.com", ingress=ingress),
        }),
        ExternalSecrets(stores={e.name: VaultStore("https://vault.example.com") for e in ...}),
        ingress,
    ]).synth("dist")

Write a component of your own as a frozen, keyword-only dataclass subclass of
:class:`PlatformComponent`: its charts (:class:`ChartRelease`, :class:`LocalChart`), their
values, its manifests, its :class:`Delivery` settings and project (``platform`` or ``apps``).
Components meet through typed outputs (:class:`IngressClassRef`, :class:`IssuerRef`,
:class:`SecretStoreRef`) read from the component that provides them.

Or use the Argo CD constructs on their own in any cdk8s chart: :class:`AppProject` and
:class:`ArgoApplication` with :class:`ProjectProps` and :class:`ApplicationProps`.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitops_platform.app import PlatformApp
    from gitops_platform.argocd.application import (
        ApplicationProps,
        ArgoApplication,
        GitSource,
        HelmChartSource,
        IgnoreDifference,
        Retry,
        SyncPolicy,
    )
    from gitops_platform.argocd.project import AppProject, Destination, GroupKind, ProjectProps
    from gitops_platform.backstage import (
        BackstageObservability,
        BackstageRelease,
        DynamicPlugin,
        OnboardedService,
        PlatformCatalog,
        PostgresConnection,
        System,
        Team,
    )
    from gitops_platform.component import (
        CONTROLLER_KINDS,
        WEBHOOK_KINDS,
        ChartRelease,
        ComponentContext,
        CrdSource,
        Delivery,
        IngressClassRef,
        IssuerRef,
        LocalChart,
        PlatformComponent,
        Release,
        SecretStoreRef,
        ServiceEndpoint,
        SingleChartComponent,
    )
    from gitops_platform.core.environment import (
        Cluster,
        Environment,
        External,
        ExternalEndpoint,
        PlatformSpec,
        PodSecurity,
        Sizing,
    )
    from gitops_platform.errors import (
        ConfigurationError,
        DuplicateError,
        InvalidObjectError,
        InvalidValueError,
        PermissionDeniedError,
        PlatformError,
        SecretLiteralError,
        SynthError,
        UpstreamDataError,
    )
    from gitops_platform.external_secrets.bundle import (
        ExternalSecretBundle,
        RemoteValue,
        SecretSpec,
    )
    from gitops_platform.external_secrets.operator import ExternalSecrets, VaultStore
    from gitops_platform.network.flows import Flow, Port, Workload
    from gitops_platform.networking.cert_manager import AcmeIssuer, CertManager, SelfSignedIssuer
    from gitops_platform.networking.traefik import Traefik
    from gitops_platform.observability import (
        GatewaySizing,
        NodeExporter,
        ObservabilityStack,
        StackSizing,
        VectorGateway,
    )
    from gitops_platform.policy.gatekeeper import Gatekeeper
    from gitops_platform.policy.library import Exemption, PolicySet
    from gitops_platform.rules.credentials import AllowedKey, CredentialKeys

# Names load on first use (PEP 562): `import gitops_platform.validation` or
# `gitops_platform.errors` never starts jsii, and the constructs load only what they need.
_EXPORTS: dict[str, str] = {
    "AcmeIssuer": "gitops_platform.networking.cert_manager",
    "AppProject": "gitops_platform.argocd.project",
    "ApplicationProps": "gitops_platform.argocd.application",
    "ArgoApplication": "gitops_platform.argocd.application",
    "BackstageObservability": "gitops_platform.backstage",
    "BackstageRelease": "gitops_platform.backstage",
    "CertManager": "gitops_platform.networking.cert_manager",
    "ChartRelease": "gitops_platform.component",
    "Cluster": "gitops_platform.core.environment",
    "ComponentContext": "gitops_platform.component",
    "ConfigurationError": "gitops_platform.errors",
    "CrdSource": "gitops_platform.component",
    "Delivery": "gitops_platform.component",
    "Destination": "gitops_platform.argocd.project",
    "DuplicateError": "gitops_platform.errors",
    "DynamicPlugin": "gitops_platform.backstage",
    "Environment": "gitops_platform.core.environment",
    "Exemption": "gitops_platform.policy.library",
    "External": "gitops_platform.core.environment",
    "ExternalEndpoint": "gitops_platform.core.environment",
    "Flow": "gitops_platform.network.flows",
    "ExternalSecretBundle": "gitops_platform.external_secrets.bundle",  # pragma: allowlist secret
    "ExternalSecrets": "gitops_platform.external_secrets.operator",  # pragma: allowlist secret
    "GatewaySizing": "gitops_platform.observability",
    "Gatekeeper": "gitops_platform.policy.gatekeeper",
    "GitSource": "gitops_platform.argocd.application",
    "GroupKind": "gitops_platform.argocd.project",
    "HelmChartSource": "gitops_platform.argocd.application",
    "IgnoreDifference": "gitops_platform.argocd.application",
    "IngressClassRef": "gitops_platform.component",
    "InvalidObjectError": "gitops_platform.errors",
    "InvalidValueError": "gitops_platform.errors",
    "IssuerRef": "gitops_platform.component",
    "LocalChart": "gitops_platform.component",
    "OnboardedService": "gitops_platform.backstage",
    "NodeExporter": "gitops_platform.observability",
    "ObservabilityStack": "gitops_platform.observability",
    "PermissionDeniedError": "gitops_platform.errors",
    "PlatformApp": "gitops_platform.app",
    "PlatformCatalog": "gitops_platform.backstage",
    "PlatformComponent": "gitops_platform.component",
    "PlatformError": "gitops_platform.errors",
    "PlatformSpec": "gitops_platform.core.environment",
    "PodSecurity": "gitops_platform.core.environment",
    "Port": "gitops_platform.network.flows",
    "PostgresConnection": "gitops_platform.backstage",
    "ProjectProps": "gitops_platform.argocd.project",
    "Release": "gitops_platform.component",
    "RemoteValue": "gitops_platform.external_secrets.bundle",
    "Retry": "gitops_platform.argocd.application",
    "SecretLiteralError": "gitops_platform.errors",  # pragma: allowlist secret
    "SecretSpec": "gitops_platform.external_secrets.bundle",  # pragma: allowlist secret
    "SecretStoreRef": "gitops_platform.component",  # pragma: allowlist secret
    "SelfSignedIssuer": "gitops_platform.networking.cert_manager",
    "ServiceEndpoint": "gitops_platform.component",
    "SingleChartComponent": "gitops_platform.component",
    "Sizing": "gitops_platform.core.environment",
    "StackSizing": "gitops_platform.observability",
    "SyncPolicy": "gitops_platform.argocd.application",
    "SynthError": "gitops_platform.errors",
    "System": "gitops_platform.backstage",
    "Team": "gitops_platform.backstage",
    "Traefik": "gitops_platform.networking.traefik",
    "VectorGateway": "gitops_platform.observability",
    "UpstreamDataError": "gitops_platform.errors",
    "VaultStore": "gitops_platform.external_secrets.operator",
    "Workload": "gitops_platform.network.flows",
    "CONTROLLER_KINDS": "gitops_platform.component",
    "WEBHOOK_KINDS": "gitops_platform.component",
    "PolicySet": "gitops_platform.policy.library",
    "AllowedKey": "gitops_platform.rules.credentials",
    "CredentialKeys": "gitops_platform.rules.credentials",
}

__all__ = [
    "CONTROLLER_KINDS",
    "WEBHOOK_KINDS",
    "AcmeIssuer",
    "AllowedKey",
    "AppProject",
    "ApplicationProps",
    "ArgoApplication",
    "BackstageObservability",
    "BackstageRelease",
    "CertManager",
    "ChartRelease",
    "Cluster",
    "ComponentContext",
    "ConfigurationError",
    "CrdSource",
    "CredentialKeys",
    "Delivery",
    "Destination",
    "DuplicateError",
    "DynamicPlugin",
    "Environment",
    "Exemption",
    "External",
    "ExternalEndpoint",
    "ExternalSecretBundle",
    "ExternalSecrets",
    "Flow",
    "Gatekeeper",
    "GatewaySizing",
    "GitSource",
    "GroupKind",
    "HelmChartSource",
    "IgnoreDifference",
    "IngressClassRef",
    "InvalidObjectError",
    "InvalidValueError",
    "IssuerRef",
    "LocalChart",
    "NodeExporter",
    "ObservabilityStack",
    "OnboardedService",
    "PermissionDeniedError",
    "PlatformApp",
    "PlatformCatalog",
    "PlatformComponent",
    "PlatformError",
    "PlatformSpec",
    "PodSecurity",
    "PolicySet",
    "Port",
    "PostgresConnection",
    "ProjectProps",
    "Release",
    "RemoteValue",
    "Retry",
    "SecretLiteralError",
    "SecretSpec",
    "SecretStoreRef",
    "SelfSignedIssuer",
    "ServiceEndpoint",
    "SingleChartComponent",
    "Sizing",
    "StackSizing",
    "SyncPolicy",
    "SynthError",
    "System",
    "Team",
    "Traefik",
    "UpstreamDataError",
    "VaultStore",
    "VectorGateway",
    "Workload",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gitops_platform' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

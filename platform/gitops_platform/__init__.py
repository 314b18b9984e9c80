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
    PlatformApp(spec, [
        CertManager(issuers={"dev": SelfSignedIssuer(), "prd": AcmeIssuer("ops@example.com")}),
        ExternalSecrets(stores={e.name: VaultStore("https://vault.example.com") for e in ...}),
        Traefik(),
    ]).synth("dist")

Or use the Argo CD constructs on their own in any cdk8s chart: :class:`AppProject` and
:class:`ArgoApplication` with :class:`ProjectProps` and :class:`ApplicationProps`.
"""

from gitops_platform.app import PlatformApp
from gitops_platform.argocd.application import (
    ApplicationProps,
    ArgoApplication,
    GitSource,
    HelmChartSource,
    Retry,
    SyncPolicy,
)
from gitops_platform.argocd.project import AppProject, Destination, GroupKind, ProjectProps
from gitops_platform.core.component import PlatformComponent
from gitops_platform.core.environment import (
    Cluster,
    Environment,
    PlatformSpec,
    PodSecurity,
    Sizing,
)
from gitops_platform.errors import (
    ConfigurationError,
    DuplicateError,
    PermissionDeniedError,
    PlatformError,
    SecretLiteralError,
    SynthError,
    UpstreamDataError,
    ValidationError,
)
from gitops_platform.networking.cert_manager import AcmeIssuer, CertManager, SelfSignedIssuer
from gitops_platform.networking.traefik import Traefik
from gitops_platform.policy.gatekeeper import Gatekeeper
from gitops_platform.secrets.external_secrets import ExternalSecrets, VaultStore

__all__ = [
    "AcmeIssuer",
    "AppProject",
    "ApplicationProps",
    "ArgoApplication",
    "CertManager",
    "Cluster",
    "ConfigurationError",
    "Destination",
    "DuplicateError",
    "Environment",
    "ExternalSecrets",
    "Gatekeeper",
    "GitSource",
    "GroupKind",
    "HelmChartSource",
    "PermissionDeniedError",
    "PlatformApp",
    "PlatformComponent",
    "PlatformError",
    "PlatformSpec",
    "PodSecurity",
    "ProjectProps",
    "Retry",
    "SecretLiteralError",
    "SelfSignedIssuer",
    "Sizing",
    "SyncPolicy",
    "SynthError",
    "Traefik",
    "UpstreamDataError",
    "ValidationError",
    "VaultStore",
]

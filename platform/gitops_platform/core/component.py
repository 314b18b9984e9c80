"""The contract every platform component (cert-manager, Backstage, Vector...) fulfils."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from gitops_platform.argocd.application import HelmChartSource, IgnoreDifference
from gitops_platform.argocd.project import GroupKind
from gitops_platform.core.environment import Environment, PlatformSpec, PodSecurity

if TYPE_CHECKING:
    from constructs import Construct

__all__ = ["CONTROLLER_KINDS", "WEBHOOK_KINDS", "PlatformComponent"]

#: Cluster-scoped kinds every operator chart creates: its CRDs and cluster-wide RBAC.
CONTROLLER_KINDS = (
    GroupKind("apiextensions.k8s.io", "CustomResourceDefinition"),
    GroupKind("rbac.authorization.k8s.io", "ClusterRole"),
    GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
)
#: Admission webhooks registered by charts that validate or mutate objects.
WEBHOOK_KINDS = (
    GroupKind("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    GroupKind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
)


class PlatformComponent(abc.ABC):
    """A platform service delivered as one Argo CD Application in the ``platform`` project.

    A component names its chart (pinned), its namespace and the Pod Security level of that
    namespace, its sync wave, the cluster-scoped kinds it creates (its project must allow
    them), and its Helm values: a base shared by every environment and one overlay per
    environment. It may add plain manifests, either shared by every environment
    (``infra/base/addons/<name>/``) or per environment (``infra/base/addons/<name>/<env>/``);
    the Application then gets a Git path source for them.
    """

    #: Application and values folder name (``<name>-application.yaml``, ``values/<name>/``).
    name: str
    #: Namespace the chart is released into.
    namespace: str
    #: Pod Security level stamped on that namespace.
    pod_security: PodSecurity = PodSecurity.RESTRICTED
    #: Argo CD sync wave: CRD providers first (negative), consumers later.
    sync_wave: int = 0
    #: Apply server-side (needed when the chart's CRDs exceed the client-side annotation limit).
    server_side_apply: bool = False
    #: Cluster-scoped kinds the component creates (checked against the platform project).
    cluster_kinds: tuple[GroupKind, ...] = ()
    #: Extra Argo CD sync options.
    sync_options: tuple[str, ...] = ()
    #: Fields other controllers write (e.g. webhook CA bundles), left alone by Argo CD.
    ignore_differences: tuple[IgnoreDifference, ...] = ()
    #: Extra labels for the component's namespace, as (key, value) pairs.
    namespace_labels: tuple[tuple[str, str], ...] = ()

    @property
    @abc.abstractmethod
    def chart(self) -> HelmChartSource:
        """The chart: repository, name, exact version and release name (no value files)."""

    @abc.abstractmethod
    def base_values(self, platform: PlatformSpec) -> dict[str, Any]:
        """Helm values shared by every environment (``values/<name>/base.yaml``)."""

    @abc.abstractmethod
    def environment_values(self, platform: PlatformSpec, env: Environment) -> dict[str, Any]:
        """Helm values for one environment (``values/<name>/<env>.yaml``), merged over base."""

    def validate(self, platform: PlatformSpec) -> None:  # noqa: B027 (optional hook)
        """Check the component's settings against the platform (e.g. per-environment maps)."""

    def has_shared_manifests(self) -> bool:
        """Whether :meth:`shared_manifests` adds objects."""
        return False

    def shared_manifests(self, scope: Construct, platform: PlatformSpec) -> None:  # noqa: B027
        """Add manifests applied in every environment."""

    def has_environment_manifests(self) -> bool:
        """Whether :meth:`environment_manifests` adds objects."""
        return False

    def environment_manifests(  # noqa: B027 (optional hook)
        self, scope: Construct, platform: PlatformSpec, env: Environment
    ) -> None:
        """Add manifests applied in one environment only."""

"""Environments and the platform description."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_platform.core.naming import (
    check_dns_label,
    check_git_revision,
    check_git_url,
    check_https_url,
    check_source_repo_url,
)
from gitops_platform.errors import ConfigurationError, DuplicateError, InvalidValueError

__all__ = [
    "SYSTEM_NAMESPACES",
    "Cluster",
    "Environment",
    "PlatformSpec",
    "PodSecurity",
    "Sizing",
]

#: Namespaces the cluster itself manages: no component is released into them and no Argo CD
#: project of the platform opens them.
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_QUANTITY = re.compile(r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$")


class PodSecurity(enum.Enum):
    """Pod Security Standard levels, stamped on namespaces as ``pod-security.kubernetes.io/*``."""

    PRIVILEGED = "privileged"
    BASELINE = "baseline"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Cluster:
    """Where an environment's workloads go: a registered Argo CD cluster name or an API server.

    Exactly one of ``name`` and ``server`` is set (Argo CD refuses a destination with both).
    """

    name: str | None = None
    server: str | None = None

    def __post_init__(self) -> None:
        if (self.name is None) == (self.server is None):
            raise ConfigurationError(
                "Cluster",
                "name/server",
                (self.name, self.server),
                "exactly one of name (a cluster registered in Argo CD) or server (an API URL)",
            )
        if self.name is not None:
            check_dns_label("Cluster", "name", self.name)
        if self.server is not None:
            check_https_url("Cluster", "server", self.server)

    def destination(self, namespace: str) -> dict[str, str]:
        """Return the Argo CD ``spec.destination`` for ``namespace`` on this cluster."""
        key = "name" if self.name is not None else "server"
        return {key: self.name or self.server or "", "namespace": namespace}


@dataclass(frozen=True)
class Sizing:
    """Per-environment sizing knobs that components read.

    Attributes:
        replicas: replicas of each stateless controller (2+ gives a PodDisruptionBudget room).
        cpu_request: default CPU request of a platform container (Kubernetes quantity).
        memory_request: default memory request.
        memory_limit: default memory limit (CPU is deliberately not limited: throttling hurts
            latency more than it protects neighbours).
    """

    replicas: int = 1
    cpu_request: str = "50m"
    memory_request: str = "64Mi"
    memory_limit: str = "256Mi"

    def __post_init__(self) -> None:
        if not isinstance(self.replicas, int) or isinstance(self.replicas, bool):
            raise InvalidValueError("Sizing", "replicas", self.replicas, "an integer from 1 to 10")
        if not 1 <= self.replicas <= 10:
            raise InvalidValueError("Sizing", "replicas", self.replicas, "an integer from 1 to 10")
        for name in ("cpu_request", "memory_request", "memory_limit"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _QUANTITY.fullmatch(value):
                raise InvalidValueError(
                    "Sizing", name, value, "a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi"
                )

    def pod_values(self) -> dict[str, Any]:
        """Return a controller's usual chart values: replicas, resources, disruption budget.

        The disruption budget is enabled when there is more than one replica.
        """
        return {
            "replicaCount": self.replicas,
            "resources": self.resources(),
            "podDisruptionBudget": {"enabled": self.replicas > 1},
        }

    def resources(self) -> dict[str, dict[str, str]]:
        """Return a container ``resources`` block with these defaults."""
        return {
            "limits": {"memory": self.memory_limit},
            "requests": {"cpu": self.cpu_request, "memory": self.memory_request},
        }


@dataclass(frozen=True)
class Environment:
    """One environment (``dev``, ``prd``, ...): a cluster, a domain and a pinned Git revision.

    Attributes:
        name: a short DNS label (at most 20 characters); it suffixes the environment's
            Application names and names its values overlays (``values/<component>/<name>.yaml``).
        base_domain: the DNS zone under which the environment's hosts live
            (``backstage.<base_domain>``).
        cluster: the destination cluster.
        revision: the Git branch or tag every Git source of this environment resolves at.
        sizing: sizing knobs for the components.
    """

    name: str
    base_domain: str
    cluster: Cluster
    revision: str
    sizing: Sizing = field(default_factory=Sizing)

    def __post_init__(self) -> None:
        check_dns_label("Environment", "name", self.name, max_length=20)
        where = f"Environment({self.name})"
        if not isinstance(self.base_domain, str) or not _DOMAIN.fullmatch(self.base_domain):
            raise InvalidValueError(
                where,
                "base_domain",
                self.base_domain,
                "a lower-case DNS name such as dev.example.com",
            )
        if not isinstance(self.cluster, Cluster):
            raise InvalidValueError(
                where, "cluster", self.cluster, "a Cluster(name=...|server=...)"
            )
        check_git_revision(where, "revision", self.revision)
        if not isinstance(self.sizing, Sizing):
            raise InvalidValueError(where, "sizing", self.sizing, "a Sizing(...)")

    def host(self, service: str) -> str:
        """Return the public host name of ``service`` in this environment."""
        return f"{service}.{self.base_domain}"


@dataclass(frozen=True)
class PlatformSpec:
    """What the platform is: its Git repository, its environments and a few global names.

    Attributes:
        name: the platform's name, used as the ``app.kubernetes.io/part-of`` label.
        repo_url: the HTTPS URL of the Git repository Argo CD reads the rendered tree from.
        environments: the environments, in promotion order (``dev`` before ``prd``).
        root_revision: the branch the root object tracks; it owns every environment's
            app-of-apps, so a pin change reaches the cluster through it.
        argocd_namespace: where Argo CD and its Application/AppProject objects live.
        tree_prefix: where the rendered tree sits in the repository (paths in Applications
            are repository paths).
        app_source_repos: repositories application teams deploy from (the ``apps``
            project); the platform repository is always allowed.
    """

    name: str
    repo_url: str
    environments: tuple[Environment, ...]
    root_revision: str = "main"
    argocd_namespace: str = "argocd"
    tree_prefix: str = "dist"
    app_source_repos: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_dns_label("PlatformSpec", "name", self.name)
        check_git_url("PlatformSpec", "repo_url", self.repo_url)
        check_git_revision("PlatformSpec", "root_revision", self.root_revision)
        check_dns_label("PlatformSpec", "argocd_namespace", self.argocd_namespace)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_./-]*", self.tree_prefix) or ".." in self.tree_prefix:
            raise InvalidValueError(
                "PlatformSpec", "tree_prefix", self.tree_prefix, "a relative path such as dist"
            )
        for repo in self.app_source_repos:
            check_source_repo_url("PlatformSpec", "app_source_repos", repo)
        if not isinstance(self.environments, tuple) or not self.environments:
            raise InvalidValueError(
                "PlatformSpec",
                "environments",
                self.environments,
                "a non-empty tuple of Environment objects",
            )
        seen: dict[str, Environment] = {}
        clusters: dict[tuple[str | None, str | None], str] = {}
        for env in self.environments:
            if not isinstance(env, Environment):
                raise InvalidValueError("PlatformSpec", "environments", env, "Environment objects")
            if env.name in seen:
                raise DuplicateError(
                    "PlatformSpec",
                    "environments",
                    env.name,
                    "unique environment names; this one is given twice",
                )
            key = (env.cluster.name, env.cluster.server)
            if key in clusters:
                raise DuplicateError(
                    f"PlatformSpec/{env.name}",
                    "cluster",
                    env.cluster,
                    f"one environment per cluster; environment {clusters[key]!r} already uses it",
                )
            seen[env.name] = env
            clusters[key] = env.name

    def environment(self, name: str) -> Environment:
        """Return the environment called ``name``."""
        for env in self.environments:
            if env.name == name:
                return env
        raise InvalidValueError(
            "PlatformSpec",
            "environment",
            name,
            f"one of {', '.join(e.name for e in self.environments)}",
        )

    def per_environment(
        self,
        owner: str,
        field_name: str,
        values: Mapping[str, object],
        kind: type | tuple[type, ...],
        allowed: str,
    ) -> None:
        """Check a per-environment mapping: one entry per environment, each of ``kind``.

        ``allowed`` names the expected type in the error message.
        """
        expected = {e.name for e in self.environments}
        if not isinstance(values, Mapping) or set(values) != expected:
            raise ConfigurationError(
                owner,
                field_name,
                sorted(values) if isinstance(values, Mapping) else values,
                f"one entry for each environment: {', '.join(sorted(expected))}",
            )
        for env, value in values.items():
            if not isinstance(value, kind):
                raise InvalidValueError(f"{owner}/{env}", field_name, value, allowed)

"""Environments and the platform description."""

from __future__ import annotations

import enum
import ipaddress
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
from gitops_platform.errors import (
    ConfigurationError,
    DuplicateError,
    InvalidValueError,
    collect,
    raise_all,
)

__all__ = [
    "SYSTEM_NAMESPACES",
    "Cluster",
    "Environment",
    "External",
    "ExternalEndpoint",
    "PlatformSpec",
    "PodSecurity",
    "Sizing",
    "check_environment_mapping",
]

#: Namespaces the cluster itself manages: no component is released into them and no Argo CD
#: project of the platform opens them.
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_QUANTITY = re.compile(r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$")


def check_environment_mapping(owner: str, field_name: str, value: object, allowed: str) -> None:
    """Check that a per-environment field is a mapping from environment names.

    Components call it from ``__post_init__``, so that a wrong type is refused when the
    component is built; :meth:`PlatformSpec.per_environment` later checks the keys against the
    platform's environments and the type of each entry.

    Args:
        owner: the component or object the field belongs to (e.g. ``CertManager``).
        field_name: the field (e.g. ``issuers``).
        value: the field's value.
        allowed: what each entry is (e.g. ``a SelfSignedIssuer or AcmeIssuer``).

    Raises:
        ConfigurationError: ``value`` is not a mapping, or a key is not a string.
    """
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ConfigurationError(
            owner,
            field_name,
            value,
            f"a mapping from environment name to {allowed}, e.g. {{'dev': ...}}",
        )


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

    Raises:
        InvalidValueError: one field is not allowed (the message names it and what is).
        InvalidObjectError: several are not; every problem is reported at once.
    """

    replicas: int = 1
    cpu_request: str = "50m"
    memory_request: str = "64Mi"
    memory_limit: str = "256Mi"

    def __post_init__(self) -> None:
        problems: list[InvalidValueError] = []
        if (
            not isinstance(self.replicas, int)
            or isinstance(self.replicas, bool)
            or not 1 <= self.replicas <= 10
        ):
            problems.append(
                InvalidValueError("Sizing", "replicas", self.replicas, "an integer from 1 to 10")
            )
        for name in ("cpu_request", "memory_request", "memory_limit"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _QUANTITY.fullmatch(value):
                problems.append(
                    InvalidValueError(
                        "Sizing",
                        name,
                        value,
                        "a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi",
                    )
                )
        raise_all("Sizing", problems)

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


class External(enum.Enum):
    """A service outside the cluster's pods that platform workloads talk to (or hear from).

    A flow names one of these as an end; each environment says where it is
    (:attr:`Environment.endpoints`), so the same flow becomes the environment's ``ipBlock``.
    """

    #: The Kubernetes API server (controllers and operators watch it; it calls webhooks).
    KUBE_APISERVER = "kube-apiserver"
    #: HashiCorp Vault (the External Secrets stores).
    VAULT = "vault"
    #: ACME servers (Let's Encrypt), reached over the internet.
    ACME = "acme"
    #: The organisation's existing PostgreSQL servers.
    POSTGRES = "postgres"
    #: The PgBouncer pool in front of PostgreSQL.
    PGBOUNCER = "pgbouncer"
    #: Clients of the public ingress (the load balancer forwards them to the controller).
    CLIENTS = "clients"
    #: Upstream OpenTelemetry (OTLP) senders or receivers outside the cluster.
    OTLP_UPSTREAM = "otlp-upstream"
    #: The cluster's nodes: the kubelet and host-network pods (the node exporter), reached on
    #: the nodes' addresses, which NetworkPolicies see instead of a pod's.
    NODES = "nodes"
    #: The Git host serving this repository over HTTPS (Backstage reads catalog files there).
    GIT_HOST = "git-host"
    #: The registries Backstage's dynamic-plugin installer pulls from at start (the RHDH
    #: catalog index image and OCI plugin artifacts on quay.io).
    PLUGIN_REGISTRY = "plugin-registry"


@dataclass(frozen=True)
class ExternalEndpoint:
    """Where an :class:`External` service is in one environment: CIDR blocks and TCP ports.

    Becomes a NetworkPolicy ``ipBlock`` peer (one per CIDR, with ``except_cidrs``) and the
    rule's ports.

    Attributes:
        cidrs: the IPv4/IPv6 blocks (``"10.0.0.10/32"``); at least one.
        ports: the TCP ports (1-65535); at least one.
        except_cidrs: blocks inside ``cidrs`` that are not this service (for the internet,
            ``0.0.0.0/0`` except the private ranges).

    Raises:
        InvalidValueError: a CIDR that does not parse (host bits set included), an empty tuple,
            a port outside 1-65535, or an exception outside every block.
    """

    cidrs: tuple[str, ...]
    ports: tuple[int, ...]
    except_cidrs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = "ExternalEndpoint"
        if not isinstance(self.cidrs, tuple) or not self.cidrs:
            raise InvalidValueError(where, "cidrs", self.cidrs, "a non-empty tuple of CIDR blocks")
        nets = [_network(where, "cidrs", c) for c in self.cidrs]
        for cidr in self.except_cidrs if isinstance(self.except_cidrs, tuple) else ("?",):
            block = _network(where, "except_cidrs", cidr)
            if not any(
                block.version == net.version and block.subnet_of(net)  # type: ignore[arg-type]
                for net in nets
            ):
                raise InvalidValueError(
                    where, "except_cidrs", cidr, f"a block inside one of {', '.join(self.cidrs)}"
                )
        if not isinstance(self.ports, tuple) or not self.ports:
            raise InvalidValueError(where, "ports", self.ports, "a non-empty tuple of TCP ports")
        for port in self.ports:
            if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
                raise InvalidValueError(where, "ports", port, "an int in 1-65535")


def _network(
    where: str, field_name: str, cidr: object
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if isinstance(cidr, str):
        try:
            return ipaddress.ip_network(cidr)
        except ValueError:
            pass
    raise InvalidValueError(
        where, field_name, cidr, "a CIDR block without host bits, such as 10.0.0.0/24"
    )


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
        endpoints: where each :class:`External` service is in this environment (CIDR blocks
            and ports); a flow to a service the environment does not list is refused when
            the network policies are generated.

    Raises:
        InvalidValueError: one field is not allowed (the message names it and what is).
        InvalidObjectError: several are not; every problem is reported at once.
    """

    name: str
    base_domain: str
    cluster: Cluster
    revision: str
    sizing: Sizing = field(default_factory=Sizing)
    endpoints: Mapping[External, ExternalEndpoint] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        problems: list[InvalidValueError] = []
        collect(problems, check_dns_label, "Environment", "name", self.name, max_length=20)
        where = f"Environment({self.name!s})"
        if not isinstance(self.base_domain, str) or not _DOMAIN.fullmatch(self.base_domain):
            problems.append(
                InvalidValueError(
                    where,
                    "base_domain",
                    self.base_domain,
                    "a lower-case DNS name such as dev.example.com",
                )
            )
        if not isinstance(self.cluster, Cluster):
            problems.append(
                InvalidValueError(where, "cluster", self.cluster, "a Cluster(name=...|server=...)")
            )
        collect(problems, check_git_revision, where, "revision", self.revision)
        if not isinstance(self.sizing, Sizing):
            problems.append(InvalidValueError(where, "sizing", self.sizing, "a Sizing(...)"))
        if not isinstance(self.endpoints, Mapping):
            problems.append(
                InvalidValueError(
                    where, "endpoints", self.endpoints, "a mapping of External to ExternalEndpoint"
                )
            )
        else:
            for key, value in self.endpoints.items():
                if not isinstance(key, External):
                    problems.append(
                        InvalidValueError(where, "endpoints", key, "External.<service> keys")
                    )
                elif not isinstance(value, ExternalEndpoint):
                    problems.append(
                        InvalidValueError(
                            where, f"endpoints[{key.value}]", value, "an ExternalEndpoint(...)"
                        )
                    )
        raise_all(where, problems)
        object.__setattr__(
            self, "endpoints", dict(sorted(self.endpoints.items(), key=lambda kv: kv[0].value))
        )

    def endpoint(self, service: External) -> ExternalEndpoint:
        """Where ``service`` is in this environment.

        Raises:
            ConfigurationError: the environment does not list it in :attr:`endpoints`.
        """
        try:
            return self.endpoints[service]
        except KeyError:
            raise ConfigurationError(
                f"Environment({self.name})",
                "endpoints",
                service.value,
                f"an ExternalEndpoint for External.{service.name} in Environment(endpoints=...): "
                "a component declares a flow to it",
            ) from None

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

    Raises:
        InvalidValueError: one field is not allowed (the message names it and what is).
        InvalidObjectError: several are not; every problem is reported at once.
    """

    name: str
    repo_url: str
    environments: tuple[Environment, ...]
    root_revision: str = "main"
    argocd_namespace: str = "argocd"
    tree_prefix: str = "dist"
    app_source_repos: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems: list[InvalidValueError] = []
        collect(problems, check_dns_label, "PlatformSpec", "name", self.name)
        collect(problems, check_git_url, "PlatformSpec", "repo_url", self.repo_url)
        collect(problems, check_git_revision, "PlatformSpec", "root_revision", self.root_revision)
        collect(
            problems, check_dns_label, "PlatformSpec", "argocd_namespace", self.argocd_namespace
        )
        if (
            not isinstance(self.tree_prefix, str)
            or not re.fullmatch(r"[a-z0-9][a-z0-9_./-]*", self.tree_prefix)
            or ".." in self.tree_prefix
        ):
            problems.append(
                InvalidValueError(
                    "PlatformSpec", "tree_prefix", self.tree_prefix, "a relative path such as dist"
                )
            )
        if isinstance(self.app_source_repos, tuple):
            for repo in self.app_source_repos:
                collect(problems, check_source_repo_url, "PlatformSpec", "app_source_repos", repo)
        else:
            problems.append(
                InvalidValueError(
                    "PlatformSpec",
                    "app_source_repos",
                    self.app_source_repos,
                    "a tuple of repository URLs",
                )
            )
        if not isinstance(self.environments, tuple) or not self.environments:
            problems.append(
                InvalidValueError(
                    "PlatformSpec",
                    "environments",
                    self.environments,
                    "a non-empty tuple of Environment objects",
                )
            )
        else:
            problems.extend(self._environment_problems())
        raise_all("PlatformSpec", problems)

    def _environment_problems(self) -> list[InvalidValueError]:
        problems: list[InvalidValueError] = []
        seen: set[str] = set()
        reported: set[str] = set()
        clusters: dict[tuple[str | None, str | None], str] = {}
        for env in self.environments:
            if not isinstance(env, Environment):
                problems.append(
                    InvalidValueError("PlatformSpec", "environments", env, "Environment objects")
                )
                continue
            if env.name in seen and env.name not in reported:
                reported.add(env.name)
                problems.append(
                    DuplicateError(
                        "PlatformSpec",
                        "environments",
                        env.name,
                        "unique environment names; this one is given twice",
                    )
                )
            key = (env.cluster.name, env.cluster.server)
            if key in clusters:
                problems.append(
                    DuplicateError(
                        f"PlatformSpec/{env.name}",
                        "cluster",
                        env.cluster,
                        f"one environment per cluster; environment {clusters[key]!r} "
                        "already uses it",
                    )
                )
            seen.add(env.name)
            clusters.setdefault(key, env.name)
        return problems

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

"""Platform components: what a service delivers (charts, manifests) and how Argo CD delivers it.

A component is an *instance* of a :class:`PlatformComponent` subclass. Its fields say where it
goes (``name``, ``namespace``, ``project``) and how Argo CD delivers it (``delivery``); its
hooks say what it delivers: zero or more Helm chart releases (:attr:`PlatformComponent.charts`
with :meth:`PlatformComponent.values`) and zero or more plain manifests
(:meth:`PlatformComponent.manifests`). ``PlatformApp`` turns each component into one Argo CD
Application whose sources are its charts (Argo CD multi-source) and the Git folders its
manifests were rendered into.

Components meet through typed outputs rather than equal strings: a consumer takes the providing
component and reads, for example, ``traefik.ingress_class`` (an :class:`IngressClassRef`),
``cert_manager.issuer`` (an :class:`IssuerRef`) or ``external_secrets.store`` (a
:class:`SecretStoreRef`).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeAlias

from gitops_platform.argocd.application import IgnoreDifference
from gitops_platform.argocd.project import GroupKind
from gitops_platform.core.environment import (
    SYSTEM_NAMESPACES,
    Environment,
    PlatformSpec,
    PodSecurity,
)
from gitops_platform.core.naming import (
    check_chart_repo_url,
    check_dns_label,
    check_exact_version,
)
from gitops_platform.errors import ConfigurationError, InvalidValueError, raise_all
from gitops_platform.errors import collect as _collect

if TYPE_CHECKING:
    from constructs import Construct

    from gitops_platform.network.flows import Backend, Flow, Workload
    from gitops_platform.policy.library import Exemption

__all__ = [
    "APPS_PROJECT",
    "CONTROLLER_KINDS",
    "PLATFORM_PROJECT",
    "WEBHOOK_KINDS",
    "ChartRelease",
    "ComponentContext",
    "CrdSource",
    "Delivery",
    "IngressClassRef",
    "IngressProvider",
    "IssuerRef",
    "LocalChart",
    "PlatformComponent",
    "Release",
    "SecretStoreRef",
    "ServiceEndpoint",
    "SingleChartComponent",
    "contract_problems",
    "plain_values",
]

#: The Argo CD project of platform services (its charts, namespaces and cluster kinds only).
PLATFORM_PROJECT = "platform"
#: The Argo CD project of application teams' services (any namespace but platform/system ones).
APPS_PROJECT = "apps"
_PROJECTS = (PLATFORM_PROJECT, APPS_PROJECT)

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

_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_REPO_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/-]*$")
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
)
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


# -- typed outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IngressClassRef:
    """An IngressClass provided by an ingress component (``Ingress.spec.ingressClassName``).

    Attributes:
        name: the IngressClass name.
    """

    name: str


@dataclass(frozen=True)
class IssuerRef:
    """A cert-manager issuer provided by a certificates component.

    Attributes:
        name: the issuer's name.
        kind: ``ClusterIssuer`` (any namespace) or ``Issuer`` (its own namespace only).
    """

    name: str
    kind: str = "ClusterIssuer"

    def annotations(self) -> dict[str, str]:
        """The Ingress annotation asking cert-manager for a certificate from this issuer.

        ``cert-manager.io/cluster-issuer`` for a ClusterIssuer, ``cert-manager.io/issuer``
        for an Issuer (cert-manager's ingress-shim annotations).
        """
        key = "cluster-issuer" if self.kind == "ClusterIssuer" else "issuer"
        return {f"cert-manager.io/{key}": self.name}


@dataclass(frozen=True)
class SecretStoreRef:
    """An External Secrets store provided by a secrets component.

    Attributes:
        name: the store's name.
        kind: ``ClusterSecretStore`` (any namespace) or ``SecretStore``.
    """

    name: str
    kind: str = "ClusterSecretStore"

    def as_dict(self) -> dict[str, str]:
        """The ``secretStoreRef`` of an ``ExternalSecret``."""
        return {"name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class ServiceEndpoint:
    """An in-cluster Service endpoint a component provides (``<scheme>://<svc>.<ns>.svc:<port>``).

    Consumers read it from the providing component (for example the OTLP gateway's endpoint,
    or the observability stack's Prometheus query API), so no service URL is written twice.

    Attributes:
        service: the Service name (a DNS label).
        namespace: the Service's namespace (a DNS label).
        port: the Service port (1-65535).
        scheme: ``http`` or ``https`` (``grpc`` endpoints use ``http``).
        path: a path prefix appended to the URL (``""`` or starting with ``/``).

    Raises:
        InvalidObjectError | InvalidValueError: for a bad name, namespace, port, scheme or path.
    """

    service: str
    namespace: str
    port: int
    scheme: str = "http"
    path: str = ""

    def __post_init__(self) -> None:
        where = f"ServiceEndpoint {self.service}.{self.namespace}"
        problems: list[InvalidValueError] = []
        _collect(problems, check_dns_label, where, "service", self.service)
        _collect(problems, check_dns_label, where, "namespace", self.namespace)
        port_ok = isinstance(self.port, int) and not isinstance(self.port, bool)
        if not port_ok or not 1 <= self.port <= 65535:
            problems.append(InvalidValueError(where, "port", self.port, "an int in 1-65535"))
        if self.scheme not in ("http", "https"):
            problems.append(InvalidValueError(where, "scheme", self.scheme, "http or https"))
        if not isinstance(self.path, str) or (self.path and not self.path.startswith("/")):
            problems.append(
                InvalidValueError(where, "path", self.path, "empty, or a path starting with /")
            )
        raise_all(where, problems)

    @property
    def host(self) -> str:
        """The Service's cluster DNS name without the cluster domain (``<svc>.<ns>.svc``)."""
        return f"{self.service}.{self.namespace}.svc"

    @property
    def authority(self) -> str:
        """``<svc>.<ns>.svc:<port>`` (what gRPC clients take)."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The full URL: ``<scheme>://<svc>.<ns>.svc:<port><path>``."""
        return f"{self.scheme}://{self.authority}{self.path}"


class IngressProvider(Protocol):
    """A component that serves Ingress objects through an IngressClass (e.g. ``Traefik``)."""

    @property
    def ingress_class(self) -> IngressClassRef:
        """The IngressClass it serves."""
        ...  # pragma: no cover


# -- chart releases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CrdSource:
    """The CRDs a chart installs, as published upstream at one release tag.

    The validation pipeline checks custom resources against the CRDs of the upstream data
    folder ``crds/<project>/<tag>/``; naming them on the release ties the chart version to the
    CRD version used for it.

    Attributes:
        project: the upstream project's folder (``cert-manager``, ``external-secrets``...).
        tag: the release tag whose CRDs the chart installs (``v1.21.1``).
    """

    project: str
    tag: str

    def __post_init__(self) -> None:
        problems: list[InvalidValueError] = []
        _collect(problems, check_dns_label, "CrdSource", "project", self.project)
        if not isinstance(self.tag, str) or not _TAG.fullmatch(self.tag):
            problems.append(
                InvalidValueError("CrdSource", "tag", self.tag, "a release tag such as v1.21.1")
            )
        raise_all("CrdSource", problems)

    @property
    def folder(self) -> str:
        """The folder of these CRDs in the upstream data (``crds/<project>/<tag>``)."""
        return f"crds/{self.project}/{self.tag}"


def _release_problems(
    where: str, release_name: object, values_schema: object, crds: object
) -> list[InvalidValueError]:
    problems: list[InvalidValueError] = []
    # Helm's own limit: release names are at most 53 characters.
    _collect(problems, check_dns_label, where, "release_name", release_name, max_length=53)
    if values_schema is not None and (
        not isinstance(values_schema, str) or not _REPO_PATH.fullmatch(values_schema)
    ):
        problems.append(
            InvalidValueError(
                where,
                "values_schema",
                values_schema,
                "the chart's values.schema.json as a path in the upstream data "
                "(charts/<chart>/<version>/values.schema.json) or None",
            )
        )
    if not isinstance(crds, tuple) or not all(isinstance(c, CrdSource) for c in crds):
        problems.append(InvalidValueError(where, "crds", crds, "a tuple of CrdSource"))
    return problems


@dataclass(frozen=True)
class ChartRelease:
    """A Helm chart from a chart repository, released at one exact version (plain data).

    Attributes:
        repo_url: the chart repository (``https://``).
        chart: the chart's name in that repository.
        version: the exact chart version (ranges are refused).
        release_name: the Helm release name; explicit, so that suffixing the Application name
            per environment never renames the chart's resources.
        values_schema: where the chart's ``values.schema.json`` is in the upstream data
            (``charts/<chart>/<version>/values.schema.json``), when the chart ships one.
        crds: the CRDs the chart installs, by upstream project and tag.
        skip_crds: do not install the chart's ``crds/`` folder.

    Raises:
        InvalidValueError: one problem; ``InvalidObjectError`` with every problem when
            there are several.
    """

    repo_url: str
    chart: str
    version: str
    release_name: str
    values_schema: str | None = None
    crds: tuple[CrdSource, ...] = ()
    skip_crds: bool = False

    def __post_init__(self) -> None:
        where = f"ChartRelease({self.chart})"
        problems: list[InvalidValueError] = []
        _collect(problems, check_chart_repo_url, where, "repo_url", self.repo_url)
        _collect(problems, check_dns_label, where, "chart", self.chart)
        _collect(problems, check_exact_version, where, "version", self.version)
        problems += _release_problems(where, self.release_name, self.values_schema, self.crds)
        raise_all(where, problems)


@dataclass(frozen=True)
class LocalChart:
    """A Helm chart kept in this repository, delivered through the rendered tree.

    The chart's files are copied into the tree (``charts/<component>/<release>/``), so Argo CD
    reads the chart, its values and the rest of an environment at the same pin; the
    Application gets a Git path source for that folder with the component's values files.

    Attributes:
        folder: the chart folder (holding ``Chart.yaml``); a relative path is relative to
            the current directory (the repository root under ``cdk8s synth``).
        release_name: the Helm release name.
        values_schema: the chart's ``values.schema.json`` location, if any.
        crds: the CRDs the chart installs, by upstream project and tag.
    """

    folder: Path
    release_name: str
    values_schema: str | None = None
    crds: tuple[CrdSource, ...] = ()

    def __post_init__(self) -> None:
        where = f"LocalChart({self.folder})"
        problems: list[InvalidValueError] = []
        if not isinstance(self.folder, Path) or not (self.folder / "Chart.yaml").is_file():
            problems.append(
                InvalidValueError(
                    where, "folder", self.folder, "a pathlib.Path of a folder holding Chart.yaml"
                )
            )
        problems += _release_problems(where, self.release_name, self.values_schema, self.crds)
        raise_all(where, problems)

    def files(self) -> dict[str, str]:
        """The chart's files: path relative to :attr:`folder` -> text (sorted).

        Raises:
            InvalidValueError: a file is not UTF-8 text (package dependencies as
                ``charts/*.tgz`` are not supported: vendor them unpacked).
        """
        out: dict[str, str] = {}
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            relpath = path.relative_to(self.folder).as_posix()
            try:
                out[relpath] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise InvalidValueError(
                    f"LocalChart({self.folder})", "files", relpath, "UTF-8 text files only"
                ) from None
        return out


#: A chart release: from a chart repository, or kept in a Git repository.
Release: TypeAlias = ChartRelease | LocalChart


# -- delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """How Argo CD delivers a component: one value for every delivery setting.

    Attributes:
        sync_wave: the Argo CD sync wave (an ``int``): CRD providers first (negative),
            consumers later.
        server_side_apply: apply server-side (needed when a chart's CRDs exceed the
            client-side ``last-applied`` annotation limit of 262144 bytes).
        sync_options: extra Argo CD sync options (``Name=value``).
        ignore_differences: fields other controllers write (webhook CA bundles...), left alone
            by Argo CD and respected at sync time.
        pod_security: the Pod Security level stamped on the component's namespace.
        namespace_labels: extra labels of the component's namespace.

    Raises:
        InvalidValueError: one problem; ``InvalidObjectError`` with every problem when
            there are several.
    """

    sync_wave: int = 0
    server_side_apply: bool = False
    sync_options: tuple[str, ...] = ()
    ignore_differences: tuple[IgnoreDifference, ...] = ()
    pod_security: PodSecurity = PodSecurity.RESTRICTED
    namespace_labels: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        problems: list[InvalidValueError] = []
        where = "Delivery"
        if not isinstance(self.sync_wave, int) or isinstance(self.sync_wave, bool):
            problems.append(
                InvalidValueError(
                    where, "sync_wave", self.sync_wave, "an int such as -3 or 0 (not a string)"
                )
            )
        if not isinstance(self.server_side_apply, bool):
            problems.append(
                InvalidValueError(where, "server_side_apply", self.server_side_apply, "a bool")
            )
        if not isinstance(self.sync_options, tuple) or not all(
            isinstance(o, str) and re.fullmatch(r"[A-Za-z]+=[A-Za-z0-9,._-]+", o)
            for o in self.sync_options
        ):
            problems.append(
                InvalidValueError(
                    where,
                    "sync_options",
                    self.sync_options,
                    "a tuple of Argo CD sync options such as ('PruneLast=true',)",
                )
            )
        if not isinstance(self.ignore_differences, tuple) or not all(
            isinstance(d, IgnoreDifference) for d in self.ignore_differences
        ):
            problems.append(
                InvalidValueError(
                    where,
                    "ignore_differences",
                    self.ignore_differences,
                    "a tuple of IgnoreDifference",
                )
            )
        if not isinstance(self.pod_security, PodSecurity):
            problems.append(
                InvalidValueError(where, "pod_security", self.pod_security, "a PodSecurity level")
            )
        if not isinstance(self.namespace_labels, Mapping):
            problems.append(
                InvalidValueError(
                    where, "namespace_labels", self.namespace_labels, "a mapping of labels"
                )
            )
        else:
            for key, value in self.namespace_labels.items():
                if not isinstance(key, str) or not _LABEL_KEY.fullmatch(key):
                    problems.append(
                        InvalidValueError(where, "namespace_labels", key, "a label key")
                    )
                if not isinstance(value, str) or not _LABEL_VALUE.fullmatch(value):
                    problems.append(
                        InvalidValueError(where, f"namespace_labels[{key}]", value, "a label value")
                    )
            object.__setattr__(
                self, "namespace_labels", dict(sorted(self.namespace_labels.items()))
            )
        raise_all(where, problems)


# -- the component contract -------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentContext:
    """What a component's hooks are rendered for.

    Attributes:
        platform: the platform.
        env: the environment, or ``None`` for what every environment shares (``base``
            values, manifests in ``infra/base/addons/<component>/``).
        components: every component of the platform (for example the policy component
            gathers their policy exemptions).
    """

    platform: PlatformSpec
    env: Environment | None
    components: tuple[PlatformComponent, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PlatformComponent:
    """A platform service, delivered as one Argo CD Application.

    Subclass it as a frozen, keyword-only dataclass; give ``name`` and ``namespace`` defaults
    there so that ``MyComponent()`` works, and pass other values to use the component twice.
    Then override what the component delivers:

    * :attr:`charts`: its chart releases (none, one, or several: one Application with one
      Helm source per chart, each chart with its own values files);
    * :meth:`values`: the Helm values of one release, shared (``ctx.env is None``) or the
      overlay of one environment;
    * :meth:`manifests`: plain Kubernetes objects added under ``scope``, shared (``ctx.env is
      None``) or for one environment; whatever is emitted becomes a Git path source of the
      Application, and nothing emitted means no source;
    * :meth:`workloads` (its pods: the labels its chart renders, the ports they serve) and
      :meth:`flows` (the traffic it needs, as typed flows between workloads and external
      services): the platform turns them into the namespace's NetworkPolicies
      (:mod:`gitops_platform.network`);
    * :attr:`cluster_kinds`, :meth:`policy_exemptions`, :meth:`uses` (the components it
      reads outputs from), :meth:`validate`.

    Attributes:
        name: the Application name (suffixed ``-<env>`` per environment) and the folder name
            of its values and manifests; a DNS label of at most 40 characters.
        namespace: the namespace it is released into; never a system namespace.
        project: the Argo CD project, ``platform`` (platform services) or ``apps``
            (application teams' services).
        delivery: how Argo CD delivers it (wave, server-side apply, options, ignored
            differences, the namespace's Pod Security level and labels).

    Example:
        >>> @dataclass(frozen=True, kw_only=True)
        ... class Podinfo(PlatformComponent):
        ...     name: str = "podinfo"
        ...     namespace: str = "podinfo"
        ...
        ...     @property
        ...     def charts(self) -> tuple[Release, ...]:
        ...         return (ChartRelease("https://stefanprodan.github.io/podinfo", "podinfo",
        ...                              "6.9.2", release_name="podinfo"),)
    """

    #: Cluster-scoped kinds the component creates (its project must allow them).
    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = ()

    name: str = ""
    namespace: str = ""
    project: str = PLATFORM_PROJECT
    delivery: Delivery = Delivery()

    @property
    def charts(self) -> tuple[Release, ...]:
        """The chart releases, in the order of the Application's sources (default: none)."""
        return ()

    def values(self, release: Release, ctx: ComponentContext) -> Mapping[str, Any]:
        """The Helm values of ``release``: shared (``ctx.env`` ``None``) or one environment's.

        The environment's values are merged over the shared ones by Helm. Values are plain
        YAML data: mappings with string keys, lists, strings, numbers, booleans and ``None``.
        """
        return {}

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Add plain manifests under ``scope``: shared (``ctx.env`` ``None``) or one env's."""

    def files(self, ctx: ComponentContext) -> Mapping[str, str]:
        """Plain files the tree carries for others than Argo CD: tree path -> text.

        Rendered once (shared); paths are under ``catalog/`` (Backstage catalog entities,
        read by Backstage at each environment's pin). Two components may write the same
        file only with the same content (a team's ``Group`` shared by its services).
        """
        return {}

    def policy_exemptions(self) -> tuple[Exemption, ...]:
        """Reviewed policy exemptions the component needs (gathered by the policy component)."""
        return ()

    def workloads(self) -> tuple[Workload, ...]:
        """The component's pods as the chart renders them (default: none).

        Each :class:`~gitops_platform.network.flows.Workload` names the rendered workload, the
        pod labels selecting it and the container ports it serves; flows refer to them.
        """
        return ()

    def backends(self) -> tuple[Backend, ...]:
        """The pods and container port behind each :class:`ServiceEndpoint` it provides.

        Consumers declare flows to an endpoint they read from this component with
        :func:`~gitops_platform.network.flows.service_flow` (default: none).
        """
        return ()

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """The traffic the component needs in ``ctx.env`` (default: none).

        Declare every connection its pods open or accept as a
        :class:`~gitops_platform.network.flows.Flow` between workloads (its own, or those of
        the components it :meth:`uses`) and :class:`~gitops_platform.core.environment.External`
        services. Everything else is denied: each namespace gets a default deny, DNS egress,
        and one allow policy per flow end.
        """
        return ()

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The components whose outputs this one reads; each must be part of the platform.

        A consumer that takes another component (its IngressClass, issuer, store) returns it
        here, so that a platform without it is refused instead of rendering a reference to
        something nothing delivers.
        """
        return ()

    def validate(self, platform: PlatformSpec) -> None:
        """Check the component's settings against the platform (e.g. per-environment maps)."""


@dataclass(frozen=True, kw_only=True)
class SingleChartComponent(PlatformComponent):
    """A component with exactly one chart release, its values split into shared and per-env.

    Subclasses give :attr:`chart` and override :meth:`base_values` and/or
    :meth:`environment_values`; :attr:`charts` and :meth:`values` follow from them.

    Attributes:
        version: the chart's exact version (subclasses give the pinned default).
    """

    version: str = ""

    @property
    def chart(self) -> ChartRelease:
        """The one chart release (repository, chart, ``version``, release name, CRDs)."""
        raise NotImplementedError(f"{type(self).__name__} must define its chart")

    @property
    def charts(self) -> tuple[Release, ...]:
        """The one chart release."""
        return (self.chart,)

    def values(self, release: Release, ctx: ComponentContext) -> Mapping[str, Any]:
        """:meth:`base_values` when ``ctx.env`` is ``None``, else :meth:`environment_values`."""
        if ctx.env is None:
            return self.base_values(ctx.platform)
        return self.environment_values(ctx.platform, ctx.env)

    def base_values(self, platform: PlatformSpec) -> Mapping[str, Any]:
        """Helm values shared by every environment (default: none)."""
        return {}

    def environment_values(self, platform: PlatformSpec, env: Environment) -> Mapping[str, Any]:
        """Helm values of one environment, merged over the shared ones (default: none)."""
        return {}


def contract_problems(component: object, path: str) -> list[InvalidValueError]:
    """Every way ``component`` breaks the component contract, as errors (none when it fits)."""
    if not isinstance(component, PlatformComponent):
        return [InvalidValueError(path, "components", component, "PlatformComponent objects")]
    problems: list[InvalidValueError] = []
    for attr, meaning in (
        ("name", "a DNS label naming the component"),
        ("namespace", "the namespace the component is released into"),
    ):
        value = getattr(component, attr, None)
        if not isinstance(value, str) or not value:
            problems.append(
                InvalidValueError(
                    path,
                    attr,
                    value,
                    f'{meaning}: declare `{attr}: str = "..."` as a field of the component\'s '
                    f"dataclass or pass {attr}=...",
                )
            )
    name, namespace = component.name, component.namespace
    if name and isinstance(name, str):
        _collect(problems, check_dns_label, path, "name", name, max_length=40)
    if namespace in SYSTEM_NAMESPACES:
        problems.append(
            InvalidValueError(
                path,
                "namespace",
                namespace,
                "a namespace of the platform's own; system namespaces "
                f"({', '.join(SYSTEM_NAMESPACES)}) are managed by the cluster and never "
                "opened to Argo CD projects",
            )
        )
    elif namespace and isinstance(namespace, str):
        _collect(problems, check_dns_label, path, "namespace", namespace)
    if component.project not in _PROJECTS:
        problems.append(
            InvalidValueError(path, "project", component.project, f"one of {', '.join(_PROJECTS)}")
        )
    if not isinstance(component.delivery, Delivery):
        problems.append(
            InvalidValueError(path, "delivery", component.delivery, "a Delivery(...) value")
        )
    kinds = type(component).cluster_kinds
    if not isinstance(kinds, tuple) or not all(isinstance(k, GroupKind) for k in kinds):
        problems.append(InvalidValueError(path, "cluster_kinds", kinds, "a tuple of GroupKind"))
    elif component.project == APPS_PROJECT and kinds:
        problems.append(
            ConfigurationError(
                path,
                "cluster_kinds",
                [str(k) for k in kinds],
                "none in the apps project: application teams create no cluster-scoped objects",
            )
        )
    try:
        charts = component.charts
    except InvalidValueError as error:
        problems.append(error)
    else:
        if not isinstance(charts, tuple) or not all(
            isinstance(c, ChartRelease | LocalChart) for c in charts
        ):
            problems.append(
                InvalidValueError(path, "charts", charts, "a tuple of ChartRelease or LocalChart")
            )
        else:
            releases = [c.release_name for c in charts]
            if len(set(releases)) != len(releases):
                problems.append(
                    ConfigurationError(
                        path, "charts", releases, "one release name per chart of a component"
                    )
                )
    return problems


def plain_values(path: str, field_name: str, values: object) -> dict[str, Any]:
    """Return ``values`` as plain YAML data, or raise every place it is not.

    Mappings need string keys; tuples become lists; strings, finite numbers, booleans and
    ``None`` are kept. Anything else (a ``set``, a ``pathlib.Path``, an enum, bytes, an
    object) has no faithful YAML form and is refused, with the dotted path of each.

    Raises:
        InvalidValueError: one problem; ``InvalidObjectError`` with every problem when
            there are several.
    """
    problems: list[InvalidValueError] = []
    allowed = "YAML data: a mapping with string keys, a list, a string, a number, a bool or None"

    def walk(value: object, where: str) -> Any:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(InvalidValueError(path, f"{where} key", key, "a string key"))
                    continue
                out[key] = walk(item, f"{where}.{key}" if where else key)
            return out
        if isinstance(value, list | tuple):
            return [walk(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if value is None or isinstance(value, str | bool | int):
            if isinstance(value, enum.Enum):
                problems.append(InvalidValueError(path, where, value, f"{allowed} (use .value)"))
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        problems.append(
            InvalidValueError(
                path, where or field_name, value, f"{allowed}; not {type(value).__name__}"
            )
        )
        return None

    if not isinstance(values, Mapping):
        raise InvalidValueError(
            path,
            field_name,
            values,
            "a mapping of Helm values (return {} for none); a hook that returns nothing "
            "would render `null`",
        )
    plain: dict[str, Any] = walk(values, "")
    raise_all(path, [_prefixed(e, field_name) for e in problems])
    return plain


def _prefixed(error: InvalidValueError, prefix: str) -> InvalidValueError:
    if error.field.startswith(prefix):
        return error
    return type(error)(error.path, f"{prefix}.{error.field}", error.value, error.allowed)

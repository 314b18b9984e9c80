"""Argo CD Application: Helm charts with values from Git, Git paths, sync policy and waves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from gitops_platform.argocd.project import GroupKind, ProjectProps
from gitops_platform.core.environment import Cluster, PodSecurity
from gitops_platform.core.naming import (
    check_chart_repo_url,
    check_construct_scope,
    check_dns_label,
    check_exact_version,
    check_git_revision,
    check_git_url,
)
from gitops_platform.core.objects import SYNC_WAVE, api_object, manifest, standard_labels
from gitops_platform.errors import (
    ConfigurationError,
    InvalidValueError,
    PermissionDeniedError,
    collect,
    raise_all,
)
from gitops_platform.layout import ARGOCD_NAMESPACE, RESOURCES_FINALIZER
from gitops_platform.rules.credentials import check_no_secret_literals

__all__ = [
    "WEBHOOK_CA_BUNDLES",
    "ApplicationProps",
    "ArgoApplication",
    "GitSource",
    "HelmChartSource",
    "IgnoreDifference",
    "Retry",
    "SyncPolicy",
    "application_manifest",
    "pod_security_labels",
]

_REF = re.compile(r"^[a-zA-Z0-9_-]+$")
_DURATION = re.compile(r"^\d+(s|m|h)$")


def _check_value_files(where: str, value_files: object) -> None:
    allowed = "a path relative to the chart, or $<ref>/<repository path>"
    if not isinstance(value_files, tuple):
        raise InvalidValueError(where, "value_files", value_files, f"a tuple of paths: {allowed}")
    for value_file in value_files:
        if not isinstance(value_file, str) or not value_file or value_file.startswith("/"):
            raise InvalidValueError(where, "value_files", value_file, allowed)


def _refs(value_files: tuple[str, ...]) -> set[str]:
    return {f.split("/", 1)[0][1:] for f in value_files if f.startswith("$")}


def pod_security_labels(level: PodSecurity) -> dict[str, str]:
    """Return the Pod Security admission labels that enforce, audit and warn at ``level``."""
    return {
        f"pod-security.kubernetes.io/{mode}{suffix}": value
        for mode in ("audit", "enforce", "warn")
        for suffix, value in (("", level.value), ("-version", "latest"))
    }


@dataclass(frozen=True)
class HelmChartSource:
    """A Helm chart from a chart repository, pinned to one exact version.

    Attributes:
        repo_url: the chart repository URL.
        chart: the chart name.
        version: the exact chart version (ranges are refused).
        release_name: the Helm release name (default: the chart name; set it explicitly so
            that suffixing the Application name per environment never renames resources).
        value_files: value files, usually ``$values/<repository path>`` from a ``ref`` source.
        values_object: inline values (no secrets: only references to Secrets).
        skip_crds: do not install the chart's ``crds/`` folder.
        skip_tests: leave the chart's test hooks (``helm.sh/hook: test``) out of the render
            (``helm.skipTests``, Helm's ``--skip-tests``); Argo CD never applies them anyway.

    Raises:
        InvalidValueError: one field is not allowed (the message names it and what is).
        InvalidObjectError: several are not; every problem is reported at once.
    """

    repo_url: str
    chart: str
    version: str
    release_name: str | None = None
    value_files: tuple[str, ...] = ()
    values_object: dict[str, Any] | None = field(default=None, compare=False)
    skip_crds: bool = False
    skip_tests: bool = False

    def __post_init__(self) -> None:
        where = f"HelmChartSource({getattr(self, 'chart', '?')!s})"
        problems: list[InvalidValueError] = []
        collect(problems, check_chart_repo_url, where, "repo_url", self.repo_url)
        collect(problems, check_dns_label, where, "chart", self.chart)
        collect(problems, check_exact_version, where, "version", self.version)
        if self.release_name is not None:
            collect(
                problems, check_dns_label, where, "release_name", self.release_name, max_length=53
            )
        collect(problems, _check_value_files, where, self.value_files)
        if self.values_object is not None:
            collect(problems, check_no_secret_literals, where, "values_object", self.values_object)
        raise_all(where, problems)

    def refs(self) -> set[str]:
        """Return the ``ref`` names its value files use (``$values/...`` -> ``values``)."""
        return _refs(self.value_files)

    def as_dict(self) -> dict[str, Any]:
        """Return the Argo CD source."""
        helm: dict[str, Any] = {"releaseName": self.release_name or self.chart}
        if self.value_files:
            helm["valueFiles"] = list(self.value_files)
        if self.values_object:
            helm["valuesObject"] = self.values_object
        if self.skip_crds:
            helm["skipCrds"] = True
        if self.skip_tests:
            helm["skipTests"] = True
        return {
            "repoURL": self.repo_url,
            "chart": self.chart,
            "targetRevision": self.version,
            "helm": helm,
        }


@dataclass(frozen=True)
class GitSource:
    """A Git source: a ``ref`` for value files, a ``path`` of manifests, or both.

    Attributes:
        repo_url: the Git repository URL.
        revision: the branch or tag to read.
        path: a folder of manifests to apply (a repository path).
        ref: a name other sources use as ``$<ref>/...`` in their value files.
        recurse: read sub-folders of ``path`` too (plain-YAML folders only).
        value_files: when ``path`` is a Helm chart folder, its value files (``$<ref>/...``
            or paths relative to the chart).
        release_name: when ``path`` is a Helm chart folder, the Helm release name.

    Raises:
        InvalidValueError: one field is not allowed (the message names it and what is).
        InvalidObjectError: several are not; every problem is reported at once.
    """

    repo_url: str
    revision: str
    path: str | None = None
    ref: str | None = None
    recurse: bool = False
    value_files: tuple[str, ...] = ()
    release_name: str | None = None

    def __post_init__(self) -> None:
        where = "GitSource"
        problems: list[InvalidValueError] = []
        collect(problems, check_git_url, where, "repo_url", self.repo_url)
        collect(problems, check_git_revision, where, "revision", self.revision)
        if self.path is None and self.ref is None:
            problems.append(
                ConfigurationError(
                    where, "path/ref", None, "a path of manifests, a ref for value files, or both"
                )
            )
        if self.ref is not None and not (isinstance(self.ref, str) and _REF.fullmatch(self.ref)):
            problems.append(
                InvalidValueError(
                    where, "ref", self.ref, "letters, digits, '_' and '-' only (Argo CD's rule)"
                )
            )
        if self.path is not None and (
            not isinstance(self.path, str)
            or not self.path
            or self.path.startswith("/")
            or ".." in self.path.split("/")
        ):
            problems.append(
                InvalidValueError(where, "path", self.path, "a relative repository path")
            )
        if (self.value_files or self.release_name is not None) and self.path is None:
            problems.append(
                ConfigurationError(
                    where,
                    "value_files/release_name",
                    self.value_files or self.release_name,
                    "Helm settings need a path: the repository folder of the chart",
                )
            )
        if self.release_name is not None:
            collect(
                problems, check_dns_label, where, "release_name", self.release_name, max_length=53
            )
        collect(problems, _check_value_files, where, self.value_files)
        if not isinstance(self.recurse, bool):
            problems.append(InvalidValueError(where, "recurse", self.recurse, "True or False"))
        raise_all(where, problems)

    def refs(self) -> set[str]:
        """Return the ``ref`` names its value files use (``$values/...`` -> ``values``)."""
        return _refs(self.value_files)

    def as_dict(self) -> dict[str, Any]:
        """Return the Argo CD source."""
        data: dict[str, Any] = {"repoURL": self.repo_url, "targetRevision": self.revision}
        if self.path is not None:
            data["path"] = self.path
        if self.value_files or self.release_name is not None:
            helm: dict[str, Any] = {}
            if self.release_name is not None:
                helm["releaseName"] = self.release_name
            if self.value_files:
                helm["valueFiles"] = list(self.value_files)
            data["helm"] = helm
        if self.recurse:
            data["directory"] = {"recurse": True}
        if self.ref is not None:
            data["ref"] = self.ref
        return data


@dataclass(frozen=True)
class IgnoreDifference:
    """Fields Argo CD leaves alone, e.g. CA bundles a controller injects into webhooks.

    Attributes:
        group: the API group of the objects (``""`` for the core group).
        kind: their kind.
        json_pointers: RFC 6901 pointers to ignore.
        jq_path_expressions: jq paths to ignore (for fields inside lists).
        name: only the object of this name.
    """

    group: str
    kind: str
    json_pointers: tuple[str, ...] = ()
    jq_path_expressions: tuple[str, ...] = ()
    name: str | None = None

    def __post_init__(self) -> None:
        if not self.json_pointers and not self.jq_path_expressions:
            raise InvalidValueError(
                f"IgnoreDifference({self.kind})",
                "json_pointers/jq_path_expressions",
                (),
                "at least one field to ignore",
            )
        for pointer in self.json_pointers:
            if not pointer.startswith("/"):
                raise InvalidValueError(
                    f"IgnoreDifference({self.kind})",
                    "json_pointers",
                    pointer,
                    "a pointer such as /spec/x",
                )

    def as_dict(self) -> dict[str, Any]:
        """Return the ``spec.ignoreDifferences`` entry."""
        data: dict[str, Any] = {"group": self.group, "kind": self.kind}
        if self.name is not None:
            data["name"] = self.name
        if self.json_pointers:
            data["jsonPointers"] = list(self.json_pointers)
        if self.jq_path_expressions:
            data["jqPathExpressions"] = list(self.jq_path_expressions)
        return data


#: Webhook CA bundles that controllers (cert-manager's cainjector, the operators' own cert
#: controllers) write after install; without this, self-heal would fight them forever.
WEBHOOK_CA_BUNDLES = (
    IgnoreDifference(
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
        jq_path_expressions=(".webhooks[]?.clientConfig.caBundle",),
    ),
    IgnoreDifference(
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
        jq_path_expressions=(".webhooks[]?.clientConfig.caBundle",),
    ),
)


@dataclass(frozen=True)
class Retry:
    """Sync retry with exponential backoff (first syncs race CRDs and webhooks)."""

    limit: int = 5
    duration: str = "10s"
    factor: int = 2
    max_duration: str = "3m"

    def __post_init__(self) -> None:
        if not isinstance(self.limit, int) or self.limit < -1:
            raise InvalidValueError("Retry", "limit", self.limit, "-1 (unlimited) or a count >= 0")
        for name in ("duration", "max_duration"):
            if not _DURATION.fullmatch(getattr(self, name)):
                raise InvalidValueError("Retry", name, getattr(self, name), "a duration like 10s")
        if not isinstance(self.factor, int) or self.factor < 1:
            raise InvalidValueError("Retry", "factor", self.factor, "an integer >= 1")

    def as_dict(self) -> dict[str, Any]:
        """Return ``syncPolicy.retry``."""
        return {
            "limit": self.limit,
            "backoff": {
                "duration": self.duration,
                "factor": self.factor,
                "maxDuration": self.max_duration,
            },
        }


@dataclass(frozen=True)
class SyncPolicy:
    """Automated sync (prune and self-heal by default), sync options and retry."""

    automated: bool = True
    prune: bool = True
    self_heal: bool = True
    create_namespace: bool = True
    server_side_apply: bool = False
    options: tuple[str, ...] = ()
    retry: Retry = field(default_factory=Retry)

    def sync_options(self) -> list[str]:
        """Return ``syncPolicy.syncOptions``."""
        opts = []
        if self.create_namespace:
            opts.append("CreateNamespace=true")
        if self.server_side_apply:
            opts.append("ServerSideApply=true")
        opts.extend(self.options)
        return opts


@dataclass(frozen=True)
class ApplicationProps:
    """An Argo CD Application.

    Attributes:
        name: the Application name.
        project: the AppProject it belongs to; the Application must fit inside it.
        cluster: the destination cluster.
        namespace: the destination namespace.
        sources: one or more sources (Helm charts and Git sources).
        sync_wave: the Argo CD sync wave (CRD providers before their consumers).
        sync_policy: automated sync, options and retry.
        pod_security: stamps Pod Security labels on the namespace Argo CD creates.
        kinds: the kinds the Application creates that its project must allow (cluster-scoped
            kinds such as CustomResourceDefinition or ClusterIssuer; ``Namespace`` is added
            when the namespace is created by Argo CD).
        namespace_labels: extra labels for the namespace Argo CD creates.
        ignore_differences: fields other controllers own; they are also respected at sync
            time (``RespectIgnoreDifferences=true``).
        finalizer: add the resources finalizer (deleting the Application deletes what it
            deployed).
        labels: extra labels.
        annotations: extra annotations.

    Raises:
        InvalidValueError: one field is not allowed (the message names it and what is).
        InvalidObjectError: several are not; every problem is reported at once.
    """

    name: str
    project: ProjectProps
    cluster: Cluster
    namespace: str
    sources: tuple[HelmChartSource | GitSource, ...]
    sync_wave: int = 0
    sync_policy: SyncPolicy = field(default_factory=SyncPolicy)
    pod_security: PodSecurity | None = PodSecurity.RESTRICTED
    kinds: tuple[GroupKind, ...] = ()
    namespace_labels: dict[str, str] = field(default_factory=dict, compare=False)
    ignore_differences: tuple[IgnoreDifference, ...] = ()
    finalizer: bool = True
    labels: dict[str, str] = field(default_factory=dict, compare=False)
    annotations: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        where = f"Application({self.name!s})"
        problems: list[InvalidValueError] = []
        collect(problems, check_dns_label, "ApplicationProps", "name", self.name, max_length=63)
        if not isinstance(self.sync_wave, int) or isinstance(self.sync_wave, bool):
            problems.append(
                InvalidValueError(where, "sync_wave", self.sync_wave, "an int such as -3 or 0")
            )
        collect(problems, check_dns_label, where, "namespace", self.namespace)
        if (
            not isinstance(self.sources, tuple)
            or not self.sources
            or not all(isinstance(s, HelmChartSource | GitSource) for s in self.sources)
        ):
            problems.append(
                InvalidValueError(
                    where,
                    "sources",
                    self.sources,
                    "a non-empty tuple of HelmChartSource and GitSource objects",
                )
            )
        if not isinstance(self.project, ProjectProps):
            problems.append(InvalidValueError(where, "project", self.project, "a ProjectProps"))
        if not isinstance(self.cluster, Cluster):
            problems.append(
                InvalidValueError(where, "cluster", self.cluster, "a Cluster(name=...|server=...)")
            )
        if not isinstance(self.sync_policy, SyncPolicy):
            problems.append(
                InvalidValueError(where, "sync_policy", self.sync_policy, "a SyncPolicy(...)")
            )
        if problems:
            raise_all(where, problems)
        refs = [s.ref for s in self.sources if isinstance(s, GitSource) and s.ref]
        if len(refs) != len(set(refs)):
            problems.append(
                ConfigurationError(
                    where,
                    "sources",
                    refs,
                    "unique ref names (Argo CD: multiple sources had the same `ref` key)",
                )
            )
        missing = sorted(set[str]().union(*(source.refs() for source in self.sources)) - set(refs))
        if missing:
            problems.append(
                ConfigurationError(
                    where,
                    "sources",
                    missing,
                    "value files may only use $<ref> of a Git source with that ref",
                )
            )
        if (self.pod_security is not None or self.namespace_labels) and (
            not self.sync_policy.create_namespace
        ):
            problems.append(
                ConfigurationError(
                    where,
                    "pod_security/namespace_labels",
                    self.pod_security.value if self.pod_security else self.namespace_labels,
                    "namespace labels need sync_policy.create_namespace (managedNamespaceMetadata)",
                )
            )
        raise_all(where, problems)

    def check_permissions(self, where: str) -> None:
        """Refuse what the project would refuse at sync time (same meaning as Argo CD)."""
        project = self.project
        for source in self.sources:
            if not project.permits_repo(source.repo_url):
                raise PermissionDeniedError(
                    where,
                    "sources.repoURL",
                    source.repo_url,
                    f"a repository permitted in project '{project.name}' "
                    f"(sourceRepos: {', '.join(project.source_repos)})",
                )
        if not project.permits_destination(
            self.namespace, name=self.cluster.name, server=self.cluster.server
        ):
            allowed = ", ".join(f"{d.name or d.server}/{d.namespace}" for d in project.destinations)
            raise PermissionDeniedError(
                where,
                "destination",
                f"{self.cluster.name or self.cluster.server}/{self.namespace}",
                f"a destination allowed in project '{project.name}' ({allowed})",
            )
        kinds = list(self.kinds)
        if self.sync_policy.create_namespace:
            kinds.append(GroupKind("", "Namespace", self.namespace))
        for kind in kinds:
            if not project.permits_kind(kind.group, kind.kind, namespaced=False, name=kind.name):
                raise PermissionDeniedError(
                    where,
                    "kinds",
                    str(kind),
                    f"a cluster-scoped kind whitelisted in project '{project.name}' "
                    "(clusterResourceWhitelist)",
                )

    def spec(self) -> dict[str, Any]:
        """Return the Application ``spec``."""
        sources = [s.as_dict() for s in self.sources]
        spec: dict[str, Any] = {"project": self.project.name}
        if len(sources) == 1:
            spec["source"] = sources[0]
        else:
            spec["sources"] = sources
        spec["destination"] = self.cluster.destination(self.namespace)
        if self.ignore_differences:
            spec["ignoreDifferences"] = [d.as_dict() for d in self.ignore_differences]
        policy = self.sync_policy
        sync: dict[str, Any] = {}
        if policy.automated:
            sync["automated"] = {"prune": policy.prune, "selfHeal": policy.self_heal}
        if self.pod_security is not None:
            sync["managedNamespaceMetadata"] = {"labels": pod_security_labels(self.pod_security)}
        options = policy.sync_options()
        if self.ignore_differences:
            options.append("RespectIgnoreDifferences=true")
        if options:
            sync["syncOptions"] = options
        sync["retry"] = policy.retry.as_dict()
        spec["syncPolicy"] = sync
        return spec


class ArgoApplication(Construct):
    """An Argo CD ``Application``, checked against its project when it is constructed.

    Raises:
        InvalidValueError: ``scope`` is not a construct, or ``props`` not an ApplicationProps.
        DuplicateError: ``scope`` already has a child called ``construct_id``.
        PermissionDeniedError: the project does not permit a source, the destination or a kind.

    Example:
        >>> ArgoApplication(chart, "cert-manager", ApplicationProps(
        ...     name="cert-manager", project=platform_project,
        ...     cluster=Cluster(name="dev"), namespace="cert-manager",
        ...     sources=(GitSource(repo_url=REPO, revision="main", ref="values"),
        ...              HelmChartSource(repo_url="https://charts.jetstack.io",
        ...                              chart="cert-manager", version="v1.21.1",
        ...                              value_files=("$values/values/cert-manager.yaml",)))))
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        props: ApplicationProps,
        *,
        namespace: str = ARGOCD_NAMESPACE,
        part_of: str = "gitops-platform",
        check_project: bool = True,
    ) -> None:
        check_construct_scope("ArgoApplication", scope, construct_id)
        super().__init__(scope, construct_id)
        if not isinstance(props, ApplicationProps):
            raise InvalidValueError(self.node.path, "props", props, "an ApplicationProps")
        if check_project:
            props.check_permissions(self.node.path)
        self.props = props
        api_object(self, "Resource", **_object_fields(props, namespace, part_of))


def _object_fields(props: ApplicationProps, namespace: str, part_of: str) -> dict[str, Any]:
    labels = standard_labels(props.name, part_of, component="argocd-application")
    labels.update(props.labels)
    return {
        "api_version": "argoproj.io/v1alpha1",
        "kind": "Application",
        "name": props.name,
        "namespace": namespace,
        "labels": labels,
        "annotations": {SYNC_WAVE: str(props.sync_wave), **props.annotations},
        "finalizers": [RESOURCES_FINALIZER] if props.finalizer else None,
        "body": {"spec": props.spec()},
    }


def application_manifest(
    props: ApplicationProps, *, namespace: str = ARGOCD_NAMESPACE, part_of: str = "gitops-platform"
) -> dict[str, Any]:
    """The ``Application`` object :class:`ArgoApplication` renders, as plain data.

    No project check: call :meth:`ApplicationProps.check_permissions` first where it applies.
    """
    return manifest(**_object_fields(props, namespace, part_of))

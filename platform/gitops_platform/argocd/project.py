"""Argo CD AppProject: least-privilege boundaries for Applications."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from gitops_platform.core.naming import check_construct_scope, check_dns_label
from gitops_platform.core.objects import SYNC_WAVE, api_object, manifest, standard_labels
from gitops_platform.errors import InvalidValueError, collect, raise_all
from gitops_platform.layout import RESOURCES_FINALIZER
from gitops_platform.rules.argocd import KindRule, ProjectRules, resolve_cluster

__all__ = ["AppProject", "Destination", "GroupKind", "ProjectProps", "project_manifest"]


@dataclass(frozen=True)
class GroupKind:
    """A resource kind (``group`` is ``""`` for the core API), optionally limited by name glob."""

    group: str
    kind: str
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise InvalidValueError("GroupKind", "kind", self.kind, "a kind such as Namespace or *")
        if not isinstance(self.group, str):
            raise InvalidValueError("GroupKind", "group", self.group, 'an API group ("" for core)')

    def matches(self, group: str, kind: str, name: str | None = None) -> bool:
        """Return whether this rule covers an object of ``group``/``kind`` called ``name``.

        Patterns are Go ``filepath.Match`` patterns, as Argo CD reads them
        (:class:`gitops_platform.rules.argocd.KindRule`).
        """
        return KindRule(self.group, self.kind, self.name or "").matches(
            group, kind, name, named=True
        )

    def as_dict(self) -> dict[str, str]:
        """Return the AppProject representation."""
        data = {"group": self.group, "kind": self.kind}
        if self.name is not None:
            data["name"] = self.name
        return data

    def __str__(self) -> str:
        return f"{self.group}/{self.kind}" + (f" (name {self.name})" if self.name else "")


@dataclass(frozen=True)
class Destination:
    """An AppProject destination rule: a cluster (name or server glob) and a namespace glob.

    A namespace starting with ``!`` is a deny entry; how Argo CD 3.5 applies deny entries
    (on the entry's own cluster, and only for an entry that gives a ``server``) is described
    in :mod:`gitops_platform.rules.argocd`.
    """

    namespace: str
    name: str | None = None
    server: str | None = None

    def __post_init__(self) -> None:
        if (self.name is None) == (self.server is None):
            raise InvalidValueError(
                "Destination", "name/server", (self.name, self.server), "exactly one of them"
            )
        if not self.namespace or self.namespace == "!*":
            raise InvalidValueError(
                "Destination", "namespace", self.namespace, "a namespace or glob; '!*' is invalid"
            )

    def as_dict(self) -> dict[str, str]:
        """Return the AppProject representation."""
        data: dict[str, str] = {}
        if self.name is not None:
            data["name"] = self.name
        if self.server is not None:
            data["server"] = self.server
        data["namespace"] = self.namespace
        return data


@dataclass(frozen=True)
class ProjectProps:
    """An Argo CD AppProject.

    Cluster-scoped kinds are allow-listed (nothing is allowed unless listed); namespaced kinds
    are allowed unless deny-listed, or only those listed when ``namespace_resource_whitelist``
    is given. The ``permits_*`` checks apply Argo CD 3.5's rules
    (:class:`gitops_platform.rules.argocd.ProjectRules`, the module the validation pipeline
    uses too) to the very ``spec`` this project renders.

    Attributes:
        name: the project name.
        description: one line shown in the Argo CD UI.
        source_repos: repository URL globs Applications may read from (``!`` denies).
        destinations: where Applications may deploy.
        cluster_resource_whitelist: cluster-scoped kinds Applications may create.
        namespace_resource_whitelist: if set, the only namespaced kinds allowed.
        namespace_resource_blacklist: namespaced kinds refused.
        sync_wave: the Argo CD sync wave of the project object (before its Applications).
        extra: further ``spec`` fields (for example ``clusterResourceBlacklist`` or
            ``roles``); a key that a typed field renders is refused, and the rules are read
            from the rendered ``spec``, extra fields included.

    Raises:
        InvalidValueError: a bad name, no repository or destination, a destination twice, or
            an ``extra`` key that a typed field owns.
        InvalidObjectError: several of these at once (every problem of the project).
    """

    name: str
    description: str
    source_repos: tuple[str, ...]
    destinations: tuple[Destination, ...]
    cluster_resource_whitelist: tuple[GroupKind, ...] = ()
    namespace_resource_whitelist: tuple[GroupKind, ...] | None = None
    namespace_resource_blacklist: tuple[GroupKind, ...] = ()
    sync_wave: int = -10
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        where = f"AppProject({self.name!s})"
        problems: list[InvalidValueError] = []
        collect(problems, check_dns_label, "AppProject", "name", self.name)
        if not isinstance(self.description, str):
            problems.append(
                InvalidValueError(where, "description", self.description, "one line of text")
            )
        if not isinstance(self.source_repos, tuple) or not self.source_repos:
            problems.append(
                InvalidValueError(
                    where,
                    "source_repos",
                    self.source_repos,
                    "a non-empty tuple of repository URLs or globs",
                )
            )
        else:
            for repo in self.source_repos:
                if not isinstance(repo, str) or repo in ("!*", ""):
                    problems.append(
                        InvalidValueError(
                            where,
                            "source_repos",
                            repo,
                            "a repository URL or glob; '!*' is invalid",
                        )
                    )
        if not isinstance(self.destinations, tuple) or not self.destinations:
            problems.append(
                InvalidValueError(
                    where,
                    "destinations",
                    self.destinations,
                    "a non-empty tuple of Destination objects",
                )
            )
        else:
            seen = set()
            for dest in self.destinations:
                if not isinstance(dest, Destination):
                    problems.append(
                        InvalidValueError(
                            where, "destinations", dest, "Destination(name=...|server=..., ...)"
                        )
                    )
                    continue
                key = (dest.name, dest.server, dest.namespace)
                if key in seen:
                    problems.append(
                        InvalidValueError(
                            where, "destinations", dest.as_dict(), "each destination once"
                        )
                    )
                seen.add(key)
        if not isinstance(self.sync_wave, int) or isinstance(self.sync_wave, bool):
            problems.append(
                InvalidValueError(where, "sync_wave", self.sync_wave, "an int such as -10")
            )
        if not isinstance(self.extra, dict):
            problems.append(InvalidValueError(where, "extra", self.extra, "a dict of spec fields"))
        if problems:
            raise_all(where, problems)
        owned = sorted(set(self.extra) & set(self._typed_spec()))
        if owned:
            raise InvalidValueError(
                where,
                "extra",
                owned,
                "fields the typed attributes do not render (set sourceRepos, destinations "
                "and the resource lists through their attributes, so that what is checked is "
                "what is rendered)",
            )

    @functools.cached_property
    def rules(self) -> ProjectRules:
        """Argo CD's rules over the rendered ``spec`` (:meth:`spec`, ``extra`` included)."""
        return ProjectRules.from_spec(self.spec(), f"AppProject({self.name})")

    def permits_repo(self, repo_url: str) -> bool:
        """Return whether Applications of this project may read ``repo_url``.

        ``AppProject.IsSourcePermitted``: URLs compared normalised (``.git`` suffix, case).
        """
        return self.rules.source_permitted(repo_url)

    def permits_destination(self, namespace: str, *, name: str | None, server: str | None) -> bool:
        """Return whether the project allows deploying to ``namespace`` on the given cluster.

        ``AppProject.IsDestinationPermitted``; the cluster is known by ``name`` or ``server``
        (the in-cluster pair is completed by :func:`~gitops_platform.rules.argocd.resolve_cluster`).
        """
        resolved_server, resolved_name = resolve_cluster(server, name)
        return self.rules.destination_permitted(resolved_server, resolved_name, namespace)

    def permits_kind(
        self, group: str, kind: str, *, namespaced: bool, name: str | None = None
    ) -> bool:
        """Return whether the project allows creating an object of this kind.

        ``AppProject.IsGroupKindNamePermitted``.
        """
        return self.rules.kind_permitted(group, kind, name, namespaced=namespaced)

    def spec(self) -> dict[str, Any]:
        """Return the AppProject ``spec`` (the typed fields, then ``extra``)."""
        spec = self._typed_spec()
        spec.update(self.extra)
        return spec

    def _typed_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "description": self.description,
            "sourceRepos": list(self.source_repos),
            "destinations": [d.as_dict() for d in self.destinations],
            "clusterResourceWhitelist": [g.as_dict() for g in self.cluster_resource_whitelist],
        }
        if self.namespace_resource_whitelist is not None:
            spec["namespaceResourceWhitelist"] = [
                g.as_dict() for g in self.namespace_resource_whitelist
            ]
        if self.namespace_resource_blacklist:
            spec["namespaceResourceBlacklist"] = [
                g.as_dict() for g in self.namespace_resource_blacklist
            ]
        spec["orphanedResources"] = {"warn": False}
        return spec


class AppProject(Construct):
    """An Argo CD ``AppProject`` object.

    Raises:
        InvalidValueError: ``scope`` is not a construct, or ``props`` not a ProjectProps.
        DuplicateError: ``scope`` already has a child called ``construct_id``.

    Example:
        >>> AppProject(chart, "platform", ProjectProps(
        ...     name="platform", description="Platform services",
        ...     source_repos=("https://git.example.com/platform.git",),
        ...     destinations=(Destination(name="dev", namespace="cert-manager"),)))
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        props: ProjectProps,
        *,
        namespace: str = "argocd",
        part_of: str = "gitops-platform",
    ) -> None:
        check_construct_scope("AppProject", scope, construct_id)
        super().__init__(scope, construct_id)
        if not isinstance(props, ProjectProps):
            raise InvalidValueError(self.node.path, "props", props, "a ProjectProps")
        self.props = props
        api_object(self, "Resource", **_object_fields(props, namespace, part_of))


def _object_fields(props: ProjectProps, namespace: str, part_of: str) -> dict[str, Any]:
    return {
        "api_version": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "name": props.name,
        "namespace": namespace,
        "labels": standard_labels(f"argocd-project-{props.name}", part_of, component="argocd"),
        "annotations": {SYNC_WAVE: str(props.sync_wave)},
        # blocks deleting the project while Applications still use it
        "finalizers": [RESOURCES_FINALIZER],
        "body": {"spec": props.spec()},
    }


def project_manifest(
    props: ProjectProps, *, namespace: str = "argocd", part_of: str = "gitops-platform"
) -> dict[str, Any]:
    """The ``AppProject`` object :class:`AppProject` renders, as plain data."""
    return manifest(**_object_fields(props, namespace, part_of))

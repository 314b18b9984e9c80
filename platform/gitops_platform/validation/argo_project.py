"""The AppProjects of a tree, read for the Argo CD step.

The rules themselves are :mod:`gitops_platform.rules.argocd` (Argo CD 3.5's ``globMatch``,
``NormalizeGitURL``, ``IsSourcePermitted``, ``isDestinationMatched`` and
``IsGroupKindNamePermitted``), the module the constructs apply at synth time: this module
only reads AppProject objects into them and adds where each project came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitops_platform.rules.argocd import (
    IN_CLUSTER_NAME,
    IN_CLUSTER_SERVER,
    ProjectRules,
    normalize_git_url,
    resolve_cluster,
)

__all__ = [
    "IN_CLUSTER_NAME",
    "IN_CLUSTER_SERVER",
    "Project",
    "normalize_git_url",
    "resolve_cluster",
]


@dataclass(frozen=True)
class Project:
    """One AppProject of the tree: its name, its rules and where it was read.

    Attributes:
        name: ``metadata.name``.
        rules: the permission fields of its ``spec``.
        origin: the file it was read from.
        ref: ``AppProject/<namespace>/<name>``, for findings.

    """

    name: str
    rules: ProjectRules = field(default_factory=ProjectRules)
    origin: str = ""
    ref: str = field(default="", compare=False)

    @classmethod
    def from_object(cls, obj: dict[str, Any], origin: str = "") -> Project:
        """Read an AppProject object (a mapping as in its YAML).

        Raises:
            InvalidValueError: a permission field is not a list of strings or mappings.

        """
        meta = obj.get("metadata") or {}
        name = str(meta.get("name", ""))
        ref = (
            f"AppProject/{meta.get('namespace')}/{name}"
            if meta.get("namespace")
            else f"AppProject/{name}"
        )
        spec = obj.get("spec") or {}
        return cls(name, ProjectRules.from_spec(spec, ref), origin, ref)

    @classmethod
    def default(cls) -> Project:
        """The ``default`` project every Argo CD installation creates: everything allowed."""
        spec = {
            "sourceRepos": ["*"],
            "destinations": [{"server": "*", "name": "*", "namespace": "*"}],
            "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
        }
        return cls(
            "default",
            ProjectRules.from_spec(spec),
            "<the default project of Argo CD>",
            "AppProject/argocd/default",
        )

    def source_permitted(self, repo_url: str) -> bool:
        """``AppProject.IsSourcePermitted`` (see :class:`ProjectRules`)."""
        return self.rules.source_permitted(repo_url)

    def destination_permitted(self, server: str, name: str, namespace: str) -> bool:
        """``AppProject.IsDestinationPermitted``; the in-cluster pair is completed."""
        server, name = resolve_cluster(server, name)
        return self.rules.destination_permitted(server, name, namespace)

    def kind_permitted(self, group: str, kind: str, name: str, *, namespaced: bool) -> bool:
        """``AppProject.IsGroupKindNamePermitted`` (see :class:`ProjectRules`)."""
        return self.rules.kind_permitted(group, kind, name, namespaced=namespaced)

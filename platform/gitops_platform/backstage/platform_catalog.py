"""The platform's own Backstage entities: a ``System`` and one ``Component`` per platform service.

Each entity carries ``backstage.io/techdocs-ref``, so the runbooks, the SLOs and the
architecture (the repository's ``mkdocs.yml`` and ``docs/``) are readable in Backstage's
TechDocs tab of the platform and of each of its services.

Backstage facts: ``backstage.io/techdocs-ref`` takes ``url:<repository folder URL>`` (the
folder holding ``mkdocs.yml``) or ``dir:<path relative to the catalog file>`` (Backstage
documentation, "TechDocs: how to", ``techdocs-ref`` annotation); entity kinds and fields are
those of ``@backstage/catalog-model`` (see :mod:`gitops_platform.backstage.onboarding`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from gitops_platform import layout
from gitops_platform.backstage.onboarding import CATALOG_API_VERSION, Team
from gitops_platform.component import PLATFORM_PROJECT, PlatformComponent
from gitops_platform.core.environment import PlatformSpec
from gitops_platform.errors import InvalidValueError, raise_all
from gitops_platform.output.yaml_format import dump_documents

__all__ = ["TECHDOCS_REF", "PlatformCatalog"]

#: The annotation naming where an entity's TechDocs source (``mkdocs.yml``) is.
TECHDOCS_REF: Final = "backstage.io/techdocs-ref"


@dataclass(frozen=True)
class PlatformCatalog:
    """The platform as Backstage entities: its ``System``, its services, its owning ``Group``.

    Rendered as ``catalog/<platform name>/catalog-info.yaml`` (the System, then one Component
    per component of the ``platform`` project that runs a chart, named like the component;
    manifests-only components, such as an application namespace's network policies, are
    parts of others, not services) and
    ``catalog/<owner>/catalog-info.yaml`` (the Group).

    Attributes:
        owner: the team running the platform.
        description: the System's one-line description.
        docs_revision: the branch whose ``mkdocs.yml`` the TechDocs are built from
            (``None``: the platform's ``root_revision``, ``main``).

    Raises:
        InvalidValueError: an owner that is not a :class:`Team`, an empty description.
    """

    owner: Team
    description: str = "The internal developer platform: delivery, secrets, telemetry, portal"
    docs_revision: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.owner, Team):
            problems.append(InvalidValueError("PlatformCatalog", "owner", self.owner, "a Team"))
        if not isinstance(self.description, str) or not self.description.strip():
            problems.append(
                InvalidValueError(
                    "PlatformCatalog", "description", self.description, "a non-empty string"
                )
            )
        raise_all("PlatformCatalog", problems)

    def techdocs_ref(self, platform: PlatformSpec) -> str:
        """``url:<repository>/tree/<revision>``: the repository root, where ``mkdocs.yml`` is."""
        base = platform.repo_url.removesuffix(".git")
        return f"url:{base}/tree/{self.docs_revision or platform.root_revision}"

    def entities(
        self, platform: PlatformSpec, components: Sequence[PlatformComponent]
    ) -> list[dict[str, Any]]:
        """The System, then one Component per ``platform``-project component with a chart."""
        annotations = {TECHDOCS_REF: self.techdocs_ref(platform)}
        system: dict[str, Any] = {
            "apiVersion": CATALOG_API_VERSION,
            "kind": "System",
            "metadata": {
                "name": platform.name,
                "description": self.description,
                "annotations": dict(annotations),
            },
            "spec": {"owner": self.owner.ref},
        }
        services = [
            {
                "apiVersion": CATALOG_API_VERSION,
                "kind": "Component",
                "metadata": {
                    "name": component.name,
                    "description": (
                        f"Platform service {component.name} (namespace {component.namespace})"
                    ),
                    "annotations": dict(annotations),
                },
                "spec": {
                    "type": "service",
                    "lifecycle": "production",
                    "owner": self.owner.ref,
                    "system": f"system:default/{platform.name}",
                },
            }
            for component in components
            if component.project == PLATFORM_PROJECT and component.charts
        ]
        return [system, *services]

    def files(
        self, platform: PlatformSpec, components: Sequence[PlatformComponent]
    ) -> Mapping[str, str]:
        """The catalog files: tree path -> YAML text."""
        return {
            layout.catalog_file(platform.name): dump_documents(self.entities(platform, components)),
            layout.catalog_file(self.owner.name): dump_documents([self.owner.entity()]),
        }

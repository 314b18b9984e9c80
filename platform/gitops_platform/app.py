"""The platform app: composes projects, bootstrap and components into the rendered tree."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cdk8s import App, Chart

from gitops_platform.argocd.application import ApplicationProps, ArgoApplication
from gitops_platform.argocd.bootstrap import (
    TreePaths,
    app_of_apps,
    apps_project,
    bootstrap_project,
    environment_application,
    environment_kustomization,
    platform_application,
    platform_project,
    root_application,
)
from gitops_platform.argocd.project import AppProject, ProjectProps
from gitops_platform.core.component import PlatformComponent
from gitops_platform.core.environment import PlatformSpec
from gitops_platform.errors import DuplicateError, InvalidValueError
from gitops_platform.output.writer import write_tree
from gitops_platform.output.yaml_format import dump_documents, dump_values, dump_yaml
from gitops_platform.rules.credentials import check_no_secret_literals

__all__ = ["PlatformApp"]

DIST_ENV = "GITOPS_PLATFORM_DIST"


def _file_name(obj: dict[str, Any]) -> str:
    kind = str(obj.get("kind", "object")).lower()
    name = str((obj.get("metadata") or {}).get("name", "unnamed"))
    return f"{kind}-{re.sub(r'[^a-z0-9.-]+', '-', name.lower())}.yaml"


class PlatformApp:
    """A whole platform: its environments, projects, bootstrap objects and components.

    ``render()`` returns the tree as text (relative path -> YAML); ``synth()`` writes it
    atomically. Construction validates everything, so bad input fails before any file is
    written, with a :class:`~gitops_platform.errors.PlatformError` naming the problem.

    Example:
        >>> app = PlatformApp(spec, [CertManager(...), ExternalSecrets(...), Traefik()])
        >>> app.synth("dist")
    """

    def __init__(self, spec: PlatformSpec, components: Sequence[PlatformComponent]) -> None:
        if not isinstance(spec, PlatformSpec):
            raise InvalidValueError("PlatformApp", "spec", spec, "a PlatformSpec")
        seen: set[str] = set()
        for component in components:
            if not isinstance(component, PlatformComponent):
                raise InvalidValueError(
                    "PlatformApp", "components", component, "PlatformComponent objects"
                )
            if component.name in seen:
                raise DuplicateError(
                    f"PlatformApp/{component.name}",
                    "components",
                    component.name,
                    "unique component names; this component is given twice",
                )
            seen.add(component.name)
            component.validate(spec)
        self.spec = spec
        self.components = tuple(components)
        self.paths = TreePaths(spec)
        self._app = App()
        self._manifests: dict[str, Chart] = {}
        self._folders: dict[str, Chart] = {}
        self._values: dict[str, dict[str, Any]] = {}
        self._other: dict[str, str] = {}
        self._build()

    # -- construction -------------------------------------------------------------------

    def _chart(self, relpath: str, *, per_object: bool = False) -> Chart:
        registry = self._folders if per_object else self._manifests
        if relpath not in registry:
            registry[relpath] = Chart(
                self._app, relpath.replace("/", "_"), disable_resource_name_hashes=True
            )
        return registry[relpath]

    def _add_app(self, relpath: str, construct_id: str, props: ApplicationProps) -> None:
        ArgoApplication(
            self._chart(relpath),
            construct_id,
            props,
            namespace=self.spec.argocd_namespace,
            part_of=self.spec.name,
        )

    def _add_project(self, relpath: str, props: ProjectProps) -> None:
        AppProject(
            self._chart(relpath),
            props.name,
            props,
            namespace=self.spec.argocd_namespace,
            part_of=self.spec.name,
        )

    def _build(self) -> None:
        spec, paths = self.spec, self.paths
        bootstrap = bootstrap_project(spec)
        platform = platform_project(spec, self.components)
        apps = apps_project(spec, self.components)

        self._add_project("infra/infra-root.yaml", bootstrap)
        self._add_app("infra/infra-root.yaml", "root", root_application(spec, bootstrap))
        for project in (platform, apps):
            self._add_project(f"infra/projects/argocd-project-{project.name}.yaml", project)

        neutral: list[ApplicationProps] = []
        for component in self.components:
            props = platform_application(spec, component, platform)
            neutral.append(props)
            # The neutral Application is never deployed as is (only through an environment's
            # overlay), so its project fit is checked on the per-environment form below.
            ArgoApplication(
                self._chart(paths.application(component.name)),
                component.name,
                props,
                namespace=spec.argocd_namespace,
                part_of=spec.name,
                check_project=False,
            )
            base_values = component.base_values(spec)
            where = f"{component.name}/values"
            check_no_secret_literals(where, "base", base_values)
            self._values[paths.values(component.name, "base")] = base_values
            if component.has_shared_manifests():
                component.shared_manifests(
                    self._chart(paths.addons(component.name), per_object=True), spec
                )

        for env in spec.environments:
            per_env: list[ApplicationProps] = []
            for component in self.components:
                props = environment_application(spec, component, platform, env)
                props.check_permissions(f"{paths.cluster(env.name)}/{component.name}")
                per_env.append(props)
                values = component.environment_values(spec, env)
                check_no_secret_literals(f"{component.name}/values", env.name, values)
                self._values[paths.values(component.name, env.name)] = values
                if component.has_environment_manifests():
                    component.environment_manifests(
                        self._chart(paths.addons(component.name, env.name), per_object=True),
                        spec,
                        env,
                    )
            self._add_app(
                f"{paths.cluster(env.name)}/app-of-apps.yaml",
                "app-of-apps",
                app_of_apps(spec, bootstrap, env),
            )
            self._other[f"{paths.cluster(env.name)}/kustomization.yaml"] = dump_yaml(
                environment_kustomization(spec, neutral, per_env, env)
            )

        self._other["infra/platform/kustomization.yaml"] = dump_yaml(
            _kustomization(sorted(f"apps/{c.name}-application.yaml" for c in self.components))
        )
        self._other["infra/kustomization.yaml"] = dump_yaml(
            _kustomization(
                [
                    "infra-root.yaml",
                    *(f"projects/argocd-project-{p.name}.yaml" for p in (apps, platform)),
                    *(f"clusters/{e.name}/app-of-apps.yaml" for e in spec.environments),
                ]
            )
        )

    # -- output ---------------------------------------------------------------------------

    def render(self) -> dict[str, str]:
        """Return the tree: tree-relative path -> file content."""
        files: dict[str, str] = dict(self._other)
        for relpath, values in self._values.items():
            files[relpath] = dump_values(values)
        for relpath, chart in self._manifests.items():
            files[relpath] = dump_documents(chart.to_json())
        for folder, chart in self._folders.items():
            for obj in chart.to_json():
                relpath = f"{folder}/{_file_name(obj)}"
                if relpath in files:
                    raise DuplicateError(
                        folder, "objects", relpath, "one object per kind and name in a folder"
                    )
                files[relpath] = dump_documents([obj])
        return dict(sorted(files.items()))

    def synth(self, outdir: str | os.PathLike[str] | None = None) -> Path:
        """Render and atomically replace ``outdir``; a failure leaves the old tree untouched.

        ``outdir`` defaults to ``$GITOPS_PLATFORM_DIST``, else ``PlatformSpec.tree_prefix``
        (``dist``). Under ``cdk8s synth`` (``$CDK8S_OUTDIR`` set) the same files are also
        written to the CLI's staging folder, which the CLI empties before each run.
        """
        files = self.render()
        target = write_tree(
            files, Path(outdir or os.environ.get(DIST_ENV) or self.spec.tree_prefix)
        )
        staging = os.environ.get("CDK8S_OUTDIR")
        if staging and Path(staging).resolve() != target:
            write_tree(files, Path(staging))
        return target


def _kustomization(resources: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    }

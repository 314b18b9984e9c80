"""The bootstrap: projects, the root object, each environment's app-of-apps and overlay.

How revisions flow (see README, "Revisions and promotion"):

* ``infra/infra-root.yaml`` (applied once by hand) holds the ``bootstrap`` project and the
  root Application. The root tracks ``PlatformSpec.root_revision`` (``main``) and renders
  ``infra/`` (kustomization): itself, the projects and every environment's app-of-apps.
* ``infra/clusters/<env>/app-of-apps.yaml`` reads ``infra/clusters/<env>`` at the
  environment's pin. A pin change is a change on ``main``, so it reaches the cluster through
  the root.
* ``infra/clusters/<env>/kustomization.yaml`` takes the environment-neutral Applications of
  ``infra/platform/apps`` and patches them for the environment: the destination cluster, the
  values overlay, the per-environment manifests, and every Git source's revision set to the
  pin. So every Git source of an environment (values and manifests) resolves at one revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gitops_platform.argocd.application import (
    ApplicationProps,
    GitSource,
    HelmChartSource,
    SyncPolicy,
)
from gitops_platform.argocd.project import Destination, GroupKind, ProjectProps
from gitops_platform.core.component import PlatformComponent
from gitops_platform.core.environment import Cluster, Environment, PlatformSpec
from gitops_platform.output.yaml_format import dump_yaml

__all__ = [
    "IN_CLUSTER",
    "TreePaths",
    "app_of_apps",
    "apps_project",
    "bootstrap_project",
    "environment_application",
    "environment_kustomization",
    "platform_application",
    "platform_project",
    "root_application",
]

IN_CLUSTER = Cluster(server="https://kubernetes.default.svc")
_SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


class TreePaths:
    """Paths of the rendered tree, relative to the tree root and as repository paths."""

    def __init__(self, platform: PlatformSpec) -> None:
        self.prefix = platform.tree_prefix.rstrip("/")

    def repo(self, relpath: str) -> str:
        """Return the repository path of a tree-relative path."""
        return f"{self.prefix}/{relpath}"

    @staticmethod
    def values(component: str, overlay: str) -> str:
        """Return the values file of ``component`` (``base`` or an environment name)."""
        return f"infra/platform/values/{component}/{overlay}.yaml"

    @staticmethod
    def application(component: str) -> str:
        """Return the environment-neutral Application file of ``component``."""
        return f"infra/platform/apps/{component}-application.yaml"

    @staticmethod
    def addons(component: str, env: str | None = None) -> str:
        """Return the manifests folder of ``component`` (shared, or for one environment)."""
        return f"infra/base/addons/{component}" + (f"/{env}" if env else "")

    @staticmethod
    def cluster(env: str) -> str:
        """Return the folder of an environment."""
        return f"infra/clusters/{env}"


def bootstrap_project(platform: PlatformSpec) -> ProjectProps:
    """The project of the root and the app-of-apps: Applications and projects in Argo CD only.

    Whoever can change what these render can create Applications in any project, so the
    project reads only the platform repository and writes only into the Argo CD namespace.
    """
    return ProjectProps(
        name="bootstrap",
        description="Root and per-environment app-of-apps (admin only)",
        source_repos=(platform.repo_url,),
        destinations=(Destination(server=IN_CLUSTER.server, namespace=platform.argocd_namespace),),
        cluster_resource_whitelist=(),
        namespace_resource_whitelist=(
            GroupKind("argoproj.io", "AppProject"),
            GroupKind("argoproj.io", "Application"),
        ),
        sync_wave=-20,
    )


def platform_project(
    platform: PlatformSpec, components: Sequence[PlatformComponent]
) -> ProjectProps:
    """The ``platform`` project: exactly the charts, namespaces and cluster kinds in use."""
    repos = sorted({platform.repo_url} | {c.chart.repo_url for c in components})
    destinations = tuple(
        Destination(namespace=ns, name=env.cluster.name, server=env.cluster.server)
        for env in platform.environments
        for ns in sorted({c.namespace for c in components})
    )
    kinds: dict[tuple[str, str, str | None], GroupKind] = {}
    for component in components:
        for kind in component.cluster_kinds:
            kinds[(kind.group, kind.kind, kind.name)] = kind
        kinds[("", "Namespace", component.namespace)] = GroupKind(
            "", "Namespace", component.namespace
        )
    return ProjectProps(
        name="platform",
        description="Platform services: ingress, certificates, secrets, policy, observability",
        source_repos=tuple(repos),
        destinations=destinations,
        cluster_resource_whitelist=tuple(kinds[k] for k in sorted(kinds, key=str)),
        namespace_resource_blacklist=(
            GroupKind("", "LimitRange"),
            GroupKind("", "ResourceQuota"),
        ),
    )


def apps_project(platform: PlatformSpec, components: Sequence[PlatformComponent]) -> ProjectProps:
    """The ``apps`` project: any team namespace, but never platform or system namespaces."""
    reserved = sorted(
        {c.namespace for c in components} | {platform.argocd_namespace, *_SYSTEM_NAMESPACES}
    )
    destinations: list[Destination] = []
    for env in platform.environments:
        cluster = {"name": env.cluster.name, "server": env.cluster.server}
        destinations.extend(Destination(namespace=f"!{ns}", **cluster) for ns in reserved)
        destinations.append(Destination(namespace="*", **cluster))
    return ProjectProps(
        name="apps",
        description="Application teams' services",
        source_repos=tuple(sorted({platform.repo_url, *platform.app_source_repos})),
        destinations=tuple(destinations),
        cluster_resource_whitelist=(),
        namespace_resource_blacklist=(
            GroupKind("", "LimitRange"),
            GroupKind("", "ResourceQuota"),
            GroupKind("networking.k8s.io", "NetworkPolicy"),
        ),
    )


def _sources(
    platform: PlatformSpec,
    component: PlatformComponent,
    revision: str,
    env: Environment | None,
) -> tuple[HelmChartSource | GitSource, ...]:
    paths = TreePaths(platform)
    chart = component.chart
    value_files = [f"$values/{paths.repo(paths.values(component.name, 'base'))}"]
    if env is not None:
        value_files.append(f"$values/{paths.repo(paths.values(component.name, env.name))}")
    sources: list[HelmChartSource | GitSource] = [
        GitSource(repo_url=platform.repo_url, revision=revision, ref="values"),
        HelmChartSource(
            repo_url=chart.repo_url,
            chart=chart.chart,
            version=chart.version,
            release_name=chart.release_name or chart.chart,
            value_files=tuple(value_files),
            skip_crds=chart.skip_crds,
        ),
    ]
    if component.has_shared_manifests():
        sources.append(
            GitSource(
                repo_url=platform.repo_url,
                revision=revision,
                path=paths.repo(paths.addons(component.name)),
            )
        )
    if env is not None and component.has_environment_manifests():
        sources.append(
            GitSource(
                repo_url=platform.repo_url,
                revision=revision,
                path=paths.repo(paths.addons(component.name, env.name)),
            )
        )
    return tuple(sources)


def _application(
    platform: PlatformSpec,
    component: PlatformComponent,
    project: ProjectProps,
    *,
    name: str,
    cluster: Cluster,
    revision: str,
    env: Environment | None,
) -> ApplicationProps:
    return ApplicationProps(
        name=name,
        project=project,
        cluster=cluster,
        namespace=component.namespace,
        sources=_sources(platform, component, revision, env),
        sync_wave=component.sync_wave,
        sync_policy=SyncPolicy(
            server_side_apply=component.server_side_apply, options=component.sync_options
        ),
        pod_security=component.pod_security,
        namespace_labels=dict(component.namespace_labels),
        ignore_differences=component.ignore_differences,
        kinds=component.cluster_kinds,
    )


def platform_application(
    platform: PlatformSpec, component: PlatformComponent, project: ProjectProps
) -> ApplicationProps:
    """The environment-neutral Application of ``infra/platform/apps`` (patched per env)."""
    return _application(
        platform,
        component,
        project,
        name=component.name,
        cluster=IN_CLUSTER,
        revision=platform.root_revision,
        env=None,
    )


def environment_application(
    platform: PlatformSpec,
    component: PlatformComponent,
    project: ProjectProps,
    env: Environment,
) -> ApplicationProps:
    """The Application as it runs in ``env`` (what the environment's overlay produces)."""
    return _application(
        platform,
        component,
        project,
        name=f"{component.name}-{env.name}",
        cluster=env.cluster,
        revision=env.revision,
        env=env,
    )


def environment_kustomization(
    platform: PlatformSpec,
    base: Sequence[ApplicationProps],
    per_env: Sequence[ApplicationProps],
    env: Environment,
) -> dict[str, Any]:
    """The overlay turning the neutral Applications into ``env``'s, as JSON 6902 patches."""
    patches = []
    for neutral, target in zip(base, per_env, strict=True):
        ops: list[dict[str, Any]] = [
            {
                "op": "replace",
                "path": "/spec/destination",
                "value": target.cluster.destination(target.namespace),
            }
        ]
        target_sources = [s.as_dict() for s in target.sources]
        for index, source in enumerate(neutral.sources):
            if isinstance(source, GitSource):
                ops.append(
                    {
                        "op": "replace",
                        "path": f"/spec/sources/{index}/targetRevision",
                        "value": env.revision,
                    }
                )
            else:
                for value_file in target_sources[index]["helm"]["valueFiles"][
                    len(source.value_files) :
                ]:
                    ops.append(
                        {
                            "op": "add",
                            "path": f"/spec/sources/{index}/helm/valueFiles/-",
                            "value": value_file,
                        }
                    )
        for extra in target_sources[len(neutral.sources) :]:
            ops.append({"op": "add", "path": "/spec/sources/-", "value": extra})
        patches.append(
            {
                "target": {
                    "group": "argoproj.io",
                    "version": "v1alpha1",
                    "kind": "Application",
                    "name": neutral.name,
                },
                "patch": dump_yaml(ops, explicit_start=False),
            }
        )
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["../../platform"],
        "nameSuffix": f"-{env.name}",
        "labels": [
            {
                "pairs": {"gitops-platform.io/environment": env.name},
                "includeSelectors": False,
                "includeTemplates": False,
            }
        ],
        "patches": patches,
    }


def root_application(platform: PlatformSpec, project: ProjectProps) -> ApplicationProps:
    """The root: tracks ``root_revision`` and owns the projects and every app-of-apps."""
    paths = TreePaths(platform)
    return ApplicationProps(
        name="infra-root",
        project=project,
        cluster=IN_CLUSTER,
        namespace=platform.argocd_namespace,
        sources=(
            GitSource(
                repo_url=platform.repo_url,
                revision=platform.root_revision,
                path=paths.repo("infra"),
            ),
        ),
        sync_policy=SyncPolicy(create_namespace=False),
        pod_security=None,
        # Deleting the root by mistake must not cascade into every environment.
        finalizer=False,
    )


def app_of_apps(
    platform: PlatformSpec, project: ProjectProps, env: Environment
) -> ApplicationProps:
    """An environment's parent: renders ``infra/clusters/<env>`` at the environment's pin."""
    paths = TreePaths(platform)
    return ApplicationProps(
        name=f"platform-{env.name}",
        project=project,
        cluster=IN_CLUSTER,
        namespace=platform.argocd_namespace,
        sources=(
            GitSource(
                repo_url=platform.repo_url,
                revision=env.revision,
                path=paths.repo(paths.cluster(env.name)),
            ),
        ),
        sync_wave=-5,
        sync_policy=SyncPolicy(create_namespace=False),
        pod_security=None,
        labels={"gitops-platform.io/environment": env.name},
    )

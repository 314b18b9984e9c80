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
from dataclasses import replace
from typing import Any

import jsonpatch

from gitops_platform import layout
from gitops_platform.argocd.application import (
    ApplicationProps,
    GitSource,
    HelmChartSource,
    SyncPolicy,
)
from gitops_platform.argocd.project import Destination, GroupKind, ProjectProps
from gitops_platform.component import (
    APPS_PROJECT,
    PLATFORM_PROJECT,
    ChartRelease,
    PlatformComponent,
    Release,
)
from gitops_platform.core.environment import (
    SYSTEM_NAMESPACES,
    Cluster,
    Environment,
    PlatformSpec,
)
from gitops_platform.network.policies import ApplicationNetwork
from gitops_platform.output.yaml_format import dump_yaml

__all__ = [
    "IN_CLUSTER",
    "app_of_apps",
    "apps_project",
    "bootstrap_project",
    "component_application",
    "environment_kustomization",
    "local_chart_folder",
    "overlay_patch",
    "platform_project",
    "repo_path",
    "root_application",
    "values_file",
]

IN_CLUSTER = Cluster(server=layout.IN_CLUSTER_SERVER)


def repo_path(platform: PlatformSpec, relpath: str) -> str:
    """Return the repository path of a tree-relative path (``dist/<relpath>``)."""
    return f"{platform.tree_prefix.rstrip('/')}/{relpath}"


def values_file(component: PlatformComponent, release: Release, overlay: str) -> str:
    """The tree path of one release's values file (``overlay``: ``base`` or an environment).

    A single-chart component keeps ``values/<component>/<overlay>.yaml``; a component with
    several charts has one folder per release.
    """
    if component.project == APPS_PROJECT and len(component.charts) == 1:
        return layout.app_values_file(component.name, overlay)
    several = len(component.charts) > 1
    return layout.values_file(component.name, overlay, release.release_name if several else None)


def local_chart_folder(component: PlatformComponent, release: Release) -> str:
    """The tree folder a chart kept in the repository is copied to.

    An application team's single chart goes to ``apps/<service>/chart``; a platform
    component's to ``charts/<component>/<release>``.
    """
    if component.project == APPS_PROJECT and len(component.charts) == 1:
        return layout.app_chart_folder(component.name)
    return layout.chart_folder(component.name, release.release_name)


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


def _repos(platform: PlatformSpec, component: PlatformComponent) -> set[str]:
    return {
        chart.repo_url if isinstance(chart, ChartRelease) else platform.repo_url
        for chart in component.charts
    }


def _in(project: str, components: Sequence[PlatformComponent]) -> list[PlatformComponent]:
    return [c for c in components if c.project == project]


def platform_project(
    platform: PlatformSpec, components: Sequence[PlatformComponent]
) -> ProjectProps:
    """The ``platform`` project: exactly the charts, namespaces and cluster kinds in use.

    Only the components of the ``platform`` project count; system namespaces are never
    destinations (components are refused there).
    """
    members = _in(PLATFORM_PROJECT, components)
    repos = sorted({platform.repo_url}.union(*(_repos(platform, c) for c in members)))
    namespaces = sorted({c.namespace for c in members} - set(SYSTEM_NAMESPACES))
    destinations = tuple(
        Destination(namespace=ns, name=env.cluster.name, server=env.cluster.server)
        for env in platform.environments
        for ns in namespaces
    )
    kinds: dict[tuple[str, str, str | None], GroupKind] = {}
    for component in members:
        for kind in component.cluster_kinds:
            kinds[(kind.group, kind.kind, kind.name)] = kind
    for ns in namespaces:
        kinds[("", "Namespace", ns)] = GroupKind("", "Namespace", ns)
    return ProjectProps(
        name=PLATFORM_PROJECT,
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
    """The ``apps`` project: any team namespace, but never platform or system namespaces.

    Argo CD creates the namespaces of the ``apps`` components (``CreateNamespace=true``), so
    the project allows exactly those ``Namespace`` objects and no other cluster-scoped kind.
    """
    members = _in(APPS_PROJECT, components)
    # the platform's own namespaces; not a team's namespace whose NetworkPolicies it delivers
    reserved = sorted(
        {
            c.namespace
            for c in _in(PLATFORM_PROJECT, components)
            if not isinstance(c, ApplicationNetwork)
        }
        | {platform.argocd_namespace, *SYSTEM_NAMESPACES}
    )
    # One entry per cluster whose namespace pattern excludes the reserved ones. Separate
    # ``!<ns>`` entries next to a ``*`` entry would not refuse anything for a cluster given by
    # name: Argo CD 3.5 applies a namespace deny only when the entry's server matches (see
    # gitops_platform.rules.argocd).
    everything_but = "!{" + ",".join(reserved) + "}"
    destinations = [
        Destination(namespace=everything_but, name=env.cluster.name, server=env.cluster.server)
        for env in platform.environments
    ]
    repos = {platform.repo_url, *platform.app_source_repos}.union(
        *(_repos(platform, c) for c in members)
    )
    return ProjectProps(
        name=APPS_PROJECT,
        description="Application teams' services",
        source_repos=tuple(sorted(repos)),
        destinations=tuple(destinations),
        cluster_resource_whitelist=tuple(
            GroupKind("", "Namespace", ns) for ns in sorted({c.namespace for c in members})
        ),
        namespace_resource_blacklist=(
            GroupKind("", "LimitRange"),
            GroupKind("", "ResourceQuota"),
            GroupKind("networking.k8s.io", "NetworkPolicy"),
        ),
    )


def _chart_source(
    platform: PlatformSpec,
    component: PlatformComponent,
    release: Release,
    revision: str,
    env: Environment | None,
) -> HelmChartSource | GitSource:
    overlays = ["base"] if env is None else ["base", env.name]
    value_files = tuple(
        f"${layout.VALUES_REF}/{repo_path(platform, values_file(component, release, overlay))}"
        for overlay in overlays
    )
    if isinstance(release, ChartRelease):
        return HelmChartSource(
            repo_url=release.repo_url,
            chart=release.chart,
            version=release.version,
            release_name=release.release_name,
            value_files=value_files,
            skip_crds=release.skip_crds,
        )
    return GitSource(
        repo_url=platform.repo_url,
        revision=revision,
        path=repo_path(platform, local_chart_folder(component, release)),
        value_files=value_files,
        release_name=release.release_name,
    )


def component_application(
    platform: PlatformSpec,
    component: PlatformComponent,
    project: ProjectProps,
    *,
    env: Environment | None = None,
    manifests: Sequence[str] = (),
) -> ApplicationProps:
    """The Application of ``component``: environment-neutral (``env`` ``None``) or in ``env``.

    Its sources are, in order: the ``ref: values`` Git source (when it has charts), one source
    per chart release (a Helm source, or a Git path source for a chart kept in Git) with its
    ``base`` (and the environment's) values files, then one Git path source per manifests
    folder. The neutral Application targets the in-cluster server at ``root_revision``; the
    environment's overlay (:func:`environment_kustomization`) turns it into the environment's.

    Args:
        platform: the platform.
        component: the component.
        project: its Argo CD project.
        env: the environment, or ``None`` for the neutral Application.
        manifests: tree paths of the folders its manifests were rendered into.
    """
    revision = platform.root_revision if env is None else env.revision
    sources: list[HelmChartSource | GitSource] = []
    if component.charts:
        sources.append(
            GitSource(repo_url=platform.repo_url, revision=revision, ref=layout.VALUES_REF)
        )
    sources += [_chart_source(platform, component, r, revision, env) for r in component.charts]
    sources += [
        GitSource(repo_url=platform.repo_url, revision=revision, path=repo_path(platform, folder))
        for folder in manifests
    ]
    delivery = component.delivery
    return ApplicationProps(
        name=component.name if env is None else f"{component.name}-{env.name}",
        project=project,
        cluster=IN_CLUSTER if env is None else env.cluster,
        namespace=component.namespace,
        sources=tuple(sources),
        sync_wave=delivery.sync_wave,
        sync_policy=SyncPolicy(
            server_side_apply=delivery.server_side_apply, options=delivery.sync_options
        ),
        pod_security=delivery.pod_security,
        namespace_labels=dict(delivery.namespace_labels),
        ignore_differences=delivery.ignore_differences,
        kinds=component.cluster_kinds,
    )


def overlay_patch(neutral: ApplicationProps, target: ApplicationProps) -> list[dict[str, Any]]:
    """The JSON 6902 operations turning ``neutral``'s spec into ``target``'s.

    Derived by diffing the two specs (python-json-patch's ``make_patch``), so the patch follows
    whatever order the sources have: nothing is addressed by an assumed position.
    """
    patch = jsonpatch.make_patch({"spec": neutral.spec()}, {"spec": target.spec()})
    return [dict(op) for op in patch.patch]


def environment_kustomization(
    platform: PlatformSpec,
    applications: Sequence[tuple[ApplicationProps, ApplicationProps]],
    env: Environment,
) -> dict[str, Any]:
    """The overlay turning the neutral Applications into ``env``'s, as JSON 6902 patches.

    Args:
        platform: the platform.
        applications: ``(neutral, in env)`` pairs, one per component.
        env: the environment.
    """
    patches = [
        {
            "target": {
                "group": "argoproj.io",
                "version": "v1alpha1",
                "kind": "Application",
                "name": neutral.name,
            },
            "patch": dump_yaml(overlay_patch(neutral, target), explicit_start=False),
        }
        for neutral, target in applications
    ]
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


def _parent(
    platform: PlatformSpec, project: ProjectProps, name: str, revision: str, folder: str
) -> ApplicationProps:
    """What the root and each app-of-apps share: Argo CD's own namespace, one Git folder."""
    return ApplicationProps(
        name=name,
        project=project,
        cluster=IN_CLUSTER,
        namespace=platform.argocd_namespace,
        sources=(
            GitSource(
                repo_url=platform.repo_url, revision=revision, path=repo_path(platform, folder)
            ),
        ),
        sync_policy=SyncPolicy(create_namespace=False),
        pod_security=None,
    )


def root_application(platform: PlatformSpec, project: ProjectProps) -> ApplicationProps:
    """The root: tracks ``root_revision`` and owns the projects and every app-of-apps."""
    root = _parent(platform, project, "infra-root", platform.root_revision, layout.INFRA_FOLDER)
    # Deleting the root by mistake must not cascade into every environment.
    return replace(root, finalizer=False)


def app_of_apps(
    platform: PlatformSpec, project: ProjectProps, env: Environment
) -> ApplicationProps:
    """An environment's parent: renders ``infra/clusters/<env>`` at the environment's pin."""
    folder = layout.cluster_folder(env.name)
    parent = _parent(platform, project, f"platform-{env.name}", env.revision, folder)
    return replace(parent, sync_wave=-5, labels={"gitops-platform.io/environment": env.name})

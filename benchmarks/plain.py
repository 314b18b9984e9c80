"""The lower bound: the same files as ``fleet.build(n).render()``, in plain Python (no cdk8s).

The same dicts (built by the library's pure functions: Application and project props, values,
catalog entities, the services' objects, the overlays' patches), dumped by the same YAML writer.
What does not grow with the number of services (the platform components' own files, the root
and the app-of-apps) is rendered once by the platform beforehand (untimed) and copied, so this
emitter's time is a lower bound of what any emitter of the tree can take.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import fleet
from cdk8s import App, Chart

from gitops_platform import layout
from gitops_platform.argocd.application import ApplicationProps, application_manifest
from gitops_platform.argocd.project import project_manifest
from gitops_platform.bootstrap import (
    apps_project,
    component_application,
    environment_kustomization,
    local_chart_folder,
    platform_project,
    values_file,
)
from gitops_platform.component import (
    APPS_PROJECT,
    PLATFORM_PROJECT,
    ComponentContext,
    LocalChart,
)
from gitops_platform.core.objects import collect_plain, manifest, take_plain
from gitops_platform.network.policies import application_networks, emit_policies
from gitops_platform.output.yaml_format import dump_documents, dump_values, dump_yaml


def _file_name(obj: dict[str, Any]) -> str:
    name = str(obj["metadata"]["name"])
    return f"{str(obj['kind']).lower()}-{re.sub(r'[^a-z0-9.-]+', '-', name.lower())}.yaml"


#: Platform components whose manifests folders depend on the services: the gateway's
#: NetworkPolicies admit each service's flow, so its folders are rendered here, not copied.
GROWING_COMPONENTS = (fleet.OtlpGateway.name,)


def growing(relpath: str) -> bool:
    """Whether a tree file depends on the services (rendered here, not copied)."""
    if any(
        relpath.startswith(f"{layout.addons_folder(name, None)}/") for name in GROWING_COMPONENTS
    ):
        return True
    return relpath in (
        layout.project_file(APPS_PROJECT),
        layout.project_file(PLATFORM_PROJECT),
        layout.PLATFORM_KUSTOMIZATION,
        *(f"{layout.cluster_folder(e.name)}/kustomization.yaml" for e in fleet.SPEC.environments),
    )


def _folders(constant: Mapping[str, str], component: str, env: str | None) -> list[str]:
    """The manifests folder of a platform component, if the constant tree has one."""
    folder = layout.addons_folder(component, env)
    prefix = f"{folder}/"
    for relpath in constant:
        if relpath.startswith(prefix) and "/" not in relpath[len(prefix) :]:
            return [folder]
    return []


def render(
    count: int, charts: Path, constant: Mapping[str, str], *, network: bool
) -> dict[str, str]:
    """Every file of the tree of ``count`` services: tree path -> text."""
    spec = fleet.SPEC
    secrets = fleet.secrets_component()
    platform = fleet.platform_components(secrets)
    services = fleet.services(count, secrets, charts, network=network)
    networks = application_networks((*platform, *services))
    components: Sequence[Any] = (*platform, *services, *networks)
    files = {k: v for k, v in constant.items() if not growing(k)}
    projects = {APPS_PROJECT: apps_project(spec, components)}
    projects[PLATFORM_PROJECT] = platform_project(spec, components)
    apps = projects[APPS_PROJECT]
    for name in (APPS_PROJECT, PLATFORM_PROJECT):
        files[layout.project_file(name)] = dump_documents(
            [project_manifest(projects[name], namespace=spec.argocd_namespace, part_of=spec.name)]
        )
    # the platform-delivered NetworkPolicies come from the network package's functions, added
    # under one scope that keeps plain documents (no object crosses the bridge)
    scratch = Chart(App(), "plain", disable_resource_name_hashes=True)
    collect_plain(scratch)

    def network_folder(component: Any, ctx: ComponentContext) -> list[str]:
        env = ctx.env.name if ctx.env else None
        folder = layout.addons_folder(component.name, env)
        take_plain(scratch)
        component.manifests(scratch, ctx)
        emit_policies(scratch, component, ctx)
        docs = take_plain(scratch)
        for doc in docs:
            files[f"{folder}/{_file_name(doc)}"] = dump_documents([doc])
        return [folder] if docs else []

    store = secrets.store.as_dict()
    shared_ctx = ComponentContext(spec, None, tuple(components))
    env_ctx = {e.name: ComponentContext(spec, e, tuple(components)) for e in spec.environments}
    neutral: dict[str, ApplicationProps] = {}
    shared: dict[str, list[str]] = {}
    component: Any
    for network_component in networks:
        component = network_component
        shared[component.name] = network_folder(component, shared_ctx)
        neutral[component.name] = component_application(
            spec, component, projects[component.project], manifests=shared[component.name]
        )
        files[layout.application_file(component.name)] = dump_documents(
            [application_manifest(neutral[component.name], namespace=spec.argocd_namespace,
                                  part_of=spec.name)]
        )  # fmt: skip
    for platform_component in platform:
        component = platform_component
        if component.name in GROWING_COMPONENTS:
            shared[component.name] = network_folder(component, shared_ctx)
        else:
            shared[component.name] = _folders(constant, component.name, None)
        neutral[component.name] = component_application(
            spec, component, projects[component.project], manifests=shared[component.name]
        )

    def objects(service: fleet.BenchService, env: str | None) -> list[str]:
        folder = layout.addons_folder(service.name, env)
        made = fleet.service_objects(service.namespace, spec.name, env, store, network=network)
        for (api_version, kind), obj in made:
            doc = manifest(api_version=api_version, kind=kind, namespace=service.namespace, **obj)
            files[f"{folder}/{_file_name(doc)}"] = dump_documents([doc])
        return [folder] if made else []

    for service in services:
        (release,) = service.charts
        files[values_file(service, release, "base")] = dump_values(
            dict(service.values(release, shared_ctx))
        )
        folder = local_chart_folder(service, release)
        assert isinstance(release, LocalChart)  # noqa: S101 (a service's chart is kept here)
        for relpath, text in release.files().items():
            files[f"{folder}/{relpath}"] = text
        files.update(service.files(shared_ctx))
        shared[service.name] = objects(service, None)
        props = component_application(spec, service, apps, manifests=shared[service.name])
        neutral[service.name] = props
        files[layout.application_file(service.name)] = dump_documents(
            [application_manifest(props, namespace=spec.argocd_namespace, part_of=spec.name)]
        )
    for env in spec.environments:
        ctx = env_ctx[env.name]
        pairs = []
        for component in components:
            if isinstance(component, fleet.BenchService):
                (release,) = component.charts
                files[values_file(component, release, env.name)] = dump_values(
                    dict(component.values(release, ctx))
                )
                folders = [*shared[component.name], *objects(component, env.name)]
            elif component in networks or component.name in GROWING_COMPONENTS:
                folders = [*shared[component.name], *network_folder(component, ctx)]
            else:
                folders = [*shared[component.name], *_folders(constant, component.name, env.name)]
            props = component_application(
                spec, component, projects[component.project], env=env, manifests=folders
            )
            pairs.append((neutral[component.name], props))
        files[f"{layout.cluster_folder(env.name)}/kustomization.yaml"] = dump_yaml(
            environment_kustomization(spec, pairs, env)
        )
    files[layout.PLATFORM_KUSTOMIZATION] = dump_yaml(
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": sorted(f"apps/{c.name}-application.yaml" for c in components),
        }
    )
    return dict(sorted(files.items()))

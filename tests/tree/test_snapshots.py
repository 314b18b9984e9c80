"""Snapshots (syrupy): each construct's output and each environment's built set of objects.

They change only on purpose: `make snapshots` regenerates them, then review `git diff`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from cdk8s import App, Chart
from syrupy.assertion import SnapshotAssertion

from gitops_platform import (
    AcmeIssuer,
    AppProject,
    ArgoApplication,
    CertManager,
    ComponentContext,
    PlatformApp,
    PlatformComponent,
    SelfSignedIssuer,
    Traefik,
)
from gitops_platform.bootstrap import (
    app_of_apps,
    apps_project,
    bootstrap_project,
    platform_project,
    root_application,
)


def _chart() -> Chart:
    return Chart(App(), "snapshot", disable_resource_name_hashes=True)


def test_projects(
    main_module: ModuleType,
    components: tuple[PlatformComponent, ...],
    snapshot: SnapshotAssertion,
) -> None:
    spec = main_module.SPEC
    chart = _chart()
    for props in (
        bootstrap_project(spec),
        platform_project(spec, components),
        apps_project(spec, components),
    ):
        AppProject(chart, props.name, props)
    assert chart.to_json() == snapshot


def test_bootstrap_applications(main_module: ModuleType, snapshot: SnapshotAssertion) -> None:
    spec = main_module.SPEC
    chart = _chart()
    bootstrap = bootstrap_project(spec)
    ArgoApplication(chart, "root", root_application(spec, bootstrap))
    for env in spec.environments:
        ArgoApplication(chart, env.name, app_of_apps(spec, bootstrap, env))
    assert chart.to_json() == snapshot


@pytest.mark.parametrize("component", ["cert-manager", "external-secrets", "ingress", "policy"])
def test_component_application_and_manifests(
    main_module: ModuleType,
    platform_app: PlatformApp,
    components: tuple[PlatformComponent, ...],
    component: str,
    snapshot: SnapshotAssertion,
) -> None:
    spec = main_module.SPEC
    [selected] = [c for c in components if c.name == component]
    [release] = selected.charts
    shared = ComponentContext(spec, None, components)
    out: dict[str, Any] = {"base_values": selected.values(release, shared)}
    for env in spec.environments:
        chart = _chart()
        ArgoApplication(chart, "app", platform_app.application(selected.name, env.name))
        ctx = ComponentContext(spec, env, components)
        selected.manifests(chart, ctx)
        selected.manifests(chart, shared)
        out[env.name] = {"objects": chart.to_json(), "values": selected.values(release, ctx)}
    assert out == snapshot


def test_cluster_issuers(main_module: ModuleType, snapshot: SnapshotAssertion) -> None:
    spec = main_module.SPEC
    issuer: PlatformComponent = CertManager(
        issuers={
            "dev": SelfSignedIssuer(),
            "prd": AcmeIssuer(email="ops@example.com", ingress=Traefik()),
        }
    )
    chart = _chart()
    for env in spec.environments:
        issuer.manifests(chart, ComponentContext(spec, env))
    assert chart.to_json() == snapshot


def test_environment_builds(
    env_builds: dict[str, list[dict[str, Any]]], snapshot: SnapshotAssertion
) -> None:
    assert env_builds == snapshot


def test_root_build(root_build: list[dict[str, Any]], snapshot: SnapshotAssertion) -> None:
    assert root_build == snapshot

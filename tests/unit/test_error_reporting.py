"""Bad input gives the library's errors, naming path, field, value and what is allowed.

Objects report every problem they find at once (an ``InvalidObjectError`` carrying one
``InvalidValueError`` per problem), not only the first.
"""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import App, Chart

from gitops_platform import (
    ApplicationProps,
    AppProject,
    ArgoApplication,
    CertManager,
    Cluster,
    ConfigurationError,
    Destination,
    DuplicateError,
    Environment,
    ExternalSecrets,
    GitSource,
    GroupKind,
    HelmChartSource,
    InvalidObjectError,
    InvalidValueError,
    PlatformApp,
    PlatformSpec,
    ProjectProps,
    Sizing,
)
from tests.helpers import REPO, spec


def project(name: str = "team") -> ProjectProps:
    return ProjectProps(
        name=name,
        description="test",
        source_repos=(REPO,),
        destinations=(Destination(name="dev", namespace="team"),),
        cluster_resource_whitelist=(GroupKind("", "Namespace", "team"),),
    )


def app_props() -> ApplicationProps:
    return ApplicationProps(
        name="team",
        project=project(),
        cluster=Cluster(name="dev"),
        namespace="team",
        sources=(GitSource(repo_url=REPO, revision="main", path="apps/team"),),
        pod_security=None,
    )


def problems(error: InvalidObjectError) -> dict[str, InvalidValueError]:
    """The group's problems by field (each field reported once in these cases)."""
    found: dict[str, InvalidValueError] = {}
    for problem in error.exceptions:
        assert isinstance(problem, InvalidValueError), problem
        found[problem.field] = problem
    assert len(found) == len(error.exceptions), error
    return found


# -- raw Python errors become the library's ---------------------------------------------------


def test_cert_manager_issuers_must_be_a_mapping() -> None:
    with pytest.raises(ConfigurationError) as info:
        CertManager(issuers=None)  # type: ignore[arg-type]
    assert info.value.path == "CertManager"
    assert info.value.field == "issuers"
    assert info.value.value is None
    assert "mapping from environment name" in info.value.allowed


def test_external_secrets_stores_must_be_a_mapping() -> None:
    with pytest.raises(ConfigurationError) as info:
        ExternalSecrets(stores=["dev"])  # type: ignore[arg-type]
    assert (info.value.path, info.value.field, info.value.value) == (
        "ExternalSecrets",
        "stores",
        ["dev"],
    )


@pytest.mark.parametrize("components", [None, 5, "cert-manager", {"a": 1}])
def test_platform_app_components_must_be_a_sequence(components: Any) -> None:
    with pytest.raises(InvalidValueError) as info:
        PlatformApp(spec(), components)
    assert (info.value.path, info.value.field) == ("PlatformApp", "components")
    assert info.value.value == components
    assert "PlatformComponent" in info.value.allowed


@pytest.mark.parametrize(
    "build",
    [
        lambda chart, cid: AppProject(chart, cid, project()),
        lambda chart, cid: ArgoApplication(chart, cid, app_props()),
    ],
    ids=["AppProject", "ArgoApplication"],
)
def test_a_construct_id_used_twice_is_a_duplicate(build: Any) -> None:
    chart = Chart(App(), "team")
    build(chart, "dup")
    with pytest.raises(DuplicateError) as info:
        build(chart, "dup")
    assert info.value.path == "team/dup"
    assert (info.value.field, info.value.value) == ("id", "dup")
    assert "unique among siblings" in info.value.allowed


@pytest.mark.parametrize(
    ("kind", "build"),
    [
        ("AppProject", lambda scope: AppProject(scope, "project", project())),
        ("ArgoApplication", lambda scope: ArgoApplication(scope, "app", app_props())),
    ],
)
def test_a_construct_needs_a_scope(kind: str, build: Any) -> None:
    with pytest.raises(InvalidValueError) as info:
        build(None)
    assert info.value.path.startswith(kind)
    assert (info.value.field, info.value.value) == ("scope", None)
    assert "construct" in info.value.allowed


# -- every problem at once --------------------------------------------------------------------


def test_platform_spec_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        PlatformSpec(name="A B", repo_url="ftp://x", environments=())
    found = problems(info.value)
    assert set(found) == {"name", "repo_url", "environments"}
    assert found["name"].value == "A B"
    assert found["repo_url"].value == "ftp://x"
    assert "https://" in found["repo_url"].allowed
    assert found["environments"].value == ()
    assert info.value.path == "PlatformSpec"


def test_environment_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        Environment(5, None, "dev", revision=3)  # type: ignore[arg-type]
    found = problems(info.value)
    assert set(found) == {"name", "base_domain", "cluster", "revision"}
    assert (found["name"].value, found["base_domain"].value) == (5, None)
    assert (found["cluster"].value, found["revision"].value) == ("dev", 3)
    assert found["cluster"].path == "Environment(5)"


def test_sizing_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        Sizing(replicas="2", cpu_request=5, memory_request="lots")  # type: ignore[arg-type]
    found = problems(info.value)
    assert set(found) == {"replicas", "cpu_request", "memory_request"}
    assert [found[f].value for f in ("replicas", "cpu_request", "memory_request")] == [
        "2",
        5,
        "lots",
    ]


def test_git_source_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        GitSource(repo_url=5, revision=None, ref=3)  # type: ignore[arg-type]
    found = problems(info.value)
    assert set(found) == {"repo_url", "revision", "ref"}
    assert [found[f].value for f in ("repo_url", "revision", "ref")] == [5, None, 3]


def test_helm_chart_source_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        HelmChartSource(repo_url="http://x", chart="Bad_Chart", version="^1.0")
    found = problems(info.value)
    assert set(found) == {"repo_url", "chart", "version"}
    assert info.value.path == "HelmChartSource(Bad_Chart)"


def test_application_props_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        ApplicationProps(
            name="Bad Name",
            project="team",  # type: ignore[arg-type]
            cluster="dev",  # type: ignore[arg-type]
            namespace="Team",
            sources=(),
            sync_wave="1",  # type: ignore[arg-type]
        )
    found = problems(info.value)
    assert set(found) == {"name", "project", "cluster", "namespace", "sources", "sync_wave"}
    assert found["sync_wave"].value == "1"


def test_project_props_reports_every_problem() -> None:
    with pytest.raises(InvalidObjectError) as info:
        ProjectProps(
            name="Team",
            description=5,  # type: ignore[arg-type]
            source_repos="https://x",  # type: ignore[arg-type]
            destinations=[("prd", "x")],  # type: ignore[arg-type]
        )
    found = problems(info.value)
    assert set(found) == {"name", "description", "source_repos", "destinations"}
    assert found["source_repos"].value == "https://x"
    assert found["destinations"].value == [("prd", "x")]
    assert found["name"].value == "Team"

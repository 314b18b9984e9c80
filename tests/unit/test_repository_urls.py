"""Repository URLs and revisions as Argo CD reads them: OCI charts, SSH Git, CalVer tags."""

from __future__ import annotations

import pytest
from cdk8s import App, Chart

from gitops_platform import (
    ApplicationProps,
    AppProject,
    ArgoApplication,
    Cluster,
    Destination,
    GitSource,
    GroupKind,
    HelmChartSource,
    InvalidValueError,
    PermissionDeniedError,
    ProjectProps,
)
from gitops_platform.core.naming import (
    check_chart_repo_url,
    check_git_revision,
    check_git_url,
    is_commit_sha,
)

SSH_REPOS = (
    "git@github.com:org/deploy.git",
    "ssh://git@github.com/org/deploy.git",
    "ssh://git@git.example.com:2222/org/deploy",
)
OCI_REPOS = ("oci://ghcr.io/org/charts", "ghcr.io/org/charts", "registry.local:5000/charts")


@pytest.mark.parametrize("url", [*SSH_REPOS, "https://github.com/org/deploy.git"])
def test_git_urls_argocd_reads_are_accepted(url: str) -> None:
    assert check_git_url("GitSource", "repo_url", url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/org/deploy.git",
        "https://user:secret@github.com/org/deploy.git",
        "https://github.com/org/deploy.git?ref=main",
        "git@github.com:/org/deploy.git",
        "ghcr.io/org/charts",
    ],
)
def test_other_git_urls_are_refused_naming_what_is_allowed(url: str) -> None:
    with pytest.raises(InvalidValueError, match=r"ssh://\[user@\]host/path") as caught:
        check_git_url("GitSource", "repo_url", url)
    assert url in str(caught.value)


@pytest.mark.parametrize("url", [*OCI_REPOS, "https://charts.jetstack.io"])
def test_chart_repositories_https_and_oci_are_accepted(url: str) -> None:
    assert check_chart_repo_url("HelmChartSource", "repo_url", url) == url


@pytest.mark.parametrize(
    "url", ["ghcr.io", "charts/podinfo", "git@github.com:org/charts.git", "oci://ghcr.io"]
)
def test_other_chart_repositories_are_refused(url: str) -> None:
    with pytest.raises(InvalidValueError, match="oci://registry/path"):
        check_chart_repo_url("HelmChartSource", "repo_url", url)


@pytest.mark.parametrize("tag", ["20241129", "1234567", "deadbeef", "v2024.11.29", "release/1"])
def test_calver_and_build_number_tags_are_revisions(tag: str) -> None:
    assert not is_commit_sha(tag)
    assert check_git_revision("GitSource", "revision", tag) == tag


@pytest.mark.parametrize("sha", ["a" * 40, "0123456789abcdef" * 4, "ABCDEF0123" * 4])
def test_full_commit_ids_are_refused_as_pins(sha: str) -> None:
    assert is_commit_sha(sha)
    with pytest.raises(InvalidValueError, match="commit SHAs cannot pin"):
        check_git_revision("GitSource", "revision", sha)


def _synth(git: str, charts: str, allowed: tuple[str, ...]) -> list[dict[str, object]]:
    project = ProjectProps(
        name="team",
        description="a team",
        source_repos=allowed,
        destinations=(Destination(name="prd", namespace="team-*"),),
        cluster_resource_whitelist=(GroupKind("", "Namespace", "team-*"),),
    )
    chart = Chart(App(), "test")
    AppProject(chart, "project", project, part_of="team")
    ArgoApplication(
        chart,
        "app",
        ApplicationProps(
            name="team-api",
            project=project,
            cluster=Cluster(name="prd"),
            namespace="team-api",
            sources=(
                GitSource(repo_url=git, revision="20241129", ref="values"),
                HelmChartSource(
                    repo_url=charts,
                    chart="podinfo",
                    version="6.9.2",
                    value_files=("$values/team/values.yaml",),
                ),
            ),
        ),
        part_of="team",
    )
    return list(chart.to_json())


@pytest.mark.parametrize(("git", "charts"), list(zip(SSH_REPOS, OCI_REPOS, strict=True)))
def test_an_application_reads_ssh_git_and_oci_charts(git: str, charts: str) -> None:
    project, application = _synth(git, charts, (git, charts))
    assert project["spec"]["sourceRepos"] == [git, charts]  # type: ignore[index]
    sources = application["spec"]["sources"]  # type: ignore[index]
    assert sources[0] == {"repoURL": git, "targetRevision": "20241129", "ref": "values"}
    assert sources[1]["repoURL"] == charts
    assert sources[1]["targetRevision"] == "6.9.2"


def test_the_project_compares_ssh_urls_as_argocd_normalises_them() -> None:
    # scp-like and ssh:// forms of one repository are the same repository to Argo CD.
    _synth(
        "git@github.com:org/deploy.git",
        "ghcr.io/org/charts",
        ("ssh://git@github.com/org/deploy", "ghcr.io/org/*"),
    )
    with pytest.raises(PermissionDeniedError, match=r"ghcr\.io/other/charts"):
        _synth(
            "git@github.com:org/deploy.git",
            "ghcr.io/other/charts",
            ("git@github.com:org/deploy.git", "ghcr.io/org/*"),
        )

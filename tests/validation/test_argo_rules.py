"""Argo CD's project rules, globs, URL normalisation and version pinning, re-implemented for
the Argo CD step: each rule allows what Argo CD allows and refuses what it refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_platform.layout import RepoPrefix
from gitops_platform.rules.argocd import ProjectRules, glob_match, normalize_git_url
from gitops_platform.validation.argo_project import Project
from gitops_platform.validation.argocd import is_exact_version


@pytest.mark.parametrize(
    ("pattern", "value", "separators", "expected"),
    [
        ("*", "anything/at/all", "/", True),
        ("https://github.com/org/*", "https://github.com/org/repo", "/", True),
        ("https://github.com/org/*", "https://github.com/org/team/repo", "/", False),
        ("https://github.com/org/**", "https://github.com/org/team/repo", "/", True),
        ("team-*", "team-a", "", True),
        ("team-?", "team-ab", "", False),
        ("team-[ab]", "team-b", "", True),
        ("team-[!ab]", "team-b", "", False),
        ("{dev,prd}-*", "prd-api", "", True),
        ("{dev,prd}-*", "stg-api", "", False),
        ("!team-secret", "team-a", "", True),
        ("!team-secret", "team-secret", "", False),
        ("team.a", "teamxa", "", False),
    ],
)
def test_glob_match(pattern: str, value: str, separators: str, expected: bool) -> None:
    assert glob_match(pattern, value, separators=separators) is expected


@given(st.text(alphabet="abc-./", max_size=12))
def test_a_literal_pattern_matches_only_itself(value: str) -> None:
    assert glob_match(value, value)
    assert not glob_match(value, value + "x")


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://GitHub.com/Org/Repo.git", "https://github.com/org/repo"),
        ("  https://github.com/org/repo  ", "https://github.com/org/repo"),
        ("git@github.com:org/repo.git", "git@github.com/org/repo"),
        ("ssh://git@github.com/org/repo.git", "git@github.com/org/repo"),
    ],
)
def test_normalize_git_url(url: str, normalized: str) -> None:
    assert normalize_git_url(url) == normalized


PROJECT = Project.from_object(
    {
        "metadata": {"name": "team", "namespace": "argocd"},
        "spec": {
            "sourceRepos": [
                "https://git.example.com/platform/*",
                "!https://git.example.com/platform/secret-stuff",
                "https://charts.example.com",
            ],
            "destinations": [
                {"name": "dev", "namespace": "team-*"},
                {"server": "https://prd.example.com:6443", "namespace": "team-a"},
                {"name": "dev", "namespace": "!team-secret"},
            ],
            "clusterResourceWhitelist": [
                {"group": "", "kind": "Namespace", "name": "team-*"},
                {"group": "rbac.authorization.k8s.io", "kind": "*"},
            ],
            "clusterResourceBlacklist": [
                {"group": "rbac.authorization.k8s.io", "kind": "ClusterRoleBinding"}
            ],
            "namespaceResourceBlacklist": [{"group": "", "kind": "ResourceQuota"}],
        },
    }
)


@pytest.mark.parametrize(
    ("repo", "allowed"),
    [
        ("https://git.example.com/platform/gitops.git", True),
        ("https://GIT.example.com/platform/gitops", True),
        ("https://git.example.com/platform/secret-stuff.git", False),
        # As in Argo CD, a "!" entry matches (so allows) every repository it does not deny.
        ("https://git.example.com/other/gitops.git", True),
        ("https://charts.example.com", True),
    ],
)
def test_source_repos(repo: str, allowed: bool) -> None:
    assert PROJECT.source_permitted(repo) is allowed


@pytest.mark.parametrize(
    ("repo", "allowed"),
    [
        ("https://git.example.com/platform/gitops.git", True),
        ("https://git.example.com/other/gitops.git", False),
        ("https://charts.example.com", True),
        ("https://charts.example.com.evil.io", False),
    ],
)
def test_source_repos_without_a_denial(repo: str, allowed: bool) -> None:
    project = Project(
        "p",
        ProjectRules(
            source_repos=("https://git.example.com/platform/*", "https://charts.example.com")
        ),
    )
    assert project.source_permitted(repo) is allowed


@pytest.mark.parametrize(
    ("server", "name", "namespace", "allowed"),
    [
        ("", "dev", "team-a", True),
        ("", "dev", "kube-system", True),  # the "!team-secret" entry allows every other namespace
        # Argo CD 3.5.1 applies a namespace deny only where the entry's server matches: an
        # entry keyed by cluster name alone never refuses, and "team-*" permits this one.
        ("", "dev", "team-secret", True),
        ("https://prd.example.com:6443", "", "team-a", True),
        ("https://prd.example.com:6443", "", "team-b", False),
        ("", "prd", "team-a", False),
    ],
)
def test_destinations(server: str, name: str, namespace: str, allowed: bool) -> None:
    assert PROJECT.destination_permitted(server, name, namespace) is allowed


@pytest.mark.parametrize(
    ("group", "kind", "name", "namespaced", "allowed"),
    [
        ("", "Namespace", "team-a", False, True),
        ("", "Namespace", "kube-system", False, False),  # name globs (Argo CD >= 3.3)
        ("rbac.authorization.k8s.io", "ClusterRole", "reader", False, True),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding", "reader", False, False),  # blacklist
        ("apiextensions.k8s.io", "CustomResourceDefinition", "x", False, False),
        ("", "ConfigMap", "settings", True, True),  # no namespace whitelist: all namespaced kinds
        ("", "ResourceQuota", "quota", True, False),
    ],
)
def test_kinds(group: str, kind: str, name: str, namespaced: bool, allowed: bool) -> None:
    assert PROJECT.kind_permitted(group, kind, name, namespaced=namespaced) is allowed


def test_an_empty_namespace_whitelist_allows_nothing_and_an_absent_one_everything() -> None:
    empty = Project.from_object(
        {"metadata": {"name": "p"}, "spec": {"namespaceResourceWhitelist": []}}
    )
    absent = Project.from_object({"metadata": {"name": "p"}, "spec": {}})
    assert not empty.kind_permitted("apps", "Deployment", "web", namespaced=True)
    assert absent.kind_permitted("apps", "Deployment", "web", namespaced=True)
    assert not absent.kind_permitted("", "Namespace", "web", namespaced=False)


def test_the_default_project_allows_everything() -> None:
    default = Project.default()
    assert default.source_permitted("https://anything.example.com/x.git")
    assert default.destination_permitted("https://kubernetes.default.svc", "in-cluster", "any")
    assert default.kind_permitted("", "Namespace", "any", namespaced=False)


@pytest.mark.parametrize(
    ("version", "exact"),
    [
        ("7.0.1", True),
        ("v1.21.1", True),
        ("1.2.3-rc.1+build.5", True),
        ("", False),
        ("^7.0.0", False),
        ("~7.0.1", False),
        (">=1.2.0 <1.3.0", False),
        ("1.2.*", False),
        ("1.2.x", False),
        ("1.2", False),
        ("1.2.3 || 1.2.4", False),
        ("latest", False),
    ],
)
def test_exact_chart_versions(version: str, exact: bool) -> None:
    assert is_exact_version(version) is exact


@pytest.mark.parametrize(
    ("prefix", "repo_path", "tree_path"),
    [
        ("dist/", "dist/infra/clusters/dev", "infra/clusters/dev"),
        ("dist/", "./dist/infra", "infra"),
        ("dist/", "dist", "."),
        ("dist/", "platform/values.yaml", None),
        ("dist/", "distx/infra", None),
        ("", "infra/clusters/dev", "infra/clusters/dev"),
        ("rendered/prod/", "rendered/prod/apps", "apps"),
    ],
)
def test_repository_paths_map_onto_the_tree(
    prefix: str, repo_path: str, tree_path: str | None
) -> None:
    assert RepoPrefix(prefix).to_tree(repo_path) == tree_path


@given(
    st.sampled_from(["", "dist/", "rendered/prod/"]),
    st.lists(st.from_regex(r"[a-z0-9][a-z0-9.-]{0,8}", fullmatch=True), min_size=1, max_size=4),
)
def test_a_tree_path_written_for_the_repository_maps_back(prefix: str, parts: list[str]) -> None:
    tree_path = "/".join(parts)
    assert RepoPrefix(prefix).to_tree(RepoPrefix(prefix).to_repo(tree_path)) == tree_path
    assert RepoPrefix(prefix).to_tree(RepoPrefix(prefix).to_repo(".")) == "."

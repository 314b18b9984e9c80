"""AppProject and ArgoApplication: Argo CD's rules, applied at construction."""

from __future__ import annotations

import pytest
from cdk8s import App, Chart

from gitops_platform import (
    ApplicationProps,
    AppProject,
    ArgoApplication,
    Cluster,
    ConfigurationError,
    Destination,
    GitSource,
    GroupKind,
    HelmChartSource,
    InvalidValueError,
    PermissionDeniedError,
    ProjectProps,
    SecretLiteralError,
)
from gitops_platform.argocd.globs import glob_match, permitted
from tests.helpers import REPO

CHARTS = "https://charts.example.com"


def project(**overrides: object) -> ProjectProps:
    values: dict[str, object] = {
        "name": "platform",
        "description": "test",
        "source_repos": (REPO, CHARTS),
        "destinations": (Destination(name="dev", namespace="cert-manager"),),
        "cluster_resource_whitelist": (
            GroupKind("", "Namespace", "cert-manager"),
            GroupKind("apiextensions.k8s.io", "CustomResourceDefinition"),
        ),
    }
    values.update(overrides)
    return ProjectProps(**values)  # type: ignore[arg-type]


def app_props(**overrides: object) -> ApplicationProps:
    values: dict[str, object] = {
        "name": "cert-manager",
        "project": project(),
        "cluster": Cluster(name="dev"),
        "namespace": "cert-manager",
        "sources": (
            GitSource(repo_url=REPO, revision="main", ref="values"),
            HelmChartSource(
                repo_url=CHARTS,
                chart="cert-manager",
                version="v1.21.1",
                release_name="cert-manager",
                value_files=("$values/dist/values/base.yaml",),
            ),
        ),
        "kinds": (GroupKind("apiextensions.k8s.io", "CustomResourceDefinition"),),
    }
    values.update(overrides)
    return ApplicationProps(**values)  # type: ignore[arg-type]


def synth(props: ApplicationProps) -> list[dict[str, object]]:
    chart = Chart(App(), "test")
    ArgoApplication(chart, "app", props)
    return list(chart.to_json())


@pytest.mark.parametrize(
    ("pattern", "text", "separator", "expected"),
    [
        ("https://github.com/org/*", "https://github.com/org/repo", "/", True),
        ("https://github.com/*", "https://github.com/org/repo", "/", False),
        ("https://github.com/**", "https://github.com/org/repo", "/", True),
        ("team-*", "team-a", None, True),
        ("team-?", "team-ab", None, False),
        ("{a,b}-ns", "b-ns", None, True),
        ("*", "anything/at/all", None, True),
    ],
)
def test_globs_follow_argocd(
    pattern: str, text: str, separator: str | None, expected: bool
) -> None:
    assert glob_match(pattern, text, separator) is expected


def test_deny_patterns_win() -> None:
    assert permitted(("*", "!kube-system"), "team-a")
    assert not permitted(("*", "!kube-system"), "kube-system")
    assert not permitted(("!kube-system",), "team-a")


def test_project_permissions() -> None:
    p = project()
    assert p.permits_repo(REPO)
    assert not p.permits_repo("https://evil.example.com/x.git")
    assert p.permits_destination("cert-manager", name="dev", server=None)
    assert not p.permits_destination("kube-system", name="dev", server=None)
    assert not p.permits_destination("cert-manager", name="prd", server=None)
    assert p.permits_kind("", "Namespace", namespaced=False, name="cert-manager")
    assert not p.permits_kind("", "Namespace", namespaced=False, name="other")
    assert not p.permits_kind("rbac.authorization.k8s.io", "ClusterRole", namespaced=False)
    assert p.permits_kind("apps", "Deployment", namespaced=True)
    locked = project(
        namespace_resource_whitelist=(GroupKind("argoproj.io", "Application"),),
        namespace_resource_blacklist=(GroupKind("", "ResourceQuota"),),
    )
    assert locked.permits_kind("argoproj.io", "Application", namespaced=True)
    assert not locked.permits_kind("apps", "Deployment", namespaced=True)
    assert project().permits_kind("", "ResourceQuota", namespaced=True)


def test_project_refuses_invalid_rules() -> None:
    with pytest.raises(InvalidValueError, match="'!\\*' is invalid"):
        project(source_repos=("!*",))
    with pytest.raises(InvalidValueError, match="each destination once"):
        project(
            destinations=(
                Destination(name="dev", namespace="a"),
                Destination(name="dev", namespace="a"),
            )
        )
    with pytest.raises(InvalidValueError, match="exactly one"):
        Destination(namespace="a")


def test_app_project_object() -> None:
    chart = Chart(App(), "test")
    AppProject(chart, "p", project(), part_of="acme")
    [obj] = chart.to_json()
    assert obj["kind"] == "AppProject"
    assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "acme"
    assert obj["spec"]["clusterResourceWhitelist"][0] == {
        "group": "",
        "kind": "Namespace",
        "name": "cert-manager",
    }


def test_application_renders_multi_source_with_sync_policy() -> None:
    [obj] = synth(app_props())
    spec = obj["spec"]
    assert isinstance(spec, dict)
    assert spec["project"] == "platform"
    assert spec["sources"][0] == {"repoURL": REPO, "targetRevision": "main", "ref": "values"}
    assert spec["sources"][1]["helm"]["valueFiles"] == ["$values/dist/values/base.yaml"]
    assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert "CreateNamespace=true" in spec["syncPolicy"]["syncOptions"]
    labels = spec["syncPolicy"]["managedNamespaceMetadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert obj["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]  # type: ignore[index]


@pytest.mark.parametrize(
    "version", ["^1.2.0", "~1.2", ">=1.0.0", "1.*", "1.x", "", "latest", "1.2"]
)
def test_range_or_unpinned_chart_versions_are_refused(version: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        HelmChartSource(repo_url=CHARTS, chart="c", version=version)
    assert info.value.field == "version"
    assert info.value.value == version
    assert "exact chart version" in str(info.value)


def test_destination_namespace_not_permitted_names_construct_path() -> None:
    chart = Chart(App(), "cluster-dev")
    with pytest.raises(PermissionDeniedError) as info:
        ArgoApplication(chart, "cert-manager", app_props(namespace="kube-system"))
    message = str(info.value)
    assert info.value.path == "cluster-dev/cert-manager"
    assert info.value.field == "destination"
    assert "dev/kube-system" in message
    assert "allowed in project 'platform'" in message


def test_repository_not_permitted() -> None:
    sources = (
        GitSource(repo_url=REPO, revision="main", ref="values"),
        HelmChartSource(repo_url="https://other.example.com", chart="x", version="1.0.0"),
    )
    with pytest.raises(PermissionDeniedError, match=r"https://other\.example\.com"):
        synth(app_props(sources=sources))


def test_cluster_kind_not_whitelisted() -> None:
    with pytest.raises(PermissionDeniedError, match="ClusterRole"):
        synth(app_props(kinds=(GroupKind("rbac.authorization.k8s.io", "ClusterRole"),)))


def test_literal_secret_in_inline_values_is_refused() -> None:
    with pytest.raises(SecretLiteralError) as info:
        HelmChartSource(
            repo_url=CHARTS,
            chart="c",
            version="1.0.0",
            values_object={"postgresql": {"auth": {"password": "hunter2"}}},
        )
    assert info.value.field == "values_object.postgresql.auth.password"
    assert "hunter2" not in str(info.value)
    assert "reference to a Kubernetes Secret" in str(info.value)


def test_secret_references_are_accepted() -> None:
    source = HelmChartSource(
        repo_url=CHARTS,
        chart="c",
        version="1.0.0",
        values_object={
            "auth": {"existingSecret": "db", "passwordSecretKeyRef": "password"},
            "token": "${BACKSTAGE_TOKEN}",
            "apiKey": "",
        },
    )
    assert source.values_object is not None


def test_values_ref_must_exist_and_be_unique() -> None:
    helm = HelmChartSource(
        repo_url=CHARTS, chart="c", version="1.0.0", value_files=("$other/x.yaml",)
    )
    with pytest.raises(ConfigurationError, match="other"):
        app_props(sources=(GitSource(repo_url=REPO, revision="main", ref="values"), helm))
    with pytest.raises(ConfigurationError, match="unique ref names"):
        app_props(
            sources=(
                GitSource(repo_url=REPO, revision="main", ref="values"),
                GitSource(repo_url=REPO, revision="main", ref="values", path="x"),
            )
        )
    with pytest.raises(InvalidValueError, match="ref"):
        GitSource(repo_url=REPO, revision="main", ref="bad ref!")


def test_ignored_differences_are_rendered_and_respected_at_sync() -> None:
    from gitops_platform import IgnoreDifference
    from gitops_platform.argocd.application import WEBHOOK_CA_BUNDLES

    [obj] = synth(app_props(ignore_differences=WEBHOOK_CA_BUNDLES))
    spec = obj["spec"]
    assert isinstance(spec, dict)
    assert spec["ignoreDifferences"][0] == {
        "group": "admissionregistration.k8s.io",
        "kind": "ValidatingWebhookConfiguration",
        "jqPathExpressions": [".webhooks[]?.clientConfig.caBundle"],
    }
    assert "RespectIgnoreDifferences=true" in spec["syncPolicy"]["syncOptions"]
    with pytest.raises(InvalidValueError, match="at least one field"):
        IgnoreDifference("apps", "Deployment")
    with pytest.raises(InvalidValueError, match="pointer"):
        IgnoreDifference("apps", "Deployment", json_pointers=("spec/replicas",))

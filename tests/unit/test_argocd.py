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


# -- Argo CD 3.5's project rules through the public API (rules shared with the pipeline) ------


@pytest.mark.parametrize(
    ("namespace_pattern", "namespace"),
    [("team-[ab]", "team-b"), ("{a,{b,c}}x", "cx")],
)
def test_destination_globs_are_argocds(namespace_pattern: str, namespace: str) -> None:
    p = project(destinations=(Destination(name="dev", namespace=namespace_pattern),))
    assert p.permits_destination(namespace, name="dev", server=None)
    assert not p.permits_destination(namespace + "z", name="dev", server=None)


def test_an_application_in_a_class_glob_namespace_is_built() -> None:
    p = project(
        destinations=(Destination(name="dev", namespace="team-[ab]"),),
        cluster_resource_whitelist=(GroupKind("", "Namespace", "team-[ab]"),),
    )
    synth(app_props(project=p, namespace="team-b", kinds=()))
    with pytest.raises(PermissionDeniedError):
        synth(app_props(project=p, namespace="team-c", kinds=()))


def test_repository_urls_are_compared_normalised() -> None:
    p = project(source_repos=("https://github.com/org/repo", CHARTS))
    assert p.permits_repo("https://GitHub.com/org/repo.git")
    source = GitSource(repo_url="https://GitHub.com/org/repo.git", revision="main", ref="values")
    synth(app_props(project=p, sources=(source, app_props().sources[1])))
    assert not p.permits_repo("https://github.com/org/other")


def test_a_namespace_deny_applies_on_its_own_cluster() -> None:
    # (dev, !legacy-*), (dev, *), (prd, *): Argo CD 3.5.1's isDestinationMatched refuses a
    # namespace only through an entry whose server matches, so prd/legacy-api is permitted
    # (as in argo-cd's own test "negated namespace with multiple values").
    by_name = project(
        destinations=(
            Destination(name="dev", namespace="!legacy-*"),
            Destination(name="dev", namespace="*"),
            Destination(name="prd", namespace="*"),
        )
    )
    assert by_name.permits_destination("legacy-api", name="prd", server=None)
    # ... and an entry keyed by name alone never refuses: "*" on dev permits legacy-api too.
    assert by_name.permits_destination("legacy-api", name="dev", server=None)
    by_server = project(
        destinations=(
            Destination(server="https://dev.example.com", namespace="!legacy-*"),
            Destination(server="https://dev.example.com", namespace="*"),
            Destination(server="https://prd.example.com", namespace="*"),
        )
    )
    assert not by_server.permits_destination(
        "legacy-api", name=None, server="https://dev.example.com"
    )
    assert by_server.permits_destination("legacy-api", name=None, server="https://prd.example.com")
    assert by_server.permits_destination("team-a", name=None, server="https://dev.example.com")


def test_a_lone_deny_destination_allows_every_other_namespace() -> None:
    p = project(destinations=(Destination(name="prd", namespace="!kube-system"),))
    assert p.permits_destination("team-a", name="prd", server=None)
    assert p.permits_destination("cert-manager", name="prd", server=None)
    assert not p.permits_destination("kube-system", name="prd", server=None)
    assert not p.permits_destination("team-a", name="dev", server=None)


def test_the_in_cluster_server_and_name_are_one_cluster() -> None:
    p = project(destinations=(Destination(name="in-cluster", namespace="argocd"),))
    assert p.permits_destination("argocd", name=None, server="https://kubernetes.default.svc")


@pytest.mark.parametrize(
    "extra",
    [
        {"sourceRepos": ["*"]},
        {"destinations": [{"server": "*", "namespace": "*"}]},
        {"clusterResourceWhitelist": [{"group": "*", "kind": "*"}]},
        {"description": "other"},
    ],
)
def test_extra_cannot_overwrite_a_checked_field(extra: dict[str, object]) -> None:
    with pytest.raises(InvalidValueError, match="extra"):
        project(extra=extra)


def test_extra_fields_are_checked_with_the_rest() -> None:
    p = project(extra={"clusterResourceBlacklist": [{"group": "", "kind": "Namespace"}]})
    assert p.spec()["clusterResourceBlacklist"] == [{"group": "", "kind": "Namespace"}]
    assert not p.permits_kind("", "Namespace", namespaced=False, name="cert-manager")

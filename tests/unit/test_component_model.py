"""The component model through the public API: instances, charts, manifests, projects, traps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import jsonpatch
import pytest
import yaml
from cdk8s import ApiObject, ApiObjectMetadata
from constructs import Construct

from gitops_platform import (
    AcmeIssuer,
    ApplicationProps,
    CertManager,
    ChartRelease,
    Cluster,
    ComponentContext,
    ConfigurationError,
    Delivery,
    Destination,
    DuplicateError,
    Exemption,
    Gatekeeper,
    GitSource,
    GroupKind,
    HelmChartSource,
    InvalidObjectError,
    InvalidValueError,
    PlatformApp,
    PlatformComponent,
    PodSecurity,
    ProjectProps,
    Release,
    SelfSignedIssuer,
    Traefik,
)
from gitops_platform.policy import DEFAULT_EXEMPTIONS
from tests.helpers import REPO, components, spec


@dataclass(frozen=True, kw_only=True)
class Podinfo(PlatformComponent):
    """One chart; values given by the instance."""

    shared: Any = None
    per_env: Any = None
    name: str = "podinfo"
    namespace: str = "podinfo"

    @property
    def charts(self) -> tuple[Release, ...]:
        return (
            ChartRelease("https://stefanprodan.github.io/podinfo", "podinfo", "6.9.2", "podinfo"),
        )

    def values(self, release: Release, ctx: ComponentContext) -> Any:
        value = self.shared if ctx.env is None else self.per_env
        return {} if value is None else value


@dataclass(frozen=True, kw_only=True)
class Labels(PlatformComponent):
    """Manifests only: one ConfigMap, shared by every environment."""

    name: str = "labels"
    namespace: str = "labels"

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        if ctx.env is None:
            ApiObject(
                scope,
                "cm",
                api_version="v1",
                kind="ConfigMap",
                metadata=ApiObjectMetadata(
                    name="labels", labels={"app.kubernetes.io/name": "labels"}
                ),
            )


def app_of(*extra: PlatformComponent) -> PlatformApp:
    return PlatformApp(spec(), [*components(), *extra])


# -- case 1: a component model that carries what is coming ---------------------------------


def test_a_component_is_an_instance_usable_twice() -> None:
    public = Traefik()
    internal = Traefik(name="ingress-internal", namespace="traefik-internal", class_name="internal")
    app = PlatformApp(spec(), [public, internal])
    files = app.render()
    assert "infra/platform/apps/ingress-internal-application.yaml" in files
    assert app.application("ingress-internal", "dev").namespace == "traefik-internal"
    values = yaml.safe_load(files["infra/platform/values/ingress-internal/base.yaml"])
    assert values["ingressClass"]["name"] == "internal"


def test_manifests_need_no_flag_and_a_manifests_only_component_is_one_git_source() -> None:
    app = app_of(Labels())
    files = app.render()
    assert "infra/base/addons/labels/configmap-labels.yaml" in files
    neutral = app.application("labels").spec()
    assert neutral["source"]["path"] == "dist/infra/base/addons/labels"
    assert "sources" not in neutral
    # nothing emitted for an environment means no source for it
    assert "infra/base/addons/labels/dev" not in "".join(files)


def test_several_charts_become_one_application_with_a_source_and_values_per_chart() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Pair(Podinfo):
        name: str = "pair"
        namespace: str = "pair"

        @property
        def charts(self) -> tuple[Release, ...]:
            repo = "https://grafana-community.github.io/helm-charts"
            return (
                ChartRelease(repo, "loki", "18.11.0", "loki"),
                ChartRelease(repo, "tempo", "2.2.4", "tempo"),
            )

        def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
            return {"release": release.release_name, "env": ctx.env.name if ctx.env else None}

    app = app_of(Pair())
    sources = app.application("pair", "prd").spec()["sources"]
    assert sources[0]["ref"] == "values"
    charts = [s for s in sources[1:] if "chart" in s]  # then its NetworkPolicies' folder
    assert [(s["chart"], s["helm"]["valueFiles"]) for s in charts] == [
        (
            chart,
            [
                f"$values/dist/infra/platform/values/pair/{chart}/base.yaml",
                f"$values/dist/infra/platform/values/pair/{chart}/prd.yaml",
            ],
        )
        for chart in ("loki", "tempo")
    ]
    files = app.render()
    assert yaml.safe_load(files["infra/platform/values/pair/tempo/prd.yaml"]) == {
        "release": "tempo",
        "env": "prd",
    }


def test_an_application_in_the_apps_project(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: api\nversion: 0.1.0\n")

    @dataclass(frozen=True, kw_only=True)
    class Api(PlatformComponent):
        name: str = "api"
        namespace: str = "team-api"
        project: str = "apps"

        @property
        def charts(self) -> tuple[Release, ...]:
            from gitops_platform import LocalChart

            return (LocalChart(chart, release_name="api"),)

    app = app_of(Api())
    props = app.application("api", "dev")
    assert props.project.name == "apps"
    # Argo CD creates the namespace: the apps project allows exactly that Namespace
    assert GroupKind("", "Namespace", "team-api") in props.project.cluster_resource_whitelist
    # an application team's chart is kept at apps/<service>/chart in the tree
    assert app.render()["apps/api/chart/Chart.yaml"].startswith("apiVersion: v2")
    # a platform namespace stays closed to the apps project
    with pytest.raises(Exception, match="dev/traefik"):
        app_of(Api(namespace="traefik"))


def test_consumers_read_typed_outputs_of_the_component_they_take() -> None:
    edge = Traefik(class_name="edge")
    tls = CertManager(
        issuers={"dev": SelfSignedIssuer(), "prd": AcmeIssuer(email="o@example.com", ingress=edge)}
    )
    app = PlatformApp(spec(), [tls, edge])
    issuer = yaml.safe_load(
        app.render()["infra/base/addons/cert-manager/prd/clusterissuer-platform-tls.yaml"]
    )
    [solver] = issuer["spec"]["acme"]["solvers"]
    assert solver["http01"]["ingress"]["ingressClassName"] == "edge"
    assert tls.issuer.annotations() == {"cert-manager.io/cluster-issuer": "platform-tls"}
    with pytest.raises(InvalidValueError, match="ingress"):
        AcmeIssuer(email="o@example.com", ingress="traefik")  # type: ignore[arg-type]


def test_components_sharing_a_namespace_agree_on_its_pod_security_level() -> None:
    loose = Labels(namespace="podinfo", delivery=Delivery(pod_security=PodSecurity.BASELINE))
    with pytest.raises(ConfigurationError) as info:
        PlatformApp(spec(), [Podinfo(), loose])
    assert info.value.field == "delivery.pod_security"
    assert "'podinfo'" in str(info.value)
    assert "restricted" in str(info.value)


# -- case 6: overlays derived, not indexed ---------------------------------------------------


def test_reordered_sources_are_patched_by_content_not_position() -> None:
    from gitops_platform.bootstrap import IN_CLUSTER, environment_kustomization

    project = ProjectProps(
        name="platform",
        description="d",
        source_repos=("*",),
        destinations=(Destination(namespace="*", name="dev"),),
    )
    ref = GitSource(repo_url=REPO, revision="main", ref="values")
    chart = HelmChartSource(
        repo_url="https://charts.example.com", chart="a", version="1.0.0",
        value_files=("$values/base.yaml",),
    )  # fmt: skip
    manifests = GitSource(repo_url=REPO, revision="main", path="dist/x")
    neutral = ApplicationProps(
        name="a", project=project, cluster=IN_CLUSTER, namespace="a",
        sources=(ref, chart, manifests),
    )  # fmt: skip
    # the environment's Application lists its sources in another order
    target = ApplicationProps(
        name="a-dev", project=project, cluster=Cluster(name="dev"), namespace="a",
        sources=(
            GitSource(repo_url=REPO, revision="env/dev", path="dist/x"),
            HelmChartSource(
                repo_url="https://charts.example.com", chart="a", version="1.0.0",
                value_files=("$values/base.yaml", "$values/dev.yaml"),
            ),
            GitSource(repo_url=REPO, revision="env/dev", ref="values"),
        ),
    )  # fmt: skip
    env = spec().environments[0]
    kustomization = environment_kustomization(spec(), [(neutral, target)], env)
    [patch] = kustomization["patches"]
    ops = yaml.safe_load(patch["patch"])
    patched = jsonpatch.apply_patch({"spec": neutral.spec()}, ops)
    assert patched == {"spec": target.spec()}


# -- case 7: errors --------------------------------------------------------------------------


def test_every_problem_of_the_components_is_reported_at_once() -> None:
    with pytest.raises(InvalidObjectError) as info:
        PlatformApp(
            spec(),
            [Podinfo(name="Bad_Name", namespace="kube-system", project="team")],
        )
    fields = sorted(e.field for e in info.value.exceptions)  # type: ignore[union-attr]
    assert fields == ["name", "namespace", "project"]
    assert "3 problems" in str(info.value)


# -- case 8: the contract's traps, each a typed error ---------------------------------------


def test_a_component_without_name_or_namespace() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Nameless(Podinfo):
        name: str = ""
        namespace: str = ""

    class OldStyle(Podinfo):
        name = "old"  # a class constant is not a field: the instance keeps the field's value

    with pytest.raises(InvalidObjectError) as info:
        PlatformApp(spec(), [Nameless()])
    assert {e.field for e in info.value.exceptions} == {"name", "namespace"}  # type: ignore[union-attr]
    assert "field of the component's dataclass" in str(info.value)
    app = PlatformApp(spec(), [OldStyle()])
    assert "infra/platform/apps/podinfo-application.yaml" in app.render()


@pytest.mark.parametrize(
    ("values", "field", "kind"),
    [
        ({"hosts": {"a", "b"}}, "base.hosts", "set"),
        ({"config": {"file": Path("/etc/x")}}, "base.config.file", "PosixPath"),
        ({"level": PodSecurity.RESTRICTED}, "base.level", "not PodSecurity"),
        ({1: "x"}, "base. key", "a string key"),
    ],
)
def test_values_that_are_not_yaml_data(values: Any, field: str, kind: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        app_of(Podinfo(shared=values))
    assert info.value.path == "podinfo/values"
    assert info.value.field == field
    assert kind in str(info.value)


def test_every_bad_value_of_a_values_map_at_once() -> None:
    with pytest.raises(InvalidObjectError) as info:
        app_of(Podinfo(shared={"a": {1, 2}, "b": Path("x"), "c": [b"raw"]}))
    assert [e.field for e in info.value.exceptions] == ["base.a", "base.b", "base.c[0]"]  # type: ignore[union-attr]


def test_a_values_hook_returning_none() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Forgetful(Podinfo):
        def values(self, release: Release, ctx: ComponentContext) -> Any:
            return None

    with pytest.raises(InvalidValueError) as info:
        app_of(Forgetful())
    assert info.value.field == "base"
    assert "return {} for none" in str(info.value)


def test_sync_wave_must_be_an_int() -> None:
    with pytest.raises(InvalidValueError) as info:
        Delivery(sync_wave="1")  # type: ignore[arg-type]
    assert info.value.field == "sync_wave"
    with pytest.raises(InvalidObjectError):
        Delivery(sync_wave="1", server_side_apply="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("namespace", ["kube-system", "kube-public", "default"])
def test_system_namespaces_are_refused_and_never_opened(namespace: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        PlatformApp(spec(), [Traefik(namespace=namespace)])
    assert info.value.field == "namespace"
    assert "system namespaces" in str(info.value)
    project = yaml.safe_load(
        PlatformApp(spec(), components()).render()["infra/projects/argocd-project-platform.yaml"]
    )
    assert all(d["namespace"] != "kube-system" for d in project["spec"]["destinations"])


def test_no_components_at_all() -> None:
    with pytest.raises(ConfigurationError) as info:
        PlatformApp(spec(), [])
    assert info.value.field == "components"
    assert "at least one component" in str(info.value)
    assert "destination" not in str(info.value)


def test_a_component_that_delivers_nothing() -> None:
    with pytest.raises(ConfigurationError, match="at least one source"):
        PlatformApp(spec(), [PlatformComponent(name="empty", namespace="empty")])


# -- case 9: knowledge a component owns -------------------------------------------------------


def test_a_component_owns_its_policy_exemptions() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Exporter(Podinfo):
        cluster_kinds: ClassVar[tuple[GroupKind, ...]] = ()

        def policy_exemptions(self) -> tuple[Exemption, ...]:
            return (
                Exemption(
                    policy="container-security",
                    kind="DaemonSet",
                    namespace=self.namespace,
                    name="*node-exporter",
                    checks=("host-network",),
                    reason="node metrics need the node's network namespace to see interfaces",
                ),
            )

    files = app_of(Gatekeeper(), Exporter()).render()
    constraint = yaml.safe_load(
        files["infra/base/addons/policy/platformcontainersecurity-container-security.yaml"]
    )
    assert [e["name"] for e in constraint["spec"]["parameters"]["exemptions"]] == ["*node-exporter"]
    labels = yaml.safe_load(
        files["infra/base/addons/policy/platformrequiredlabels-required-labels.yaml"]
    )
    names = {(e["kind"], e["namespace"]) for e in labels["spec"]["parameters"]["exemptions"]}
    assert ("*", "gatekeeper-system") in names  # declared by the Gatekeeper component
    # the central list keeps only what belongs to no component
    assert all("node-exporter" not in e.name for e in DEFAULT_EXEMPTIONS)
    assert all(not e.name.startswith("gatekeeper") for e in DEFAULT_EXEMPTIONS)


def test_each_chart_names_the_crd_release_validation_uses_for_it() -> None:
    """A chart's version and the CRDs validation (and the bindings) use cannot drift apart."""
    import re

    from gitops_platform.validation.settings import Settings
    from tests.conftest import ROOT
    from tests.tree.conftest import load_main

    upstream = Settings.make(ROOT, repo_root=ROOT).upstream
    imports = (ROOT / "cdk8s.yaml").read_text(encoding="utf-8")
    pinned: dict[str, set[str]] = {}
    for repo, tag in re.findall(r"githubusercontent\.com/[^/]+/([^/]+)/([^/]+)/", imports):
        pinned.setdefault(repo, set()).add(tag)
    seen = 0
    for component in load_main().build().components:
        for release in component.charts:
            for crds in release.crds:
                seen += 1
                assert (upstream / crds.folder).is_dir(), (component.name, crds.folder)
                assert any(p.suffix == ".yaml" for p in (upstream / crds.folder).iterdir())
                assert pinned.get(crds.project) == {crds.tag}, (crds, pinned.get(crds.project))
    assert seen == 3  # cert-manager, External Secrets, Gatekeeper


def test_two_releases_of_one_name_in_one_namespace_are_refused() -> None:
    with pytest.raises(DuplicateError) as info:
        PlatformApp(spec(), [Podinfo(), Podinfo(name="podinfo-two")])
    assert info.value.field == "charts"
    assert "'podinfo' releases one with this name there already" in str(info.value)
    # the same chart twice, each in a namespace of its own, is fine
    PlatformApp(spec(), [Podinfo(), Podinfo(name="podinfo-two", namespace="podinfo-two")])


def test_the_apps_project_refuses_platform_and_system_namespaces() -> None:
    """Argo CD 3.5 ignores a namespace deny keyed by cluster name: one pattern per cluster."""
    from gitops_platform.bootstrap import apps_project

    project = apps_project(spec(), components())
    for cluster in ("dev", "prd"):
        for namespace in ("kube-system", "default", "argocd", "traefik", "cert-manager"):
            assert not project.permits_destination(namespace, name=cluster, server=None)
        assert project.permits_destination("team-a", name=cluster, server=None)
    assert not project.permits_destination("team-a", name="elsewhere", server=None)


def test_the_readme_table_says_what_the_components_declare() -> None:
    """The component table of the README follows the components: chart, version and wave."""
    import re

    from gitops_platform import ChartRelease
    from tests.conftest import ROOT
    from tests.tree.conftest import load_main

    rows = {
        name: (chart, version, int(wave))
        for name, chart, version, wave in re.findall(
            r"^\| `([a-z-]+)` \| [^|`]*`([a-z-]+)` (v?[0-9][^ |]*)[^|]*\| (-?\d+) \|",
            (ROOT / "README.md").read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    }
    declared = {}
    for component in load_main().build().components:
        if component.project == "apps" or not component.charts:
            # application teams' services are listed under onboarding; the NetworkPolicies
            # the platform delivers into their namespaces (ApplicationNetwork) have no chart
            continue
        release = component.charts[0]  # a multi-chart component's row names its first chart
        assert isinstance(release, ChartRelease)
        declared[component.name] = (release.chart, release.version, component.delivery.sync_wave)
    assert rows == declared


def test_a_component_whose_outputs_are_read_must_be_part_of_the_platform() -> None:
    edge = Traefik(class_name="edge")
    tls = CertManager(
        issuers={"dev": SelfSignedIssuer(), "prd": AcmeIssuer(email="o@example.com", ingress=edge)}
    )
    assert tls.uses() == (edge,)
    with pytest.raises(ConfigurationError) as info:
        PlatformApp(spec(), [tls, Traefik()])  # another ingress than the one the issuer reads
    assert info.value.path == "PlatformApp/cert-manager"
    assert info.value.field == "uses"
    assert "does not deliver" in str(info.value)


def test_a_service_endpoint_renders_its_url_and_refuses_every_bad_field_at_once() -> None:
    from gitops_platform import InvalidObjectError, InvalidValueError, ServiceEndpoint

    endpoint = ServiceEndpoint("prometheus", "monitoring", 9090, path="/api/v1")
    assert endpoint.url == "http://prometheus.monitoring.svc:9090/api/v1"
    assert endpoint.authority == "prometheus.monitoring.svc:9090"
    with pytest.raises(InvalidObjectError) as caught:
        ServiceEndpoint("Bad_Name", "monitoring", 70000, scheme="ftp", path="api")
    problems = caught.value.exceptions
    assert all(isinstance(error, InvalidValueError) for error in problems)
    fields = sorted(error.field for error in problems if isinstance(error, InvalidValueError))
    assert fields == ["path", "port", "scheme", "service"]

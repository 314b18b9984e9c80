"""Step 5c and 5a on real chart archives from the offline mirror, with the real tools.

Every pinned platform chart is rendered for every environment exactly as the pipeline does it,
and each render must produce the objects a reviewed render produced (so a chart that suddenly
renders nothing, or something else, fails). Known-bad fixtures under
``tests/fixtures/validation/helm-render/`` make each finding fail, naming the chart, the
environment, the object and the field.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from gitops_platform.argocd.application import HelmChartSource
from gitops_platform.layout import CHART_MIRROR_ENV
from gitops_platform.validation import chart_render, chart_source, kustomize
from gitops_platform.validation.argo_tree import RepoPrefix, walk_from_root
from gitops_platform.validation.chart_source import ChartFetcher, ChartMirror, ChartRef
from gitops_platform.validation.helm_values import UNDECLARED_KEYS, load_chart, unknown_keys
from gitops_platform.validation.pipeline import PipelineReport, resolve_steps, validate_tree
from gitops_platform.validation.report import Status, StepResult
from gitops_platform.validation.settings import Settings
from gitops_platform.validation.tree import load_tree
from tests.conftest import ROOT, find_tool

FIXTURES = ROOT / "tests" / "fixtures" / "validation" / "helm-render"
SETTINGS = Settings.make(ROOT / "dist", repo_root=ROOT)
MIRROR = SETTINGS.upstream / "chart-repos"
GATEKEEPER_REPO = "open-policy-agent.github.io/gatekeeper/charts"
STEPS = "helm-values,helm-render,kubeconform,policies,argocd"


@pytest.fixture(scope="module", autouse=True)
def _tools_and_mirror() -> None:
    for tool in ("kustomize", "kubeconform", "helm", "gator"):
        find_tool(tool)
    if not (MIRROR / GATEKEEPER_REPO / "index.yaml").is_file():
        pytest.fail(f"the chart mirror is missing at {MIRROR} (see ../shared/upstream)")


def validate(tree: Path, steps: str = STEPS, **settings: object) -> PipelineReport:
    made = Settings.make(tree, repo_root=ROOT, freshness=False, **settings)  # type: ignore[arg-type]
    return validate_tree(made, resolve_steps([steps]))


def result(report: PipelineReport, step: str) -> StepResult:
    return next(r for r in report.results if r.name == step)


# -- every pinned chart, every environment -------------------------------------------------

#: What a reviewed render of the committed tree produced, per Application: the kinds and how
#: many of each (CRDs included: Argo CD renders with --include-crds).
_CERT_MANAGER = {
    "ClusterRole": 13,
    "ClusterRoleBinding": 10,
    "CustomResourceDefinition": 6,
    "Deployment": 3,
    "Job": 1,  # startupapicheck, a post-install hook (a PostSync hook in Argo CD)
    "MutatingWebhookConfiguration": 1,
    "Role": 4,
    "RoleBinding": 4,
    "Service": 3,
    "ServiceAccount": 4,
    # one monitor over the controller, webhook and cainjector metrics ports (9402)
    "ServiceMonitor": 1,
    "ValidatingWebhookConfiguration": 1,
}
_EXTERNAL_SECRETS = {
    "ClusterRole": 5,
    "ClusterRoleBinding": 2,
    "CustomResourceDefinition": 25,
    "Deployment": 3,
    "Role": 1,
    "RoleBinding": 1,
    "Secret": 1,  # the webhook's certificate, filled in by the cert controller
    "Service": 3,  # the webhook, the controller's and the cert controller's metrics
    "ServiceAccount": 3,
    # controller, webhook, cert controller: rendered once the environment serves the kind
    "ServiceMonitor": 3,
    "ValidatingWebhookConfiguration": 2,
}
_TRAEFIK = {
    "ClusterRole": 1,
    "ClusterRoleBinding": 1,
    "CustomResourceDefinition": 25,
    "Deployment": 1,
    "IngressClass": 1,
    "Service": 1,
    "ServiceAccount": 1,
}
_GATEKEEPER = {
    "ClusterRole": 2,
    "ClusterRoleBinding": 2,
    "CustomResourceDefinition": 17,
    "Deployment": 2,
    "Job": 1,  # the CRD upgrade hook
    "MutatingWebhookConfiguration": 1,
    "PodDisruptionBudget": 1,
    "Role": 1,
    "RoleBinding": 1,
    "Secret": 1,
    "Service": 1,
    "ServiceAccount": 2,
    "ValidatingWebhookConfiguration": 1,
}
#: (Application, environment) -> (chart, namespace, kinds): prd runs several replicas, so the
#: charts add PodDisruptionBudgets there.
_BACKSTAGE = {
    "ConfigMap": 2,  # app-config, dynamic plugins
    "Deployment": 1,
    "Ingress": 1,
    "Service": 1,
    "ServiceAccount": 1,
    "ServiceMonitor": 1,
}
EXPECTED: dict[tuple[str, str], tuple[str, str, dict[str, int]]] = {
    ("backstage-dev", "dev"): ("backstage 5.12.10", "backstage", _BACKSTAGE),
    ("backstage-prd", "prd"): (
        "backstage 5.12.10",
        "backstage",
        {**_BACKSTAGE, "PodDisruptionBudget": 1},
    ),
    ("cert-manager-dev", "dev"): ("cert-manager v1.21.1", "cert-manager", _CERT_MANAGER),
    ("cert-manager-prd", "prd"): (
        "cert-manager v1.21.1",
        "cert-manager",
        {**_CERT_MANAGER, "PodDisruptionBudget": 3},
    ),
    ("external-secrets-dev", "dev"): (
        "external-secrets 2.9.0",
        "external-secrets",
        _EXTERNAL_SECRETS,
    ),
    ("external-secrets-prd", "prd"): (
        "external-secrets 2.9.0",
        "external-secrets",
        {**_EXTERNAL_SECRETS, "PodDisruptionBudget": 3},
    ),
    ("ingress-dev", "dev"): ("traefik 41.3.0", "traefik", _TRAEFIK),
    ("ingress-prd", "prd"): ("traefik 41.3.0", "traefik", {**_TRAEFIK, "PodDisruptionBudget": 1}),
    ("policy-dev", "dev"): ("gatekeeper 3.23.0", "gatekeeper-system", _GATEKEEPER),
    ("policy-prd", "prd"): ("gatekeeper 3.23.0", "gatekeeper-system", _GATEKEEPER),
}


@pytest.fixture(scope="module")
def platform_renders() -> Iterator[tuple[StepResult, list[chart_render.HelmOutput]]]:
    tree = load_tree(SETTINGS.tree)
    builds = kustomize.build_all(tree.root, tree.kustomization_dirs, Path(find_tool("kustomize")))
    paths = RepoPrefix(SETTINGS.repo_prefix)
    inventory = walk_from_root(tree, builds, paths)
    fetcher = chart_source.fetcher_for(SETTINGS, Path(find_tool("helm")))
    with tempfile.TemporaryDirectory() as work:
        # A cache without renders, so that helm really renders every chart here (the
        # Kubernetes API list is shared with the pipeline's cache).
        cache = Path(work) / "cache"
        cache.mkdir()
        chart_render.builtin_api_versions(SETTINGS.cache)
        (cache / "kubernetes").symlink_to(SETTINGS.cache / "kubernetes")
        outcome = chart_render.render_platform_charts(
            inventory, tree, paths, fetcher, cache, Path(work) / "values"
        )
        # renders with identical inputs in both environments are made once: node-exporter's
        # two (Grafana's differ by environment: its root_url is the environment's host)
        assert "; 2 of 48 renders cached)" in outcome[0].detail
        yield outcome


def test_every_platform_application_and_environment_is_rendered(
    platform_renders: tuple[StepResult, list[chart_render.HelmOutput]],
) -> None:
    outcome, renders = platform_renders
    assert outcome.status is Status.PASSED, outcome
    # the reviewed renders above, plus the observability Applications (several charts each,
    # checked by tests/observability) and chat-api's chart kept in the tree
    others = {
        (f"{app}-{env}", env)
        for app in ("observability", "node-exporter", "otlp-gateway", "chat-api")
        for env in ("dev", "prd")
    }
    assert {(r.app, r.env) for r in renders} == {
        (f"Application/argocd/{app}", env) for app, env in {*EXPECTED, *others}
    }
    assert outcome.detail.startswith("24 of 24 chart sources rendered (")
    for chart in (
        "backstage 5.12.10",
        "cert-manager v1.21.1",
        "external-secrets 2.9.0",
        "gatekeeper 3.23.0",
    ):
        assert f"{chart}: mirror chart-repos/" in outcome.detail
    assert "traefik 41.3.0: mirror chart-repos/traefik.github.io/charts/" in outcome.detail


@pytest.mark.parametrize(("app", "env"), sorted(EXPECTED))
def test_pinned_chart_renders_the_reviewed_objects(
    platform_renders: tuple[StepResult, list[chart_render.HelmOutput]], app: str, env: str
) -> None:
    _, renders = platform_renders
    chart, namespace, kinds = EXPECTED[(app, env)]
    render = next(r for r in renders if r.app == f"Application/argocd/{app}")
    assert render.env == env
    assert render.chart == chart
    assert "(sha256 matches index.yaml)" in render.source
    assert dict(Counter(d.obj["kind"] for d in render.documents)) == kinds
    # Everything namespaced lands in the Application's destination namespace, nowhere else
    # (cert-manager's leader election used to go to kube-system).
    namespaces = {(d.obj.get("metadata") or {}).get("namespace") for d in render.documents}
    assert namespaces == {None, namespace}
    assert f"[env {env}, Application {app}]" in render.origin


# -- how Argo CD renders ---------------------------------------------------------------------


def test_test_hooks_are_left_out_as_argo_cd_does(tmp_path: Path) -> None:
    archive = MIRROR / "redhat-developer.github.io" / "rhdh-chart" / "backstage-7.0.1.tgz"
    rendered = subprocess.run(
        [
            find_tool("helm"),
            "template",
            "backstage",
            str(archive),
            "--namespace",
            "backstage",
            "--set",
            "global.host=backstage.example.com",
            "--set",
            "route.enabled=false",
        ],
        check=True,
        capture_output=True,
        text=True,
        env={"HELM_CACHE_HOME": str(tmp_path), "HELM_CONFIG_HOME": str(tmp_path), "PATH": ""},
    ).stdout
    objects = [o for o in yaml.safe_load_all(rendered) if o]
    tests = [
        o["metadata"]["name"]
        for o in objects
        if (o["metadata"].get("annotations") or {}).get("helm.sh/hook") == "test"
    ]
    assert tests == ["backstage-developer-hub-test-connection"]
    kept = [o["metadata"]["name"] for o in objects if chart_render.applied_by_argocd(o)]
    assert len(kept) == len(objects) - 1
    assert "backstage-developer-hub-test-connection" not in kept


@pytest.mark.parametrize(
    ("annotations", "applied"),
    [
        ({}, True),
        ({"helm.sh/hook": "pre-install,pre-upgrade"}, True),
        ({"helm.sh/hook": "post-install"}, True),
        ({"helm.sh/hook": "test"}, False),
        ({"helm.sh/hook": "test-success"}, False),
        ({"helm.sh/hook": "pre-rollback, post-rollback"}, False),
        ({"helm.sh/hook": "post-install,test"}, True),
        ({"helm.sh/hook": "test", "argocd.argoproj.io/hook": "PostSync"}, True),
        ({"argocd.argoproj.io/hook": "Skip"}, False),
    ],
)
def test_which_hooks_argo_cd_applies(annotations: dict[str, str], applied: bool) -> None:
    obj = {"kind": "Pod", "metadata": {"name": "p", "annotations": annotations}}
    assert chart_render.applied_by_argocd(obj) is applied


def test_helm_chart_source_can_skip_tests() -> None:
    source = HelmChartSource(
        repo_url="https://charts.example.com", chart="web", version="1.0.0", skip_tests=True
    )
    assert source.as_dict()["helm"]["skipTests"] is True
    plain = HelmChartSource(repo_url="https://charts.example.com", chart="web", version="1.0.0")
    assert "skipTests" not in plain.as_dict()["helm"]


# -- the chart source: mirror first, never a silent fallback -------------------------------


def test_mirror_folder_is_found_whatever_the_url_form() -> None:
    mirror = ChartMirror(MIRROR)
    for url in (
        "https://open-policy-agent.github.io/gatekeeper/charts",
        "https://open-policy-agent.github.io/gatekeeper/charts/",
        "HTTPS://Open-Policy-Agent.github.io/gatekeeper/charts",
    ):
        assert mirror.folder(url) == MIRROR / GATEKEEPER_REPO
    assert mirror.folder("https://charts.example.com") is None
    assert mirror.folder("https://open-policy-agent.github.io/../../etc") is None


def test_mirror_matches_a_version_with_or_without_its_v(tmp_path: Path) -> None:
    fetcher = ChartFetcher(MIRROR, None, tmp_path)
    for version in ("v1.21.1", "1.21.1"):
        found = fetcher.fetch(ChartRef("https://charts.jetstack.io", "cert-manager", version))
        assert found.path == MIRROR / "charts.jetstack.io" / "cert-manager-v1.21.1.tgz", found
    missing = fetcher.fetch(ChartRef("https://charts.jetstack.io", "issuer-lib", "1.0.0"))
    assert missing.path is None
    assert missing.problem == (
        "chart issuer-lib is not in the chart mirror "
        "(chart-repos/charts.jetstack.io/index.yaml holds: cert-manager)"
    )


def test_a_version_missing_from_the_mirror_is_a_finding() -> None:
    report = validate(FIXTURES / "version-missing")
    render = result(report, "helm-render")
    assert render.status is Status.FAILED
    [finding] = render.findings
    assert finding.file == "infra/clusters/dev/applications.yaml"
    assert finding.document == "Application/argocd/policy-dev"
    assert finding.field == "spec.sources[1].targetRevision"
    assert finding.message.startswith(
        "chart gatekeeper 3.99.0 is not in the chart mirror "
        f"(chart-repos/{GATEKEEPER_REPO}/index.yaml holds: gatekeeper 3.23.0) (env dev;"
    )
    # Never fetched from elsewhere: nothing is rendered, and 5a says it could not check it.
    assert "0 of 1 chart sources rendered" in render.detail
    assert result(report, "helm-values").status is Status.NOT_RUN


def test_a_digest_mismatch_is_a_finding(tmp_path: Path) -> None:
    # A copy of the mirror's Gatekeeper folder whose index.yaml was tampered with (the last
    # hex digit of the digest changed).
    mirror = tmp_path / "chart-repos"
    folder = mirror / GATEKEEPER_REPO
    shutil.copytree(FIXTURES / "digest-mismatch-mirror", mirror)
    shutil.copy2(MIRROR / GATEKEEPER_REPO / "gatekeeper-3.23.0.tgz", folder)
    report = validate(FIXTURES / "digest-mismatch", chart_mirror=mirror)
    render = result(report, "helm-render")
    assert render.status is Status.FAILED
    [finding] = render.findings
    assert finding.document == "Application/argocd/policy-dev"
    assert finding.field == "spec.sources[1].targetRevision"
    assert "chart gatekeeper 3.23.0: the sha256 of " in finding.message
    real = hashlib.sha256((folder / "gatekeeper-3.23.0.tgz").read_bytes()).hexdigest()
    assert (
        f"the sha256 of chart-repos/{GATEKEEPER_REPO}/gatekeeper-3.23.0.tgz is {real}, but "
        f"chart-repos/{GATEKEEPER_REPO}/index.yaml says {real[:-1]}f (a changed or corrupted "
        "archive)"
    ) in finding.message
    assert "(env dev;" in finding.message
    assert "0 of 1 chart sources rendered" in render.detail


def test_an_unknown_value_key_is_a_finding() -> None:
    report = validate(FIXTURES / "unknown-key")
    values = result(report, "helm-values")
    assert values.status is Status.FAILED
    assert [(f.file, f.document, f.field) for f in values.findings] == [
        ("infra/values/policy/dev.yaml", "Application/argocd/policy-dev", "replicaCount")
    ]
    assert values.findings[0].message == (
        "unknown key: chart gatekeeper 3.23.0 declares no 'replicaCount' in its values.yaml or "
        "schema, so Helm ignores it (env dev, chart gatekeeper 3.23.0)"
    )
    assert "no values.schema.json in gatekeeper 3.23.0" in values.detail
    assert result(report, "helm-render").status is Status.PASSED


def test_an_object_a_policy_rejects_in_a_render_is_a_finding() -> None:
    report = validate(FIXTURES / "policy-violation")
    policies = result(report, "policies")
    assert policies.status is Status.FAILED
    origin = "helm template gatekeeper gatekeeper 3.23.0 [env dev, Application policy-dev]"
    assert {(f.file, f.document, f.field, f.rule) for f in policies.findings} == {
        (
            origin,
            f"{kind}/gatekeeper-system/{name}",
            "spec.template.spec.containers[0].image",
            "PlatformPinnedImages/pinned-images",
        )
        for kind, name in (
            ("Deployment", "gatekeeper-audit"),
            ("Deployment", "gatekeeper-controller-manager"),
            ("Job", "gatekeeper-update-crds-hook"),
        )
    }
    assert all("uses the moving tag latest" in f.message for f in policies.findings)


def test_a_rendered_kind_the_project_does_not_permit_is_a_finding() -> None:
    report = validate(FIXTURES / "kind-not-permitted")
    argocd = result(report, "argocd")
    assert argocd.status is Status.FAILED
    origin = "helm template gatekeeper gatekeeper 3.23.0 [env dev, Application policy-dev]"
    assert sorted((f.file, f.document, f.field, f.message) for f in argocd.findings) == [
        (
            origin,
            f"{kind}/{name}",
            "kind",
            f"resource rbac.authorization.k8s.io:{kind} is not permitted in project platform "
            "(deployed by Application policy-dev)",
        )
        for kind, name in (
            ("ClusterRole", "gatekeeper-admin-upgrade-crds"),
            ("ClusterRole", "gatekeeper-manager-role"),
            ("ClusterRoleBinding", "gatekeeper-admin-upgrade-crds"),
            ("ClusterRoleBinding", "gatekeeper-manager-rolebinding"),
        )
    ]


# -- settings ---------------------------------------------------------------------------------


def test_the_mirror_setting_comes_from_the_flag_the_environment_or_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(CHART_MIRROR_ENV, raising=False)
    default = Settings.make(ROOT / "dist", repo_root=ROOT)
    assert default.chart_mirror == default.upstream / "chart-repos"
    assert default.chart_mirror_origin == "default"
    monkeypatch.setenv(CHART_MIRROR_ENV, str(tmp_path))
    from_env = Settings.make(ROOT / "dist", repo_root=ROOT)
    assert (from_env.chart_mirror, from_env.chart_mirror_origin) == (
        tmp_path,
        f"${CHART_MIRROR_ENV}",
    )
    monkeypatch.setenv(CHART_MIRROR_ENV, "none")
    assert Settings.make(ROOT / "dist", repo_root=ROOT).chart_mirror is None
    flag = Settings.make(ROOT / "dist", repo_root=ROOT, chart_mirror=str(tmp_path / "m"))
    assert (flag.chart_mirror, flag.chart_mirror_origin) == (tmp_path / "m", "--chart-mirror")


def test_a_mirror_set_explicitly_that_does_not_exist_is_a_finding(tmp_path: Path) -> None:
    report = validate(FIXTURES / "unknown-key", "helm-render", chart_mirror=tmp_path / "nowhere")
    render = result(report, "helm-render")
    assert render.status is Status.FAILED
    assert f"the chart mirror {tmp_path / 'nowhere'} (--chart-mirror) is not a folder" in (
        render.findings[0].message
    )


# -- values against the chart's own files -----------------------------------------------------


def test_values_schema_and_defaults_come_from_the_archive_with_subcharts() -> None:
    loki = load_chart(MIRROR / "grafana-community.github.io" / "helm-charts" / "loki-18.11.0.tgz")
    assert loki.schema is not None
    assert {key: (sub.label, condition) for key, (sub, condition) in loki.subcharts.items()} == {
        "minio": ("minio 5.4.0", "minio.enabled"),
        "rollout_operator": ("rollout-operator 0.51.1", "rollout_operator.enabled"),
    }
    rhdh = load_chart(MIRROR / "redhat-developer.github.io" / "rhdh-chart" / "backstage-7.0.1.tgz")
    upstream, _ = rhdh.subcharts["upstream"]
    assert upstream.label == "backstage 2.8.0"
    assert upstream.schema is not None


def test_unknown_keys_stop_at_free_form_maps_and_follow_subcharts() -> None:
    eso = load_chart(MIRROR / "charts.external-secrets.io" / "external-secrets-2.9.0.tgz")
    found = unknown_keys(
        eso,
        {
            "commonLabels": {"anything/goes": "x"},  # default {}: free-form
            "webhook": {"replicaCount": 2, "replicas": 2},
            "bitwarden-sdk-server": {"enabled": False, "colour": "red"},
            "global": {"nodeSelector": {"a": "b"}, "mood": "calm"},
        },
    )
    assert found == [
        (("webhook", "replicas"), "external-secrets 2.9.0"),
        (("bitwarden-sdk-server", "colour"), "bitwarden-sdk-server v0.6.0"),
        (("global", "mood"), "external-secrets 2.9.0"),
    ]


#: The OTLP gateway in prd (the stack renders no budget).
OBSERVABILITY_BUDGETS = 1


def test_no_disruption_budget_blocks_a_node_drain(
    platform_renders: tuple[StepResult, list[chart_render.HelmOutput]],
) -> None:
    # A budget asking for as many pods as the workload runs refuses every eviction.
    checked = 0
    for render in platform_renders[1]:
        objects = [d.obj for d in render.documents]
        for budget in (o for o in objects if o["kind"] == "PodDisruptionBudget"):
            spec = budget["spec"]
            selector = spec["selector"]["matchLabels"]
            [workload] = [
                o
                for o in objects
                if o["kind"] in ("Deployment", "StatefulSet")
                and selector.items() <= o["spec"]["template"]["metadata"]["labels"].items()
            ]
            # an autoscaled workload leaves spec.replicas to its HorizontalPodAutoscaler
            autoscaled = [
                o["spec"].get("minReplicas", 1)
                for o in objects
                if o["kind"] == "HorizontalPodAutoscaler"
                and o["spec"]["scaleTargetRef"]["name"] == workload["metadata"]["name"]
            ]
            replicas = workload["spec"].get("replicas", autoscaled[0] if autoscaled else 1)
            if "minAvailable" in spec:
                assert spec["minAvailable"] < replicas, (render.origin, budget["metadata"])
            else:
                assert spec["maxUnavailable"] >= 1, (render.origin, budget["metadata"])
            checked += 1
    # gatekeeper (dev, prd), cert-manager, ESO, traefik (prd), backstage (prd), chat-api
    # (dev, prd), the stack and the gateway
    assert checked == 2 + 3 + 3 + 1 + 1 + 2 + OBSERVABILITY_BUDGETS


def test_a_second_run_reuses_the_renders_and_a_changed_value_renders_again(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "policy-violation", tree)
    first = result(validate(tree, "helm-render", cache=tmp_path / "cache"), "helm-render")
    second = result(validate(tree, "helm-render", cache=tmp_path / "cache"), "helm-render")
    assert "; 0 of 2 renders cached)" in first.detail
    assert "; 2 of 2 renders cached)" in second.detail
    dev = tree / "infra" / "values" / "policy" / "dev.yaml"
    dev.write_text(dev.read_text().replace("replicas: 1", "replicas: 3"))
    third = result(validate(tree, "helm-render", cache=tmp_path / "cache"), "helm-render")
    assert "; 0 of 2 renders cached)" in third.detail


def test_keys_a_chart_reads_without_declaring_them_are_allowed_by_name() -> None:
    gatekeeper = load_chart(MIRROR / GATEKEEPER_REPO / "gatekeeper-3.23.0.tgz")
    found = unknown_keys(
        gatekeeper,
        {
            "commonLabels": {"app.kubernetes.io/part-of": "p"},
            "controllerManager": {"logLevel": "DEBUG", "extraEnvs": [], "logLevl": "DEBUG"},
            "audit": {"logLevel": "WARNING"},
        },
    )
    # Only the typo is reported; every allowed key has its reason.
    assert found == [(("controllerManager", "logLevl"), "gatekeeper 3.23.0")]
    assert all(len(entry.reason) > 40 for entry in UNDECLARED_KEYS)


def test_the_platform_values_pass_and_the_charts_without_a_schema_are_named() -> None:
    values = result(validate(ROOT / "dist", "helm-values"), "helm-values")
    assert values.status is Status.PASSED, values
    assert values.detail == (
        "22 chart sources checked against their charts' values.yaml and schemas "
        "(backstage 2.7.0, backstage 5.12.10, cert-manager v1.21.1, external-secrets 2.9.0, "
        "loki 18.11.0, postgresql 12.10.0, traefik 41.3.0 with a values schema); "
        "no values.schema.json in bitwarden-sdk-server v0.6.0, common 2.10.0, common 2.31.10, "
        "common 2.9.0, crds 0.0.0, crds 0.1.0, gatekeeper 3.23.0, grafana 12.11.1, "
        "kube-prometheus-stack 88.5.3, kube-state-metrics 8.4.0, minio 5.4.0, "
        "prometheus-node-exporter 4.56.1, prometheus-windows-exporter 0.12.8, "
        "rollout-operator 0.51.1, tempo 2.2.4, vector 0.56.0"
    )


def test_a_rendered_object_outside_the_permitted_namespaces_is_a_finding() -> None:
    # cert-manager's chart default puts its leader-election Roles into kube-system.
    report = validate(FIXTURES / "namespace-not-permitted", "helm-render,argocd")
    argocd = result(report, "argocd")
    assert argocd.status is Status.FAILED
    origin = (
        "helm template cert-manager cert-manager v1.21.1 [env dev, Application cert-manager-dev]"
    )
    assert {(f.file, f.document, f.field) for f in argocd.findings} == {
        (origin, f"{kind}/kube-system/{name}:leaderelection", "metadata.namespace")
        for kind in ("Role", "RoleBinding")
        for name in ("cert-manager", "cert-manager-cainjector")
    }
    assert len(argocd.findings) == 4
    assert all(
        f.message == "namespace kube-system is not permitted in project 'platform' (deployed by "
        "Application cert-manager-dev)"
        for f in argocd.findings
    )


def _mirrored() -> list[tuple[str, str, str]]:
    found = []
    for index in sorted(MIRROR.glob("**/index.yaml")):
        repo = "https://" + index.parent.relative_to(MIRROR).as_posix()
        entries = yaml.safe_load(index.read_text())["entries"]
        found += [(repo, name, str(e["version"])) for name, es in entries.items() for e in es]
    return found


@pytest.mark.parametrize(("repo", "chart", "version"), _mirrored())
def test_every_mirrored_chart_is_verified_and_readable(
    tmp_path: Path, repo: str, chart: str, version: str
) -> None:
    archive = ChartFetcher(MIRROR, None, tmp_path).fetch(ChartRef(repo, chart, version))
    assert archive.path is not None, archive.problem
    assert archive.origin.endswith("(sha256 matches index.yaml)")
    files = load_chart(archive.path)
    assert (files.name, files.version) == (chart, version)
    assert files.defaults, "a chart without default values"

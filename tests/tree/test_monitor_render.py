"""External Secrets and cert-manager are scraped: their charts, rendered with the platform's
values, hold ServiceMonitors that select their metrics Services, and the stack's Prometheus,
rendered from its own chart and values, selects those ServiceMonitors."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from gitops_platform.validation.tools import run_command
from tests.conftest import ROOT, find_tool

MIRROR = ROOT.parent / "shared/upstream/chart-repos"
VALUES = ROOT / "dist/infra/platform/values"
APPS = ROOT / "dist/infra/platform/apps"
SERVICE_MONITOR_API = "monitoring.coreos.com/v1/ServiceMonitor"

#: release, chart archive, values folder, namespace
CHARTS = {
    "external-secrets": (
        MIRROR / "charts.external-secrets.io/external-secrets-2.9.0.tgz",
        VALUES / "external-secrets",
        "external-secrets",
    ),
    "cert-manager": (
        MIRROR / "charts.jetstack.io/cert-manager-v1.21.1.tgz",
        VALUES / "cert-manager",
        "cert-manager",
    ),
    "kube-prometheus-stack": (
        MIRROR / "prometheus-community.github.io/helm-charts/kube-prometheus-stack-88.5.3.tgz",
        VALUES / "observability/kube-prometheus-stack",
        "observability",
    ),
}

#: the ServiceMonitors each chart must render, and the Services each must select
EXPECTED = {
    "external-secrets": {
        "external-secrets-metrics": {"external-secrets-metrics"},
        "external-secrets-webhook-metrics": {"external-secrets-webhook"},
        "external-secrets-cert-controller-metrics": {"external-secrets-cert-controller-metrics"},
    },
    "cert-manager": {
        "cert-manager": {"cert-manager", "cert-manager-webhook", "cert-manager-cainjector"},
    },
}


def render(release: str, env: str, *api_versions: str) -> list[dict[str, Any]]:
    chart, values, namespace = CHARTS[release]
    if not chart.is_file():
        pytest.fail(f"the chart mirror lacks {chart}")
    apis = [arg for api in api_versions for arg in ("--api-versions", api)]
    result = run_command(
        [find_tool("helm"), "template", release, str(chart), "-n", namespace,
         "--kube-version", "1.33.0", *apis,
         "-f", str(values / "base.yaml"), "-f", str(values / f"{env}.yaml")]
    )  # fmt: skip
    assert result.ok, result.output()
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def _matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (``matchLabels``, ``matchExpressions``) against labels."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def _selected_services(monitor: dict[str, Any], objects: list[dict[str, Any]]) -> set[str]:
    """The Services of ``objects`` ``monitor`` scrapes: selected, with an endpoint's port."""
    spec = monitor["spec"]
    own = monitor["metadata"]["namespace"]
    namespaces = (spec.get("namespaceSelector") or {}).get("matchNames") or [own]
    found = set()
    for svc in objects:
        if svc["kind"] != "Service" or svc["metadata"].get("namespace") not in namespaces:
            continue
        if not _matches(spec["selector"], svc["metadata"].get("labels") or {}):
            continue
        ports = svc["spec"]["ports"]
        for endpoint in spec["endpoints"]:
            if "port" in endpoint:
                hit = any(p.get("name") == endpoint["port"] for p in ports)
            else:
                # the operator keeps the endpoints whose pod container port has that name
                hit = endpoint["targetPort"] in _container_ports(svc, objects)
            if hit:
                found.add(svc["metadata"]["name"])
    return found


def _container_ports(service: dict[str, Any], objects: list[dict[str, Any]]) -> set[str]:
    """The container port names of the workloads ``service`` selects."""
    selector = service["spec"].get("selector") or {}
    names = set()
    for obj in objects:
        if obj["kind"] not in ("Deployment", "StatefulSet", "DaemonSet"):
            continue
        template = obj["spec"]["template"]
        if selector and _matches({"matchLabels": selector}, template["metadata"]["labels"]):
            for container in template["spec"]["containers"]:
                names |= {p.get("name") for p in container.get("ports") or []}
    return names


@pytest.fixture(scope="module", params=["dev", "prd"])
def env(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def prometheus(env: str) -> dict[str, Any]:
    objects = render("kube-prometheus-stack", env, "monitoring.coreos.com/v1")
    [prom] = [o for o in objects if o["kind"] == "Prometheus"]
    return prom


@pytest.mark.parametrize("release", sorted(EXPECTED))
def test_servicemonitors_select_the_metrics_services(release: str, env: str) -> None:
    objects = render(release, env, SERVICE_MONITOR_API)
    monitors = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ServiceMonitor"}
    assert set(monitors) == set(EXPECTED[release])
    for name, services in EXPECTED[release].items():
        assert _selected_services(monitors[name], objects) == services, name


@pytest.mark.parametrize("release", sorted(EXPECTED))
def test_prometheus_selects_the_servicemonitors(
    release: str, env: str, prometheus: dict[str, Any]
) -> None:
    spec = prometheus["spec"]
    objects = render(release, env, SERVICE_MONITOR_API)
    monitors = [o for o in objects if o["kind"] == "ServiceMonitor"]
    assert monitors
    # the operator: a nil selector selects nothing, an empty one everything (its labels); the
    # namespace selector: nil is the Prometheus' own namespace only, empty is every namespace
    namespace_selector = spec.get("serviceMonitorNamespaceSelector")
    for monitor in monitors:
        labels = monitor["metadata"].get("labels") or {}
        assert _matches(spec.get("serviceMonitorSelector"), labels), monitor["metadata"]
        namespace = monitor["metadata"]["namespace"]
        assert namespace_selector is not None, "Prometheus watches its own namespace only"
        assert _matches(namespace_selector, {"kubernetes.io/metadata.name": namespace})


def test_the_selector_check_refuses_a_labelled_selector() -> None:
    # known bad: the chart's default (release label required) does not select the monitors
    selector = {"matchLabels": {"release": "kube-prometheus-stack"}}
    assert not _matches(selector, {"app.kubernetes.io/name": "external-secrets"})
    assert not _matches(None, {"app.kubernetes.io/name": "external-secrets"})
    assert _matches({}, {"app.kubernetes.io/name": "external-secrets"})


def test_external_secrets_renders_no_servicemonitor_before_the_crd(env: str) -> None:
    # the operator's first sync precedes the stack that installs the CRD: nothing to fail on
    objects = render("external-secrets", env)
    assert [o for o in objects if o["kind"] == "ServiceMonitor"] == []
    assert [o for o in objects if o["kind"] == "Deployment"]


def _wave(app: str) -> int:
    obj = yaml.safe_load((APPS / f"{app}-application.yaml").read_text())
    return int(obj["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])


def test_cert_manager_syncs_after_the_stack_that_installs_the_crd() -> None:
    # cert-manager's chart renders its ServiceMonitor whether or not the kind exists
    assert not render_is_gated("cert-manager")
    assert _wave("cert-manager") > _wave("observability")
    assert _wave("external-secrets") < _wave("observability")


def render_is_gated(release: str) -> bool:
    objects = render(release, "dev")
    return not [o for o in objects if o["kind"] == "ServiceMonitor"]


def test_the_service_check_refuses_a_wrong_port() -> None:
    objects = render("external-secrets", "dev", SERVICE_MONITOR_API)
    [monitor] = [
        o
        for o in objects
        if o["kind"] == "ServiceMonitor" and o["metadata"]["name"] == "external-secrets-metrics"
    ]
    wrong = {**monitor, "spec": {**monitor["spec"], "endpoints": [{"port": "http-metrics"}]}}
    assert _selected_services(wrong, objects) == set()
    by_target = {**monitor, "spec": {**monitor["spec"], "endpoints": [{"targetPort": "nope"}]}}
    assert _selected_services(by_target, objects) == set()

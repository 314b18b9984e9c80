"""The RHDH chart rendered with the platform's Backstage values: assertions on the objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_platform.validation.tools import run_command
from tests.conftest import ROOT, find_tool

CHART = (
    ROOT.parent
    / "shared/upstream/chart-repos/redhat-developer.github.io/rhdh-chart/backstage-5.12.10.tgz"
)
VALUES = "infra/platform/values/backstage"
SECRETS_FOLDER = "infra/base/addons/backstage"  # pragma: allowlist secret
WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection", "*", "escalate", "bind"}


def _render(rendered: dict[str, str], env: str, tmp: Path) -> list[dict[str, Any]]:
    files = []
    for overlay in ("base", env):
        path = tmp / f"{overlay}.yaml"
        path.write_text(rendered[f"{VALUES}/{overlay}.yaml"], encoding="utf-8")
        files += ["-f", str(path)]
    result = run_command(
        [find_tool("helm"), "template", "backstage", str(CHART), "-n", "backstage",
         "--kube-version", "1.33.0", "--api-versions", "monitoring.coreos.com/v1", *files]
    )  # fmt: skip
    assert result.ok, result.output()
    return [d for d in yaml.safe_load_all(result.stdout) if d]


@pytest.fixture(scope="module", params=["dev", "prd"])
def rhdh(
    request: pytest.FixtureRequest,
    rendered: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, list[dict[str, Any]]]:
    if not CHART.is_file():
        pytest.fail(f"the chart mirror lacks {CHART}")
    env: str = request.param
    return env, _render(rendered, env, tmp_path_factory.mktemp(env))


def _one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [o for o in objects if o["kind"] == kind]
    assert len(found) == 1, [o["metadata"]["name"] for o in found]
    return found[0]


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    [main] = [c for c in containers if c["name"] == "backstage-backend"]
    return main


HOSTS = {"dev": "backstage.dev.platform.example.com", "prd": "backstage.platform.example.com"}


def test_ingress_host_class_tls(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    env, objects = rhdh
    ingress = _one(objects, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert [r["host"] for r in ingress["spec"]["rules"]] == [HOSTS[env]]
    tls_name = "backstage-tls"  # pragma: allowlist secret
    assert ingress["spec"]["tls"] == [{"hosts": [HOSTS[env]], "secretName": tls_name}]
    assert ingress["metadata"]["annotations"] == {"cert-manager.io/cluster-issuer": "platform-tls"}
    assert not [o for o in objects if o["kind"] == "Route"]


def test_image_pinned_for_backstage_and_installer(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    _, objects = rhdh
    pod = _one(objects, "Deployment")["spec"]["template"]["spec"]
    images = {c["name"]: c["image"] for c in pod["containers"] + pod["initContainers"]}
    assert images == {
        "backstage-backend": "quay.io/rhdh-community/rhdh:1.10.0",
        "install-dynamic-plugins": "quay.io/rhdh-community/rhdh:1.10.0",
    }
    [installer] = pod["initContainers"]
    env = {e["name"]: e.get("value") for e in installer["env"]}
    assert env["CATALOG_INDEX_IMAGE"] == "quay.io/rhdh/plugin-catalog-index:1.10.0"


def test_no_bundled_postgres(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    _, objects = rhdh
    assert not [o for o in objects if o["kind"] == "StatefulSet"]
    assert not [o for o in objects if "postgresql" in o["metadata"]["name"]]


def test_every_env_secret_is_created_by_an_external_secret(
    rhdh: tuple[str, list[dict[str, Any]]], rendered: dict[str, str]
) -> None:
    env, objects = rhdh
    external = {}
    for path, text in rendered.items():
        if path.startswith(f"{SECRETS_FOLDER}/{env}/"):
            for doc in yaml.safe_load_all(text):
                if doc["kind"] != "ExternalSecret":
                    continue  # the namespace's NetworkPolicies
                target = doc["spec"]["target"]
                keys = target.get("template", {}).get("data") or {
                    d["secretKey"]: None for d in doc["spec"]["data"]
                }
                external[target["name"]] = set(keys)
    main = _container(_one(objects, "Deployment"))
    referenced = {e["valueFrom"]["secretKeyRef"]["name"]: e["valueFrom"]["secretKeyRef"]["key"]
                  for e in main["env"] if "secretKeyRef" in e.get("valueFrom", {})}  # fmt: skip
    assert referenced == {"backstage-backend-auth": "backend-secret"}
    for name, key in referenced.items():
        assert key in external[name]
    from_secrets = [s["secretRef"]["name"] for s in main["envFrom"] if "secretRef" in s]
    assert from_secrets == ["backstage-postgres", "backstage-grafana"]
    assert external["backstage-postgres"] == {
        "POSTGRES_DB", "POSTGRES_HOST", "POSTGRES_PASSWORD", "POSTGRES_PORT", "POSTGRES_USER"
    }  # fmt: skip
    assert external["backstage-grafana"] == {"GRAFANA_TOKEN"}
    # no Secret of the chart's own (the random <release>-auth is replaced)
    assert not [o for o in objects if o["kind"] == "Secret"]


def _app_config(objects: list[dict[str, Any]]) -> dict[str, Any]:
    [cm] = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith(
        "-app-config")]  # fmt: skip
    config: dict[str, Any] = yaml.safe_load(cm["data"]["app-config.yaml"])
    return config


def test_app_config_proxies_kubernetes_database(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    env, objects = rhdh
    config = _app_config(objects)
    assert config["app"]["baseUrl"] == f"https://{HOSTS[env]}"
    assert config["app"]["title"] == "Developer Portal"
    assert config["proxy"]["endpoints"] == {
        "/grafana/api": {
            "target": "http://grafana.observability.svc:80",
            "headers": {"Authorization": "Bearer ${GRAFANA_TOKEN}"},
        },
        "/prometheus/api": {
            "target": "http://kube-prometheus-stack-prometheus.observability.svc:9090/api/v1/"
        },
        "/tempo/api": {"target": "http://tempo.observability.svc:3200"},
    }
    domain = "dev.platform.example.com" if env == "dev" else "platform.example.com"
    assert config["grafana"]["domain"] == f"https://grafana.{domain}"
    k8s = config["kubernetes"]
    assert k8s["serviceLocatorMethod"] == {"type": "multiTenant"}
    [locator] = k8s["clusterLocatorMethods"]
    assert locator["type"] == "config"
    [cluster] = locator["clusters"]
    assert cluster["authProvider"] == "serviceAccount"
    assert cluster["url"] == "https://kubernetes.default.svc"
    assert "serviceAccountToken" not in cluster  # the pod's own token
    connection = config["backend"]["database"]["connection"]
    assert connection == {
        "host": "${POSTGRES_HOST}", "port": "${POSTGRES_PORT}", "database": "${POSTGRES_DB}",
        "user": "${POSTGRES_USER}", "password": "${POSTGRES_PASSWORD}",
    }  # fmt: skip
    revision = "main" if env == "dev" else "env/prd"
    targets = [loc["target"] for loc in config["catalog"]["locations"]]
    assert (
        "https://github.com/example-org/gitops-platform/blob/"
        f"{revision}/dist/catalog/chat-api/catalog-info.yaml"
    ) in targets


def test_dynamic_plugins(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    _, objects = rhdh
    [cm] = [o for o in objects if o["metadata"]["name"] == "backstage-dynamic-plugins"]
    plugins = yaml.safe_load(cm["data"]["dynamic-plugins.yaml"])["plugins"]
    packages = {p["package"]: p for p in plugins}
    assert set(packages) == {
        "./dynamic-plugins/dist/backstage-plugin-kubernetes-backend-dynamic",
        "./dynamic-plugins/dist/backstage-plugin-kubernetes",
        "@backstage-community/plugin-grafana@0.21.0",
        "@roadiehq/backstage-plugin-prometheus@3.3.1",
    }
    assert all(p["disabled"] is False for p in plugins)
    for name, plugin in packages.items():
        if not name.startswith("./"):
            assert plugin["integrity"].startswith("sha512-")


def test_service_monitor_pdb_checksum(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    env, objects = rhdh
    monitor = _one(objects, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["port"] == "http-metrics"
    pdbs = [o for o in objects if o["kind"] == "PodDisruptionBudget"]
    deployment = _one(objects, "Deployment")
    if env == "prd":
        assert deployment["spec"]["replicas"] == 2
        assert [p["spec"]["minAvailable"] for p in pdbs] == [1]
    else:
        assert deployment["spec"]["replicas"] == 1
        assert pdbs == []
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert len(annotations["checksum/app-config"]) == 64


def test_restricted_security_context(rhdh: tuple[str, list[dict[str, Any]]]) -> None:
    _, objects = rhdh
    pod = _one(objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    for container in pod["containers"] + pod["initContainers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"] == {"drop": ["ALL"]}
    assert pod["serviceAccountName"] == "backstage"


def test_cluster_role_reads_only_and_never_secrets(rendered: dict[str, str]) -> None:
    role = yaml.safe_load(
        rendered[f"{SECRETS_FOLDER}/clusterrole-backstage-kubernetes-reader.yaml"]
    )
    binding = yaml.safe_load(
        rendered[f"{SECRETS_FOLDER}/clusterrolebinding-backstage-kubernetes-reader.yaml"]
    )
    granted = {
        (g, r) for rule in role["rules"] for g in rule["apiGroups"] for r in rule["resources"]
    }
    assert not any(r in ("secrets", "*") for _, r in granted)
    for rule in role["rules"]:
        assert set(rule["verbs"]) == {"get", "list", "watch"}
        assert not set(rule["verbs"]) & WRITE_VERBS
    assert ("metrics.k8s.io", "pods") in granted
    assert ("", "pods/log") in granted
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "backstage", "namespace": "backstage"}
    ]
    project = yaml.safe_load(rendered["infra/projects/argocd-project-platform.yaml"])
    kinds = {(k["group"], k["kind"]) for k in project["spec"]["clusterResourceWhitelist"]}
    assert ("rbac.authorization.k8s.io", "ClusterRole") in kinds

"""The stack's typed endpoints, Grafana provisioning, delivery and exemptions."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from gitops_platform import (
    ComponentContext,
    ConfigurationError,
    InvalidValueError,
    NodeExporter,
    ObservabilityStack,
    StackSizing,
    VectorGateway,
)
from gitops_platform.external_secrets.bundle import RemoteValue
from gitops_platform.observability import dashboards
from gitops_platform.observability.datasources import LOKI_UID, PROMETHEUS_UID, TEMPO_UID
from gitops_platform.observability.labels import LOKI_LABELS, TRACE_TO_LOG_TAGS, loki_label_name
from tests.conftest import ROOT
from tests.helpers import spec


def test_endpoints_are_typed_and_name_the_rendered_services(stack: ObservabilityStack) -> None:
    assert stack.grafana.url == "http://grafana.observability.svc:80"
    assert stack.prometheus.url == "http://kube-prometheus-stack-prometheus.observability.svc:9090"
    assert stack.prometheus_write.url.endswith(":9090/api/v1/write")
    assert stack.tempo_query.url == "http://tempo.observability.svc:3200"
    assert stack.tempo_otlp_http.url == "http://tempo.observability.svc:4318/v1/traces"
    assert stack.tempo_otlp_grpc.authority == "tempo.observability.svc:4317"
    assert stack.loki_push.url == "http://loki.observability.svc:3100"
    gateway = VectorGateway(stack=stack)
    assert gateway.otlp_grpc.authority == "otlp-gateway.observability.svc:4317"
    assert gateway.otlp_http.url == "http://otlp-gateway.observability.svc:4318"


def _grafana_values(stack: ObservabilityStack) -> dict[str, object]:
    ctx = ComponentContext(spec(), None)
    return dict(stack.values(stack.grafana_chart, ctx))


def test_datasources_have_fixed_uids_and_link_traces_logs_metrics(
    stack: ObservabilityStack,
) -> None:
    values = _grafana_values(stack)
    provisioning = values["datasources"]["datasources.yaml"]  # type: ignore[index]
    by_uid = {s["uid"]: s for s in provisioning["datasources"]}
    assert set(by_uid) == {PROMETHEUS_UID, LOKI_UID, TEMPO_UID}
    [derived] = by_uid[LOKI_UID]["jsonData"]["derivedFields"]
    assert derived["matcherType"] == "label"
    assert derived["matcherRegex"] == "trace_id"
    assert derived["datasourceUid"] == TEMPO_UID
    tempo = by_uid[TEMPO_UID]["jsonData"]
    assert tempo["tracesToLogsV2"]["datasourceUid"] == LOKI_UID
    assert {t["value"] for t in tempo["tracesToLogsV2"]["tags"]} <= set(LOKI_LABELS)
    assert tempo["tracesToMetrics"]["datasourceUid"] == PROMETHEUS_UID
    assert tempo["serviceMap"]["datasourceUid"] == PROMETHEUS_UID
    assert "lokiSearch" not in tempo  # obsolete since Grafana 11


def test_loki_label_names_follow_the_slug_rule() -> None:
    assert loki_label_name("app.kubernetes.io/name") == "app_kubernetes_io_name"
    assert list(LOKI_LABELS) == ["service_name", "namespace", "app_kubernetes_io_name"]
    assert set(TRACE_TO_LOG_TAGS.values()) <= set(LOKI_LABELS)


def test_stack_is_delivered_server_side_before_every_monitor(stack: ObservabilityStack) -> None:
    assert stack.delivery.server_side_apply
    node = NodeExporter(stack=stack)
    gateway = VectorGateway(stack=stack)
    assert stack.delivery.sync_wave < node.delivery.sync_wave
    assert stack.delivery.sync_wave < gateway.delivery.sync_wave
    with pytest.raises(InvalidValueError, match="server_side_apply"):
        replace(stack, delivery=replace(stack.delivery, server_side_apply=False)).validate(spec())


def test_node_exporter_gets_its_own_privileged_namespace_and_one_narrow_exemption(
    stack: ObservabilityStack,
) -> None:
    node = NodeExporter(stack=stack)
    assert node.namespace != stack.namespace
    assert node.delivery.pod_security.value == "privileged"
    assert stack.delivery.pod_security.value == "restricted"
    [exemption] = node.policy_exemptions()
    assert exemption.policy == "container-security"
    assert exemption.kind == "DaemonSet"
    assert exemption.namespace == node.namespace
    assert set(exemption.checks) == {"host-network", "host-pid"}


def test_sizing_names_environments(stack: ObservabilityStack) -> None:
    with pytest.raises(ConfigurationError, match="qa"):
        replace(stack, sizing={"qa": StackSizing()}).validate(spec())


def test_grafana_admin_and_backstage_token_come_from_external_secrets(
    stack: ObservabilityStack,
) -> None:
    values = _grafana_values(stack)
    assert values["admin"] == {
        "existingSecret": "grafana-admin",  # pragma: allowlist secret (a name)
        "userKey": "admin-user",
        "passwordKey": "admin-password",  # pragma: allowlist secret (a key name)
    }
    # Backstage's Grafana token is kept once, under the stack's key; only Backstage reads it
    assert stack.backstage_token == RemoteValue("observability/grafana-backstage-token", "token")


def test_dashboards_cover_gateway_overview_and_chat_api() -> None:
    boards = dashboards.all_dashboards()
    assert {"otlp-gateway", "platform-overview", "service-chat-api"} <= set(boards)
    gateway = boards["otlp-gateway"]
    titles = [p["title"] for p in gateway["panels"]]
    assert titles == [
        "Events received",
        "Events sent",
        "Errors",
        "Buffer usage",
        "Dropped events",
    ]
    chat = boards["service-chat-api"]
    assert "chat-api" in chat["tags"]
    assert dashboards.dashboard_selector("chat-api") == "tags @> 'chat-api'"


@pytest.mark.parametrize("env", ["dev", "prd"])
def test_grafana_root_url_is_the_ingress_host_over_https(env: str) -> None:
    # The rendered tree: Grafana's own idea of its URL (links, redirects, login callbacks)
    # must be the host its Ingress serves with TLS, not the chart's http://<domain>:3000/.
    dist = ROOT / "dist" / "infra"
    values = yaml.safe_load(
        (dist / f"platform/values/observability/grafana/{env}.yaml").read_text()
    )
    ingress = yaml.safe_load(
        (dist / f"base/addons/observability/{env}/ingress-grafana.yaml").read_text()
    )
    [rule] = ingress["spec"]["rules"]
    [tls] = ingress["spec"]["tls"]
    assert tls["hosts"] == [rule["host"]]
    server = values["grafana.ini"]["server"]
    assert server == {"domain": rule["host"], "root_url": f"https://{rule['host']}/"}


def test_backstages_grafana_token_is_read_once_from_the_stacks_key(
    stack: ObservabilityStack,
) -> None:
    # The token is kept under one Vault key (the stack's) and materialised only where it is
    # used: Backstage's namespace. No ExternalSecret of the tree reads another copy.
    readers: dict[str, list[str]] = {}
    for path in sorted((ROOT / "dist" / "infra").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "ExternalSecret":
                continue
            spec_ = doc["spec"]
            keys = [d["remoteRef"]["key"] for d in spec_.get("data", [])]
            keys += [d["extract"]["key"] for d in spec_.get("dataFrom", []) if "extract" in d]
            for key in keys:
                readers.setdefault(key, []).append(
                    f"{doc['metadata']['namespace']}/{doc['metadata']['name']}"
                )
    token_key = stack.backstage_token.key
    assert readers[token_key] == ["backstage/backstage-grafana", "backstage/backstage-grafana"]
    assert not any("backstage/grafana" in key for key in readers)

"""The telemetry link checks, on the stack's own provisioning and on known-bad variants."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from gitops_platform import ObservabilityStack
from gitops_platform.observability import dashboards, datasources
from gitops_platform.observability.gateway import GatewaySizing, vector_config
from gitops_platform.validation.report import Document, Status
from gitops_platform.validation.telemetry_links import run_telemetry_links


def _configmap(name: str, namespace: str, data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
    }


def _service(name: str, namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
    }


def triples(
    stack: ObservabilityStack,
    *,
    provisioning: dict[str, Any] | None = None,
    board: dict[str, Any] | None = None,
    gateway: dict[str, Any] | None = None,
    proxy_target: str | None = None,
) -> list[tuple[str | None, str, Document]]:
    prov = provisioning or datasources.provisioning(stack)
    cfg = gateway or vector_config(stack, GatewaySizing())
    objs: list[tuple[str, dict[str, Any]]] = [
        (
            "grafana",
            _configmap("grafana", "observability", {"datasources.yaml": yaml.safe_dump(prov)}),
        ),
        (
            "vector",
            _configmap("otlp-gateway", "observability", {"vector.yaml": yaml.safe_dump(cfg)}),
        ),
        ("grafana", _service("grafana", "observability")),
        ("tempo", _service("tempo", "observability")),
        ("", _service("backstage", "backstage")),
    ]
    boards = {f"{uid}.json": json.dumps(b) for uid, b in dashboards.all_dashboards().items()}
    if board is not None:
        boards["extra.json"] = json.dumps(board)
    objs.append(("", _configmap("grafana-dashboards", "observability", boards)))
    if proxy_target:
        app_config = {"proxy": {"endpoints": {"/grafana/api": {"target": proxy_target}}}}
        objs.append(
            (
                "",
                _configmap(
                    "backstage", "backstage", {"app-config.yaml": yaml.safe_dump(app_config)}
                ),
            )
        )
    return [
        ("dev", chart, Document(f"{chart or 'tree'}.yaml", i, o))
        for i, (chart, o) in enumerate(objs)
    ]


def test_the_stacks_own_links_hold(stack: ObservabilityStack, vrl: Path) -> None:
    result = run_telemetry_links(triples(stack, proxy_target=stack.grafana.url), vrl)
    assert result.status is Status.PASSED, [f.render() for f in result.findings]
    assert "vrl" in result.detail


def test_a_datasource_referring_to_an_unknown_uid_fails(
    stack: ObservabilityStack, vrl: Path
) -> None:
    prov = copy.deepcopy(datasources.provisioning(stack))
    prov["datasources"][2]["jsonData"]["tracesToLogsV2"]["datasourceUid"] = "logs"
    result = run_telemetry_links(triples(stack, provisioning=prov), vrl)
    assert result.status is Status.FAILED
    [finding] = result.findings
    assert "uid 'logs'" in finding.message
    assert finding.field is not None
    assert finding.field.endswith("jsonData.tracesToLogsV2")


def test_a_dashboard_naming_an_unknown_uid_fails(stack: ObservabilityStack, vrl: Path) -> None:
    board = {"uid": "x", "title": "X", "panels": [{"datasource": {"type": "loki", "uid": "loki2"}}]}
    result = run_telemetry_links(triples(stack, board=board), vrl)
    assert result.status is Status.FAILED
    assert any("'loki2'" in f.message for f in result.findings)


def test_a_trace_to_logs_tag_the_gateway_does_not_set_fails(
    stack: ObservabilityStack, vrl: Path
) -> None:
    prov = copy.deepcopy(datasources.provisioning(stack))
    prov["datasources"][2]["jsonData"]["tracesToLogsV2"]["tags"].append(
        {"key": "k8s.pod.name", "value": "pod"}
    )
    result = run_telemetry_links(triples(stack, provisioning=prov), vrl)
    assert result.status is Status.FAILED
    [finding] = result.findings
    assert "Loki label 'pod'" in finding.message
    assert "app_kubernetes_io_name, namespace, service_name" in finding.message


def test_a_derived_field_on_metadata_the_gateway_drops_fails(
    stack: ObservabilityStack, vrl: Path
) -> None:
    cfg = copy.deepcopy(vector_config(stack, GatewaySizing()))
    program = cfg["transforms"]["logs_for_loki"]["source"]
    cfg["transforms"]["logs_for_loki"]["source"] = program.replace("sm.trace_id", "sm.traceid")
    result = run_telemetry_links(triples(stack, gateway=cfg), vrl)
    assert result.status is Status.FAILED
    assert any("derived field matches 'trace_id'" in f.message for f in result.findings)


def test_a_broken_vrl_program_fails_with_the_engines_diagnostic(
    stack: ObservabilityStack, vrl: Path
) -> None:
    cfg = copy.deepcopy(vector_config(stack, GatewaySizing()))
    cfg["transforms"]["logs_for_loki"]["source"] += "x = downcasee(.message)\n"
    result = run_telemetry_links(triples(stack, gateway=cfg), vrl)
    assert result.status is Status.FAILED
    assert any("E105" in f.message for f in result.findings)


def test_a_backstage_proxy_target_outside_the_stack_fails(
    stack: ObservabilityStack, vrl: Path
) -> None:
    result = run_telemetry_links(
        triples(stack, proxy_target="http://backstage.backstage.svc:7007"), vrl
    )
    assert result.status is Status.FAILED
    assert any("not a Service of the observability stack" in f.message for f in result.findings)


def test_without_the_vrl_engine_the_label_links_fail_with_how_to_build_it(
    stack: ObservabilityStack,
) -> None:
    result = run_telemetry_links(triples(stack, proxy_target=stack.grafana.url), None)
    assert result.status is Status.FAILED
    [finding] = result.findings
    assert finding.root_cause
    assert "the vrl CLI is not installed" in finding.message
    assert "cargo install vrl --version 0.33.1 --locked" in finding.message

"""The gateway's generated Vector config against the Vector schema, and known-bad variants."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest

from gitops_platform import ComponentContext, ObservabilityStack, VectorGateway
from gitops_platform.observability.gateway import (
    GatewaySizing,
    helm_escape,
    vector_config,
)
from gitops_platform.validation.vector_config import SCHEMA_VERSION, check_config
from tests.helpers import spec
from tests.observability.conftest import UPSTREAM


def config(stack: ObservabilityStack) -> dict[str, Any]:
    return vector_config(stack, GatewaySizing())


def test_generated_config_is_valid_for_vector_0_56(stack: ObservabilityStack) -> None:
    assert check_config(config(stack), UPSTREAM) == []


def test_the_0_54_schema_alone_refuses_the_per_signal_decoding(stack: ObservabilityStack) -> None:
    # why the schema is patched: 0.55 added the per-signal form the gateway needs
    schema = json.loads(
        (UPSTREAM / "vector" / SCHEMA_VERSION / "vector-config.schema.json").read_text()
    )
    errors = list(jsonschema.Draft201909Validator(schema).iter_errors(config(stack)))
    assert errors


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda c: c["sinks"]["loki"].update(endpont=c["sinks"]["loki"].pop("endpoint")),
            "sinks.loki: 'endpoint' is a required property",
        ),
        (
            lambda c: c["sinks"]["tempo"]["protocol"].update(methd="post"),
            "sinks.tempo.protocol: Unevaluated properties are not allowed ('methd'",
        ),
        (
            # a 0.57 key: Vector 0.56 refuses it
            lambda c: c["sources"]["otlp"]["grpc"].update(
                keepalive={"max_connection_age_secs": 300}
            ),
            "sources.otlp.grpc: Unevaluated properties are not allowed ('keepalive'",
        ),
        (
            lambda c: c["sinks"]["loki"].update(
                dangerously_allow_unconfined_template_resolution=True
            ),
            "'dangerously_allow_unconfined_template_resolution' was unexpected",
        ),
        (
            lambda c: c["api"].update(playground=True),
            "api: Unevaluated properties are not allowed ('playground'",
        ),
        (
            lambda c: c["sinks"]["prometheus"].update(type="prometheus_remote_writ"),
            "sinks.prometheus.type: 'prometheus_remote_writ' is no sink type",
        ),
        (
            lambda c: c["sinks"]["prometheus"].update(inputs=["otlp.metric"]),
            "sinks.prometheus.inputs: 'otlp.metric' is no source, transform or named output",
        ),
        (
            lambda c: (
                c["transforms"]["logs_for_loki"].update(inputs=["metrics_for_prometheus"])
                or c["transforms"]["metrics_for_prometheus"].update(inputs=["logs_for_loki"])
            ),
            "cycle",
        ),
        (
            lambda c: c["sinks"]["loki"]["buffer"].update(max_size="big"),
            "sinks.loki.buffer.max_size",
        ),
    ],
)
def test_known_bad_configs_name_the_real_field(
    stack: ObservabilityStack, mutate: Any, expected: str
) -> None:
    bad = copy.deepcopy(config(stack))
    mutate(bad)
    problems = check_config(bad, UPSTREAM)
    assert any(expected in p for p in problems), problems


def test_config_sizes_buffers_and_volume_per_environment(stack: ObservabilityStack) -> None:
    gateway = VectorGateway(
        stack=stack,
        sizing={"prd": GatewaySizing(replicas=2, max_replicas=6, buffer_mib=1024)},
    )
    environment = spec().environments[1]
    values = gateway.values(gateway.chart, ComponentContext(spec(), environment))
    sinks = values["customConfig"]["sinks"]
    buffered = [s["buffer"] for s in sinks.values() if "buffer" in s]
    assert all(
        b == {"type": "disk", "max_size": 1024 * 2**20, "when_full": "block"} for b in buffered
    )
    # the volume holds the buffers' sum with room to spare (Vector exits on a full disk)
    assert int(values["persistence"]["size"].removesuffix("Gi")) * 2**30 > sum(
        b["max_size"] for b in buffered
    )
    assert values["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}
    assert values["autoscaling"]["maxReplicas"] == 6
    dev = gateway.values(gateway.chart, ComponentContext(spec(), spec().environments[0]))
    assert "autoscaling" not in dev
    assert dev["podDisruptionBudget"]["enabled"] is False
    with pytest.raises(Exception, match="257"):
        GatewaySizing(buffer_mib=100)


def test_vector_templates_survive_the_charts_tpl(stack: ObservabilityStack) -> None:
    gateway = VectorGateway(stack=stack)
    environment = spec().environments[0]
    values = gateway.values(gateway.chart, ComponentContext(spec(), environment))
    assert values["customConfig"]["sinks"]["loki"]["labels"] == {"*": '{{ "{{" }} _loki_labels }}'}
    assert helm_escape("{{ x }}") == '{{ "{{" }} x }}'


def test_health_api_is_not_a_service_port(gateway: VectorGateway) -> None:
    base = gateway.values(gateway.chart, ComponentContext(spec(), None))
    assert [p["port"] for p in base["service"]["ports"]] == [4317, 4318, 9598]
    assert 8686 in [p["containerPort"] for p in base["containerPorts"]]
    assert base["readinessProbe"]["httpGet"]["port"] == 8686

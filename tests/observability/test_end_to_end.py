"""One chat-api request on paper: OTLP log and span -> gateway -> Loki -> Grafana's trace link.

The log goes through the gateway's real VRL program (the pinned ``vrl`` engine) and the Loki
sink's templates; the span's resource attributes go through Grafana's ``tracesToLogsV2``
settings; the LogQL query that comes out must select the stream and the line of that log.
"""

from __future__ import annotations

import re
from pathlib import Path

from gitops_platform import ObservabilityStack
from gitops_platform.observability.datasources import trace_to_logs_query
from gitops_platform.observability.gateway import GatewaySizing, vector_config
from gitops_platform.validation.telemetry_links import run_vrl

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"  # pragma: allowlist secret (W3C example)
SPAN_ID = "00f067aa0ba902b7"  # pragma: allowlist secret (W3C example)
RESOURCE = {
    "service.name": "chat-api",
    "k8s.namespace.name": "chat-api",
    "k8s.pod.label.app.kubernetes.io/name": "chat-api",
}
#: The log record as Vector's opentelemetry source decodes it (native log event).
LOG = {
    "message": "POST /chats/42/messages 201",
    "resources": RESOURCE,
    "attributes": {"http.route": "/chats/{id}/messages"},
    "trace_id": TRACE_ID,
    "span_id": SPAN_ID,
    "severity_text": "INFO",
}
#: The span's resource, as Tempo stores it (the same SDK resource as the log's).
SPAN = {"resource": RESOURCE, "traceId": TRACE_ID, "spanId": SPAN_ID, "name": "POST /chats"}


def _loki_entry(
    stack: ObservabilityStack, vrl: Path
) -> tuple[dict[str, str], dict[str, str], dict[str, object]]:
    """What the Loki sink pushes for LOG: stream labels, structured metadata, the JSON line."""
    config = vector_config(stack, GatewaySizing())
    transform = config["transforms"]["logs_for_loki"]
    assert transform["inputs"] == ["otlp.logs"]
    [event] = run_vrl(vrl, transform["source"], [LOG])
    sink = config["sinks"]["loki"]
    assert sink["labels"] == {"*": "{{ _loki_labels }}"}
    assert sink["structured_metadata"] == {"*": "{{ _loki_sm }}"}
    labels = event["_loki_labels"]
    metadata = event["_loki_sm"]
    # remove_label_fields / remove_structured_metadata_fields, then except_fields
    line = {k: v for k, v in event.items() if k not in ("_loki_labels", "_loki_sm", "resources")}
    assert sink["remove_label_fields"]
    assert sink["remove_structured_metadata_fields"]
    assert sink["encoding"]["except_fields"] == ["resources"]
    return labels, metadata, line


def test_a_chat_api_log_gets_exactly_the_three_labels(stack: ObservabilityStack, vrl: Path) -> None:
    labels, metadata, line = _loki_entry(stack, vrl)
    assert labels == {
        "service_name": "chat-api",
        "namespace": "chat-api",
        "app_kubernetes_io_name": "chat-api",
    }
    # trace context stays out of the labels: structured metadata, and fields of the line
    assert metadata == {"trace_id": TRACE_ID, "span_id": SPAN_ID, "severity_text": "INFO"}
    assert line["trace_id"] == TRACE_ID
    assert line["span_id"] == SPAN_ID


def test_a_log_without_resources_is_labelled_unknown(stack: ObservabilityStack, vrl: Path) -> None:
    config = vector_config(stack, GatewaySizing())
    [event] = run_vrl(vrl, config["transforms"]["logs_for_loki"]["source"], [{"message": "x"}])
    assert event["_loki_labels"] == {
        "service_name": "unknown",
        "namespace": "unknown",
        "app_kubernetes_io_name": "unknown",
    }
    assert event["_loki_sm"] == {}


def test_the_spans_trace_to_logs_query_selects_that_log(
    stack: ObservabilityStack, vrl: Path
) -> None:
    labels, metadata, _line = _loki_entry(stack, vrl)
    query = trace_to_logs_query(SPAN["resource"], TRACE_ID)  # type: ignore[arg-type]
    assert query == (f'{{service_name="chat-api", namespace="chat-api"}} | trace_id="{TRACE_ID}"')
    # evaluate the query on paper: the stream selector's matchers and the label filter
    selector, _, pipeline = query.partition(" | ")
    matchers = dict(re.findall(r'(\w+)="([^"]*)"', selector))
    assert all(labels.get(name) == value for name, value in matchers.items())
    [(filter_name, filter_value)] = re.findall(r'(\w+)="([^"]*)"', pipeline)
    # a label filter reads labels and structured metadata alike (Loki 3)
    assert {**labels, **metadata}.get(filter_name) == filter_value

"""Grafana data sources with fixed uids, linking traces, logs and metrics.

Provisioning keys follow Grafana's data source docs (``docs/sources/datasources/tempo/
configure-tempo-data-source/provision.md``, ``.../configure-trace-to-logs.md``,
``docs/sources/datasources/loki/configure/index.md``): Loki ``derivedFields`` (``matcherType``
``label`` matches a structured-metadata key), Tempo ``tracesToLogsV2``, ``tracesToMetrics``,
``serviceMap`` and ``nodeGraph``. The obsolete ``lokiSearch`` key (the Loki tab of the Tempo
data source was removed in Grafana 11) is not written. ``$`` is written ``$$`` because Grafana
expands environment variables in provisioning files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from gitops_platform.observability.labels import TRACE_TO_LOG_TAGS

if TYPE_CHECKING:
    from gitops_platform.observability.stack import ObservabilityStack

__all__ = ["LOKI_UID", "PROMETHEUS_UID", "TEMPO_UID", "provisioning", "trace_to_logs_query"]

PROMETHEUS_UID: Final = "prometheus"
LOKI_UID: Final = "loki"
TEMPO_UID: Final = "tempo"

#: Grafana's ``tracesToLogsV2`` query: the span's tags as a stream selector, then the trace id
#: (a structured-metadata field set by the gateway) as a label filter.
TRACES_TO_LOGS_QUERY: Final = '{$${__tags}} | trace_id="$${__trace.traceId}"'


def trace_to_logs_query(span_resource: dict[str, str], trace_id: str) -> str:
    """The LogQL query Grafana builds for a span through ``tracesToLogsV2`` (on paper).

    Grafana replaces ``${__tags}`` with ``label="value"`` pairs of the configured tags found on
    the span (in the configured order) and ``${__trace.traceId}`` with the trace id.

    Args:
        span_resource: the span's resource attributes.
        trace_id: the span's trace id (hex).

    Returns:
        The query, e.g. ``{service_name="chat-api", namespace="chat"} | trace_id="ab.."``.
    """
    tags = ", ".join(
        f'{label}="{span_resource[key]}"'
        for key, label in TRACE_TO_LOG_TAGS.items()
        if key in span_resource
    )
    query = TRACES_TO_LOGS_QUERY.replace("$$", "$")
    return query.replace("${__tags}", tags).replace("${__trace.traceId}", trace_id)


def provisioning(stack: ObservabilityStack) -> dict[str, Any]:
    """The ``datasources.yaml`` provisioning file of Grafana (apiVersion 1)."""
    return {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "type": "prometheus",
                "uid": PROMETHEUS_UID,
                "access": "proxy",
                "url": stack.prometheus.url,
                "isDefault": True,
                "jsonData": {
                    "httpMethod": "POST",
                    "exemplarTraceIdDestinations": [
                        {"name": "trace_id", "datasourceUid": TEMPO_UID}
                    ],
                },
            },
            {
                "name": "Loki",
                "type": "loki",
                "uid": LOKI_UID,
                "access": "proxy",
                "url": stack.loki_query.url,
                "jsonData": {
                    "maxLines": 1000,
                    "derivedFields": [
                        {
                            "name": "TraceID",
                            "matcherType": "label",
                            "matcherRegex": "trace_id",
                            "datasourceUid": TEMPO_UID,
                            "url": "$${__value.raw}",
                            "urlDisplayLabel": "View trace",
                        }
                    ],
                },
            },
            {
                "name": "Tempo",
                "type": "tempo",
                "uid": TEMPO_UID,
                "access": "proxy",
                "url": stack.tempo_query.url,
                "jsonData": {
                    "tracesToLogsV2": {
                        "datasourceUid": LOKI_UID,
                        "spanStartTimeShift": "-5m",
                        "spanEndTimeShift": "5m",
                        "tags": [{"key": k, "value": v} for k, v in TRACE_TO_LOG_TAGS.items()],
                        "filterByTraceID": True,
                        "filterBySpanID": False,
                        "customQuery": True,
                        "query": TRACES_TO_LOGS_QUERY,
                    },
                    "tracesToMetrics": {
                        "datasourceUid": PROMETHEUS_UID,
                        "spanStartTimeShift": "-5m",
                        "spanEndTimeShift": "5m",
                        "tags": [{"key": "service.name", "value": "service"}],
                    },
                    "serviceMap": {"datasourceUid": PROMETHEUS_UID},
                    "nodeGraph": {"enabled": True},
                    "search": {"hide": False},
                },
            },
        ],
    }

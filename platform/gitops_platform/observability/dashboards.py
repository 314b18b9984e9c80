"""Grafana dashboards as code, built with the Grafana Foundation SDK (``grafana-foundation-sdk``).

Three kinds: the gateway (events in/out, errors, buffer usage, dropped events; Vector's internal
metric names from ``website/cue/reference/components/sources/internal_metrics.cue``), the
platform overview, and one dashboard per service that Backstage's Grafana plugin finds through
its ``grafana/dashboard-selector`` annotation (a tag query, see :func:`dashboard_selector`).
Every panel names its data source by the fixed uids of :mod:`datasources`.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import logs, loki, prometheus, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from gitops_platform.observability.datasources import LOKI_UID, PROMETHEUS_UID

__all__ = [
    "SERVICES",
    "all_dashboards",
    "dashboard_selector",
    "gateway_dashboard",
    "overview_dashboard",
    "service_dashboard",
]

#: The services that get a per-service dashboard.
SERVICES: Final = ("chat-api",)

_PROM = DataSourceRef(type_val="prometheus", uid=PROMETHEUS_UID)
_LOKI = DataSourceRef(type_val="loki", uid=LOKI_UID)


def _prom_panel(title: str, unit: str, *queries: tuple[str, str]) -> timeseries.Panel:
    panel = timeseries.Panel().title(title).datasource(_PROM).unit(unit)
    for ref, (expr, legend) in zip("ABCDEFGH", queries, strict=False):
        panel = panel.with_target(
            prometheus.Dataquery().ref_id(ref).expr(_compact(expr)).legend_format(legend)
        )
    return panel


_AGG_BY = re.compile(r"\b(sum|max|min|avg|count) by \(([^)]*)\) \(")


def _compact(expr: str) -> str:
    """PromQL without spaces, ``sum by (x) (e)`` written ``sum(e)by(x)``.

    A query with no space stays one unbroken word in the provisioned JSON, which YAML linters
    let overflow the line length; PromQL reads both forms alike.
    """
    while match := _AGG_BY.search(expr):
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(expr[end], 0)
            end += 1
        inner = expr[match.end() : end - 1]
        expr = f"{expr[: match.start()]}{match[1]}({inner})by({match[2]}){expr[end:]}"
    return re.sub(r"\s+", "", expr)


def _encode(board: db.Dashboard) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(JSONEncoder(sort_keys=True).encode(board.build()))
    return data


def gateway_dashboard() -> dict[str, Any]:
    """The Vector gateway: events in and out, errors, buffer usage, dropped events."""
    by = "sum by (component_id) "
    board = (
        db.Dashboard("OTLP gateway (Vector)")
        .uid("otlp-gateway")
        .tags(["platform", "observability", "vector"])
        .refresh("30s")
        .time("now-1h", "now")
        .with_panel(
            _prom_panel(
                "Events received",
                "ops",
                (by + "(rate(vector_component_received_events_total[5m]))", "{{component_id}}"),
            )
        )
        .with_panel(
            _prom_panel(
                "Events sent",
                "ops",
                (by + "(rate(vector_component_sent_events_total[5m]))", "{{component_id}}"),
            )
        )
        .with_panel(
            _prom_panel(
                "Errors",
                "ops",
                (
                    "sum by (component_id, error_type) (rate(vector_component_errors_total[5m]))",
                    "{{component_id}} {{error_type}}",
                ),
            )
        )
        .with_panel(
            _prom_panel(
                "Buffer usage",
                "bytes",
                (by + "(vector_buffer_size_bytes)", "{{component_id}}"),
            )
        )
        .with_panel(
            _prom_panel(
                "Dropped events",
                "ops",
                (
                    by + '(rate(vector_component_discarded_events_total{intentional="false"}[5m]))',
                    "{{component_id}} discarded",
                ),
                (
                    by + '(rate(vector_buffer_discarded_events_total{intentional="false"}[5m]))',
                    "{{component_id}} buffer",
                ),
            )
        )
    )
    return _encode(board)


def overview_dashboard() -> dict[str, Any]:
    """The platform overview: targets up, API latency, ingest rates, SLO burn."""
    board = (
        db.Dashboard("Platform overview")
        .uid("platform-overview")
        .tags(["platform", "overview"])
        .refresh("1m")
        .time("now-6h", "now")
        .with_panel(_prom_panel("Targets up", "short", ("sum by (job) (up)", "{{job}}")))
        .with_panel(
            _prom_panel(
                "Log lines pushed to Loki",
                "ops",
                (
                    "sum(rate(loki_distributor_lines_received_total[5m]))",
                    "lines",
                ),
            )
        )
        .with_panel(
            _prom_panel(
                "Spans received by Tempo",
                "ops",
                ("sum(rate(tempo_distributor_spans_received_total[5m]))", "spans"),
            )
        )
        .with_panel(
            _prom_panel(
                "SLO error budget burn (1h)",
                "percentunit",
                ("max by (slo) (slo:sli_error:ratio_rate1h)", "{{slo}}"),
            )
        )
    )
    return _encode(board)


def service_dashboard(service: str) -> dict[str, Any]:
    """One service: request rate, errors and latency from Tempo's span metrics, and its logs.

    Args:
        service: the ``service.name`` the service reports (also its dashboard tag).
    """
    sel = f'service="{service}"'
    board = (
        db.Dashboard(f"Service: {service}")
        .uid(f"service-{service}")
        .tags(["service", service])
        .refresh("1m")
        .time("now-3h", "now")
        .with_panel(
            _prom_panel(
                "Requests",
                "reqps",
                (f"sum by (span_name) (rate(traces_spanmetrics_calls_total{{{sel}}}[5m]))", ""),
            )
        )
        .with_panel(
            _prom_panel(
                "Error ratio",
                "percentunit",
                (
                    f'sum(rate(traces_spanmetrics_calls_total{{{sel},status_code="STATUS_CODE_ERROR"}}[5m]))'
                    f" / sum(rate(traces_spanmetrics_calls_total{{{sel}}}[5m]))",
                    "errors",
                ),
            )
        )
        .with_panel(
            _prom_panel(
                "Latency p95",
                "s",
                (
                    "histogram_quantile(0.95, sum by (le) "
                    f"(rate(traces_spanmetrics_latency_bucket{{{sel}}}[5m])))",
                    "p95",
                ),
            )
        )
        .with_panel(
            logs.Panel()
            .title("Logs")
            .datasource(_LOKI)
            .with_target(loki.Dataquery().ref_id("A").expr(f'{{service_name="{service}"}}'))
        )
    )
    return _encode(board)


def dashboard_selector(service: str) -> str:
    """The ``grafana/dashboard-selector`` annotation value finding ``service``'s dashboard.

    Backstage's Grafana plugin evaluates it against each dashboard's title, tags and folder
    (``@backstage-community/plugin-grafana``, "dashboard-selector" queries).
    """
    return f"tags @> '{service}'"


def all_dashboards() -> dict[str, dict[str, Any]]:
    """Every dashboard the stack provisions, by uid."""
    boards = [gateway_dashboard(), overview_dashboard()]
    boards += [service_dashboard(s) for s in SERVICES]
    return {b["uid"]: b for b in boards}

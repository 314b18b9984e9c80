"""SLOs as code, turned into multi-window, multi-burn-rate ``PrometheusRule`` alerts.

The windows and burn-rate factors are the Google SRE workbook's recommendation for a 30-day
SLO ("Alerting on SLOs", section 6 "Multiwindow, Multi-Burn-Rate Alerts", table 5-8): page
when 2 % of the budget burns in 1 hour (factor 14.4, short window 5 minutes) or 5 % in 6 hours
(factor 6, short window 30 minutes); open a ticket when 10 % burns in 1 day (factor 3, short
window 2 hours) or in 3 days (factor 1, short window 6 hours). An alert fires only while both
its long and its short window burn faster than the factor, so it resets soon after a fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from gitops_platform.errors import InvalidValueError, raise_all

__all__ = [
    "ALERTS_RULE",
    "BURN_WINDOWS",
    "CERTIFICATE_EXPIRY_DAYS",
    "SLO",
    "Alert",
    "BurnWindow",
    "alert_rule",
    "default_alerts",
    "default_slos",
    "prometheus_rule",
    "slo_table",
]

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
_ALERT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{0,60}$")
_DURATION = re.compile(r"^[1-9][0-9]*[smhd]$")
_SEVERITIES = ("page", "ticket")

#: The ``PrometheusRule`` holding the alerts that are not SLO burn rates.
ALERTS_RULE: Final = "platform-alerts"


@dataclass(frozen=True)
class BurnWindow:
    """One multi-window alert: burn-rate factor, long and short windows, severity.

    Attributes:
        long: the long window (Prometheus duration).
        short: the short window (1/12 of the long one).
        factor: the burn rate both windows must exceed.
        severity: ``page`` or ``ticket``.
        for_: how long the condition must hold before the alert fires.
    """

    long: str
    short: str
    factor: float
    severity: str
    for_: str


#: SRE workbook table 5-8 (30-day SLO period).
BURN_WINDOWS: Final = (
    BurnWindow("1h", "5m", 14.4, "page", "2m"),
    BurnWindow("6h", "30m", 6.0, "page", "15m"),
    BurnWindow("1d", "2h", 3.0, "ticket", "1h"),
    BurnWindow("3d", "6h", 1.0, "ticket", "3h"),
)


@dataclass(frozen=True)
class SLO:
    """A ratio SLO: the share of bad events among all events stays below ``1 - objective``.

    ``errors`` and ``total`` are PromQL range-vector expressions with ``{window}`` where the
    window goes, e.g. ``sum(rate(http_requests_total{code=~"5.."}[{window}]))``.

    Attributes:
        name: the SLO's name (lower-case, dashes), the ``slo`` label of its series.
        description: what it promises, in one sentence.
        objective: the target share of good events, in (0.9, 1) (e.g. ``0.999``).
        errors: bad events per second over ``{window}``.
        total: all events per second over ``{window}``.
        service: the service the SLO belongs to (alert label).

    Raises:
        InvalidObjectError | InvalidValueError: for a bad name, objective or query.
    """

    name: str
    description: str
    objective: float
    errors: str
    total: str
    service: str

    def __post_init__(self) -> None:
        where = f"SLO {self.name}"
        problems: list[InvalidValueError] = []
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            problems.append(InvalidValueError(where, "name", self.name, "a-z, 0-9 and dashes"))
        if not isinstance(self.objective, float) or not 0.9 < self.objective < 1.0:
            problems.append(
                InvalidValueError(where, "objective", self.objective, "a float in (0.9, 1.0)")
            )
        for attr in ("errors", "total"):
            if "{window}" not in getattr(self, attr):
                problems.append(
                    InvalidValueError(where, attr, getattr(self, attr), "a query with {window}")
                )
        raise_all(where, problems)

    @property
    def budget(self) -> float:
        """The error budget: ``1 - objective``."""
        return round(1.0 - self.objective, 10)

    def record(self, window: str) -> str:
        """The recorded error ratio's name for one window."""
        return f"slo:sli_error:ratio_rate{window}"

    def ratio(self, window: str) -> str:
        """The error-ratio expression for one window (label matchers one per line)."""
        errors = _fold(self.errors.replace("{window}", window))
        total = _fold(self.total.replace("{window}", window))
        return f"(\n{errors}\n)\n/\n(\n{total}\n)"


def _fold(query: str) -> str:
    """Put each label matcher of a PromQL query on its own line (PromQL ignores newlines)."""
    out: list[str] = []
    depth = 0
    for char in query:
        if char == "{":
            depth += 1
            out.append("{\n  ")
        elif char == "}":
            depth -= 1
            out.append("\n}")
        elif char == "," and depth:
            out.append(",\n  ")
        else:
            out.append(char)
    return "".join(out).replace(" - ", "\n- ").replace(" + ", "\n+ ")


def _title(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _windows() -> list[str]:
    seen: list[str] = []
    for w in BURN_WINDOWS:
        for window in (w.short, w.long):
            if window not in seen:
                seen.append(window)
    return seen


def rule_groups(slos: tuple[SLO, ...]) -> list[dict[str, Any]]:
    """The rule groups (Prometheus rule-file ``groups``) of ``slos``: recordings, then alerts."""
    groups: list[dict[str, Any]] = []
    for slo in slos:
        labels = {"slo": slo.name, "service": slo.service}
        rules: list[dict[str, Any]] = [
            {"record": slo.record(window), "expr": slo.ratio(window), "labels": labels}
            for window in _windows()
        ]
        for w in BURN_WINDOWS:
            threshold = round(w.factor * slo.budget, 10)
            rules.append(
                {
                    "alert": f"{_title(slo.name)}BudgetBurn",
                    "expr": (
                        f'{slo.record(w.long)}{{slo="{slo.name}"}} > {threshold}\n'
                        f'and {slo.record(w.short)}{{slo="{slo.name}"}} > {threshold}'
                    ),
                    "for": w.for_,
                    "labels": {
                        "severity": w.severity,
                        "slo": slo.name,
                        "long_window": w.long,
                    },
                    "annotations": {
                        "summary": (
                            f"SLO {slo.name} burns its error budget {w.factor:g}x too fast"
                        ),
                        "description": (
                            f"{slo.description}: the error ratio over {w.long} is "
                            "{{ $value | humanizePercentage }}"
                            f" (objective {slo.objective:g}, windows {w.long}/{w.short})."
                        ),
                    },
                }
            )
        groups.append({"name": f"slo-{slo.name}", "rules": rules})
    return groups


def prometheus_rule(slos: tuple[SLO, ...], namespace: str) -> dict[str, Any]:
    """The ``PrometheusRule`` object (metadata name and namespace, spec) of ``slos``."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "slo-burn-rates", "namespace": namespace},
        "spec": {"groups": rule_groups(slos)},
    }


def slo_table(slos: tuple[SLO, ...]) -> str:
    """A Markdown table of ``slos`` (for the README)."""
    lines = [
        "| SLO | service | objective | error budget (30 d) | what it promises |",
        "| --- | --- | --- | --- | --- |",
    ]
    for slo in slos:
        minutes = slo.budget * 30 * 24 * 60
        lines.append(
            f"| `{slo.name}` | {slo.service} | {slo.objective:.2%} | "
            f"{slo.budget:.2%} ({minutes:.0f} min) | {slo.description} |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Alert:
    """A threshold alert on a component's own metrics (not an SLO's burn rate).

    Attributes:
        name: the alert's name (``alertname``), CamelCase.
        expr: the PromQL condition; every series it returns is one alert.
        for_: how long the condition must hold (Prometheus duration, e.g. ``15m``).
        severity: ``page`` or ``ticket`` (the Alertmanager routing of ``docs/slo.md``).
        service: the component it belongs to (the ``service`` label).
        summary: one line, may use ``{{ $labels.<name> }}`` and ``{{ $value }}``.
        description: what it means and where to look, same templating.
        runbook: the runbook's path under ``docs/`` (the ``runbook`` annotation).

    Raises:
        InvalidObjectError | InvalidValueError: for a bad name, duration, severity or an empty
            expression, summary or runbook.
    """

    name: str
    expr: str
    for_: str
    severity: str
    service: str
    summary: str
    description: str
    runbook: str

    def __post_init__(self) -> None:
        where = f"Alert {self.name}"
        problems: list[InvalidValueError] = []
        if not isinstance(self.name, str) or not _ALERT_NAME.fullmatch(self.name):
            problems.append(
                InvalidValueError(where, "name", self.name, "CamelCase letters, digits")
            )
        if not isinstance(self.for_, str) or not _DURATION.fullmatch(self.for_):
            problems.append(InvalidValueError(where, "for_", self.for_, "a duration such as 15m"))
        if self.severity not in _SEVERITIES:
            problems.append(InvalidValueError(where, "severity", self.severity, "page or ticket"))
        if not isinstance(self.service, str) or not _NAME.fullmatch(self.service):
            problems.append(
                InvalidValueError(where, "service", self.service, "a-z, 0-9 and dashes")
            )
        for attr in ("expr", "summary", "description", "runbook"):
            value = getattr(self, attr)
            if not isinstance(value, str) or not value.strip():
                problems.append(InvalidValueError(where, attr, value, "a non-empty string"))
        raise_all(where, problems)

    def rule(self) -> dict[str, Any]:
        """The alerting rule (one entry of a rule group's ``rules``)."""
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": self.for_,
            "labels": {"severity": self.severity, "service": self.service},
            "annotations": {
                "summary": self.summary,
                "description": self.description,
                "runbook": self.runbook,
            },
        }


def alert_rule(alerts: tuple[Alert, ...], namespace: str) -> dict[str, Any]:
    """The ``PrometheusRule`` :data:`ALERTS_RULE` of ``alerts``: one group per service."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for alert in alerts:
        groups.setdefault(alert.service, []).append(alert.rule())
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": ALERTS_RULE, "namespace": namespace},
        "spec": {"groups": [{"name": name, "rules": rules} for name, rules in groups.items()]},
    }


#: Alert when a certificate has less than this many days left (cert-manager renews at two
#: thirds of the lifetime: 30 days before expiry for a 90-day ACME certificate).
CERTIFICATE_EXPIRY_DAYS: Final = 14


def default_alerts() -> tuple[Alert, ...]:
    """The platform's threshold alerts: cert-manager's certificates.

    Metrics of the cert-manager controller (``pkg/metrics`` of cert-manager, scraped through
    the chart's ServiceMonitor): ``certmanager_certificate_expiration_timestamp_seconds``
    (gauge, Unix time of ``notAfter``) and ``certmanager_certificate_ready_status`` (gauge, 1 for
    the current ``condition``: ``True``, ``False`` or ``Unknown``), both labelled with the
    Certificate's ``name`` and ``namespace``; the scrape keeps the target's ``namespace``
    (``cert-manager``) and renames the Certificate's to ``exported_namespace``.
    """
    runbook = "runbooks/certificates.md"
    where = "{{ $labels.exported_namespace }}/{{ $labels.name }}"
    return (
        Alert(
            name="CertificateExpiringSoon",
            expr=(
                "min by (exported_namespace, name) ("
                "certmanager_certificate_expiration_timestamp_seconds"
                f") - time() < {CERTIFICATE_EXPIRY_DAYS} * 24 * 3600"
            ),
            for_="1h",
            severity="page",
            service="cert-manager",
            summary=f"Certificate {where} expires in less than {CERTIFICATE_EXPIRY_DAYS} days",
            description=(
                f"Certificate {where} expires in {{{{ $value | humanizeDuration }}}} and "
                "cert-manager has not renewed it (it renews 30 days before expiry)."
            ),
            runbook=runbook,
        ),
        Alert(
            name="CertificateNotReady",
            expr=(
                "max by (exported_namespace, name) ("
                'certmanager_certificate_ready_status{condition="False"}'
                ") == 1"
            ),
            for_="30m",
            severity="ticket",
            service="cert-manager",
            summary=f"Certificate {where} is not ready",
            description=(
                f"Certificate {where} has condition Ready=False for 30 minutes: cert-manager "
                "cannot issue or renew it."
            ),
            runbook=runbook,
        ),
    )


#: Backstage's HTTP server histogram as its metrics port serves it. The backend's
#: ``instrumentation.js`` (redhat-developer/rhdh ``packages/backend/src/instrumentation.js``)
#: runs the Node.js auto-instrumentations with a ``PrometheusExporter`` on 9464; with
#: ``OTEL_SEMCONV_STABILITY_OPT_IN=http`` (set by ``BackstageRelease``) the HTTP instrumentation
#: records the stable ``http.server.request.duration`` in seconds with
#: ``http.response.status_code``, and the exporter writes it as ``http_server_request_duration``
#: without a unit suffix (opentelemetry-js ``PrometheusSerializer``: names are only sanitised).
BACKSTAGE_HTTP_SERVER = "http_server_request_duration"

#: The series of Backstage's own scrape: the exporter keeps resource attributes such as
#: ``service.name`` in ``target_info`` only, so the ServiceMonitor's ``namespace`` label selects
#: them (the only HTTP server exporting this histogram in Backstage's namespace).
BACKSTAGE_SCRAPE = 'namespace="backstage"'


def default_slos() -> tuple[SLO, ...]:
    """The platform's SLOs: Backstage, OTLP ingest, Loki and Tempo writes, secret sync."""
    return (
        SLO(
            name="backstage-availability",
            description="Backstage answers requests without a server error",
            objective=0.995,
            errors=(
                f"sum(rate({BACKSTAGE_HTTP_SERVER}_count{{{BACKSTAGE_SCRAPE},"
                'http_response_status_code=~"5.."}[{window}]))'
            ),
            total=f"sum(rate({BACKSTAGE_HTTP_SERVER}_count{{{BACKSTAGE_SCRAPE}}}[{{window}}]))",
            service="backstage",
        ),
        SLO(
            name="backstage-latency",
            description="Backstage answers requests within 1 second",
            objective=0.99,
            errors=(
                f"sum(rate({BACKSTAGE_HTTP_SERVER}_count{{{BACKSTAGE_SCRAPE}}}[{{window}}])) - "
                f'sum(rate({BACKSTAGE_HTTP_SERVER}_bucket{{{BACKSTAGE_SCRAPE},le="1"}}'
                "[{window}]))"
            ),
            total=f"sum(rate({BACKSTAGE_HTTP_SERVER}_count{{{BACKSTAGE_SCRAPE}}}[{{window}}]))",
            service="backstage",
        ),
        SLO(
            name="otlp-ingest",
            description="The OTLP gateway delivers what it receives",
            objective=0.999,
            errors=(
                'sum(rate(vector_component_discarded_events_total{intentional="false"}[{window}]))'
            ),
            total='sum(rate(vector_component_received_events_total{component_id="otlp"}[{window}]))',
            service="otlp-gateway",
        ),
        SLO(
            name="loki-write",
            description="Loki accepts pushed logs",
            objective=0.999,
            errors=(
                "sum(rate(loki_request_duration_seconds_count{route=~"
                '"loki_api_v1_push|otlp_v1_logs",status_code=~"5.."}[{window}]))'
            ),
            total=(
                "sum(rate(loki_request_duration_seconds_count{route=~"
                '"loki_api_v1_push|otlp_v1_logs"}[{window}]))'
            ),
            service="loki",
        ),
        SLO(
            name="tempo-write",
            description="Tempo accepts received spans",
            objective=0.999,
            errors="sum(rate(tempo_receiver_refused_spans_total[{window}]))",
            total=(
                "sum(rate(tempo_receiver_accepted_spans_total[{window}])) + "
                "sum(rate(tempo_receiver_refused_spans_total[{window}]))"
            ),
            service="tempo",
        ),
        SLO(
            name="external-secrets-sync",
            description="External Secrets syncs secrets from the store",
            objective=0.99,
            errors="sum(rate(externalsecret_sync_calls_error[{window}]))",
            total="sum(rate(externalsecret_sync_calls_total[{window}]))",
            service="external-secrets",
        ),
    )

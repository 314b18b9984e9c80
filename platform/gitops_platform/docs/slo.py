"""``docs/slo.md``: the SLOs, their SLIs, budgets and alerts, from the objects behind the rules.

The document is written from the same :class:`~gitops_platform.observability.slo.SLO` objects and
the same :func:`~gitops_platform.observability.slo.rule_groups` output that render the
``PrometheusRule`` ``slo-burn-rates``: alert names, severities, windows and thresholds are read
from the generated rules, never typed twice. :func:`slo_document_problems` reads the document
back and compares it with a rendered ``PrometheusRule`` (``tests/docs/test_slo_document.py``
runs it against ``dist/``).

Burn-rate windows and factors: Google SRE workbook, "Alerting on SLOs", table 5-8.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from gitops_platform.component import ServiceEndpoint
from gitops_platform.core.environment import Environment
from gitops_platform.observability.slo import BURN_WINDOWS, SLO, rule_groups
from gitops_platform.observability.stack import ObservabilityStack, StackSizing

__all__ = ["SLO_PERIOD_DAYS", "alert_rows_of_rules", "slo_document", "slo_document_problems"]

#: The SLO period the burn-rate factors are computed for (SRE workbook: 30 days).
SLO_PERIOD_DAYS: Final = 30

_MINUTES = SLO_PERIOD_DAYS * 24 * 60

#: Which component each SLO's ``service`` label belongs to, for the section headings.
_SERVICE_TITLES: Final = {
    "backstage": "Backstage",
    "otlp-gateway": "OTLP gateway (Vector)",
    "loki": "Loki",
    "tempo": "Tempo",
    "external-secrets": "External Secrets",  # pragma: allowlist secret
}

_SUMMARY_HEADER: Final = (
    "SLO",
    "service",
    "objective",
    "window",
    "error budget",
    "budget (minutes per window)",
)
_ALERT_HEADER: Final = (
    "SLO",
    "alert",
    "severity",
    "long window",
    "short window",
    "burn rate",
    "error-ratio threshold",
    "for",
    "budget spent when it fires",
)

_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNIT_MINUTES: Final = {"m": 1, "h": 60, "d": 24 * 60}


def _minutes(duration: str) -> int:
    match = _DURATION.fullmatch(duration)
    if not match:
        raise ValueError(f"not a duration in m, h or d: {duration!r}")
    return int(match.group(1)) * _UNIT_MINUTES[match.group(2)]


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)]


def alert_rows_of_rules(groups: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The alert rows (cells of the ``_ALERT_HEADER`` columns) that ``groups`` implement.

    Args:
        groups: Prometheus rule groups as :func:`rule_groups` renders them (``slo-<name>``,
            recordings ``slo:sli_error:ratio_rate<window>`` then alerts).

    Returns:
        One mapping per alert; the SLO's name comes from the alert's ``slo`` label, the burn
        rate from its summary, the windows and threshold from its expression.

    Raises:
        ValueError: an alert whose expression is not ``<long> > t and <short> > t``.
    """
    rows: list[dict[str, str]] = []
    for group in groups:
        for rule in group.get("rules", ()):
            if "alert" not in rule:
                continue
            labels = rule.get("labels", {})
            windows = re.findall(r"ratio_rate(\w+)\{", rule["expr"])
            thresholds = set(re.findall(r">\s*([0-9.e-]+)", rule["expr"]))
            factor = re.search(r"budget ([0-9.]+)x", rule.get("annotations", {}).get("summary", ""))
            if len(windows) != 2 or len(thresholds) != 1 or factor is None:
                raise ValueError(f"{rule['alert']}: not a two-window burn-rate alert")
            burn = float(factor.group(1))
            spent = burn * _minutes(windows[0]) / _MINUTES
            rows.append(
                {
                    "SLO": f"`{labels.get('slo', '')}`",
                    "alert": f"`{rule['alert']}`",
                    "severity": str(labels.get("severity", "")),
                    "long window": windows[0],
                    "short window": windows[1],
                    "burn rate": f"{burn:g}",
                    "error-ratio threshold": f"{float(thresholds.pop()):g}",
                    "for": str(rule.get("for", "")),
                    "budget spent when it fires": f"{spent * 100:.1f}%",
                }
            )
    return rows


def _services(slos: Sequence[SLO]) -> Iterator[tuple[str, list[SLO]]]:
    seen: dict[str, list[SLO]] = {}
    for slo in slos:
        seen.setdefault(slo.service, []).append(slo)
    yield from seen.items()


def _retention(environments: Sequence[Environment], stack: ObservabilityStack) -> list[str]:
    rows = []
    for env in environments:
        size: StackSizing = stack.sizing.get(env.name, StackSizing())
        rows.append(
            [
                f"`{env.name}`",
                size.logs_retention,
                size.traces_retention,
                size.metrics_retention,
                "persistent volumes" if size.persistence else "none (emptyDir: lost on restart)",
                str(size.alertmanager_replicas),
            ]
        )
    return _table(
        (
            "environment",
            "logs (Loki)",
            "traces (Tempo)",
            "metrics (Prometheus)",
            "persistence",
            "Alertmanager replicas",
        ),
        rows,
    )


def slo_document(
    stack: ObservabilityStack,
    environments: Sequence[Environment],
    otlp: Sequence[ServiceEndpoint] = (),
) -> str:
    """The Markdown text of ``docs/slo.md``.

    Args:
        stack: the observability stack whose ``slos`` render the ``PrometheusRule``
            ``slo-burn-rates`` (namespace ``stack.namespace``) and whose ``sizing`` gives
            each environment's retention.
        environments: the platform's environments, in promotion order.
        otlp: the OTLP endpoints applications send to (the gateway's ``otlp_grpc`` and
            ``otlp_http``), named in the promises; none: the gateway is not named.

    Returns:
        The document (ends with a newline); deterministic for the same input.
    """
    slos = stack.slos
    groups = rule_groups(slos)
    alerts = alert_rows_of_rules(groups)
    windows = ", ".join(f"{w.long}/{w.short} x{w.factor:g} ({w.severity})" for w in BURN_WINDOWS)
    out = [
        "# Service level objectives",
        "",
        "<!-- Generated by `make synth` from gitops_platform.observability.slo (the objects that",
        "     render the PrometheusRule slo-burn-rates). Do not edit by hand. -->",
        "",
        "Each SLO is a ratio of bad events to all events over a rolling "
        f"{SLO_PERIOD_DAYS}-day window. Its alerts are",
        "multi-window, multi-burn-rate alerts (Google SRE workbook, *Alerting on SLOs*, table 5-8:",
        f"{windows}): an alert fires only while both its long and its short window burn the budget",
        "faster than its burn rate, so it clears soon after the cause is fixed.",
        "",
        f"Where they live: the `PrometheusRule` `slo-burn-rates` in namespace `{stack.namespace}`",
        "(`dist/infra/base/addons/observability/prometheusrule-slo-burn-rates.yaml`), delivered by "
        "the",
        "`observability-<env>` Application. Each SLO records its error ratio per window as",
        '`slo:sli_error:ratio_rate<window>{slo="<name>"}` (query it in Grafana\'s Prometheus data',
        "source); alerts carry the labels `slo`, `service`, `severity` (`page` or `ticket`) and",
        "`long_window`.",
        "",
        "## Summary",
        "",
    ]
    out += _table(
        _SUMMARY_HEADER,
        [
            (
                f"`{s.name}`",
                s.service,
                _pct(s.objective),
                f"{SLO_PERIOD_DAYS} days",
                _pct(s.budget),
                f"{s.budget * _MINUTES:.1f}",
            )
            for s in slos
        ],
    )
    out += [""]
    for service, members in _services(slos):
        out += [f"## {_SERVICE_TITLES.get(service, service)}", ""]
        for slo in members:
            out += [
                f"### `{slo.name}`",
                "",
                f"{slo.description}. Objective {_pct(slo.objective)} over {SLO_PERIOD_DAYS} days:",
                f"an error budget of {_pct(slo.budget)}, {slo.budget * _MINUTES:.1f} minutes of "
                "full outage",
                f"(or {slo.budget * _MINUTES * 10:.0f} minutes at a 10% error ratio).",
                "",
                "SLI, bad events per second:",
                "",
                "```promql",
                slo.errors.replace("{window}", "<window>"),
                "```",
                "",
                "all events per second:",
                "",
                "```promql",
                slo.total.replace("{window}", "<window>"),
                "```",
                "",
            ]
            out += _table(
                _ALERT_HEADER,
                [
                    [row[h] for h in _ALERT_HEADER]
                    for row in alerts
                    if row["SLO"] == f"`{slo.name}`"
                ],
            )
            out += [""]
    out += [
        "## What the platform promises",
        "",
        "- **Backstage** (`https://backstage.<environment domain>`) answers without a server "
        "error and within",
        "  one second, to the objectives above; the runbook "
        "[Backstage down or slow](runbooks/backstage.md) restores it.",
        "- **Telemetry ingest**: what an application sends to the OTLP gateway"
        + (" (" + ", ".join(f"`{e.authority}`" for e in otlp) + ")" if otlp else ""),
        "  reaches Loki, Tempo and Prometheus, and Loki and Tempo accept the writes, to the",
        "  objectives above; it is kept for the retention below.",
        "- **Secrets**: External Secrets syncs the Secrets declared as `ExternalSecret`s from "
        "Vault to the",
        "  objective above.",
        "",
        "Retention and persistence per environment (from the stack's sizing):",
        "",
    ]
    out += _retention(environments, stack)
    out += [
        "",
        "## What the platform does not promise",
        "",
        "- The availability, latency or correctness of an application team's own service: the "
        "platform",
        "  gives it a Grafana dashboard, Prometheus metrics and its Kubernetes view in Backstage; "
        "its SLOs",
        "  are the team's.",
        "- Telemetry beyond the retention above, or at all in an environment without persistence "
        "(a",
        "  restart of Loki, Tempo or Prometheus there loses what they held).",
        "- Delivery of telemetry while the gateway's disk buffers are full: the gateway then "
        "blocks its",
        "  senders (back-pressure) instead of dropping; an application's exporter decides "
        "whether it",
        "  retries or drops.",
        "- The availability of what the platform depends on and does not run: Vault, the Postgres",
        "  (PgBouncer) behind Backstage, the ACME server, the Git host and Argo CD itself. Their "
        "outages",
        "  count against the SLOs above only through the errors they cause.",
        "- Notification by itself: the alerts reach Alertmanager, whose configuration (receivers "
        "and",
        f"  routes) is the Secret `{stack.ALERTMANAGER_SECRET}`, synced from Vault key",
        f"  `{stack.alertmanager_vault_key}`; routing `severity=page` to the on-call pager and",
        "  `severity=ticket` to a queue is configured there, not in this repository.",
        "",
    ]
    return "\n".join(out)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _tables(text: str) -> Iterator[tuple[tuple[str, ...], list[list[str]]]]:
    """Every Markdown table of ``text``: its header and its rows (cells stripped)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if (
            lines[i].startswith("|")
            and i + 1 < len(lines)
            and re.fullmatch(r"\|( *:?-+:? *\|)+", lines[i + 1].strip())
        ):
            header = tuple(_cells(lines[i]))
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            yield header, rows
        else:
            i += 1


def slo_document_problems(document: str, rule: Mapping[str, Any]) -> list[str]:
    """What ``document`` (``docs/slo.md``) says that the rendered ``rule`` does not.

    The rule is read on its own terms: the SLOs are its ``slo-<name>`` groups, the service is
    the recordings' ``service`` label, each alert's windows and threshold come from its
    expression and its burn rate from its summary, and the objective is
    ``1 - threshold / burn rate``. The document's summary and alert tables must list exactly
    those SLOs and alerts with the same figures.

    Args:
        document: the Markdown text.
        rule: a rendered ``PrometheusRule`` object (``spec.groups``).

    Returns:
        One message per disagreement (empty when they agree).
    """
    groups = rule.get("spec", {}).get("groups", [])
    problems: list[str] = []
    expected: dict[str, dict[str, str]] = {}
    for group in groups:
        name = str(group.get("name", "")).removeprefix("slo-")
        records = [r for r in group.get("rules", ()) if "record" in r]
        service = records[0].get("labels", {}).get("service", "") if records else ""
        objectives = set()
        for alert in alert_rows_of_rules([group]):
            objectives.add(
                round(1 - float(alert["error-ratio threshold"]) / float(alert["burn rate"]), 6)
            )
        if len(objectives) != 1:
            problems.append(f"rule group {group.get('name')}: alerts imply objectives {objectives}")
            continue
        objective = objectives.pop()
        budget = 1 - objective
        expected[f"`{name}`"] = {
            "SLO": f"`{name}`",
            "service": service,
            "objective": _pct(objective),
            "window": f"{SLO_PERIOD_DAYS} days",
            "error budget": _pct(budget),
            "budget (minutes per window)": f"{budget * _MINUTES:.1f}",
        }
    expected_alerts = {
        (r["SLO"], r["alert"], r["long window"]): r for r in alert_rows_of_rules(groups)
    }

    summary: dict[str, dict[str, str]] = {}
    alerts: dict[tuple[str, str, str], dict[str, str]] = {}
    for header, rows in _tables(document):
        if header == _SUMMARY_HEADER:
            for cells in rows:
                summary[cells[0]] = dict(zip(header, cells, strict=False))
        elif header == _ALERT_HEADER:
            for cells in rows:
                row = dict(zip(header, cells, strict=False))
                alerts[(row["SLO"], row["alert"], row["long window"])] = row
    if not summary:
        problems.append(
            "the document has no SLO summary table (" + " | ".join(_SUMMARY_HEADER) + ")"
        )
    for name in sorted(set(expected) | set(summary)):
        if name not in summary:
            problems.append(f"SLO {name} is in the rules but not in the document's summary")
        elif name not in expected:
            problems.append(f"SLO {name} is in the document but no rule group implements it")
        else:
            for column, value in expected[name].items():
                if summary[name].get(column) != value:
                    problems.append(
                        f"SLO {name}: the document says {column} {summary[name].get(column)!r}, "
                        f"the rules imply {value!r}"
                    )
    for key in sorted(set(expected_alerts) | set(alerts)):
        slo, alert_name, window = key
        if key not in alerts:
            problems.append(
                f"alert {alert_name} ({slo}, {window}) is in the rules but not in the document"
            )
        elif key not in expected_alerts:
            problems.append(
                f"alert {alert_name} ({slo}, {window}) is in the document but not in the rules"
            )
        else:
            for column, value in expected_alerts[key].items():
                if alerts[key].get(column) != value:
                    problems.append(
                        f"alert {alert_name} ({slo}, {window}): the document says {column} "
                        f"{alerts[key].get(column)!r}, the rules say {value!r}"
                    )
    return problems

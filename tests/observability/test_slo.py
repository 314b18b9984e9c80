"""SLOs as code: the generated rules pass promtool, and the burn-rate alerts fire as designed."""
# ruff: noqa: E501  (promtool test expectations are long one-line strings)

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from gitops_platform import InvalidValueError
from gitops_platform.errors import InvalidObjectError
from gitops_platform.observability.slo import (
    ALERTS_RULE,
    BURN_WINDOWS,
    SLO,
    Alert,
    alert_rule,
    default_alerts,
    default_slos,
    rule_groups,
    slo_table,
)
from gitops_platform.validation.prometheus_rules import run_prometheus_rules
from gitops_platform.validation.report import Document, Status


def _promtool(promtool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(promtool), *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_workbook_windows_and_factors() -> None:
    # SRE workbook, "Alerting on SLOs", table 5-8 (30-day SLO)
    assert [(w.long, w.short, w.factor, w.severity) for w in BURN_WINDOWS] == [
        ("1h", "5m", 14.4, "page"),
        ("6h", "30m", 6.0, "page"),
        ("1d", "2h", 3.0, "ticket"),
        ("3d", "6h", 1.0, "ticket"),
    ]


def test_every_slo_of_the_platform_is_there() -> None:
    names = {s.name for s in default_slos()}
    assert names == {
        "backstage-availability",
        "backstage-latency",
        "otlp-ingest",
        "loki-write",
        "tempo-write",
        "external-secrets-sync",
    }


def test_generated_rules_pass_promtool_check(tmp_path: Path, promtool: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": rule_groups(default_slos())}))
    run = _promtool(promtool, "check", "rules", "--lint=all", str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout


TEST_FILE = """
rule_files: [rules.yaml]
evaluation_interval: 1m
fuzzy_compare: true
tests:
  # 2 % of OTLP events discarded: burn rate 20 over an objective of 99.9 %. After 90 minutes
  # every window holds only those 90 minutes, so all burn at 20: the 1h/5m page (for 2m), the
  # 6h/30m page (for 15m) and the 1d/2h ticket (for 1h) fire; the 3d/6h ticket waits for 3h
  - interval: 1m
    input_series:
      - series: 'vector_component_received_events_total{component_id="otlp"}'
        values: '0+100x120'
      - series: 'vector_component_discarded_events_total{component_id="loki",intentional="false"}'
        values: '0+2x120'
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate1h{slo="otlp-ingest"}
        eval_time: 90m
        exp_samples:
          - labels: 'slo:sli_error:ratio_rate1h{slo="otlp-ingest",service="otlp-gateway"}'
            value: 0.02
    alert_rule_test:
      - eval_time: 90m
        alertname: OtlpIngestBudgetBurn
        exp_alerts:
          - exp_labels: {severity: ticket, slo: otlp-ingest, long_window: 1d, service: otlp-gateway}
            exp_annotations:
              summary: "SLO otlp-ingest burns its error budget 3x too fast"
              description: "The OTLP gateway delivers what it receives: the error ratio over 1d is 2% (objective 0.999, windows 1d/2h)."
          - exp_labels: {severity: page, slo: otlp-ingest, long_window: 1h, service: otlp-gateway}
            exp_annotations:
              summary: "SLO otlp-ingest burns its error budget 14.4x too fast"
              description: "The OTLP gateway delivers what it receives: the error ratio over 1h is 2% (objective 0.999, windows 1h/5m)."
          - exp_labels: {severity: page, slo: otlp-ingest, long_window: 6h, service: otlp-gateway}
            exp_annotations:
              summary: "SLO otlp-ingest burns its error budget 6x too fast"
              description: "The OTLP gateway delivers what it receives: the error ratio over 6h is 2% (objective 0.999, windows 6h/30m)."
  # 0.05 % discarded: half the budget's pace, no alert
  - interval: 1m
    input_series:
      - series: 'vector_component_received_events_total{component_id="otlp"}'
        values: '0+10000x120'
      - series: 'vector_component_discarded_events_total{component_id="loki",intentional="false"}'
        values: '0+5x120'
    alert_rule_test:
      - eval_time: 90m
        alertname: OtlpIngestBudgetBurn
        exp_alerts: []
"""


def test_burn_rate_alerts_fire_as_the_workbook_says(tmp_path: Path, promtool: Path) -> None:
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": rule_groups(default_slos())}))
    (tmp_path / "test.yaml").write_text(TEST_FILE)
    run = _promtool(promtool, "test", "rules", str(tmp_path / "test.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout


def test_the_rules_step_fails_on_a_broken_expression(tmp_path: Path, promtool: Path) -> None:
    bad = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "bad", "namespace": "observability"},
        "spec": {
            "groups": [{"name": "g", "rules": [{"record": "r:x", "expr": "sum(rate(x[5m])"}]}]
        },
    }
    result = run_prometheus_rules([Document("bad.yaml", 0, bad)], promtool, tmp_path)
    assert result.status is Status.FAILED
    assert "parse error" in result.findings[0].message


def test_slo_objects_are_validated() -> None:
    with pytest.raises((InvalidValueError, InvalidObjectError)):
        SLO("Bad Name", "x", 1.5, "errors", "total", "svc")


def test_slo_table_lists_every_slo() -> None:
    table = slo_table(default_slos())
    assert table.count("\n") == len(default_slos()) + 1
    assert "| `otlp-ingest` | otlp-gateway | 99.90% | 0.10% (43 min) |" in table


def test_readme_shows_the_generated_slo_table() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    shown = readme.split("<!-- slo-table -->\n", 1)[1].split("\n<!-- /slo-table -->", 1)[0]
    assert shown == slo_table(default_slos())


CERT_TEST_FILE = """
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  # evaluation starts at Unix time 0: a certificate whose notAfter is 10 days away, one 60 days
  # away, and a Ready=False certificate next to a Ready=True one, as the ServiceMonitor scrapes
  # them (the target's namespace, the Certificate's as exported_namespace)
  - interval: 1m
    input_series:
      - series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager",exported_namespace="backstage",name="backstage-tls"}'
        values: '864000x120'
      - series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager",exported_namespace="observability",name="grafana-tls"}'
        values: '5184000x120'
      - series: 'certmanager_certificate_ready_status{namespace="cert-manager",exported_namespace="backstage",name="backstage-tls",condition="False"}'
        values: '1x120'
      - series: 'certmanager_certificate_ready_status{namespace="cert-manager",exported_namespace="backstage",name="backstage-tls",condition="True"}'
        values: '0x120'
      - series: 'certmanager_certificate_ready_status{namespace="cert-manager",exported_namespace="observability",name="grafana-tls",condition="False"}'
        values: '0x120'
      - series: 'certmanager_certificate_ready_status{namespace="cert-manager",exported_namespace="observability",name="grafana-tls",condition="True"}'
        values: '1x120'
    alert_rule_test:
      # the condition must hold for 1h: pending, not firing, at 30 minutes
      - eval_time: 30m
        alertname: CertificateExpiringSoon
        exp_alerts: []
      - eval_time: 90m
        alertname: CertificateExpiringSoon
        exp_alerts:
          - exp_labels: {severity: page, service: cert-manager, exported_namespace: backstage, name: backstage-tls}
            exp_annotations:
              summary: "Certificate backstage/backstage-tls expires in less than 14 days"
              description: "Certificate backstage/backstage-tls expires in 9d 22h 30m 0s and cert-manager has not renewed it (it renews 30 days before expiry)."
              runbook: "runbooks/certificates.md"
      - eval_time: 20m
        alertname: CertificateNotReady
        exp_alerts: []
      - eval_time: 40m
        alertname: CertificateNotReady
        exp_alerts:
          - exp_labels: {severity: ticket, service: cert-manager, exported_namespace: backstage, name: backstage-tls}
            exp_annotations:
              summary: "Certificate backstage/backstage-tls is not ready"
              description: "Certificate backstage/backstage-tls has condition Ready=False for 30 minutes: cert-manager cannot issue or renew it."
              runbook: "runbooks/certificates.md"
  # every certificate ready, 60 days or more to go: no alert
  - interval: 1m
    input_series:
      - series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager",exported_namespace="observability",name="grafana-tls"}'
        values: '5184000x120'
      - series: 'certmanager_certificate_ready_status{namespace="cert-manager",exported_namespace="observability",name="grafana-tls",condition="False"}'
        values: '0x120'
      - series: 'certmanager_certificate_ready_status{namespace="cert-manager",exported_namespace="observability",name="grafana-tls",condition="True"}'
        values: '1x120'
    alert_rule_test:
      - eval_time: 110m
        alertname: CertificateExpiringSoon
        exp_alerts: []
      - eval_time: 110m
        alertname: CertificateNotReady
        exp_alerts: []
"""


def _alert_rules(tmp_path: Path) -> Path:
    rule = alert_rule(default_alerts(), "observability")
    assert rule["metadata"]["name"] == ALERTS_RULE
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    return path


def test_certificate_alerts_pass_promtool_check(tmp_path: Path, promtool: Path) -> None:
    run = _promtool(promtool, "check", "rules", "--lint=all", str(_alert_rules(tmp_path)))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout


def test_certificate_alerts_fire_on_expiry_and_not_ready(tmp_path: Path, promtool: Path) -> None:
    _alert_rules(tmp_path)
    (tmp_path / "test.yaml").write_text(CERT_TEST_FILE)
    run = _promtool(promtool, "test", "rules", str(tmp_path / "test.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout


def test_certificate_alert_test_fails_when_the_certificate_is_far_from_expiry(
    tmp_path: Path, promtool: Path
) -> None:
    # the same expectations against a certificate 60 days from expiry: promtool must fail
    _alert_rules(tmp_path)
    (tmp_path / "test.yaml").write_text(CERT_TEST_FILE.replace("864000x120", "5184000x120", 1))
    run = _promtool(promtool, "test", "rules", str(tmp_path / "test.yaml"))
    assert run.returncode != 0
    assert "CertificateExpiringSoon" in run.stdout + run.stderr


def test_alert_objects_are_validated() -> None:
    with pytest.raises((InvalidValueError, InvalidObjectError)):
        Alert("not-camel", "up == 0", "soon", "urgent", "svc", "s", "d", "r")


def test_every_alert_names_a_runbook_that_exists() -> None:
    from tests.conftest import ROOT

    for alert in default_alerts():
        assert (ROOT / "docs" / alert.runbook).is_file(), alert


BACKSTAGE_TEST_FILE = """
rule_files: [rules.yaml]
evaluation_interval: 1m
fuzzy_compare: true
tests:
  # Backstage's scrape as its PrometheusExporter writes it (no unit suffix, resource attributes
  # only in target_info) with the ServiceMonitor's target labels: 10 % of requests answer 5xx
  # and a quarter take longer than 1 s. A busy application in another namespace exporting the same
  # histogram without errors must not dilute the ratios.
  - interval: 1m
    input_series:
      - series: 'http_server_request_duration_count{namespace="backstage",job="backstage-developer-hub",http_request_method="GET",http_response_status_code="200"}'
        values: '0+90x120'
      - series: 'http_server_request_duration_count{namespace="backstage",job="backstage-developer-hub",http_request_method="GET",http_response_status_code="503"}'
        values: '0+10x120'
      - series: 'http_server_request_duration_bucket{namespace="backstage",job="backstage-developer-hub",http_request_method="GET",http_response_status_code="200",le="1"}'
        values: '0+70x120'
      - series: 'http_server_request_duration_bucket{namespace="backstage",job="backstage-developer-hub",http_request_method="GET",http_response_status_code="503",le="1"}'
        values: '0+5x120'
      - series: 'http_server_request_duration_count{namespace="chat-api",job="chat-api",http_response_status_code="200"}'
        values: '0+10000x120'
      - series: 'http_server_request_duration_bucket{namespace="chat-api",job="chat-api",http_response_status_code="200",le="1"}'
        values: '0+10000x120'
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate1h{slo="backstage-availability"}
        eval_time: 90m
        exp_samples:
          - labels: 'slo:sli_error:ratio_rate1h{slo="backstage-availability",service="backstage"}'
            value: 0.1
      - expr: slo:sli_error:ratio_rate1h{slo="backstage-latency"}
        eval_time: 90m
        exp_samples:
          - labels: 'slo:sli_error:ratio_rate1h{slo="backstage-latency",service="backstage"}'
            value: 0.25
    alert_rule_test:
      - eval_time: 90m
        alertname: BackstageAvailabilityBudgetBurn
        exp_alerts:
          - exp_labels: {severity: ticket, slo: backstage-availability, long_window: 1d, service: backstage}
            exp_annotations:
              summary: "SLO backstage-availability burns its error budget 3x too fast"
              description: "Backstage answers requests without a server error: the error ratio over 1d is 10% (objective 0.995, windows 1d/2h)."
          - exp_labels: {severity: page, slo: backstage-availability, long_window: 1h, service: backstage}
            exp_annotations:
              summary: "SLO backstage-availability burns its error budget 14.4x too fast"
              description: "Backstage answers requests without a server error: the error ratio over 1h is 10% (objective 0.995, windows 1h/5m)."
          - exp_labels: {severity: page, slo: backstage-availability, long_window: 6h, service: backstage}
            exp_annotations:
              summary: "SLO backstage-availability burns its error budget 6x too fast"
              description: "Backstage answers requests without a server error: the error ratio over 6h is 10% (objective 0.995, windows 6h/30m)."
"""


def test_backstage_slos_read_the_series_its_metrics_port_serves(
    tmp_path: Path, promtool: Path
) -> None:
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": rule_groups(default_slos())}))
    (tmp_path / "test.yaml").write_text(BACKSTAGE_TEST_FILE)
    run = _promtool(promtool, "test", "rules", str(tmp_path / "test.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout

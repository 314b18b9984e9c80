"""The generated documents: docs/slo.md agrees with the rules in dist/, and both are fresh."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from gitops_platform.app import PlatformApp
from gitops_platform.component import ComponentContext, PlatformComponent
from gitops_platform.core.environment import External
from gitops_platform.docs.architecture import architecture_document, flow_edges, mermaid
from gitops_platform.docs.render import ARCHITECTURE_DOC, SLO_DOC, load_app, render_docs, stale_docs
from gitops_platform.docs.slo import slo_document_problems
from gitops_platform.network.flows import Flow, Port, Workload
from tests.conftest import ROOT

RULE = ROOT / "dist/infra/base/addons/observability/prometheusrule-slo-burn-rates.yaml"
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def app() -> PlatformApp:
    return load_app(ROOT / "platform/main.py")


@pytest.fixture(scope="module")
def rule() -> dict[str, object]:
    docs = [d for d in yaml.safe_load_all(RULE.read_text()) if d]
    assert len(docs) == 1
    return docs[0]  # type: ignore[no-any-return]


def test_slo_document_agrees_with_the_rendered_rules(rule: dict[str, object]) -> None:
    assert slo_document_problems((DOCS / SLO_DOC).read_text(), rule) == []


def test_a_wrong_objective_in_the_document_fails(rule: dict[str, object]) -> None:
    text = (DOCS / SLO_DOC).read_text()
    row = "| `otlp-ingest` | otlp-gateway | 99.90% |"
    assert row in text
    problems = slo_document_problems(
        text.replace(row, "| `otlp-ingest` | otlp-gateway | 99.95% |"), rule
    )
    assert problems == [
        "SLO `otlp-ingest`: the document says objective '99.95%', the rules imply '99.90%'"
    ]


def test_an_alert_missing_from_the_document_fails(rule: dict[str, object]) -> None:
    lines = (DOCS / SLO_DOC).read_text().splitlines()
    dropped = [
        ln for ln in lines if ln.startswith("| `loki-write` | `LokiWriteBudgetBurn` | page | 1h |")
    ]
    assert len(dropped) == 1
    problems = slo_document_problems("\n".join(ln for ln in lines if ln not in dropped), rule)
    assert problems == [
        "alert `LokiWriteBudgetBurn` (`loki-write`, 1h) is in the rules but not in the document"
    ]


def test_rules_that_changed_without_the_document_fail(rule: dict[str, object]) -> None:
    changed = yaml.safe_load(yaml.safe_dump(rule))
    group = next(g for g in changed["spec"]["groups"] if g["name"] == "slo-tempo-write")
    for r in group["rules"]:
        if "alert" in r:  # objective 0.999 -> 0.995: every threshold five times higher
            factor = float(r["expr"].split("> ")[1].split("\n")[0]) * 5
            r["expr"] = r["expr"].replace(r["expr"].split("> ")[1].split("\n")[0], f"{factor:g}")
    extra = yaml.safe_load(yaml.safe_dump(group))
    extra["name"] = "slo-extra"
    for r in extra["rules"]:
        r["labels"]["slo"] = "extra"
    changed["spec"]["groups"].append(extra)
    problems = slo_document_problems((DOCS / SLO_DOC).read_text(), changed)
    assert (
        "SLO `tempo-write`: the document says objective '99.90%', the rules imply '99.50%'"
        in problems
    )
    assert "SLO `extra` is in the rules but not in the document's summary" in problems
    assert any("error-ratio threshold" in p and "TempoWriteBudgetBurn" in p for p in problems)
    assert (
        "alert `TempoWriteBudgetBurn` (`extra`, 6h) is in the rules but not in the document"
        in problems
    )


def test_a_document_without_the_summary_table_fails(rule: dict[str, object]) -> None:
    problems = slo_document_problems("# Service level objectives\n", rule)
    assert problems[0].startswith("the document has no SLO summary table")


def test_generated_docs_are_fresh(app: PlatformApp) -> None:
    problems = stale_docs(render_docs(app), DOCS)
    assert problems == [], "\n".join(problems)


def test_a_stale_architecture_picture_fails(app: PlatformApp, tmp_path: Path) -> None:
    docs = render_docs(app)
    for name, text in docs.items():
        (tmp_path / name).write_text(text)
    assert stale_docs(docs, tmp_path) == []
    stale = docs[ARCHITECTURE_DOC].replace("sync wave 2", "sync wave 3")
    (tmp_path / ARCHITECTURE_DOC).write_text(stale)
    (tmp_path / SLO_DOC).unlink()
    problems = stale_docs(docs, tmp_path)
    assert len(problems) == 2
    assert problems[0].startswith(f"{tmp_path / ARCHITECTURE_DOC}: stale; run `make synth`")
    assert '-  subgraph wave_2["sync wave 3"]' in problems[0]
    assert '+  subgraph wave_2["sync wave 2"]' in problems[0]
    assert problems[1] == f"{tmp_path / SLO_DOC}: missing; run `make synth`"


def test_the_picture_follows_the_component_model(app: PlatformApp) -> None:
    text = architecture_document(app)
    for component in app.components:
        wave = component.delivery.sync_wave
        assert f"| {wave} | `{component.name}` | `{component.namespace}` |" in text
    # telemetry paths from the typed endpoints
    assert 'n_chat_api -->|"OTLP :4318"| n_otlp_gateway' in text
    assert 'n_otlp_gateway -->|"logs"| n_observability_loki' in text
    assert 'n_backstage -->|"proxy /grafana/api"| n_observability_grafana' in text


@dataclass(frozen=True, kw_only=True)
class _Declaring(PlatformComponent):
    """A component with the ``flows(ctx)`` hook: the picture draws what it returns."""

    name: str = "api"
    namespace: str = "api"

    def _workload(self, name: str, *ports: int) -> Workload:
        return Workload(self, name, {"app.kubernetes.io/name": name}, tuple(map(Port, ports)))

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        assert ctx.env is not None
        server = self._workload("api-server", 8080, 8443)
        gateway = self._workload("gateway")
        return (
            Flow(server, External.POSTGRES, (5432,), reason="its database"),
            Flow(gateway, server, (8443,), reason="TLS"),
            Flow(gateway, server, (8080,), reason="plain"),
            Flow(External.CLIENTS, server, (8443,), reason="the public"),
        )


def test_declared_flows_are_drawn(app: PlatformApp) -> None:
    edges = flow_edges(app.spec, [_Declaring()])
    assert [(e.source, e.target, e.label, e.kind) for e in edges] == [
        ("api", "api", "flow 8080,8443", "flow"),
        ("api", "external/postgres", "flow 5432", "flow"),
        ("external/clients", "api", "flow 8443", "flow"),
    ]
    # the platform's own flows are drawn, or the picture says there are none
    declared = flow_edges(app.spec, app.components)
    document = architecture_document(app)
    assert ("None declared" in document) == (not declared)
    for edge in declared:
        assert f'|"{edge.label}"|' in document
    pairs = {(e.source, e.target, e.label) for e in declared}
    assert ("chat-api", "otlp-gateway", "flow 4318") in pairs
    assert ("otlp-gateway", "observability/loki", "flow 3100") in pairs
    picture = mermaid(app, edges)
    assert 'n_external_postgres(["postgres"])' in picture
    assert 'n_external_clients(["clients"])' in picture  # a source end is drawn too
    assert 'n_api ==>|"flow 5432"| n_external_postgres' in picture

"""Step 14 (network): the rendered NetworkPolicies against the declared flows, by cyclonus.

The fixtures under ``tests/fixtures/validation/network`` are laid over a copy of the
repository's ``dist/``, one at a time; each makes the step fail for its own reason and names the
namespace, the policy and the flow. The unchanged tree passes, and its reachability table is the
one in ``docs/network.md``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gitops_platform.validation import network
from gitops_platform.validation.pipeline import resolve_steps, validate_tree
from gitops_platform.validation.report import Status, StepResult
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT, find_tool

FIXTURES = ROOT / "tests" / "fixtures" / "validation" / "network"
DIST = ROOT / "dist"


@pytest.fixture(scope="module", autouse=True)
def cyclonus() -> Path:
    return Path(find_tool("cyclonus"))


def tree_with(tmp_path: Path, fixture: str | None) -> Path:
    tree = tmp_path / "dist"
    shutil.copytree(DIST, tree)
    if fixture:
        shutil.copytree(FIXTURES / fixture, tree, dirs_exist_ok=True)
    return tree


def run_step(tree: Path, *, own: bool = False) -> StepResult:
    settings = Settings.make(tree, repo_root=ROOT, repo_prefix="dist/", freshness=False)
    if own:
        settings = Settings.make(DIST, repo_root=ROOT, repo_prefix="dist/", freshness=False)
    report = validate_tree(settings, resolve_steps([network.STEP]))
    return next(r for r in report.results if r.name == network.STEP)


def messages(result: StepResult) -> list[str]:
    return [f.render() for f in result.findings]


def test_the_repository_tree_passes_and_its_table_is_the_documented_one() -> None:
    result = run_step(DIST, own=True)
    assert result.status is Status.PASSED, messages(result)
    # not vacuous: both environments, their workloads, policies and flows were simulated
    for env in ("dev", "prd"):
        match = re.search(
            rf"{env}: (\d+) workloads in (\d+) namespaces, (\d+) policies", result.detail
        )
        assert match, result.detail
        assert min(int(n) for n in match.groups()) >= 4
    assert re.search(r"; [1-9]\d* truth-table cells simulated by cyclonus", result.detail)
    docs = (ROOT / network.DOCS_FILE).read_text(encoding="utf-8")
    # the table shows declared flows, and prd's ACME egress that dev does not have
    dev, prd = docs.split("### prd")
    assert "| `external-secrets/external-secrets` | `external/vault` | 443/TCP |" in dev
    assert "`cert-manager/cert-manager` | `external/internet`" not in dev
    assert "| `cert-manager/cert-manager` | `external/internet` | 80/TCP, 443/TCP |" in prd


def test_a_stale_table_in_the_docs_is_reported(tmp_path: Path) -> None:
    outcome = network.Outcome("dev", allowed={("a/x", "b/y"): [(80, "TCP")]})
    (tmp_path / "docs").mkdir()
    doc = tmp_path / network.DOCS_FILE
    doc.write_text(f"# Network\n\n{network.DOCS_BEGIN}\nold\n{network.DOCS_END}\n", "utf-8")
    problem = network.docs_problem(tmp_path, [outcome])
    assert problem is not None
    assert "stale" in problem.message
    network.write_docs(tmp_path, [outcome])
    assert "| `a/x` | `b/y` | 80/TCP |" in doc.read_text(encoding="utf-8")
    assert network.docs_problem(tmp_path, [outcome]) is None


def test_a_namespace_without_default_deny_fails(tmp_path: Path) -> None:
    result = run_step(tree_with(tmp_path, "no-default-deny"))
    assert result.status is Status.FAILED
    [missing] = [f for f in result.findings if "no default-deny" in f.message]
    assert missing.document == "Namespace/traefik"
    assert missing.file == "environment dev"
    # Only the structural check sees it: allow-dns (every pod, egress) and the flows' policies
    # still isolate every Traefik pod in both directions, so the truth table is unchanged; a
    # new pod without flows would not be.
    assert len(result.findings) == 1, messages(result)


def test_a_flow_to_a_port_the_target_does_not_serve_fails(tmp_path: Path) -> None:
    result = run_step(tree_with(tmp_path, "unserved-port"))
    assert result.status is Status.FAILED
    [finding] = [f for f in result.findings if "does not serve it" in f.message]
    assert finding.document == "NetworkPolicy/traefik/allow-clients-to-traefik-ingress"
    assert "namespace traefik" in finding.message
    assert "flow clients-to-traefik" in finding.message
    assert "port 9000/TCP of traefik/traefik" in finding.message
    assert "8000/TCP, 8080/TCP, 8443/TCP, 9100/TCP" in finding.message


def test_an_allow_rule_opening_a_namespace_to_everything_fails(tmp_path: Path) -> None:
    result = run_step(tree_with(tmp_path, "open-namespace"))
    assert result.status is Status.FAILED
    [structural] = [f for f in result.findings if "opens the namespace to everything" in f.message]
    assert structural.document == "NetworkPolicy/external-secrets/allow-everything"
    assert structural.field == "spec.ingress[0].from"
    assert "namespace external-secrets" in structural.message
    # and the simulation shows the pairs it opens, naming the policy
    opened = [f for f in result.findings if "no flow declares it" in f.message]
    assert any(
        "external/internet -> external-secrets/external-secrets" in f.message for f in opened
    )
    assert all("allow-everything" in f.message for f in opened), messages(result)


def test_a_policy_not_generated_from_the_flows_fails(tmp_path: Path) -> None:
    result = run_step(tree_with(tmp_path, "chart-policy"))
    assert result.status is Status.FAILED
    # it opens nothing the flows do not: only the structural check sees it
    assert len(result.findings) == 1, messages(result)
    [finding] = result.findings
    assert finding.document == "NetworkPolicy/traefik/traefik-chart"
    assert finding.file == "infra/base/addons/ingress/dev/networkpolicy-traefik-chart.yaml"
    assert "in environment dev, namespace traefik" in finding.message
    assert "is not generated from declared flows" in finding.message


def test_a_declared_flow_the_policies_block_fails(tmp_path: Path) -> None:
    result = run_step(tree_with(tmp_path, "declared-blocked"))
    assert result.status is Status.FAILED
    assert len(result.findings) == 1, messages(result)
    [finding] = result.findings
    assert finding.document == "NetworkPolicy/traefik/allow-traefik-to-kube-apiserver-egress"
    assert finding.message.startswith(
        "in environment dev: traefik/traefik -> external/kube-apiserver 6443/TCP: blocked by "
        "the rendered policies, but flow traefik-to-kube-apiserver"
    )


def test_without_cyclonus_the_simulation_is_not_run_and_says_why(tmp_path: Path) -> None:
    result, outcomes = network.check_clusters([], None, tmp_path)
    assert result.status is Status.PASSED  # nothing to check
    assert not outcomes
    from gitops_platform.validation.server_dry_run import Cluster, ManagedNamespace

    cluster = Cluster("dev", namespaces={"team": ManagedNamespace("team", {}, {})})
    result, outcomes = network.check_clusters([cluster], None, tmp_path)
    assert result.status is Status.FAILED  # the namespace has no default deny either
    assert any(
        f.rule == "network" and "cyclonus is not installed" in f.message for f in result.findings
    )


def test_cyclonus_tables_are_parsed_by_position() -> None:
    output = (
        "Combined:\n"
        "+-----+-----+-----+\n"
        "|     | A/X | B/Y |\n"
        "+-----+-----+-----+\n"
        "| a/x | X   | .   |\n"
        "| b/y | N   | X   |\n"
        "+-----+-----+-----+\n"
    )
    [table] = network.parse_tables(output)
    assert table == {
        ("a/x", "a/x"): "X",
        ("a/x", "b/y"): ".",
        ("b/y", "a/x"): "N",
        ("b/y", "b/y"): "X",
    }


def test_a_namespace_below_restricted_must_be_a_reviewed_exemption(tmp_path: Path) -> None:
    from gitops_platform.validation.server_dry_run import Cluster, ManagedNamespace

    labels = {f"pod-security.kubernetes.io/{m}": "privileged" for m in ("enforce", "audit", "warn")}
    cluster = Cluster("dev", namespaces={"nodes": ManagedNamespace("nodes", labels, {})})
    [finding] = network.pod_security_findings(cluster)
    assert finding.document == "Namespace/nodes"
    assert "namespace nodes" in finding.message
    assert "not in the reviewed exemptions" in finding.message
    # the reviewed node exporter namespace passes at its level, and only at it
    reviewed = Cluster(
        "dev", namespaces={"node-exporter": ManagedNamespace("node-exporter", labels, {})}
    )
    assert network.pod_security_findings(reviewed) == []
    baseline = dict.fromkeys(labels, "baseline")
    lowered = Cluster(
        "dev", namespaces={"node-exporter": ManagedNamespace("node-exporter", baseline, {})}
    )
    assert len(network.pod_security_findings(lowered)) == 1

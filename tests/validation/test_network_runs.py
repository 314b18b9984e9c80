"""Step 14 (network): the simulation split over several cyclonus runs gives the same verdicts.

The declared flows are indexed by cell (:func:`network.declared_cells`); the pods go to
cyclonus in groups of namespaces (:func:`network.plan_runs`) and the pairs no run simulates are
blocked. Here the split is forced down to one namespace per run and compared with a single run
over every pod: on the repository's tree, on a known-bad fixture whose policy opens a namespace,
and on a hand-made cluster whose declared flow and DNS the policies block.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from gitops_platform.layout import NETWORK_FLOW_ANNOTATION, NETWORK_ROLE_ANNOTATION
from gitops_platform.validation import network
from gitops_platform.validation.report import Status
from tests.conftest import find_tool
from tests.validation.test_network import DIST, messages, run_step, tree_with

Runs = Sequence[Sequence[network.Pod]]


def pod(namespace: str, name: str, ports: list[tuple[int, str]], ip: str) -> network.Pod:
    return network.Pod(namespace, name, {"app": name}, ports, ip, platform=True, origin="here")


def flow(name: str, source: str, target: str, port: int) -> network.DeclaredFlow:
    return network.DeclaredFlow(
        name,
        network.End(namespace=source, workload=source, selector=(("app", source),)),
        network.End(namespace=target, workload=target, selector=(("app", target),)),
        ((port, "TCP"),),
        "test",
        [f"{target}/allow-{name}"],
    )


def test_declared_cells_hold_the_pairs_a_flow_declares_and_no_other() -> None:
    model = network.NetworkModel("dev")
    model.pods = [
        pod("a", "a", [(80, "TCP")], "10.244.0.1"),
        pod("b", "b", [(80, "TCP"), (90, "TCP")], "10.244.0.2"),
    ]
    first, second = flow("a-to-b", "a", "b", 80), flow("again-a-to-b", "a", "b", 80)
    model.flows = {first.name: first, second.name: second, "b-to-a": flow("b-to-a", "b", "a", 80)}
    cells = network.declared_cells(model)
    assert cells[("a/a", "b/b", 80, "TCP")] is first  # the first flow, as a scan finds it
    assert cells[("b/b", "a/a", 80, "TCP")] is model.flows["b-to-a"]
    assert ("a/a", "b/b", 90, "TCP") not in cells  # a port the flow does not name
    assert ("a/a", "a/a", 80, "TCP") not in cells
    assert len(cells) == 2


def policy(namespace: str, name: str, spec: dict[str, Any], declared: str = "") -> dict[str, Any]:
    annotations = {NETWORK_ROLE_ANNOTATION: "flow"}
    if declared:
        annotations[NETWORK_FLOW_ANNOTATION] = declared
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
        "spec": spec,
    }


def blocked_cluster() -> network.NetworkModel:
    """Namespaces a and b, each denying everything; a flow a -> b declared but not allowed."""
    model = network.NetworkModel("dev")
    for name in ("a", "b"):
        model.namespaces[name] = {"kubernetes.io/metadata.name": name}
        deny = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        model.policies.append(("here", policy(name, "default-deny", deny)))
    declared = flow("a-to-b", "a", "b", 80)
    model.flows = {declared.name: declared}
    model.pods = [
        pod("a", "a", [(80, "TCP")], "10.244.0.1"),
        pod("b", "b", [(80, "TCP")], "10.244.0.2"),
        network.Pod("kube-system", "kube-dns", {}, [(53, "TCP"), (53, "UDP")], network.DNS_IP),
    ]
    model.namespaces["kube-system"] = {"kubernetes.io/metadata.name": "kube-system"}
    return model


def test_a_blocked_declared_flow_is_found_when_no_run_holds_its_pair(tmp_path: Path) -> None:
    model = blocked_cluster()
    runs = network.plan_runs(model, capacity=1, hubs=0)
    assert [[p.key for p in run] for run in runs] == [["a/a"], ["b/b"], ["kube-system/kube-dns"]]
    cyclonus = Path(find_tool("cyclonus"))
    split, failure = network._simulate(model, cyclonus, tmp_path / "split", runs)
    assert failure is None
    assert not split.simulated(model.pods[0], model.pods[1])
    whole, failure = network._simulate(model, cyclonus, tmp_path / "whole", [model.pods])
    assert failure is None
    assert whole.simulated(model.pods[0], model.pods[1])
    assert whole.tables[(80, "TCP")][("a/a", "b/b")] == "X"
    found = network._compare(model, split)
    assert found == network._compare(model, whole)
    shown = [f.message for f in found.findings]
    assert any(
        "a/a -> b/b 80/TCP: blocked by the rendered policies, but flow a-to-b" in m for m in shown
    ), shown
    assert sum("the cluster DNS is blocked" in m for m in shown) == 4  # 2 pods x UDP and TCP
    assert not found.dns_everywhere


def together(egress: list[Any], ingress: list[Any]) -> bool:
    """Whether a and b share a run when a's egress and b's ingress name these peers."""
    model = blocked_cluster()
    out = {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": egress}]}
    into = {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": ingress}]}
    model.policies += [("here", policy("a", "out", out)), ("here", policy("b", "in", into))]
    runs = network.plan_runs(model, capacity=1, hubs=0)
    return any({"a/a", "b/b"} <= {p.key for p in run} for run in runs)


def test_a_peer_that_may_match_a_namespace_puts_it_in_the_same_run() -> None:
    to_b = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "b"}}}]
    from_a = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "a"}}}]
    assert together(to_b, from_a)
    # a selector a label does not hold, or a peer of the own namespace only: still blocked
    assert not together(to_b, to_b)
    assert not together([{"podSelector": {"matchLabels": {"app": "b"}}}], from_a)
    # expressions only narrow a selector: it may match
    expressions = {"matchExpressions": [{"key": "x", "operator": "Exists"}]}
    assert together([{"namespaceSelector": expressions}], from_a)
    # an ipBlock holding the address, a rule without peers, an empty peer: they may match
    assert together([{"ipBlock": {"cidr": "10.244.0.2/32"}}], [{"ipBlock": {"cidr": "10.0.0.0/8"}}])
    assert not together([{"ipBlock": {"cidr": "10.244.0.1/32"}}], from_a)
    assert together([], [{}])


def test_a_policy_that_lets_no_pod_of_a_run_through_stays_out_of_it() -> None:
    model = blocked_cluster()
    from_a = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "a"}}}]
    spec = {"podSelector": {"matchLabels": {"app": "b"}}, "policyTypes": ["Ingress"]}
    allow = policy("b", "allow-from-a", {**spec, "ingress": [{"from": from_a}]})
    reach = network._Peers.of(model).reach(allow)
    assert network._needless(allow, reach, {"Ingress"}, {"b", "kube-system"})
    assert not network._needless(allow, reach, {"Ingress"}, {"a", "b"})  # it admits a
    assert not network._needless(allow, reach, set(), {"b"})  # it isolates b's pods itself
    everyone = {**spec, "podSelector": {}}
    assert not network._needless(policy("b", "x", everyone), reach, {"Ingress"}, {"b"})
    own = policy("b", "own", {**spec, "ingress": [{"from": [{"podSelector": {}}]}]})
    assert not network._needless(own, network._Peers.of(model).reach(own), {"Ingress"}, {"b"})


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Split every simulation into runs of one group of namespaces beside two hubs."""
    plan = network.plan_runs
    counts: list[int] = []

    def split(
        model: network.NetworkModel, capacity: int | None = None, hubs: int | None = None
    ) -> Runs:
        runs = plan(model, capacity=1, hubs=2)
        counts.append(len(runs))
        return runs

    monkeypatch.setattr(network, "plan_runs", split)
    return counts


def whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "plan_runs", lambda model, capacity=None, hubs=None: [model.pods])


@pytest.mark.parametrize("fixture", [None, "open-namespace", "declared-blocked"])
def test_split_runs_give_the_findings_of_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forced: list[int], fixture: str | None
) -> None:
    tree = DIST if fixture is None else tree_with(tmp_path, fixture)
    split = run_step(tree, own=fixture is None)
    assert forced, "the runs were not planned"
    assert min(forced) > 1, forced  # not vacuous: several runs per environment
    whole(monkeypatch)
    single = run_step(tree, own=fixture is None)
    assert messages(split) == messages(single)
    assert split.status is single.status
    if fixture is None:
        # the repository's tree: its reachability table is the documented one both ways
        assert split.status is Status.PASSED, messages(split)
    else:
        assert split.status is Status.FAILED
    counts = [
        json.dumps(part) for part in (split.detail.split("; ")[:2], single.detail.split("; ")[:2])
    ]
    assert counts[0] == counts[1]  # the same workloads, namespaces, policies and flows

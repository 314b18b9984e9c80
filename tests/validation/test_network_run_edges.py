"""Edge cases: splitting step 14's cyclonus simulation must give the verdicts of one run.

Each case builds a small probe model, runs cyclonus once over every pod and again over the runs
`plan_runs` plans when forced to one group of namespaces per run (hubs=0, capacity=1), and
compares `_compare`'s findings and allowed pairs. Each case once gave different verdicts split
and whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitops_platform.validation import network
from tests.conftest import find_tool

NAME = "kubernetes.io/metadata.name"


def pod(namespace: str, name: str, ip: str, platform: bool = True) -> network.Pod:
    return network.Pod(namespace, name, {"app": name}, [(80, "TCP")], ip, platform=platform)


def policy(namespace: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    meta = {"name": name, "namespace": namespace}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta,
            "spec": spec}  # fmt: skip


DENY = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def model_of(pods: list[network.Pod], policies: list[dict[str, Any]],
             namespaces: list[str]) -> network.NetworkModel:  # fmt: skip
    model = network.NetworkModel("dev")
    for name in namespaces:
        model.namespaces[name] = {NAME: name}
    model.pods = pods
    model.policies = [("here", p) for p in policies]
    return model


def verdicts(outcome: network.Outcome) -> tuple[list[str], dict[Any, Any]]:
    return sorted(f.message for f in outcome.findings), outcome.allowed


def split_and_whole(
    model: network.NetworkModel, tmp_path: Path
) -> tuple[list[list[network.Pod]], Any, Any]:
    cyclonus = Path(find_tool("cyclonus"))
    runs = network.plan_runs(model, capacity=1, hubs=0)
    split, split_failure = network._simulate(model, cyclonus, tmp_path / "split", runs)
    whole, whole_failure = network._simulate(model, cyclonus, tmp_path / "whole", [model.pods])
    return runs, (split_failure, split), (whole_failure, whole)


def assert_same(model: network.NetworkModel, tmp_path: Path) -> list[list[network.Pod]]:
    """Split and whole give the same failure or the same verdicts; returns the runs."""
    runs, (sf, split), (wf, whole) = split_and_whole(model, tmp_path)
    assert (sf is None) == (wf is None), (
        f"split failure: {sf and sf.message[:300]} / single-run failure: {wf and wf.message[:300]}"
    )
    if sf is None:
        assert verdicts(network._compare(model, split)) == verdicts(network._compare(model, whole))
    return runs


def share_a_run(runs: list[list[network.Pod]], *namespaces: str) -> bool:
    return any(set(namespaces) <= {p.namespace for p in run} for run in runs)


def test_ipv4_mapped_ipv6_ip_block(tmp_path: Path) -> None:
    """Go's net.IPNet.Contains puts 10.244.0.2 inside ::ffff:10.244.0.0/112; Python does not.

    a may send to b by an ipBlock written as an IPv4-mapped IPv6 block.  _Peers.matched finds no
    pod in it, so a and b never share a run; one cyclonus run allows a -> b (undeclared).
    """
    egress = {"podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"],
              "egress": [{"to": [{"ipBlock": {"cidr": "::ffff:10.244.0.0/112"}}]}]}  # fmt: skip
    model = model_of(
        [pod("a", "a", "10.244.0.1"), pod("b", "b", "10.244.0.2")],
        [policy("a", "default-deny", DENY), policy("a", "to-b", egress)],
        ["a", "b"],
    )
    assert share_a_run(assert_same(model, tmp_path), "a", "b")


def test_namespace_selector_matches_a_namespace_without_labels(tmp_path: Path) -> None:
    """A pod in a namespace the platform does not create (absent from model.namespaces).

    cyclonus matches `namespaceSelector: {}` (and NotIn/DoesNotExist expressions) against every
    namespace, labelled or not; _Peers.matched only against model.namespaces.
    """
    egress = {"podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"],
              "egress": [{"to": [{"namespaceSelector": {},
                                  "podSelector": {"matchLabels": {"app": "z"}}}]}]}  # fmt: skip
    model = model_of(
        [pod("a", "a", "10.244.0.1"), pod("z", "z", "10.244.0.2", platform=False)],
        [policy("a", "default-deny", DENY), policy("a", "to-z", egress)],
        ["a"],  # z: workloads rendered into a namespace no Application creates
    )
    assert share_a_run(assert_same(model, tmp_path), "a", "z")


def test_an_except_cyclonus_cannot_parse_fails_only_in_one_run(tmp_path: Path) -> None:
    """cyclonus parses ipBlock blocks lazily (it panics on the first pair that reaches them).

    `010.244.0.1/32` (a leading zero: the API server's sloppy parser takes it, Go's net.ParseCIDR
    does not).  b admits a by an ipBlock whose except has it; a denies all egress, so a and b
    are never in one run and no pod of b's runs is inside the cidr: no run panics.  The single
    run evaluates a -> b's ingress and panics ("a policy cyclonus refuses still fails the step"
    does not hold).
    """
    ingress = {"podSelector": {"matchLabels": {"app": "b"}}, "policyTypes": ["Ingress"],
               "ingress": [{"from": [{"ipBlock": {"cidr": "10.244.0.1/32",
                                                  "except": ["010.244.0.1/32"]}}]}]}  # fmt: skip
    model = model_of(
        [pod("a", "a", "10.244.0.1"), pod("b", "b", "10.244.0.2")],
        [
            policy("a", "default-deny", DENY),
            policy("b", "default-deny", DENY),
            policy("b", "from-a", ingress),
        ],
        ["a", "b"],
    )
    assert len(assert_same(model, tmp_path)) == 1  # one run: it fails as cyclonus does

"""Step 14 (``network``): the rendered NetworkPolicies against the declared flows, by cyclonus.

Per destination cluster of an environment, from what its Applications deliver (their Git paths
and chart renders, as in step 10):

1. **Structure**: every namespace an Application creates and runs pods in has a default deny
   (a policy with an empty ``podSelector``, both policy types and no rule); every policy is
   generated from the declared flows (its ``network.gitops-platform.io/role`` annotation: a
   chart's own NetworkPolicy switch is never used beside them); no rule opens a namespace to
   everything
   (a rule without peers, an empty peer, or ``namespaceSelector: {}`` with no pod selector);
   each declared flow's ends select rendered pods, and its target serves each of its ports.
2. **Simulation**: a probe model of the cluster (every rendered workload with its pod-template
   labels and container ports, and the pods prometheus-operator creates for a ``Prometheus`` or
   ``Alertmanager`` object (:func:`operator_pods`), and cert-manager's HTTP-01 solver pods
   where an Ingress asks an ACME ClusterIssuer for its certificate
   (:func:`http01_solver_namespaces`); its namespace's labels from
   ``managedNamespaceMetadata`` plus
   ``kubernetes.io/metadata.name``; the cluster DNS ``kube-system/kube-dns``; one pseudo-pod per
   external service the flows name, at the first address of its block, in a pseudo-namespace
   ``external``; and ``external/internet`` at 198.51.100.10 (TEST-NET-2) for the rest of the
   world) goes to ``cyclonus analyze --mode probe`` with the rendered policies, one file each
   (cyclonus reads only the first document of a file). For every port any pod serves, its
   combined truth table must equal the declared flows (the ``network.gitops-platform.io/flow``
   annotation of the allow policies): every declared pair allowed, every other pair with an end
   in a platform namespace blocked, every platform pod able to reach the cluster DNS on UDP and
   TCP 53. An external end matches a pod by address (``ipBlock`` semantics, as cyclonus).

   **Runs** (:func:`plan_runs`): cyclonus evaluates every pair of the model's pods on every
   probe port, at about 0.2 ms a pair and port (it formats each verdict for its trace log), so
   one run over a thousand onboarded services would take many minutes. The pairs are split
   over several runs instead, with the very same verdicts:

   - a pair's cell depends only on the two pods (labels, namespace and its labels, address,
     ports) and on the policies of their two namespaces: a policy's target is its own
     namespace (cyclonus ``Target.IsMatch``, Kubernetes alike). A run given the pods of some
     namespaces, every namespace's labels and those namespaces' policies yields, for each pair
     of its pods, the cell of the single run over everything;
   - a pair of pods of two different namespaces A -> B is *blocked* when A has a policy with
     an empty ``podSelector`` and ``Egress`` in its ``policyTypes`` (so every pod of A is
     isolated for egress) and no peer of an egress rule of A's policies may match a pod of B,
     or the same for ingress with B's policies and A's pods. "May match" over-approximates:
     a rule without peers or an empty peer matches anything; an ``ipBlock`` matches the pods
     whose address is in its ``cidr`` (its ``except`` ignored); a ``namespaceSelector``
     matches the namespaces whose labels hold its ``matchLabels`` (its ``matchExpressions`` and
     the pod selector ignored); a peer with neither matches only the policy's own namespace.
     A peer that does not parse matches anything;
   - so the namespaces (those with pods) form a graph, an edge between two of them unless
     both have no platform pod or the pairs are blocked both ways. The most connected ones
     are *hubs*, in every run; the others are grouped by connected component (a namespace's
     pods are never split), components packed into runs. Every edge lies inside some run;
     a pair of namespaces that share no run is blocked, and the comparison adds the blocked
     cells a declared flow or the DNS check names. The number of hubs and the size of the
     runs are chosen by an estimate of cyclonus' work (pairs evaluated plus a start per run);
   - a run gets its namespaces' policies but those that change none of its cells
     (:func:`_needless`): a policy that selects only some pods of a namespace another policy
     isolates in each of its types, and whose rules may let no pod of the run through (so a
     hub's per-service allow policies go only to the run of that service). Every policy goes
     to cyclonus once at least (the rest to the first run), so a policy cyclonus refuses
     still fails the step. cyclonus reads an ``ipBlock``'s addresses only when a pair reaches
     it, so a model with an address Go's ``net.ParseCIDR`` may refuse is simulated in one run;
     an IPv6 block (IPv4-mapped ones match IPv4 addresses in Go) may match anything, and a
     namespace the model gives no labels is matched by every ``namespaceSelector``.
3. **Reachability table**: the allowed pairs per environment, as Markdown; for the repository's
   own tree it must equal the generated section of ``docs/network.md`` (regenerate it with
   ``python -m gitops_platform.validation.network_docs``).

The step is *not run* when ``cyclonus`` is not installed (``make tools``) and the tree has policies.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_platform.layout import (
    CLUSTER_DNS_LABELS,
    CLUSTER_DNS_NAMESPACE,
    HTTP01_SOLVER_LABELS,
    HTTP01_SOLVER_PORT,
    NETWORK_FLOW_ANNOTATION,
    NETWORK_ROLE_ANNOTATION,
)
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.server_dry_run import IN_CLUSTER, Cluster
from gitops_platform.validation.tools import missing_tool, run_command

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "DOCS_FILE",
    "STEP",
    "NetworkModel",
    "Outcome",
    "Simulation",
    "check_clusters",
    "declared_cells",
    "docs_section",
    "plan_model",
    "plan_runs",
]

STEP = "network"
DOCS_FILE = "docs/network.md"
DOCS_BEGIN = "<!-- reachability table: generated by the network step, do not edit -->"
DOCS_END = "<!-- end of the reachability table -->"
EXTERNAL_NAMESPACE = "external"
INTERNET = "internet"
INTERNET_IP = "198.51.100.10"
DNS_NAME = "kube-dns"
DNS_IP = "10.96.0.10"
_NAMESPACE_LABEL = "kubernetes.io/metadata.name"
_POD_SECURITY_MODES = ("enforce", "audit", "warn")
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

#: Namespaces reviewed to run below Pod Security ``restricted``: namespace -> (level, reason).
#: Every other namespace an Application creates is labelled ``restricted`` for enforce, audit
#: and warn, or step 14 fails naming it.
POD_SECURITY_EXEMPTIONS: dict[str, tuple[str, str]] = {
    "node-exporter": (
        "privileged",
        "the Prometheus node exporter reads the node's /proc, /sys and root file system through "
        "hostPath volumes and runs in the host's network and PID namespaces",
    ),
}
_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")
_OPERATOR_GROUP = "monitoring.coreos.com/"
_CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"
#: How the model names the HTTP-01 solver pods of a namespace (cert-manager names each
#: ``cm-acme-http-solver-<random>``).
HTTP01_SOLVER = "cm-acme-http-solver"


def http01_solver_namespaces(objects: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """Namespaces where cert-manager will run HTTP-01 solver pods: namespace -> origin.

    Those of the Ingresses annotated ``cert-manager.io/cluster-issuer`` with a ClusterIssuer of
    the same cluster that solves ACME challenges (``spec.acme.solvers[].http01``): cert-manager's
    ingress-shim creates the Certificate there, and the solver pods beside it.

    Args:
        objects: ``(origin, object with its namespace)`` of one cluster.
    """
    items = list(objects)
    acme = {
        str(_mapping(obj.get("metadata")).get("name"))
        for _, obj in items
        if obj.get("kind") == "ClusterIssuer"
        and any(
            "http01" in _mapping(s)
            for s in _mapping(_mapping(obj.get("spec")).get("acme")).get("solvers") or []
        )
    }
    found: dict[str, str] = {}
    for origin, obj in items:
        meta = _mapping(obj.get("metadata"))
        issuer = _mapping(meta.get("annotations")).get(_CLUSTER_ISSUER_ANNOTATION)
        if obj.get("kind") == "Ingress" and issuer in acme:
            found.setdefault(str(meta.get("namespace")), origin)
    return found


def operator_pods(obj: dict[str, Any]) -> tuple[str, dict[str, str], list[tuple[int, str]]] | None:
    """The pods prometheus-operator creates for a ``Prometheus`` or ``Alertmanager`` object.

    The operator (not the chart) renders their StatefulSet ``<kind>-<name>``; the labels are
    the ones it sets (``app.kubernetes.io/name``, ``app.kubernetes.io/instance``,
    ``app.kubernetes.io/managed-by: prometheus-operator``, ``prometheus``/``alertmanager:
    <name>``, ``operator.prometheus.io/name`` for Prometheus; kube-prometheus-stack's Services
    select them by these) plus ``spec.podMetadata.labels``; the ports are the web port
    (``spec.portName``, 9090 or 9093), Alertmanager's cluster port 9094 (TCP and UDP) and the
    config reloader's ``reloader-web`` 8080 (absent with ``listenLocal``).

    Returns:
        ``(workload name, pod labels, ports)``, or ``None`` for any other object.
    """
    kind = obj.get("kind")
    if kind not in ("Prometheus", "Alertmanager"):
        return None
    if not str(obj.get("apiVersion", "")).startswith(_OPERATOR_GROUP):
        return None
    name = str(_mapping(obj.get("metadata")).get("name"))
    spec = _mapping(obj.get("spec"))
    app = kind.lower()
    labels = {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/managed-by": "prometheus-operator",
        app: name,
    }
    if kind == "Prometheus":
        labels["operator.prometheus.io/name"] = name
        labels["operator.prometheus.io/shard"] = "0"
    extra = _mapping(_mapping(spec.get("podMetadata")).get("labels"))
    labels.update({str(k): str(v) for k, v in extra.items()})
    ports = [(9090 if kind == "Prometheus" else 9093, "TCP")]
    if kind == "Alertmanager":
        ports += [(9094, "TCP"), (9094, "UDP")]
    if not spec.get("listenLocal"):
        ports.append((8080, "TCP"))
    return f"{app}-{name}", labels, sorted(ports)


@dataclass
class Pod:
    """One pod of the probe model.

    Attributes:
        namespace: its namespace (``external`` for the pseudo-pods of external services).
        name: the workload's name.
        labels: the pod template's labels.
        ports: ``(port, protocol)`` it serves.
        ip: its address in the model.
        platform: whether it runs in a namespace the platform creates.
        origin: where it was rendered (for messages).
    """

    namespace: str
    name: str
    labels: dict[str, str]
    ports: list[tuple[int, str]]
    ip: str
    platform: bool = False
    origin: str = ""

    @property
    def key(self) -> str:
        """``<namespace>/<name>`` (how cyclonus names it)."""
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class End:
    """A declared flow end: pods by namespace and labels, or an external service's blocks."""

    namespace: str = ""
    workload: str = ""
    selector: tuple[tuple[str, str], ...] = ()
    external: str = ""
    cidrs: tuple[str, ...] = ()
    excepts: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """``<namespace>/<workload>``, ``external/<service>`` or ``<namespace>/<service>``."""
        if self.external and self.namespace:
            return f"{self.namespace}/{self.external}"
        if self.external:
            return f"{EXTERNAL_NAMESPACE}/{self.external}"
        return f"{self.namespace}/{self.workload}"

    def matches(self, pod: Pod) -> bool:
        """Whether ``pod`` is this end.

        An external end is a pod outside the platform's namespaces (an external pseudo-pod,
        the cluster DNS) whose address is in its blocks, as ``ipBlock`` matches; a platform pod
        whose address happens to be inside needs a flow of its own.
        """
        if self.external:
            if pod.platform:
                return False
            if self.namespace:  # a service in a namespace the platform does not manage
                return pod.namespace == self.namespace
            address = ipaddress.ip_address(pod.ip)
            inside = any(_contains(c, address) for c in self.cidrs)
            return inside and not any(_contains(c, address) for c in self.excepts)
        return pod.namespace == self.namespace and all(
            pod.labels.get(k) == v for k, v in self.selector
        )


def _contains(cidr: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    network = ipaddress.ip_network(cidr, strict=False)
    return address.version == network.version and address in network


@dataclass
class DeclaredFlow:
    """A flow as the allow policies' annotation declares it.

    Attributes:
        name: ``<source>-to-<target>``.
        source: who opens the connection.
        target: who accepts it.
        ports: ``(port, protocol)``.
        reason: why it exists.
        policies: the policies declaring it (``namespace/name``).
    """

    name: str
    source: End
    target: End
    ports: tuple[tuple[int, str], ...]
    reason: str
    policies: list[str] = field(default_factory=list)


@dataclass
class NetworkModel:
    """One cluster's namespaces, pods, policies and declared flows.

    Attributes:
        cluster: the cluster (environment) name.
        namespaces: the namespaces the platform creates, with their labels.
        pods: the probe model's pods (workloads, DNS, external pseudo-pods).
        policies: the rendered NetworkPolicies: ``(origin, object with its namespace)``.
        flows: the declared flows, by name.
        findings: structural problems found while building it.
    """

    cluster: str
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    pods: list[Pod] = field(default_factory=list)
    policies: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    flows: dict[str, DeclaredFlow] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Outcome:
    """What the step found in one cluster: findings and the allowed pairs (for the docs)."""

    cluster: str
    findings: list[Finding] = field(default_factory=list)
    allowed: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    dns_everywhere: bool = True


# -- the model --------------------------------------------------------------------------------


def _pod_template(obj: dict[str, Any]) -> dict[str, Any] | None:
    kind = obj.get("kind")
    spec: dict[str, Any] = _mapping(obj.get("spec"))
    if kind == "Pod":
        return obj
    if kind == "CronJob":
        spec = _mapping(_mapping(spec.get("jobTemplate")).get("spec"))
    template = spec.get("template")
    return template if isinstance(template, dict) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _end(data: Any) -> End:
    if not isinstance(data, dict):
        raise ValueError("an end must be an object")
    if "external" in data:
        return End(
            namespace=str(data.get("namespace") or ""),
            external=str(data["external"]),
            cidrs=tuple(str(c) for c in data.get("cidrs") or ()),
            excepts=tuple(str(c) for c in data.get("except") or ()),
        )
    selector = data.get("selector") or {}
    return End(
        namespace=str(data["namespace"]),
        workload=str(data.get("workload") or "?"),
        selector=tuple(sorted((str(k), str(v)) for k, v in selector.items())),
    )


def plan_model(cluster: Cluster) -> NetworkModel:
    """The probe model of one cluster (see the module documentation)."""
    model = NetworkModel(cluster.name)
    for name, managed in sorted(cluster.namespaces.items()):
        model.namespaces[name] = {**managed.labels, _NAMESPACE_LABEL: name}
    workloads: list[Pod] = []
    for placed in cluster.placed:
        obj = placed.document.obj
        meta = _mapping(obj.get("metadata"))
        namespace = str(meta.get("namespace") or placed.namespace)
        kind = obj.get("kind")
        if kind == "NetworkPolicy":
            policy = {**obj, "metadata": {**meta, "namespace": namespace}}
            model.policies.append((placed.document.origin, policy))
            _declared(model, placed.document.origin, policy)
            continue
        operated = operator_pods(obj)
        if operated is not None:
            pod_name, pod_labels, pod_ports = operated
            workloads.append(
                Pod(
                    namespace,
                    pod_name,
                    pod_labels,
                    pod_ports,
                    "",
                    platform=namespace in model.namespaces,
                    origin=placed.document.origin,
                )
            )
            continue
        if kind not in _WORKLOAD_KINDS:
            continue
        template = _pod_template(obj)
        if template is None:
            continue
        pod_spec = template.get("spec") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        ports = sorted(
            {
                (int(p["containerPort"]), str(p.get("protocol") or "TCP"))
                for c in pod_spec.get("containers") or []
                for p in c.get("ports") or []
                if isinstance(p, dict) and "containerPort" in p
            }
        )
        workloads.append(
            Pod(
                namespace,
                str(meta.get("name")),
                {str(k): str(v) for k, v in labels.items()},
                ports,
                "",
                platform=namespace in model.namespaces,
                origin=placed.document.origin,
            )
        )
    placed_objects = [
        (
            p.document.origin,
            {
                **p.document.obj,
                "metadata": {
                    **_mapping(p.document.obj.get("metadata")),
                    "namespace": _mapping(p.document.obj.get("metadata")).get("namespace")
                    or p.namespace,
                },
            },
        )
        for p in cluster.placed
    ]
    for namespace, origin in sorted(http01_solver_namespaces(placed_objects).items()):
        workloads.append(
            Pod(
                namespace,
                HTTP01_SOLVER,
                dict(HTTP01_SOLVER_LABELS),
                [(HTTP01_SOLVER_PORT, "TCP")],
                "",
                platform=namespace in model.namespaces,
                origin=origin,
            )
        )
    workloads.sort(key=lambda p: p.key)
    for index, pod in enumerate(workloads):
        pod.ip = f"10.244.{index // 250}.{index % 250 + 1}"
    model.pods = workloads
    model.pods.append(
        Pod(
            CLUSTER_DNS_NAMESPACE,
            DNS_NAME,
            dict(CLUSTER_DNS_LABELS),
            [(53, "TCP"), (53, "UDP")],
            DNS_IP,
        )
    )
    model.namespaces.setdefault(CLUSTER_DNS_NAMESPACE, {_NAMESPACE_LABEL: CLUSTER_DNS_NAMESPACE})
    externals: dict[str, Pod] = {}
    for flow in model.flows.values():
        for end in (flow.source, flow.target):
            if not end.external or end.external in externals:
                continue
            if end.namespace:  # in the cluster: a pod of that namespace, at a pod address
                model.namespaces.setdefault(end.namespace, {_NAMESPACE_LABEL: end.namespace})
                index = len(workloads) + len(externals)
                address = f"10.244.{index // 250}.{index % 250 + 1}"
                externals[end.external] = Pod(end.namespace, end.external, {}, [], address)
                continue
            network = ipaddress.ip_network(end.cidrs[0], strict=False) if end.cidrs else None
            if network is None or network.prefixlen == 0:
                continue  # the rest of the world: the internet pseudo-pod stands for it
            address = str(next(network.hosts(), network.network_address))
            externals[end.external] = Pod(EXTERNAL_NAMESPACE, end.external, {}, [], address)
        if flow.target.external in externals:
            pod = externals[flow.target.external]
            pod.ports = sorted(set(pod.ports) | set(flow.ports))
    externals[INTERNET] = Pod(
        EXTERNAL_NAMESPACE, INTERNET, {}, [(80, "TCP"), (443, "TCP")], INTERNET_IP
    )
    model.pods += [externals[k] for k in sorted(externals)]
    model.namespaces[EXTERNAL_NAMESPACE] = {}
    _check_structure(model)
    return model


def _declared(model: NetworkModel, origin: str, policy: dict[str, Any]) -> None:
    meta = policy["metadata"]
    ref = f"{meta.get('namespace')}/{meta.get('name')}"
    text = (meta.get("annotations") or {}).get(NETWORK_FLOW_ANNOTATION)
    if text is None:
        return
    try:
        data = json.loads(text)
        flow = DeclaredFlow(
            str(data["name"]),
            _end(data["from"]),
            _end(data["to"]),
            tuple((int(p["port"]), str(p.get("protocol") or "TCP")) for p in data["ports"]),
            str(data.get("reason") or ""),
        )
    except (ValueError, KeyError, TypeError) as error:
        model.findings.append(
            Finding(
                origin,
                STEP,
                f"the {NETWORK_FLOW_ANNOTATION} annotation is not a flow ({error}): "
                "a JSON object with name, from, to, ports and reason",
                f"NetworkPolicy/{ref}",
            )
        )
        return
    known = model.flows.setdefault(flow.name, flow)
    if (known.source, known.target, known.ports) != (flow.source, flow.target, flow.ports):
        model.findings.append(
            Finding(
                origin,
                STEP,
                f"flow {flow.name} is declared differently by {', '.join(known.policies)}",
                f"NetworkPolicy/{ref}",
            )
        )
    known.policies.append(ref)


def _is_default_deny(policy: dict[str, Any]) -> bool:
    spec = policy.get("spec") or {}
    return (
        not (spec.get("podSelector") or {})
        and {"Ingress", "Egress"} <= set(spec.get("policyTypes") or [])
        and not spec.get("ingress")
        and not spec.get("egress")
    )


def _opens_everything(peers: Any) -> str | None:
    if not peers:
        return "it has no peers, so it admits every address"
    for index, peer in enumerate(peers):
        if not peer:
            return f"peer [{index}] is empty, so it admits every address"
        if peer.get("namespaceSelector") == {} and not (peer.get("podSelector") or {}):
            return f"peer [{index}] selects every pod of every namespace"
    return None


def pod_security_findings(cluster: Cluster) -> list[Finding]:
    """Namespaces not labelled ``restricted`` (enforce, audit, warn) and not reviewed."""
    findings: list[Finding] = []
    for name, managed in sorted(cluster.namespaces.items()):
        levels = {
            mode: managed.labels.get(f"pod-security.kubernetes.io/{mode}")
            for mode in _POD_SECURITY_MODES
        }
        exempt = POD_SECURITY_EXEMPTIONS.get(name)
        allowed = {"restricted"} | ({exempt[0]} if exempt else set())
        wrong = {m: v for m, v in levels.items() if v not in allowed}
        if not wrong:
            continue
        origin = managed.app.origin if managed.app else f"environment {cluster.name}"
        findings.append(
            Finding(
                origin,
                STEP,
                f"in environment {cluster.name}, namespace {name}: Pod Security labels "
                f"{wrong} are not restricted and the namespace is not in the reviewed "
                "exemptions (POD_SECURITY_EXEMPTIONS, with its reason)",
                f"Namespace/{name}",
                "spec.syncPolicy.managedNamespaceMetadata.labels",
            )
        )
    return findings


def _check_structure(model: NetworkModel) -> None:
    by_namespace: dict[str, list[dict[str, Any]]] = {}
    for origin, policy in model.policies:
        meta = policy["metadata"]
        namespace = str(meta.get("namespace"))
        by_namespace.setdefault(namespace, []).append(policy)
        spec = policy.get("spec") or {}
        if NETWORK_ROLE_ANNOTATION not in (meta.get("annotations") or {}):
            model.findings.append(
                Finding(
                    origin,
                    STEP,
                    f"in environment {model.cluster}, namespace {namespace}: NetworkPolicy "
                    f"{meta.get('name')} is not generated from declared flows (no "
                    f"{NETWORK_ROLE_ANNOTATION} annotation): a chart's own policy switch or a "
                    "hand-written policy; turn the chart's switch off and declare the flows",
                    f"NetworkPolicy/{namespace}/{meta.get('name')}",
                )
            )
        for direction, peers_key in (("ingress", "from"), ("egress", "to")):
            for index, rule in enumerate(spec.get(direction) or []):
                why = _opens_everything((rule or {}).get(peers_key))
                if why:
                    model.findings.append(
                        Finding(
                            origin,
                            STEP,
                            f"in environment {model.cluster}, namespace {namespace}: NetworkPolicy "
                            f"{meta.get('name')} opens the namespace to everything ({why}); "
                            "declare each flow instead",
                            f"NetworkPolicy/{namespace}/{meta.get('name')}",
                            f"spec.{direction}[{index}].{peers_key}",
                        )
                    )
    running = {p.namespace for p in model.pods if p.origin}
    for namespace in sorted(model.namespaces):
        if namespace in (EXTERNAL_NAMESPACE, CLUSTER_DNS_NAMESPACE) or namespace not in running:
            continue
        if not any(_is_default_deny(p) for p in by_namespace.get(namespace, [])):
            model.findings.append(
                Finding(
                    f"environment {model.cluster}",
                    STEP,
                    f"namespace {namespace} has no default-deny NetworkPolicy (empty podSelector, "
                    "policyTypes Ingress and Egress, no rules) although pods run there: its "
                    "pods accept and open anything no policy selects them for (declare the "
                    "workloads and flows of its components: docs/network.md)",
                    f"Namespace/{namespace}",
                )
            )
    workloads: dict[str, list[Pod]] = {}
    for pod in model.pods:
        if pod.origin:
            workloads.setdefault(pod.namespace, []).append(pod)
    for flow in model.flows.values():
        shown = f"flow {flow.name} ({', '.join(flow.policies)})"
        for role, end in (("source", flow.source), ("target", flow.target)):
            if end.external:
                continue
            selected = [p for p in workloads.get(end.namespace, []) if end.matches(p)]
            if not selected:
                model.findings.append(
                    Finding(
                        f"environment {model.cluster}",
                        STEP,
                        f"{shown}: its {role} {end.shown} (labels {dict(end.selector)}) selects "
                        f"no pod rendered in namespace {end.namespace}",
                        f"NetworkPolicy/{flow.policies[0]}",
                    )
                )
                continue
            if role != "target":
                continue
            for pod in selected:
                for port, protocol in flow.ports:
                    if (port, protocol) not in pod.ports:
                        served = ", ".join(f"{p}/{q}" for p, q in pod.ports) or "none"
                        model.findings.append(
                            Finding(
                                pod.origin,
                                STEP,
                                f"in environment {model.cluster}, namespace {end.namespace}: "
                                f"{shown} reaches port {port}/{protocol} of {pod.key}, which "
                                f"does not serve it (its container ports: {served})",
                                f"NetworkPolicy/{flow.policies[0]}",
                            )
                        )


# -- the simulation ---------------------------------------------------------------------------

#: Estimated cost of one more cyclonus run (its start, its policies' parse), in pairs of pods
#: each probed on every port: measured on 1000 onboarded services, a run costs about 45 ms and
#: a pair of pods 0.7 ms (2 runs at a time, 2 cores).
_RUN_COST = 64
#: At most this many of the most connected namespaces are tried as the hubs of every run.
_MAX_HUBS = 64


def _probe_ports(model: NetworkModel) -> list[tuple[int, str]]:
    return sorted({port for pod in model.pods for port in pod.ports})


def _resources(model: NetworkModel, pods: Sequence[Pod] | None = None) -> dict[str, Any]:
    entries = []
    for pod in model.pods if pods is None else pods:
        containers = [
            {"Name": f"port-{port}-{protocol.lower()}", "Port": port, "Protocol": protocol}
            for port, protocol in pod.ports
        ] or [{"Name": "no-ports", "Port": 0, "Protocol": "TCP"}]
        entries.append(
            {
                "Namespace": pod.namespace,
                "Name": pod.name,
                "Labels": pod.labels,
                "IP": pod.ip,
                "Containers": containers,
            }
        )
    return {"Namespaces": model.namespaces, "Pods": entries}


_ROW = re.compile(r"^\|(.*)\|\s*$")


def parse_tables(output: str, heading: str = "Combined:") -> list[dict[tuple[str, str], str]]:
    """The ``heading`` truth tables of cyclonus' probe output, in order: (from, to) -> cell."""
    tables: list[dict[tuple[str, str], str]] = []
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.strip() != heading:
            continue
        rows = []
        for row in lines[index + 1 :]:
            match = _ROW.match(row.strip())
            if match is None:
                if row.startswith("+"):
                    continue
                break
            rows.append([c.strip() for c in match.group(1).split("|")])
        table: dict[tuple[str, str], str] = {}
        if rows:
            header, body = rows[0][1:], rows[1:]
            for cells in body:
                source = cells[0]
                for column, cell in zip(header, cells[1:], strict=False):
                    table[(source, column.lower())] = cell
        tables.append(table)
    return tables


@dataclass
class _Reach:
    """What one namespace's policies can let through, over-approximated (see the module doc).

    ``None`` for a direction: anything (the namespace is not isolated by an empty
    ``podSelector`` in that direction, or a rule has no peers).
    """

    egress: set[str] | None
    ingress: set[str] | None


_DIRECTIONS = (("Egress", "egress", "to"), ("Ingress", "ingress", "from"))


@dataclass
class _Peers:
    """The namespaces by label and the pods' addresses, to tell whom a peer may match."""

    namespaces: dict[str, dict[str, str]]
    by_label: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    by_ip: list[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, str]] = field(
        default_factory=list
    )
    #: Namespaces with pods but no entry in the model (cyclonus gives them no labels).
    unlabelled: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, model: NetworkModel) -> _Peers:
        """The peers' view of ``model``."""
        peers = cls(model.namespaces)
        for name, labels in model.namespaces.items():
            for key, value in labels.items():
                peers.by_label.setdefault((key, value), set()).add(name)
        peers.unlabelled = {p.namespace for p in model.pods} - set(model.namespaces)
        for pod in model.pods:
            try:
                address = ipaddress.ip_address(pod.ip)
            except ValueError:
                continue
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
                address = address.ipv4_mapped  # Go's net.IP holds an IPv4 address this way too
            peers.by_ip.append((address, pod.namespace))
        return peers

    def matched(self, peer: Any, own: str) -> set[str] | None:
        """The namespaces whose pods ``peer`` (of a policy in ``own``) may match; ``None``: any."""
        if not isinstance(peer, dict) or not peer:
            return None
        if "ipBlock" in peer:
            block = _ipv4_block(_mapping(peer["ipBlock"]))
            if block is None:
                return None
            return {ns for ip, ns in self.by_ip if ip.version == 4 and ip in block}
        selector = peer.get("namespaceSelector")
        if selector is None:
            return {own}  # the policy's own namespace only
        labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        if not isinstance(selector, dict) or not isinstance(labels, dict | None):
            return None
        found = set(self.namespaces)
        for key, value in (labels or {}).items():
            found &= self.by_label.get((str(key), str(value)), set())
        # matchExpressions and the pod selector only narrow it further; a namespace the model
        # does not list is matched by selectors such as {} or NotIn: taken as matched always
        return found | self.unlabelled

    def reach(self, policy: dict[str, Any]) -> dict[str, set[str] | None]:
        """Per direction (``Egress``, ``Ingress``): the namespaces its rules may let through."""
        own = str(policy["metadata"].get("namespace"))
        spec = _mapping(policy.get("spec"))
        reach: dict[str, set[str] | None] = {}
        for kind, rules_key, peers_key in _DIRECTIONS:
            found: set[str] | None = set()
            for rule in spec.get(rules_key) or []:
                peers = _mapping(rule).get(peers_key)
                if not peers or not isinstance(peers, list):
                    found = None
                for peer in peers if isinstance(peers, list) else []:
                    more = self.matched(peer, own)
                    found = None if found is None or more is None else found | more
            reach[kind] = found
        return reach


def _readable(ip_block: dict[str, Any]) -> bool:
    """Whether every address of an ``ipBlock`` (``cidr``, ``except``) reads alike everywhere.

    So each is ``address/prefix`` that Python reads (Go's ``net.ParseCIDR`` refuses what
    Python refuses here, leading zeros among them, and a missing prefix, which Python would
    take). cyclonus reads a block only when a pair reaches it and stops on one it refuses.
    """
    for text in [ip_block.get("cidr"), *(ip_block.get("except") or [])]:
        if not isinstance(text, str) or "/" not in text:
            return False
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            return False
    return True


def _ipv4_block(ip_block: dict[str, Any]) -> ipaddress.IPv4Network | None:
    """An ``ipBlock``'s ``cidr`` when it is a plain IPv4 block; ``None``: it may match anything.

    ``None`` for IPv6 blocks (IPv4-mapped ones among them, which Go matches against IPv4
    addresses) and for blocks that are not :func:`_readable`.
    """
    cidr = ip_block.get("cidr")
    if not _readable(ip_block) or not isinstance(cidr, str) or ":" in cidr:
        return None
    block = ipaddress.ip_network(cidr, strict=False)
    return block if isinstance(block, ipaddress.IPv4Network) else None


def _unreadable_blocks(model: NetworkModel) -> bool:
    """Whether a policy holds an ``ipBlock`` that is not :func:`_readable`.

    Such a model is simulated in one run, so the step fails where that run's cyclonus does.
    """
    for _, policy in model.policies:
        spec = _mapping(policy.get("spec"))
        for _, rules_key, peers_key in _DIRECTIONS:
            for rule in spec.get(rules_key) or []:
                peers = _mapping(rule).get(peers_key)
                blocks = [
                    _mapping(peer["ipBlock"])
                    for peer in (peers if isinstance(peers, list) else [])
                    if isinstance(peer, dict) and "ipBlock" in peer
                ]
                if not all(_readable(block) for block in blocks):
                    return True
    return False


def _isolating(policy: dict[str, Any], kind: str) -> bool:
    """Whether ``policy`` selects every pod of its namespace for ``kind`` traffic."""
    spec = _mapping(policy.get("spec"))
    return not spec.get("podSelector") and kind in (spec.get("policyTypes") or [])


def _reach(model: NetworkModel, pods: Sequence[Pod]) -> dict[str, _Reach]:
    peers = _Peers.of(model)
    policies: dict[str, list[dict[str, Any]]] = {}
    for _, policy in model.policies:
        policies.setdefault(str(policy["metadata"].get("namespace")), []).append(policy)
    reach: dict[str, _Reach] = {}
    for namespace in {p.namespace for p in pods}:
        sides: dict[str, set[str] | None] = {}
        own = [(policy, peers.reach(policy)) for policy in policies.get(namespace, [])]
        for kind, _, _ in _DIRECTIONS:
            isolated = False
            found: set[str] | None = set()
            for policy, policy_reach in own:
                isolated = isolated or _isolating(policy, kind)
                more = policy_reach[kind]
                found = None if found is None or more is None else found | more
            sides[kind] = found if isolated else None
        reach[namespace] = _Reach(sides["Egress"], sides["Ingress"])
    return reach


def _needless(
    policy: dict[str, Any], reach: dict[str, set[str] | None], isolated: set[str], run: set[str]
) -> bool:
    """Whether a run over the pods of ``run`` gives the same cells without ``policy``.

    So when it selects only some pods (not an empty ``podSelector``), its namespace is isolated
    (``isolated``: ``Egress``/``Ingress``) in each of its ``policyTypes`` by another policy,
    and none of its rules of those types may let a pod of the run through: it never allows a
    pair of the run, and the isolating policy keeps every pod of its namespace selected.
    """
    spec = _mapping(policy.get("spec"))
    kinds = spec.get("policyTypes")
    if not spec.get("podSelector") or not isinstance(kinds, list) or not kinds:
        return False
    for kind in kinds:
        if kind not in isolated:
            return False
        found = reach.get(str(kind))
        if found is None or found & run:
            return False
    return True


def _open(reach: dict[str, _Reach], source: str, target: str) -> bool:
    """Whether a pod of ``source`` may reach one of ``target`` (other namespaces)."""
    out, into = reach[source].egress, reach[target].ingress
    return (out is None or target in out) and (into is None or source in into)


def plan_runs(
    model: NetworkModel, capacity: int | None = None, hubs: int | None = None
) -> list[list[Pod]]:
    """The pods of each cyclonus run: together, every pair the verdict needs (module doc).

    Args:
        model: the cluster's probe model.
        capacity: the most pods of other namespaces per run, beside the hubs (default: chosen
            by an estimate of cyclonus' work, pairs of pods evaluated plus a start per run).
        hubs: how many of the most connected namespaces are in every run (default: the number,
            up to 64, with the least estimated work).

    Returns:
        Lists of pods (in the model's order); a namespace's pods are never split, the hub
        namespaces are in every run.
    """
    if _unreadable_blocks(model):
        return [list(model.pods)]
    by_namespace: dict[str, list[Pod]] = {}
    for pod in model.pods:
        by_namespace.setdefault(pod.namespace, []).append(pod)
    platform = {p.namespace for p in model.pods if p.platform}
    reach = _reach(model, model.pods)
    names = sorted(by_namespace)
    neighbours: dict[str, set[str]] = {n: set() for n in names}
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            if first not in platform and second not in platform:
                continue  # no verdict about such a pair
            if _open(reach, first, second) or _open(reach, second, first):
                neighbours[first].add(second)
                neighbours[second].add(first)
    order = sorted(names, key=lambda n: (-len(neighbours[n]), n))
    best_cost, best_runs = -1, [names]
    counts = range(min(len(order), _MAX_HUBS) + 1) if hubs is None else [hubs]
    for count in counts:
        central = set(order[:count])
        groups = _components([n for n in names if n not in central], neighbours)
        hub_pods = sum(len(by_namespace[n]) for n in central)
        limit = capacity or max(1, int((hub_pods**2 + _RUN_COST) ** 0.5))
        chunks: list[list[str]] = []
        size = limit
        for group in groups:
            pods = sum(len(by_namespace[n]) for n in group)
            if size + pods > limit:
                chunks.append([])
                size = 0
            chunks[-1].extend(group)
            size += pods
        runs = [sorted(central) + chunk for chunk in chunks] or [sorted(central)]
        cost = sum(sum(len(by_namespace[n]) for n in run) ** 2 + _RUN_COST for run in runs)
        if best_cost < 0 or cost < best_cost:
            best_cost, best_runs = cost, runs
    return [[p for p in model.pods if p.namespace in set(run)] for run in best_runs]


def _components(names: list[str], neighbours: dict[str, set[str]]) -> list[list[str]]:
    """The connected groups of ``names`` by ``neighbours`` among them, by their first name."""
    left = set(names)
    groups = []
    for name in names:
        if name not in left:
            continue
        left.discard(name)
        group, todo = [name], [name]
        while todo:
            for other in sorted(neighbours[todo.pop()] & left):
                left.discard(other)
                group.append(other)
                todo.append(other)
        groups.append(sorted(group))
    return groups


@dataclass
class Simulation:
    """The merged truth tables of a cluster's cyclonus runs.

    Attributes:
        tables: per probe ``(port, protocol)``: ``(source, target) -> cell`` for the pairs with
            an end in a platform namespace whose target serves the port (cells ``N`` dropped).
        together: namespace -> the runs it was simulated in (a pair of pods was simulated iff
            their namespaces share a run).
        cells: the truth-table cells cyclonus printed, over all runs.
        runs: how many cyclonus runs.
    """

    tables: dict[tuple[int, str], dict[tuple[str, str], str]] = field(default_factory=dict)
    together: dict[str, set[int]] = field(default_factory=dict)
    cells: int = 0
    runs: int = 0

    def simulated(self, source: Pod, target: Pod) -> bool:
        """Whether cyclonus simulated the pair (else its verdict is *blocked*: module doc)."""
        return bool(
            self.together.get(source.namespace, set()) & self.together.get(target.namespace, set())
        )


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _simulate(
    model: NetworkModel,
    cyclonus: Path,
    workdir: Path,
    runs: Sequence[Sequence[Pod]] | None = None,
) -> tuple[Simulation, Finding | None]:
    folder = workdir / model.cluster
    policies = folder / "policies"
    policies.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for index, (_, policy) in enumerate(model.policies):
        path = policies / f"{index:05d}.yaml"
        path.write_text(yaml.dump(policy, Dumper=_DUMPER), encoding="utf-8")
        files.setdefault(str(policy["metadata"].get("namespace")), []).append((path, policy))
    ports = _probe_ports(model)
    runs = plan_runs(model) if runs is None else runs
    pods = {pod.key: pod for pod in model.pods}
    simulation = Simulation({port: {} for port in ports}, runs=len(runs))
    run_namespaces = [{p.namespace for p in run} for run in runs]
    for number, namespaces in enumerate(run_namespaces):
        for namespace in namespaces:
            simulation.together.setdefault(namespace, set()).add(number)
    # a run gets the policies of its namespaces but those that change none of its cells;
    # every policy goes to cyclonus once at least (a run's first), so a policy it refuses fails
    peers = _Peers.of(model)
    reach = {id(p): peers.reach(p) for _, p in model.policies}
    isolated = {
        namespace: {kind for kind, _, _ in _DIRECTIONS if any(_isolating(p, kind) for _, p in own)}
        for namespace, own in files.items()
    }
    chosen: list[list[Path]] = []
    for namespaces in run_namespaces:
        chosen.append(
            [
                path
                for namespace in sorted(namespaces)
                for path, policy in files.get(namespace, [])
                if not _needless(policy, reach[id(policy)], isolated[namespace], namespaces)
            ]
        )
    sent = {path for paths in chosen for path in paths}
    chosen[0] += [path for own in files.values() for path, _ in own if path not in sent]

    def run(number: int) -> tuple[list[dict[tuple[str, str], str]], Finding | None]:
        place = folder / f"run-{number:03d}"
        own = place / "policies"
        own.mkdir(parents=True, exist_ok=True)
        for path in chosen[number]:
            _link(path, own / path.name)
        config = {
            "Resources": _resources(model, runs[number]),
            "Probes": [{"Port": port, "Protocol": protocol} for port, protocol in ports],
        }
        probe = place / "model.json"
        probe.write_text(json.dumps(config, indent=1, sort_keys=True), encoding="utf-8")
        result = run_command(
            [cyclonus, "analyze", "--mode", "probe", "--policy-path", own, "--probe-path", probe]
        )
        tables = parse_tables(result.stdout)
        if not result.ok or len(tables) < len(ports):
            return [], Finding(
                f"environment {model.cluster}",
                STEP,
                f"cyclonus failed (exit {result.returncode}, {len(tables)} tables for "
                f"{len(ports)} probes): {(result.stderr or result.stdout).strip()[-500:]}",
            )
        return tables, None

    workers = max(1, min(len(runs), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for tables, failure in pool.map(run, range(len(runs))):
            if failure is not None:
                return Simulation(), failure
            for port, table in zip(ports, tables, strict=False):
                merged = simulation.tables[port]
                simulation.cells += len(table)
                for (source_key, target_key), cell in table.items():
                    source, target = pods.get(source_key), pods.get(target_key)
                    if source is None or target is None or cell == "N":
                        continue
                    if source.platform or target.platform:
                        merged.setdefault((source_key, target_key), cell)
    return simulation, None


def declared_cells(model: NetworkModel) -> dict[tuple[str, str, int, str], DeclaredFlow]:
    """Every ``(source pod, target pod, port, protocol)`` a flow declares -> its first flow.

    The first in the order of :attr:`NetworkModel.flows`, as a scan of the flows would find;
    each end is matched (:meth:`End.matches`) against the pods of its namespace only, or the
    pods outside the platform's namespaces for an external end without one.
    """
    pods = {pod.key: pod for pod in model.pods}
    by_namespace: dict[str, list[Pod]] = {}
    for pod in pods.values():
        by_namespace.setdefault(pod.namespace, []).append(pod)
    outside = [p for p in pods.values() if not p.platform]

    def ends(end: End) -> list[Pod]:
        external = end.external and not end.namespace
        candidates = outside if external else by_namespace.get(end.namespace, [])
        return [p for p in candidates if end.matches(p)]

    cells: dict[tuple[str, str, int, str], DeclaredFlow] = {}
    for flow in model.flows.values():
        targets = ends(flow.target)
        for source in ends(flow.source):
            for target in targets:
                for port, protocol in flow.ports:
                    cells.setdefault((source.key, target.key, port, protocol), flow)
    return cells


def _policies_selecting(
    policies: dict[str, list[dict[str, Any]]], pod: Pod, direction: str
) -> list[str]:
    names = []
    for policy in policies.get(pod.namespace, []):
        meta, spec = policy["metadata"], policy.get("spec") or {}
        if direction.capitalize() not in (spec.get("policyTypes") or []):
            continue
        selector = (spec.get("podSelector") or {}).get("matchLabels") or {}
        if all(pod.labels.get(k) == v for k, v in selector.items()):
            names.append(str(meta.get("name")))
    return names


def _compare(model: NetworkModel, simulation: Simulation) -> Outcome:
    outcome = Outcome(model.cluster)
    pods = {pod.key: pod for pod in model.pods}
    declared = declared_cells(model)
    policies: dict[str, list[dict[str, Any]]] = {}
    for _, policy in model.policies:
        policies.setdefault(str(policy["metadata"].get("namespace")), []).append(policy)
    dns = pods.get(f"{CLUSTER_DNS_NAMESPACE}/{DNS_NAME}")
    for (port, protocol), simulated in simulation.tables.items():
        table = dict(simulated)
        # the pairs no run simulated are blocked; those a flow or the DNS check names are kept
        wanted = [(s, t) for s, t, p, q in declared if (p, q) == (port, protocol)]
        if dns is not None and port == 53:
            wanted += [(p.key, dns.key) for p in pods.values() if p.platform]
        for source_key, target_key in wanted:
            source, target = pods[source_key], pods[target_key]
            if (source_key, target_key) in table or simulation.simulated(source, target):
                continue
            if (source.platform or target.platform) and any(p == port for p, _ in target.ports):
                table[(source_key, target_key)] = "X"
        for (source_key, target_key), cell in sorted(table.items()):
            source, target = pods[source_key], pods[target_key]
            allowed = cell == "."
            if allowed:
                outcome.allowed.setdefault((source_key, target_key), []).append((port, protocol))
            flow = declared.get((source_key, target_key, port, protocol))
            is_dns = (
                target.namespace == CLUSTER_DNS_NAMESPACE and target.name == DNS_NAME and port == 53
            )
            where = (
                f"in environment {model.cluster}: {source_key} -> {target_key} {port}/{protocol}"
            )
            if is_dns and source.platform and not allowed:
                outcome.dns_everywhere = False
                outcome.findings.append(
                    Finding(
                        source.origin,
                        STEP,
                        f"{where}: the cluster DNS is blocked (namespace {source.namespace} "
                        "needs its allow-dns policy)",
                        f"Namespace/{source.namespace}",
                    )
                )
            elif flow is not None and not allowed:
                outcome.findings.append(
                    Finding(
                        source.origin or target.origin,
                        STEP,
                        f"{where}: blocked by the rendered policies, but flow {flow.name} "
                        f"({', '.join(flow.policies)}) declares it",
                        f"NetworkPolicy/{flow.policies[0]}",
                    )
                )
            elif allowed and flow is None and not (is_dns and source.platform):
                egress = _policies_selecting(policies, source, "egress") if source.platform else []
                ingress = (
                    _policies_selecting(policies, target, "ingress") if target.platform else []
                )
                outcome.findings.append(
                    Finding(
                        source.origin or target.origin,
                        STEP,
                        f"{where}: allowed by the rendered policies, but no flow declares it "
                        f"(egress policies selecting the source in namespace {source.namespace}: "
                        f"{', '.join(egress) or 'none'}; ingress policies selecting the target "
                        f"in namespace {target.namespace}: {', '.join(ingress) or 'none'})",
                        f"Namespace/{target.namespace if target.platform else source.namespace}",
                    )
                )
    return outcome


# -- the step ---------------------------------------------------------------------------------


def check_clusters(
    clusters: Sequence[Cluster], cyclonus: Path | None, workdir: Path
) -> tuple[StepResult, list[Outcome]]:
    """Run the checks on every environment cluster (Argo CD's own cluster is left out).

    Args:
        clusters: from :func:`~gitops_platform.validation.server_dry_run.plan_clusters`.
        cyclonus: the cyclonus executable (``None``: not installed).
        workdir: a scratch folder.

    Returns:
        The step's result and one outcome per cluster (the allowed pairs for the docs).
    """
    environments = [c for c in clusters if c.name != IN_CLUSTER]
    models = [plan_model(c) for c in environments]
    findings = [f for m in models for f in m.findings]
    findings += [f for c in environments for f in pod_security_findings(c)]
    if not any(m.policies for m in models) and not any(m.namespaces for m in models):
        return StepResult(STEP, Status.PASSED, findings, "no environment creates namespaces"), []
    if cyclonus is None:
        return (
            StepResult(
                STEP,
                Status.NOT_RUN if not findings else Status.FAILED,
                [*findings, missing_tool("cyclonus", STEP)] if findings else findings,
                "cyclonus is not installed (make tools)",
            ),
            [],
        )
    outcomes: list[Outcome] = []
    cells = runs = 0
    for model in models:
        simulation, failure = _simulate(model, cyclonus, workdir)
        if failure is not None:
            findings.append(failure)
            continue
        outcome = _compare(model, simulation)
        cells += simulation.cells
        runs += simulation.runs
        findings += outcome.findings
        outcomes.append(outcome)
    detail = "; ".join(
        f"{m.cluster}: {len([p for p in m.pods if p.platform])} workloads in "
        f"{len([n for n in m.namespaces if n not in (EXTERNAL_NAMESPACE, CLUSTER_DNS_NAMESPACE)])}"
        f" namespaces, {len(m.policies)} policies, {len(m.flows)} declared flows"
        for m in models
    )
    detail += f"; {cells} truth-table cells simulated by cyclonus in {runs} runs"
    status = Status.FAILED if findings else Status.PASSED
    return StepResult(STEP, status, findings, detail), outcomes


def docs_section(outcomes: Iterable[Outcome]) -> str:
    """The reachability tables as Markdown (what ``docs/network.md`` holds between markers)."""
    parts: list[str] = []
    for outcome in outcomes:
        parts.append(f"### {outcome.cluster}\n")
        parts.append("| from | to | ports |")
        parts.append("|---|---|---|")
        for (source, target), ports in sorted(outcome.allowed.items()):
            if target == f"{CLUSTER_DNS_NAMESPACE}/{DNS_NAME}":
                continue
            shown = ", ".join(f"{p}/{q}" for p, q in sorted(ports))
            parts.append(f"| `{source}` | `{target}` | {shown} |")
        dns = "every" if outcome.dns_everywhere else "NOT every"
        parts.append(
            f"\nAnd {dns} pod of the platform's namespaces reaches "
            f"`{CLUSTER_DNS_NAMESPACE}/{DNS_NAME}` on 53/UDP and 53/TCP.\n"
        )
    return "\n".join(parts)


def docs_problem(repo_root: Path, outcomes: Sequence[Outcome]) -> Finding | None:
    """A finding when the docs' reachability section differs from ``outcomes``.

    Only a repository that keeps ``docs/network.md`` is checked (this one does).
    """
    path = repo_root / DOCS_FILE
    expected = docs_section(outcomes)
    if not path.is_file():
        return None  # a repository without the document keeps no table (this one keeps it)
    text = path.read_text(encoding="utf-8")
    if DOCS_BEGIN not in text or DOCS_END not in text:
        return Finding(DOCS_FILE, STEP, f"no generated reachability section ({DOCS_BEGIN})")
    current = text.split(DOCS_BEGIN, 1)[1].split(DOCS_END, 1)[0].strip("\n")
    if current != expected.strip("\n"):
        return Finding(
            DOCS_FILE,
            STEP,
            "the reachability table is stale: regenerate it with "
            "`.venv/bin/python -m gitops_platform.validation.network_docs` and review the diff",
        )
    return None


def write_docs(repo_root: Path, outcomes: Sequence[Outcome]) -> None:
    """Replace the generated section of ``docs/network.md`` with ``outcomes``' tables."""
    path = repo_root / DOCS_FILE
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(DOCS_BEGIN, 1)
    _, tail = rest.split(DOCS_END, 1)
    path.write_text(
        f"{head}{DOCS_BEGIN}\n{docs_section(outcomes).strip()}\n{DOCS_END}{tail}", encoding="utf-8"
    )

"""NetworkPolicies generated from the components' declared flows.

In every namespace the platform creates, for each environment:

* ``default-deny``: selects every pod, denies all ingress and egress;
* ``allow-dns``: every pod may query the cluster DNS (``kube-system``, ``k8s-app: kube-dns``)
  on UDP and TCP 53;
* one allow policy per flow end in the namespace: ``allow-<source>-to-<target>-egress`` where
  the source workload runs, ``allow-<source>-to-<target>-ingress`` where the target workload
  runs. A workload peer is its namespace (``kubernetes.io/metadata.name``) and pod labels; an
  external peer is the environment's CIDR blocks (``ipBlock``) of that service, or its
  namespace (``namespaceSelector``) for a service running in the cluster. Each allow policy
  carries its flow as JSON in ``network.gitops-platform.io/flow``.

Policies are plain data (:func:`namespace_policies`); :func:`emit_policies` adds a component's
share to its Application's manifests for the environment, at sync wave -1, so the default deny
is in place before the chart's pods start. Components sharing a namespace: the first one (in
the platform's order) delivers the namespace's default deny and DNS policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitops_platform import layout
from gitops_platform.component import (
    APPS_PROJECT,
    PLATFORM_PROJECT,
    ComponentContext,
    Delivery,
    PlatformComponent,
)
from gitops_platform.core.environment import Environment, External
from gitops_platform.core.objects import SYNC_WAVE, api_object, standard_labels
from gitops_platform.errors import DuplicateError, InvalidValueError, raise_all
from gitops_platform.network.flows import Flow, FlowEnd, Workload, end_name

if TYPE_CHECKING:
    from constructs import Construct

__all__ = [
    "DEFAULT_DENY",
    "DNS_POLICY",
    "ApplicationNetwork",
    "application_networks",
    "base_policies",
    "emit_policies",
    "flow_document",
    "flow_policies",
    "namespace_policies",
    "platform_flows",
]

DEFAULT_DENY = "default-deny"
DNS_POLICY = "allow-dns"
_NAMESPACE_LABEL = "kubernetes.io/metadata.name"
_WAVE = "-1"


def platform_flows(components: Sequence[PlatformComponent], ctx: ComponentContext) -> list[Flow]:
    """Every flow the components declare for ``ctx``'s environment, in declaration order.

    A flow declared twice the same way is kept once.

    Raises:
        InvalidValueError: a hook that does not return a tuple of ``Flow``, or a flow end that
            belongs to no component of the platform.
        DuplicateError: two different flows between the same two ends (declare the ports of
            both in one flow).
    """
    problems: list[InvalidValueError] = []
    flows: dict[tuple[str, str], Flow] = {}
    for component in components:
        declared = component.flows(ctx)
        if not isinstance(declared, tuple) or not all(isinstance(f, Flow) for f in declared):
            problems.append(
                InvalidValueError(f"{component.name}/flows", "flows", declared, "a tuple of Flow")
            )
            continue
        for flow in declared:
            for end in (flow.source, flow.target):
                if isinstance(end, Workload) and end.component not in components:
                    problems.append(
                        InvalidValueError(
                            f"{component.name}/flows",
                            flow.name,
                            getattr(end.component, "name", end.component),
                            "workloads of components of this platform",
                        )
                    )
            known = flows.setdefault((describe(flow.source), describe(flow.target)), flow)
            if known is not flow and _key(known) != _key(flow):
                problems.append(
                    DuplicateError(
                        f"{component.name}/flows",
                        flow.name,
                        flow.ports,
                        f"one flow per pair of ends; it is declared with ports {known.ports} "
                        "already (list every port in one flow)",
                    )
                )
    raise_all("PlatformApp/network", problems)
    return list(flows.values())


@dataclass(frozen=True)
class _Index:
    """The platform's flows in one environment, and what each namespace holds."""

    components: tuple[PlatformComponent, ...]  # kept so that the key's id stays this tuple's
    flows: dict[str, list[Flow]]  # namespace -> flows with a workload end there, in order
    components_in: dict[str, list[PlatformComponent]]  # namespace -> its components, in order


_INDEXES: dict[tuple[int, str], _Index] = {}


def _index(ctx: ComponentContext, env: Environment) -> _Index:
    """:func:`platform_flows` of ``ctx`` grouped by namespace, computed once per environment.

    Every component's manifests ask for the policies of its own namespace; computing the flows
    of the whole platform each time made a platform of N namespaces quadratic.
    """
    key = (id(ctx.components), env.name)
    found = _INDEXES.get(key)
    if found is not None and found.components is ctx.components:
        return found
    by_namespace: dict[str, list[Flow]] = {}
    for flow in platform_flows(ctx.components, ctx):
        namespaces = {
            end.namespace for end in (flow.source, flow.target) if isinstance(end, Workload)
        }
        for namespace in sorted(namespaces):
            by_namespace.setdefault(namespace, []).append(flow)
    components_in: dict[str, list[PlatformComponent]] = {}
    for component in ctx.components:
        if isinstance(component.namespace, str):
            components_in.setdefault(component.namespace, []).append(component)
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    found = _INDEXES[key] = _Index(ctx.components, by_namespace, components_in)
    return found


def _key(flow: Flow) -> tuple[Any, ...]:
    def end(e: FlowEnd) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        if isinstance(e, Workload):
            return (e.namespace, e.name, tuple(e.selector.items()))
        return ("", e.value, ())

    return (end(flow.source), end(flow.target), flow.ports)


def _peer(end: FlowEnd, env: Environment) -> list[dict[str, Any]]:
    if isinstance(end, Workload):
        return [
            {
                "namespaceSelector": {"matchLabels": {_NAMESPACE_LABEL: end.namespace}},
                "podSelector": {"matchLabels": dict(end.selector)},
            }
        ]
    endpoint = env.endpoint(end)
    if endpoint.namespace:  # a service running in the cluster: its namespace's pods
        return [{"namespaceSelector": {"matchLabels": {_NAMESPACE_LABEL: endpoint.namespace}}}]
    peers: list[dict[str, Any]] = []
    for cidr in endpoint.cidrs:
        block: dict[str, Any] = {"cidr": cidr}
        inside = [e for e in endpoint.except_cidrs if _within(e, cidr)]
        if inside:
            block["except"] = inside
        peers.append({"ipBlock": block})
    return peers


def _within(inner: str, outer: str) -> bool:
    import ipaddress

    a, b = ipaddress.ip_network(inner), ipaddress.ip_network(outer)
    return a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def _end_document(end: FlowEnd, env: Environment) -> dict[str, Any]:
    if isinstance(end, Workload):
        return {"namespace": end.namespace, "workload": end.name, "selector": dict(end.selector)}
    endpoint = env.endpoint(end)
    if endpoint.namespace:
        return {"external": end.value, "namespace": endpoint.namespace}
    return {
        "external": end.value,
        "cidrs": list(endpoint.cidrs),
        "except": list(endpoint.except_cidrs),
    }


def flow_document(flow: Flow, env: Environment) -> dict[str, Any]:
    """The flow as the JSON of the ``network.gitops-platform.io/flow`` annotation."""
    return {
        "name": flow.name,
        "from": _end_document(flow.source, env),
        "to": _end_document(flow.target, env),
        "ports": [{"port": p.number, "protocol": p.protocol} for p in flow.target_ports(env)],
        "reason": flow.reason,
    }


def flow_annotation(document: dict[str, Any]) -> str:
    """The flow as indented JSON (short lines, one value per line, for review)."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _policy(
    name: str,
    namespace: str,
    part_of: str,
    role: str,
    spec: dict[str, Any],
    flow: str | None = None,
) -> dict[str, Any]:
    annotations = {SYNC_WAVE: _WAVE, layout.NETWORK_ROLE_ANNOTATION: role}
    if flow is not None:
        annotations[layout.NETWORK_FLOW_ANNOTATION] = flow
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": standard_labels(name, part_of, component="network"),
            "annotations": annotations,
        },
        "spec": spec,
    }


def namespace_policies(
    namespace: str, flows: Iterable[Flow], env: Environment, part_of: str
) -> list[dict[str, Any]]:
    """Every policy of ``namespace`` in ``env``: default deny, DNS, one per flow end there.

    Args:
        namespace: a namespace the platform creates.
        flows: the platform's flows (:func:`platform_flows`).
        env: the environment (external endpoints' CIDR blocks and ports).
        part_of: the ``app.kubernetes.io/part-of`` label.

    Returns:
        NetworkPolicy objects as plain data, default deny and DNS first, then flows in order.

    Raises:
        ConfigurationError: a flow to an external service ``env`` does not list.
    """
    return [*base_policies(namespace, part_of), *flow_policies(namespace, flows, env, part_of)]


def base_policies(namespace: str, part_of: str) -> list[dict[str, Any]]:
    """The namespace's default deny and DNS egress (the same in every environment)."""
    return [
        _policy(
            DEFAULT_DENY,
            namespace,
            part_of,
            "default-deny",
            {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        ),
        _policy(
            DNS_POLICY,
            namespace,
            part_of,
            "dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {_NAMESPACE_LABEL: layout.CLUSTER_DNS_NAMESPACE}
                                },
                                "podSelector": {"matchLabels": dict(layout.CLUSTER_DNS_LABELS)},
                            }
                        ],
                        "ports": [
                            {"port": 53, "protocol": "UDP"},
                            {"port": 53, "protocol": "TCP"},
                        ],
                    }
                ],
            },
        ),
    ]


def flow_policies(
    namespace: str, flows: Iterable[Flow], env: Environment, part_of: str
) -> list[dict[str, Any]]:
    """One allow policy per end in ``namespace`` of each flow, in ``env``."""
    policies: list[dict[str, Any]] = []
    for flow in flows:
        source, target = flow.source, flow.target
        if not (
            (isinstance(source, Workload) and source.namespace == namespace)
            or (isinstance(target, Workload) and target.namespace == namespace)
        ):
            continue
        document = flow_annotation(flow_document(flow, env))
        ports = [{"port": p.number, "protocol": p.protocol} for p in flow.target_ports(env)]
        if isinstance(source, Workload) and source.namespace == namespace:
            policies.append(
                _policy(
                    f"allow-{flow.name}-egress",
                    namespace,
                    part_of,
                    "flow",
                    {
                        "podSelector": {"matchLabels": dict(source.selector)},
                        "policyTypes": ["Egress"],
                        "egress": [{"to": _peer(target, env), "ports": ports}],
                    },
                    document,
                )
            )
        if isinstance(target, Workload) and target.namespace == namespace:
            policies.append(
                _policy(
                    f"allow-{flow.name}-ingress",
                    namespace,
                    part_of,
                    "flow",
                    {
                        "podSelector": {"matchLabels": dict(target.selector)},
                        "policyTypes": ["Ingress"],
                        "ingress": [{"from": _peer(source, env), "ports": ports}],
                    },
                    document,
                )
            )
    return policies


def _add(scope: Construct, policies: Iterable[dict[str, Any]]) -> None:
    for policy in policies:
        meta = policy["metadata"]
        api_object(
            scope,
            f"networkpolicy-{meta['name']}",
            api_version=policy["apiVersion"],
            kind=policy["kind"],
            name=meta["name"],
            namespace=meta["namespace"],
            labels=meta["labels"],
            annotations=meta["annotations"],
            body={"spec": policy["spec"]},
        )


def emit_policies(scope: Construct, component: PlatformComponent, ctx: ComponentContext) -> None:
    """Add the policies ``component``'s Application delivers in ``ctx.env`` under ``scope``.

    In a platform namespace, the first component that declares workloads delivers all of the
    namespace's policies; the others deliver none (their flows are in the namespace's set
    already). A namespace whose components declare no workload gets none: its pods would be
    isolated by a default deny nobody declared flows for, so the validation pipeline's network
    step reports the namespace instead (no default deny where pods run). An application
    namespace's policies are delivered by its :class:`ApplicationNetwork` (the ``apps`` project
    refuses NetworkPolicies). Nothing is emitted for the shared (``ctx.env is None``) manifests.
    """
    env = ctx.env
    if env is None or isinstance(component, ApplicationNetwork):
        return
    namespace = component.namespace
    index = _index(ctx, env)
    present = index.components_in.get(namespace, []) if isinstance(namespace, str) else []
    if any(isinstance(c, ApplicationNetwork) or c.project == APPS_PROJECT for c in present):
        return
    declared = [c for c in present if c.workloads()]
    if not declared or declared[0] is not component:
        return
    flows = index.flows.get(namespace, [])
    _add(scope, namespace_policies(namespace, flows, env, ctx.platform.name))


@dataclass(frozen=True, kw_only=True)
class ApplicationNetwork(PlatformComponent):
    """The NetworkPolicies of an application team's namespace, delivered by the platform.

    The ``apps`` project refuses NetworkPolicies from application teams, so ``PlatformApp`` adds
    one of these (in the ``platform`` project, same namespace, Pod Security level and sync wave)
    for each namespace of an ``apps`` component: the namespace's default deny and DNS egress
    (shared by every environment) and one allow policy per flow end there (per environment),
    from the flows every component declares.

    Attributes:
        app: the application team's component whose namespace it protects.
    """

    app: PlatformComponent = field(default_factory=PlatformComponent, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"{self.app.name}-network")
        object.__setattr__(self, "namespace", self.app.namespace)
        object.__setattr__(self, "project", PLATFORM_PROJECT)
        delivery = self.app.delivery
        object.__setattr__(
            self,
            "delivery",
            Delivery(
                sync_wave=delivery.sync_wave,
                pod_security=delivery.pod_security,
                namespace_labels=dict(delivery.namespace_labels),
            ),
        )

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Default deny and DNS (shared); the flows' allow policies (per environment)."""
        if ctx.env is None:
            _add(scope, base_policies(self.namespace, ctx.platform.name))
            return
        flows = _index(ctx, ctx.env).flows.get(self.namespace, [])
        _add(scope, flow_policies(self.namespace, flows, ctx.env, ctx.platform.name))


def application_networks(components: Sequence[PlatformComponent]) -> list[ApplicationNetwork]:
    """One :class:`ApplicationNetwork` per namespace of ``apps`` components declaring workloads."""
    added: list[ApplicationNetwork] = []
    covered = {c.namespace for c in components if isinstance(c, ApplicationNetwork)}
    for component in components:
        if (
            isinstance(component, PlatformComponent)
            and component.project == APPS_PROJECT
            and component.workloads()
            and isinstance(component.namespace, str)
            and component.namespace
            and component.namespace not in covered
        ):
            covered.add(component.namespace)
            added.append(ApplicationNetwork(app=component))
    return added


def describe(end: FlowEnd) -> str:
    """``<namespace>/<workload>`` or ``external/<service>`` (how the docs name an end)."""
    if isinstance(end, External):
        return f"external/{end.value}"
    return f"{end.namespace}/{end_name(end)}"

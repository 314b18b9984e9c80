"""Network flows as typed data: which workload talks to which workload or external service.

A component describes its pods as :class:`Workload` values (the pod labels its chart renders
and the container ports they serve) and declares the traffic it needs as :class:`Flow` values
whose ends are workloads or :class:`~gitops_platform.core.environment.External` services (never
strings). :mod:`gitops_platform.network.policies` turns every declared flow into NetworkPolicies:
one allow policy at each end that lives in a platform namespace, on top of the namespace's
default deny.

Example (a component whose server is reached by the ingress controller and reads Postgres):

    >>> @dataclass(frozen=True, kw_only=True)
    ... class ChatApi(PlatformComponent):
    ...     ingress: Traefik
    ...     name: str = "chat-api"
    ...     namespace: str = "chat-api"
    ...
    ...     @property
    ...     def server(self) -> Workload:
    ...         return Workload(self, "chat-api", {"app.kubernetes.io/name": "chat-api"},
    ...                         ports=(Port(8080),))
    ...
    ...     def workloads(self) -> tuple[Workload, ...]:
    ...         return (self.server,)
    ...
    ...     def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
    ...         return (
    ...             Flow(self.ingress.controller, self.server, ports=(8080,),
    ...                  reason="the public API, routed by the ingress controller"),
    ...             Flow(self.server, External.POSTGRES, reason="its database"),
    ...         )
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

from gitops_platform import layout
from gitops_platform.core.environment import Environment, External, ExternalEndpoint
from gitops_platform.core.naming import check_dns_label
from gitops_platform.errors import ConfigurationError, InvalidValueError, raise_all

if TYPE_CHECKING:
    from gitops_platform.component import PlatformComponent, ServiceEndpoint

__all__ = [
    "FLOW_ANNOTATION",
    "METRICS_PORT_NAMES",
    "Backend",
    "Flow",
    "FlowEnd",
    "IngressController",
    "Port",
    "Workload",
    "backend_of",
    "ingress_flow",
    "scrape_flows",
    "service_flow",
]

#: Container port names that serve Prometheus metrics in the platform's charts.
METRICS_PORT_NAMES = ("metrics", "http-metrics")

#: The annotation of each generated allow policy: the flow it implements, as JSON (what the
#: validation pipeline compares the simulated reachability with).
FLOW_ANNOTATION = layout.NETWORK_FLOW_ANNOTATION

_PROTOCOLS = ("TCP", "UDP", "SCTP")
#: A label value's limit: each policy's name is its ``app.kubernetes.io/name`` label.
_POLICY_NAME_MAX = 63
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
)
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


@dataclass(frozen=True)
class Port:
    """A container port a workload serves.

    Attributes:
        number: the container port (1-65535), the one NetworkPolicies match (not the Service's).
        protocol: ``TCP`` (default), ``UDP`` or ``SCTP``.
        name: the container port's name as the chart renders it.
        metrics: whether the metrics collector scrapes it (:func:`scrape_flows`); default:
            whether ``name`` is one of :data:`METRICS_PORT_NAMES`. Set it for a port the
            chart's ServiceMonitor or PodMonitor scrapes under another name (``http``,
            ``http-web``, ``prom-exporter``...).

    Raises:
        InvalidValueError: a port outside 1-65535 or an unknown protocol.
    """

    number: int
    protocol: str = "TCP"
    name: str = ""
    metrics: bool | None = None

    def __post_init__(self) -> None:
        if self.metrics is None:
            object.__setattr__(self, "metrics", self.name in METRICS_PORT_NAMES)
        problems: list[InvalidValueError] = []
        number = self.number
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 65535:
            problems.append(InvalidValueError("Port", "number", number, "an int in 1-65535"))
        if self.protocol not in _PROTOCOLS:
            problems.append(
                InvalidValueError("Port", "protocol", self.protocol, ", ".join(_PROTOCOLS))
            )
        raise_all("Port", problems)


@dataclass(frozen=True)
class Workload:
    """Pods of a component, selected by the labels its chart renders on them.

    Attributes:
        component: the component running the pods (its namespace is theirs).
        name: the workload's name as the chart renders it (the Deployment, StatefulSet,
            DaemonSet or Job); it names the generated policies and the reachability table's rows.
        selector: pod labels that select exactly these pods in the namespace (a subset of
            the labels the chart renders on the pod template).
        ports: the container ports the pods serve (a flow to any other port is refused).
        host_network: the pods run in the node's network namespace (``hostNetwork: true``):
            NetworkPolicies do not select them and their peers see the node's address, so a
            flow to them is a flow to ``External.NODES`` (what :func:`scrape_flows` declares).

    Raises:
        InvalidValueError: a bad name, an empty selector, a bad label or port.
    """

    component: PlatformComponent = field(compare=False, repr=False)
    name: str
    selector: Mapping[str, str]
    ports: tuple[Port, ...] = ()
    host_network: bool = False
    namespace: str = field(init=False)

    def __post_init__(self) -> None:
        where = f"{getattr(self.component, 'name', '?')}/workloads/{self.name}"
        object.__setattr__(self, "namespace", getattr(self.component, "namespace", ""))
        problems: list[InvalidValueError] = []
        try:
            check_dns_label(where, "name", self.name, max_length=63)
        except InvalidValueError as error:
            problems.append(error)
        if not isinstance(self.selector, Mapping) or not self.selector:
            problems.append(
                InvalidValueError(
                    where, "selector", self.selector, "a non-empty mapping of pod labels"
                )
            )
        else:
            for key, value in self.selector.items():
                if not isinstance(key, str) or not _LABEL_KEY.fullmatch(key):
                    problems.append(InvalidValueError(where, "selector", key, "a label key"))
                if not isinstance(value, str) or not _LABEL_VALUE.fullmatch(value):
                    problems.append(
                        InvalidValueError(where, f"selector[{key}]", value, "a label value")
                    )
            object.__setattr__(self, "selector", dict(sorted(self.selector.items())))
        if not isinstance(self.ports, tuple) or not all(isinstance(p, Port) for p in self.ports):
            problems.append(InvalidValueError(where, "ports", self.ports, "a tuple of Port"))
        raise_all(where, problems)

    def port(self, number: int) -> Port | None:
        """The served port ``number``, if the workload serves it."""
        return next((p for p in self.ports if p.number == number), None)


#: One end of a flow: pods of a component, or a service outside the cluster's pods.
FlowEnd: TypeAlias = Workload | External


def end_name(end: FlowEnd) -> str:
    """How an end is named in policy names and the table (workload name or service name)."""
    return end.name if isinstance(end, Workload) else end.value


@dataclass(frozen=True)
class Flow:
    """Traffic one end opens to the other, on the target's ports.

    Attributes:
        source: who opens the connection (a :class:`Workload` or an ``External`` service).
        target: who accepts it.
        ports: the target's port numbers; for a workload, each must be one it serves; for an
            ``External`` target, empty means the environment's endpoint ports.
        reason: why the flow exists, at most 80 characters (shown in the policy's annotation
            and the docs).

    Raises:
        InvalidValueError: an end that is neither, both ends external, a port the target
            workload does not serve, a workload target without ports, or no reason.
    """

    source: FlowEnd
    target: FlowEnd
    ports: tuple[int, ...] = ()
    reason: str = ""

    def __post_init__(self) -> None:
        where = f"Flow({self.name})"
        problems: list[InvalidValueError] = []
        for attr in ("source", "target"):
            if not isinstance(getattr(self, attr), Workload | External):
                problems.append(
                    InvalidValueError(
                        where, attr, getattr(self, attr), "a Workload or an External service"
                    )
                )
        if isinstance(self.source, External) and isinstance(self.target, External):
            problems.append(
                ConfigurationError(
                    where, "target", self.target.value, "a Workload when the source is external"
                )
            )
        if not isinstance(self.ports, tuple) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in self.ports
        ):
            problems.append(InvalidValueError(where, "ports", self.ports, "a tuple of ints"))
        elif isinstance(self.target, Workload):
            if not self.ports:
                problems.append(
                    InvalidValueError(
                        where,
                        "ports",
                        self.ports,
                        f"the ports of {self.target.namespace}/{self.target.name} it reaches",
                    )
                )
            served = [p.number for p in self.target.ports]
            for port in self.ports:
                if port not in served:
                    problems.append(
                        ConfigurationError(
                            where,
                            "ports",
                            port,
                            f"a port {self.target.namespace}/{self.target.name} serves "
                            f"({', '.join(map(str, served)) or 'none declared'})",
                        )
                    )
        for end, suffix in ((self.source, "egress"), (self.target, "ingress")):
            policy = f"allow-{self.name}-{suffix}"
            if isinstance(end, Workload) and len(policy) > _POLICY_NAME_MAX:
                problems.append(
                    InvalidValueError(
                        where,
                        "name",
                        policy,
                        f"policy names of at most {_POLICY_NAME_MAX} characters (they are the "
                        "policies' app.kubernetes.io/name label): shorter Workload names",
                    )
                )
        if not isinstance(self.reason, str) or not 0 < len(self.reason.strip()) <= 80:
            problems.append(
                InvalidValueError(
                    where, "reason", self.reason, "why the flow exists, in at most 80 characters"
                )
            )
        raise_all(where, problems)

    @property
    def name(self) -> str:
        """``<source>-to-<target>``: the stem of its policies' names."""
        source, target = self.source, self.target
        ok = isinstance(source, Workload | External) and isinstance(target, Workload | External)
        return f"{end_name(source)}-to-{end_name(target)}" if ok else "?"

    def target_ports(self, env: Environment) -> tuple[Port, ...]:
        """The target ports in ``env``: the workload's ports, or the endpoint's (TCP).

        Raises:
            ConfigurationError: an external target the environment does not list.
        """
        target = self.target
        if isinstance(target, Workload):
            return tuple(p for n in self.ports for p in target.ports if p.number == n)
        endpoint = env.endpoint(target)
        numbers = self.ports or endpoint.ports
        return tuple(Port(n) for n in numbers)

    def endpoint(self, end: FlowEnd, env: Environment) -> ExternalEndpoint | None:
        """The environment's endpoint of an external ``end`` (``None`` for a workload)."""
        return env.endpoint(end) if isinstance(end, External) else None


@dataclass(frozen=True)
class Backend:
    """The pods behind one of a component's :class:`~gitops_platform.component.ServiceEndpoint`.

    Attributes:
        endpoint: the typed endpoint consumers read (Service name, namespace, Service port).
        workload: the pods the Service selects.
        port: the container port the Service port forwards to (what NetworkPolicies match).
    """

    endpoint: ServiceEndpoint
    workload: Workload
    port: int


def backend_of(components: Iterable[PlatformComponent], endpoint: ServiceEndpoint) -> Backend:
    """The workload and container port behind ``endpoint``, from the component providing it.

    Each component lists its endpoints' backends (``PlatformComponent.backends()``); the one
    whose endpoint has the same Service, namespace and Service port answers (the path does not
    matter: ``/api/v1/write`` and the query API are the same pods and port).

    Args:
        components: the platform's components (``ctx.components``).
        endpoint: an endpoint read from a component (``stack.grafana``, ``gateway.otlp_http``).

    Returns:
        The backend.

    Raises:
        ConfigurationError: no component of the platform provides ``endpoint``.
    """
    key = (endpoint.service, endpoint.namespace, endpoint.port)
    for component in components:
        for backend in component.backends():
            known = backend.endpoint
            if (known.service, known.namespace, known.port) == key:
                return backend
    raise ConfigurationError(
        f"{endpoint.service}.{endpoint.namespace}:{endpoint.port}",
        "endpoint",
        endpoint.url,
        "an endpoint of a component of this platform (listed by its backends())",
    )


def service_flow(
    source: Workload,
    components: Iterable[PlatformComponent],
    endpoint: ServiceEndpoint,
    reason: str,
) -> Flow:
    """A flow from ``source`` to the pods and container port behind ``endpoint``.

    Raises:
        ConfigurationError: no component provides ``endpoint`` (see :func:`backend_of`).
        InvalidValueError: the flow itself is refused (see :class:`Flow`).
    """
    backend = backend_of(components, endpoint)
    return Flow(source, backend.workload, ports=(backend.port,), reason=reason)


@runtime_checkable
class IngressController(Protocol):
    """An ingress component whose pods forward the requests it routes (e.g. ``Traefik``)."""

    @property
    def controller(self) -> Workload:
        """The ingress controller's pods: the source of every flow to an exposed service."""
        ...  # pragma: no cover


def ingress_flow(ingress: object, target: Workload, port: int, reason: str) -> Flow:
    """The flow from ``ingress``'s controller to ``target``'s container ``port``.

    A component exposing a Service through an Ingress declares it for its backend, so only
    exposed services admit the ingress controller, on the port the Ingress routes to.

    Raises:
        ConfigurationError: ``ingress`` does not declare its controller's pods.
        InvalidValueError: the flow itself is refused (see :class:`Flow`).
    """
    if not isinstance(ingress, IngressController):
        raise ConfigurationError(
            f"{target.namespace}/{target.name}",
            "ingress",
            type(ingress).__name__,
            "an ingress component with a `controller` Workload (e.g. Traefik)",
        )
    return Flow(ingress.controller, target, ports=(port,), reason=reason)


def scrape_flows(
    scraper: Workload,
    components: Iterable[PlatformComponent],
    nodes: External = External.NODES,
) -> tuple[Flow, ...]:
    """Flows from ``scraper`` (Prometheus) to every metrics port of ``components``' workloads.

    A metrics collector returns these from its ``flows(ctx)`` with ``ctx.components``, so every
    namespace admits scraping on its metrics ports only, and a new component's metrics port is
    scraped without another declaration.

    Args:
        scraper: the scraping workload (its own metrics ports included: it scrapes itself).
        components: the platform's components (``ctx.components``).
        nodes: where host-network workloads are reached (their pods have the node's address).

    Returns:
        One flow per workload serving ports marked ``metrics``, with those ports; for the
        host-network workloads, one flow to ``nodes`` with all of their metrics ports.
    """
    flows: list[Flow] = []
    host_ports: set[int] = set()
    for component in components:
        for workload in component.workloads():
            ports = tuple(p.number for p in workload.ports if p.metrics)
            if not ports:
                continue
            if workload.host_network:
                host_ports.update(ports)
                continue
            flows.append(Flow(scraper, workload, ports=ports, reason="scrapes metrics"))
    if host_ports:
        flows.append(
            Flow(
                scraper,
                nodes,
                ports=tuple(sorted(host_ports)),
                reason="scrapes host-network exporters on the nodes' addresses",
            )
        )
    return tuple(flows)

"""``docs/architecture.md``: a Mermaid picture of the platform, drawn from its component model.

Nodes are the components of a :class:`~gitops_platform.app.PlatformApp` (one per Argo CD
Application, with its namespace, project and chart releases), grouped by sync wave in the order
Argo CD applies them; dashed edges are the typed outputs a component reads (``uses()``);
solid edges are the telemetry paths, read from the typed endpoints the components are wired
with (an application's OTLP endpoint, the gateway's sinks, Backstage's proxies, Grafana's data
sources); dotted edges are the network flows a component declares through a ``flows(ctx)``
hook, when the platform's components have one (the flows of the first environment).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_platform.app import PlatformApp
from gitops_platform.backstage.onboarding import OnboardedService
from gitops_platform.backstage.release import BackstageRelease
from gitops_platform.bootstrap import app_of_apps, bootstrap_project
from gitops_platform.component import ComponentContext, PlatformComponent, ServiceEndpoint
from gitops_platform.core.environment import PlatformSpec
from gitops_platform.observability.gateway import VectorGateway
from gitops_platform.observability.stack import ObservabilityStack

__all__ = ["Edge", "architecture_document", "flow_edges", "mermaid", "telemetry_edges"]


@dataclass(frozen=True)
class Edge:
    """One arrow of the picture.

    Attributes:
        source: the source node id (``<component>`` or ``<component>/<release>``).
        target: the target node id.
        label: the text on the arrow.
        kind: ``uses`` (dashed), ``telemetry`` (solid) or ``flow`` (dotted, thick head).
    """

    source: str
    target: str
    label: str
    kind: str


def _node_of(components: Sequence[PlatformComponent], endpoint: ServiceEndpoint) -> str | None:
    """The node serving ``endpoint``: the release prefixing its Service, else its namespace's."""
    in_namespace = [c for c in components if c.namespace == endpoint.namespace]
    for component in in_namespace:
        for release in component.charts:
            if endpoint.service.startswith(release.release_name):
                return _release_node(component, release.release_name)
    return in_namespace[0].name if in_namespace else None


def _release_node(component: PlatformComponent, release: str) -> str:
    return f"{component.name}/{release}" if len(component.charts) > 1 else component.name


def telemetry_edges(components: Sequence[PlatformComponent]) -> list[Edge]:
    """The telemetry paths between ``components``, from the endpoints they are wired with.

    Returns:
        Edges of kind ``telemetry``; an endpoint no component serves is left out.
    """
    wanted: list[tuple[str, ServiceEndpoint, str]] = []
    for component in components:
        if isinstance(component, OnboardedService):
            wanted.append((component.name, component.otlp, f"OTLP :{component.otlp.port}"))
        elif isinstance(component, VectorGateway):
            stack = component.stack
            wanted += [
                (component.name, stack.loki_push, "logs"),
                (component.name, stack.tempo_otlp_http, "traces (OTLP/HTTP)"),
                (component.name, stack.prometheus_write, "metrics (remote write)"),
            ]
        elif isinstance(component, BackstageRelease):
            seen = component.observability
            wanted += [
                (component.name, seen.grafana, "proxy /grafana/api"),
                (component.name, seen.prometheus, "proxy /prometheus/api"),
                (component.name, seen.tempo, "proxy /tempo/api"),
            ]
        elif isinstance(component, ObservabilityStack):
            grafana = _node_of(components, component.grafana) or component.name
            wanted += [
                (grafana, component.loki_push, "data source"),
                (grafana, component.tempo_query, "data source"),
                (grafana, component.prometheus, "data source"),
                (
                    _node_of(components, component.tempo_query) or component.name,
                    component.prometheus_write,
                    "span metrics (remote write)",
                ),
            ]
    edges = []
    for source, endpoint, label in wanted:
        target = _node_of(components, endpoint)
        if target is not None and target != source:
            edges.append(Edge(source, target, label, "telemetry"))
    return edges


def flow_edges(spec: PlatformSpec, components: Sequence[PlatformComponent]) -> list[Edge]:
    """The network flows the components declare for the first environment.

    A component declares its traffic with a ``flows(ctx)`` method returning flows whose
    ``source`` and ``target`` ends are workloads (with a ``component``; drawn as the chart
    release whose name prefixes the workload's, else as the component) or external services
    (enum members, drawn with their value); a platform whose components have no such hook has
    none. Flows between the same two nodes are drawn as one arrow listing their ports.
    """
    env = spec.environments[0]
    ctx = ComponentContext(spec, env, tuple(components))
    names = {c.name for c in components}
    ports: dict[tuple[str, str], set[str]] = {}
    for component in components:
        hook: Callable[[ComponentContext], Iterable[Any]] | None = getattr(component, "flows", None)
        if hook is None:
            continue
        for flow in hook(ctx):
            pair = (_end_node(flow.source, names), _end_node(flow.target, names))
            ports.setdefault(pair, set()).update(str(p) for p in getattr(flow, "ports", ()))
    return [
        Edge(source, target, " ".join(["flow", ",".join(sorted(numbers, key=int))]).strip(), "flow")
        for (source, target), numbers in sorted(ports.items())
    ]


def _end_node(end: Any, names: set[str]) -> str:
    owner = getattr(end, "component", None)
    if owner is not None and getattr(owner, "name", None) in names:
        workload = str(getattr(end, "name", ""))
        charts = owner.charts
        for release in charts if len(charts) > 1 else ():
            if workload.startswith(release.release_name):
                return _release_node(owner, release.release_name)
        return str(owner.name)
    # an external service: an enum member whose value is its name (``postgres``)
    return f"external/{getattr(end, 'value', None) or getattr(end, 'name', end)}"


def _id(node: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", node)


def mermaid(app: PlatformApp, edges: Sequence[Edge]) -> str:
    """The Mermaid ``flowchart`` of ``app``: waves as subgraphs, components, then ``edges``."""
    lines = ["flowchart LR"]
    waves = sorted({c.delivery.sync_wave for c in app.components})
    for wave in waves:
        lines.append(f'  subgraph wave_{str(wave).replace("-", "m")}["sync wave {wave}"]')
        lines.append("    direction TB")
        for component in (c for c in app.components if c.delivery.sync_wave == wave):
            title = f"{component.name}<br/>ns {component.namespace} · project {component.project}"
            if len(component.charts) > 1:
                lines.append(f'    subgraph {_id(component.name)}["{title}"]')
                for release in component.charts:
                    node = _release_node(component, release.release_name)
                    lines.append(f'      {_id(node)}["{release.release_name}"]')
                lines.append("    end")
            else:
                lines.append(f'    {_id(component.name)}["{title}"]')
        lines.append("  end")
    ends = {node for e in edges for node in (e.source, e.target)}
    for node in sorted(n for n in ends if n.startswith("external/")):
        lines.append(f'  {_id(node)}(["{node.removeprefix("external/")}"])')
    arrows = {"uses": "-.->", "telemetry": "-->", "flow": "==>"}
    for edge in edges:
        lines.append(f'  {_id(edge.source)} {arrows[edge.kind]}|"{edge.label}"| {_id(edge.target)}')
    return "\n".join(lines)


def architecture_document(app: PlatformApp) -> str:
    """The Markdown text of ``docs/architecture.md`` (ends with a newline)."""
    components = app.components
    uses = [
        Edge(c.name, used.name, "uses", "uses")
        for c in components
        for used in c.uses()
        if used.name != c.name
    ]
    telemetry = telemetry_edges(components)
    flows = flow_edges(app.spec, app.components)
    env_rows = [
        f"| `{env.name}` | `{env.revision}` | `{env.cluster.name or env.cluster.server}` | "
        f"`{env.base_domain}` | `{app_of_apps(app.spec, bootstrap_project(app.spec), env).name}` |"
        for env in app.spec.environments
    ]
    component_rows = [
        f"| {c.delivery.sync_wave} | `{c.name}` | `{c.namespace}` | `{c.project}` | "
        + ", ".join(f"`{r.release_name}`" for r in c.charts)
        + " | "
        + ", ".join(f"`{app.application(c.name, env.name).name}`" for env in app.spec.environments)
        + " |"
        for c in sorted(components, key=lambda c: c.delivery.sync_wave)
    ]
    out = [
        "# Architecture",
        "",
        "<!-- Generated by `make synth` from the components of platform/main.py. Do not edit by "
        "hand. -->",
        "",
        "Argo CD applies the components wave by wave (lowest first; the app-of-apps waits for "
        "each wave",
        "to be healthy). Dashed arrows: a component reads another's typed output (`uses()`). Solid",
        "arrows: telemetry paths. The network flows the components declare are drawn below.",
        "",
        "```mermaid",
        mermaid(app, [*uses, *telemetry]),
        "```",
        "",
        "## Components",
        "",
        "| wave | component | namespace | project | chart releases | Applications |",
        "| --- | --- | --- | --- | --- | --- |",
        *component_rows,
        "",
        "## Environments",
        "",
        "| environment | revision (pin) | cluster | base domain | app-of-apps |",
        "| --- | --- | --- | --- | --- |",
        *env_rows,
        "",
    ]
    out += ["## Declared network flows", ""]
    if flows:
        out += [
            f"What the components declare in `{app.spec.environments[0].name}` (a component's "
            "`flows(ctx)`): who opens",
            "connections to whom, on which ports. The generated policies and the simulated "
            "reachability",
            "table: [network](network.md).",
            "",
            "```mermaid",
            mermaid(app, flows),
            "```",
            "",
        ]
    else:
        out += ["None declared: no component has a `flows(ctx)` hook returning flows.", ""]
    return "\n".join(out)

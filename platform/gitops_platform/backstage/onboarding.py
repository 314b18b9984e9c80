"""Onboarding an application team's service: its chart, its values, its Backstage entities.

One :class:`OnboardedService` per service. It is an Argo CD Application of the ``apps``
project per environment (reached through the environment's app-of-apps at its pin), from a
chart kept in this repository (``apps/<service>/chart``), with rendered values
``apps/<service>/values/values-<overlay>.yaml`` and a Backstage catalog file
``catalog/<service>/catalog-info.yaml`` (the ``Component``), plus the ``Group`` of its owning
:class:`Team` and its :class:`System` (``catalog/<name>/catalog-info.yaml`` each).

Backstage facts: entity kinds and fields are those of ``@backstage/catalog-model``
(``backstage.io/v1alpha1``: ``Component.spec.{type,lifecycle,owner,system,dependsOn}``,
``System.spec.owner``, ``Group.spec.{type,children}``); the annotations are read by the
Kubernetes plugin (``backstage.io/kubernetes-id``), the Grafana plugin
(``grafana/dashboard-selector``), the Prometheus plugin (``prometheus.io/rule``, entries
``<query>|<legend label>``) and the Argo CD plugin (``argocd/app-name``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_platform import layout
from gitops_platform.component import (
    APPS_PROJECT,
    ComponentContext,
    LocalChart,
    PlatformComponent,
    Release,
    ServiceEndpoint,
)
from gitops_platform.core.environment import PlatformSpec
from gitops_platform.errors import ConfigurationError, InvalidValueError, raise_all
from gitops_platform.network.flows import Flow, Port, Workload, service_flow
from gitops_platform.output.yaml_format import dump_documents

__all__ = ["CATALOG_API_VERSION", "OnboardedService", "System", "Team"]

#: The API version of the catalog entities rendered here.
CATALOG_API_VERSION = "backstage.io/v1alpha1"
#: Backstage entity names: letters, digits, ``-_.``, 1-63 characters, alphanumeric ends
#: (``@backstage/catalog-model`` ``KubernetesValidatorFunctions.isValidObjectName``).
_ENTITY_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LIFECYCLES = ("experimental", "production", "deprecated")


def _check_name(where: str, field_name: str, value: object) -> list[InvalidValueError]:
    if isinstance(value, str) and _ENTITY_NAME.fullmatch(value):
        return []
    return [
        InvalidValueError(
            where, field_name, value, "a Backstage entity name ([A-Za-z0-9-_.], 1-63 chars)"
        )
    ]


@dataclass(frozen=True)
class Team:
    """An application team: a Backstage ``Group`` of type ``team``.

    Attributes:
        name: the Group's entity name (``team-chat``).
        display_name: the name shown in Backstage (default: ``name``).
    """

    name: str
    display_name: str = ""

    def __post_init__(self) -> None:
        raise_all(f"Team({self.name})", _check_name(f"Team({self.name})", "name", self.name))

    @property
    def ref(self) -> str:
        """The entity reference (``group:default/<name>``)."""
        return f"group:default/{self.name}"

    def entity(self) -> dict[str, Any]:
        """The ``Group`` entity."""
        return {
            "apiVersion": CATALOG_API_VERSION,
            "kind": "Group",
            "metadata": {"name": self.name},
            "spec": {
                "type": "team",
                "profile": {"displayName": self.display_name or self.name},
                "children": [],
            },
        }


@dataclass(frozen=True)
class System:
    """A Backstage ``System`` owned by a team.

    Attributes:
        name: the System's entity name.
        owner: the owning team.
        description: a one-line description.
    """

    name: str
    owner: Team
    description: str = ""

    def __post_init__(self) -> None:
        where = f"System({self.name})"
        problems = _check_name(where, "name", self.name)
        if not isinstance(self.owner, Team):
            problems.append(InvalidValueError(where, "owner", self.owner, "a Team"))
        raise_all(where, problems)

    @property
    def ref(self) -> str:
        """The entity reference (``system:default/<name>``)."""
        return f"system:default/{self.name}"

    def entity(self) -> dict[str, Any]:
        """The ``System`` entity."""
        metadata: dict[str, Any] = {"name": self.name}
        if self.description:
            metadata["description"] = self.description
        return {
            "apiVersion": CATALOG_API_VERSION,
            "kind": "System",
            "metadata": metadata,
            "spec": {"owner": self.owner.ref},
        }


@dataclass(frozen=True, kw_only=True)
class OnboardedService(PlatformComponent):
    """An application team's service, delivered by Argo CD and listed in Backstage.

    Attributes:
        name: the service (Application ``<name>-<env>``, release, entity and Kubernetes id).
        namespace: its namespace; never a platform or system namespace (the ``apps``
            project excludes them, and the synth refuses the Application).
        chart: the chart folder kept in this repository (``apps/<name>/chart``).
        owner: the owning team.
        system: the system it belongs to.
        otlp: the OTLP/HTTP endpoint its telemetry goes to (the Vector gateway's).
        shared_values: values shared by every environment (over the chart's ``values.yaml``).
        env_values: per environment, values over the shared ones.
        description: the Component's description.
        lifecycle: ``experimental``, ``production`` or ``deprecated``.
        component_type: the Component's ``spec.type`` (``service``, ``website``...).
        depends_on: entity references it depends on (``resource:default/chat-db``).
        ports: the container ports its chart serves (default: the service chart's ``http``
            8080 and ``metrics`` 9464, the port Prometheus scrapes).
        flows_out: further flows it needs, given the service's pods (its database, another
            service's backend...); the OTLP export to :attr:`otlp` is always declared.
        project: always ``apps``.

    Raises:
        InvalidValueError | InvalidObjectError: a bad entity name, lifecycle, owner or
            system, a chart folder without ``Chart.yaml``, values that are not mappings.
        ConfigurationError: another project than ``apps``, an environment in
            ``env_values`` that the platform lacks.
    """

    chart: Path
    owner: Team
    system: System
    otlp: ServiceEndpoint
    shared_values: Mapping[str, Any] = field(default_factory=dict)
    env_values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str = ""
    lifecycle: str = "production"
    component_type: str = "service"
    depends_on: tuple[str, ...] = ()
    ports: tuple[Port, ...] = (Port(8080, name="http"), Port(9464, name="metrics"))
    flows_out: Callable[[Workload, ComponentContext], tuple[Flow, ...]] | None = field(
        default=None, compare=False
    )
    project: str = APPS_PROJECT

    def __post_init__(self) -> None:
        where = f"OnboardedService({self.name})"
        problems = _check_name(where, "name", self.name)
        if not isinstance(self.owner, Team):
            problems.append(InvalidValueError(where, "owner", self.owner, "a Team"))
        if not isinstance(self.system, System):
            problems.append(InvalidValueError(where, "system", self.system, "a System"))
        if not isinstance(self.otlp, ServiceEndpoint):
            problems.append(
                InvalidValueError(where, "otlp", self.otlp, "the gateway's ServiceEndpoint")
            )
        if self.lifecycle not in _LIFECYCLES:
            problems.append(
                InvalidValueError(where, "lifecycle", self.lifecycle, ", ".join(_LIFECYCLES))
            )
        if self.project != APPS_PROJECT:
            problems.append(
                ConfigurationError(where, "project", self.project, "apps (a team's service)")
            )
        if not isinstance(self.shared_values, Mapping) or not isinstance(self.env_values, Mapping):
            problems.append(
                InvalidValueError(
                    where, "shared_values/env_values", self.shared_values, "mappings of values"
                )
            )
        if not isinstance(self.depends_on, tuple) or not all(
            isinstance(d, str) and ":" in d for d in self.depends_on
        ):
            problems.append(
                InvalidValueError(
                    where, "depends_on", self.depends_on, "entity refs such as resource:default/db"
                )
            )
        raise_all(where, problems)

    @property
    def pods(self) -> Workload:
        """The service's pods (the chart's selector labels: the release name twice)."""
        return Workload(
            self,
            self.name,
            {"app.kubernetes.io/name": self.name, "app.kubernetes.io/instance": self.name},
            self.ports,
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The service's Deployment."""
        return (self.pods,)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """Its telemetry to the OTLP gateway, then ``flows_out``.

        Prometheus' scrape of the ``metrics`` port is the stack's flow; its namespace's
        NetworkPolicies are delivered by the platform (the ``apps`` project refuses them).
        """
        flows = [service_flow(self.pods, ctx.components, self.otlp, "OTLP telemetry export")]
        if self.flows_out is not None:
            flows.extend(self.flows_out(self.pods, ctx))
        return tuple(flows)

    @property
    def charts(self) -> tuple[Release, ...]:
        """The service's chart, kept in this repository."""
        return (LocalChart(Path(self.chart), release_name=self.name),)

    def validate(self, platform: PlatformSpec) -> None:
        """Check ``env_values`` names only environments of the platform."""
        unknown = set(self.env_values) - {e.name for e in platform.environments}
        if unknown:
            raise ConfigurationError(
                f"OnboardedService({self.name})",
                "env_values",
                sorted(unknown),
                f"environments of the platform: {', '.join(e.name for e in platform.environments)}",
            )

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Shared: Kubernetes id, OTLP endpoint, ``shared_values``; per env: sizing, overlay."""
        if ctx.env is None:
            return {
                "partOf": self.system.name,
                "kubernetesId": self.name,
                "otlp": {"endpoint": self.otlp.url},
                **dict(self.shared_values),
            }
        return {
            "replicas": ctx.env.sizing.replicas,
            "resources": ctx.env.sizing.resources(),
            **dict(self.env_values.get(ctx.env.name, {})),
        }

    def entity(self, platform: PlatformSpec) -> dict[str, Any]:
        """The ``Component`` entity, with the annotations the plugins read.

        ``argocd/app-name`` names the last environment's Application (the catalog file is
        one for every environment).
        """
        last = platform.environments[-1].name
        metadata: dict[str, Any] = {
            "name": self.name,
            "annotations": {
                "backstage.io/kubernetes-id": self.name,
                "backstage.io/kubernetes-namespace": self.namespace,
                "grafana/dashboard-selector": f"tags @> '{self.name}'",
                "prometheus.io/rule": (
                    "sum by (pod) (rate(container_cpu_usage_seconds_total"
                    f'{{namespace="{self.namespace}"}}[5m]))|pod'
                ),
                "argocd/app-name": f"{self.name}-{last}",
            },
        }
        if self.description:
            metadata["description"] = self.description
        spec: dict[str, Any] = {
            "type": self.component_type,
            "lifecycle": self.lifecycle,
            "owner": self.owner.ref,
            "system": self.system.ref,
        }
        if self.depends_on:
            spec["dependsOn"] = list(self.depends_on)
        return {
            "apiVersion": CATALOG_API_VERSION,
            "kind": "Component",
            "metadata": metadata,
            "spec": spec,
        }

    def files(self, ctx: ComponentContext) -> Mapping[str, str]:
        """The catalog files: the Component, its team's Group and its System."""
        return {
            layout.catalog_file(self.name): dump_documents([self.entity(ctx.platform)]),
            layout.catalog_file(self.owner.name): dump_documents([self.owner.entity()]),
            layout.catalog_file(self.system.name): dump_documents([self.system.entity()]),
        }

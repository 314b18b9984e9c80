"""Flows as typed data and the NetworkPolicies generated from them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from gitops_platform import (
    ChartRelease,
    ComponentContext,
    ConfigurationError,
    DuplicateError,
    Environment,
    External,
    ExternalEndpoint,
    Flow,
    InvalidValueError,
    PlatformApp,
    PlatformComponent,
    Port,
    Release,
    Traefik,
    Workload,
)
from gitops_platform.core.environment import Cluster
from gitops_platform.network.policies import namespace_policies
from tests.helpers import components, spec


@dataclass(frozen=True, kw_only=True)
class Api(PlatformComponent):
    """An exposed service reading Postgres: the example of docs/network.md."""

    ingress: Traefik
    name: str = "api"
    namespace: str = "team-api"
    project: str = "apps"

    @property
    def charts(self) -> tuple[Release, ...]:
        return (
            ChartRelease(
                "https://stefanprodan.github.io/podinfo", "podinfo", "6.9.2", release_name="api"
            ),
        )

    @property
    def server(self) -> Workload:
        return Workload(
            self, "api", {"app.kubernetes.io/name": "api"}, (Port(8080), Port(9090, name="metrics"))
        )

    def workloads(self) -> tuple[Workload, ...]:
        return (self.server,)

    def uses(self) -> tuple[PlatformComponent, ...]:
        return (self.ingress,)

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        return (
            Flow(self.ingress.controller, self.server, ports=(8080,), reason="public API"),
            Flow(self.server, External.POSTGRES, reason="its database"),
        )


def by_name(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects}


def test_a_cross_namespace_flow_gets_one_policy_at_each_end() -> None:
    traefik = Traefik()
    api = Api(ingress=traefik)
    env = spec().environments[0]
    flows = [
        *traefik.flows(ComponentContext(spec(), env)),
        *api.flows(ComponentContext(spec(), env)),
    ]
    env = Environment(
        "dev",
        "dev.example.com",
        Cluster(name="dev"),
        "main",
        endpoints={
            **env.endpoints,
            External.POSTGRES: ExternalEndpoint(cidrs=("10.5.0.0/24",), ports=(5432,)),
        },
    )
    team = by_name(namespace_policies("team-api", flows, env, "p"))
    assert list(team) == [
        "default-deny",
        "allow-dns",
        "allow-traefik-to-api-ingress",
        "allow-api-to-postgres-egress",
    ]
    assert team["default-deny"]["spec"] == {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
    }
    ingress = team["allow-traefik-to-api-ingress"]["spec"]
    assert ingress["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "api"}}
    assert ingress["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": "traefik"}
                    },
                    "podSelector": {"matchLabels": dict(traefik.controller.selector)},
                }
            ],
            "ports": [{"port": 8080, "protocol": "TCP"}],
        }
    ]
    egress = team["allow-api-to-postgres-egress"]
    assert egress["spec"]["egress"] == [
        {"to": [{"ipBlock": {"cidr": "10.5.0.0/24"}}], "ports": [{"port": 5432, "protocol": "TCP"}]}
    ]
    declared = json.loads(egress["metadata"]["annotations"]["network.gitops-platform.io/flow"])
    assert declared["to"] == {"external": "postgres", "cidrs": ["10.5.0.0/24"], "except": []}
    # the other end, in Traefik's namespace
    edge = by_name(namespace_policies("traefik", flows, env, "p"))
    assert "allow-traefik-to-api-egress" in edge
    assert "allow-traefik-to-api-ingress" not in edge


def test_a_flow_to_a_port_the_target_does_not_serve_is_refused() -> None:
    traefik = Traefik()
    with pytest.raises(ConfigurationError) as info:
        Flow(External.CLIENTS, traefik.controller, ports=(9000,), reason="wrong port")
    assert info.value.path == "Flow(clients-to-traefik)"
    assert info.value.value == 9000
    assert "traefik/traefik serves (8000, 8443, 8080, 9100)" in str(info.value)


def test_a_flow_needs_a_reason_and_typed_ends() -> None:
    traefik = Traefik()
    with pytest.raises(InvalidValueError, match="reason"):
        Flow(traefik.controller, External.KUBE_APISERVER)
    with pytest.raises(InvalidValueError, match="a Workload or an External service"):
        Flow(traefik.controller, "kube-apiserver", reason="strings are not ends")  # type: ignore[arg-type]


def test_an_external_service_the_environment_does_not_list_is_refused() -> None:
    bare = spec(
        environments=(Environment("dev", "dev.example.com", Cluster(name="dev"), revision="main"),)
    )
    with pytest.raises(ConfigurationError) as info:
        PlatformApp(bare, [Traefik()])
    assert info.value.path == "Environment(dev)"
    assert "External.CLIENTS" in str(info.value)


def test_two_different_flows_between_the_same_ends_are_refused() -> None:
    traefik = Traefik()

    @dataclass(frozen=True, kw_only=True)
    class Twice(Api):
        @property
        def charts(self) -> tuple[Release, ...]:
            return (
                ChartRelease(
                    "https://stefanprodan.github.io/podinfo",
                    "podinfo",
                    "6.9.2",
                    release_name="api2",
                ),
            )

        def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
            return (Flow(traefik.controller, self.server, ports=(9090,), reason="again"),)

    with pytest.raises(DuplicateError, match="traefik-to-api"):
        PlatformApp(
            spec(),
            [*components()[:2], traefik, Api(ingress=traefik), Twice(ingress=traefik, name="api2")],
        )


def test_an_application_namespace_gets_its_policies_from_the_platform() -> None:
    traefik = Traefik()
    app = PlatformApp(
        spec(
            environments=tuple(
                Environment(
                    e.name,
                    e.base_domain,
                    e.cluster,
                    e.revision,
                    endpoints={
                        **e.endpoints,
                        External.POSTGRES: ExternalEndpoint(cidrs=("10.5.0.0/24",), ports=(5432,)),
                    },
                )
                for e in spec().environments
            )
        ),
        [*components()[:2], traefik, Api(ingress=traefik)],
    )
    files = app.render()
    # the team's Application carries none (the apps project refuses NetworkPolicies) ...
    team = app.application("api", "dev")
    assert team.project.name == "apps"
    # ... the platform's api-network Application delivers them, shared and per environment
    network = app.application("api-network", "dev")
    assert network.project.name == "platform"
    assert network.namespace == "team-api"
    assert "infra/base/addons/api-network/networkpolicy-default-deny.yaml" in files
    assert (
        "infra/base/addons/api-network/dev/networkpolicy-allow-api-to-postgres-egress.yaml" in files
    )
    assert not [f for f in files if f.startswith("infra/base/addons/api/")]


def test_scraping_reaches_every_metrics_port_and_nothing_else() -> None:
    from gitops_platform.network.flows import scrape_flows

    traefik = Traefik()
    cert_manager, external_secrets = components()[:2]
    prometheus = Workload(traefik, "prometheus", {"app": "prometheus"}, (Port(9090),))
    flows = {
        f.name: f.ports for f in scrape_flows(prometheus, [cert_manager, external_secrets, traefik])
    }
    assert flows == {
        "prometheus-to-cert-manager": (9402,),
        "prometheus-to-cert-manager-webhook": (9402,),
        "prometheus-to-cert-manager-cainjector": (9402,),
        "prometheus-to-external-secrets": (8080,),
        "prometheus-to-external-secrets-webhook": (8080,),
        "prometheus-to-external-secrets-cert-controller": (8080,),
        "prometheus-to-traefik": (9100,),
    }

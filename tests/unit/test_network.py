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


def test_a_host_network_workload_is_scraped_on_the_nodes_addresses() -> None:
    from gitops_platform.network.flows import scrape_flows

    traefik = Traefik()
    prometheus = Workload(traefik, "prometheus", {"app": "prometheus"}, (Port(9090),))

    @dataclass(frozen=True, kw_only=True)
    class Exporter(PlatformComponent):
        name: str = "exporter"
        namespace: str = "exporter"

        def workloads(self) -> tuple[Workload, ...]:
            ports = (Port(9100, name="http-metrics"), Port(9999, name="other"))
            return (Workload(self, "exporter", {"app": "exporter"}, ports, host_network=True),)

    [flow] = scrape_flows(prometheus, [Exporter()])
    assert flow.target is External.NODES
    assert flow.ports == (9100,)  # the metrics port only


def test_a_port_scraped_under_another_name_is_marked_metrics() -> None:
    assert Port(9402, name="http-metrics").metrics is True
    assert Port(8080, name="http").metrics is False
    assert Port(8080, name="http", metrics=True).metrics is True


def test_a_flow_whose_policy_name_exceeds_a_label_value_is_refused() -> None:
    traefik = Traefik()
    long = Workload(traefik, "a-workload-name-long-enough-to-overflow", {"app": "x"}, (Port(80),))
    with pytest.raises(InvalidValueError) as caught:
        Flow(long, External.KUBE_APISERVER, reason="watches")
    assert "allow-a-workload-name-long-enough-to-overflow-to-kube-apiserver-egress" in str(
        caught.value
    )
    assert "at most 63 characters" in str(caught.value)


def test_a_flow_to_a_service_endpoint_reaches_the_container_port_behind_it() -> None:
    from gitops_platform import ServiceEndpoint
    from gitops_platform.backstage import BackstageRelease
    from gitops_platform.network.flows import backend_of
    from gitops_platform.observability import ObservabilityStack
    from tests.tree.conftest import load_main

    built = load_main().build().components
    stack = next(c for c in built if isinstance(c, ObservabilityStack))
    backstage = next(c for c in built if isinstance(c, BackstageRelease))
    # Grafana's Service port 80 is its container port 3000: what the policies match
    backend = backend_of(built, stack.grafana)
    assert (backend.workload.name, backend.port) == ("grafana", 3000)
    # the remote-write path and the query API are the same pods and port
    assert backend_of(built, stack.prometheus_write).workload == stack.prometheus_pods
    dev = ComponentContext(load_main().SPEC, load_main().SPEC.environments[0], built)
    proxies = {f.name: f.ports for f in backstage.flows(dev)}
    assert proxies["backstage-developer-hub-to-grafana"] == (3000,)
    assert proxies["backstage-developer-hub-to-prometheus"] == (9090,)
    assert proxies["backstage-developer-hub-to-tempo"] == (3200,)
    assert proxies["traefik-to-backstage-developer-hub"] == (7007,)
    assert proxies["backstage-developer-hub-to-pgbouncer"] == (6432,)
    with pytest.raises(ConfigurationError) as caught:
        backend_of(built, ServiceEndpoint("nowhere", "observability", 80))
    assert "an endpoint of a component of this platform" in str(caught.value)


def test_an_onboarded_service_declares_a_new_flow_delivered_into_its_namespace() -> None:
    """The example of docs/network.md: chat-api gains its database."""
    import dataclasses

    from gitops_platform import OnboardedService, PlatformSpec
    from tests.tree.conftest import load_main

    main = load_main()
    services = [
        dataclasses.replace(
            c,
            flows_out=lambda pods, ctx: (
                Flow(pods, External.POSTGRES, ports=(5432,), reason="its database"),
            ),
        )
        if isinstance(c, OnboardedService)
        else c
        for c in main.build().components
    ]
    # the environments do not list Postgres yet: refused when the tree is rendered
    with pytest.raises(ConfigurationError) as caught:
        PlatformApp(main.SPEC, services).render()
    assert "External.POSTGRES" in str(caught.value)
    postgres = ExternalEndpoint(cidrs=("10.40.0.0/24",), ports=(5432,))
    environments = tuple(
        dataclasses.replace(e, endpoints={**e.endpoints, External.POSTGRES: postgres})
        for e in main.SPEC.environments
    )
    platform = dataclasses.replace(main.SPEC, environments=environments)
    assert isinstance(platform, PlatformSpec)
    files = PlatformApp(platform, services).render()
    folder = "infra/base/addons/chat-api-network/dev"
    path = f"{folder}/networkpolicy-allow-chat-api-to-postgres-egress.yaml"
    policy = by_name([json.loads(json.dumps(d)) for d in _docs(files[path])])[
        "allow-chat-api-to-postgres-egress"
    ]
    assert policy["metadata"]["namespace"] == "chat-api"
    [rule] = policy["spec"]["egress"]
    assert rule["to"] == [{"ipBlock": {"cidr": "10.40.0.0/24"}}]
    assert rule["ports"] == [{"port": 5432, "protocol": "TCP"}]
    # the OTLP export stays declared beside it
    assert f"{folder}/networkpolicy-allow-chat-api-to-otlp-gateway-egress.yaml" in files


def _docs(text: str) -> list[dict[str, Any]]:
    import yaml

    return [d for d in yaml.safe_load_all(text) if d]


def test_an_ingress_certificate_from_acme_admits_the_challenge_solver_in_prd_only() -> None:
    from gitops_platform import CertManager
    from gitops_platform.backstage import BackstageRelease
    from tests.tree.conftest import load_main

    main = load_main()
    built = main.build().components
    tls = next(c for c in built if isinstance(c, CertManager))
    backstage = next(c for c in built if isinstance(c, BackstageRelease))
    dev, prd = (ComponentContext(main.SPEC, e, built) for e in main.SPEC.environments)
    assert tls.http01_flows(dev, backstage) == ()  # self-signed in dev: no solver pods
    [flow] = tls.http01_flows(prd, backstage)
    assert isinstance(flow.target, Workload)
    assert flow.target.namespace == "backstage"
    assert dict(flow.target.selector) == {"acme.cert-manager.io/http01-solver": "true"}
    assert flow.ports == (8089,)
    assert isinstance(flow.source, Workload)
    assert flow.source.name == "traefik"


def test_the_model_adds_solver_pods_only_where_an_ingress_names_an_acme_issuer() -> None:
    from gitops_platform.validation.network import http01_solver_namespaces

    def ingress(namespace: str, issuer: str) -> tuple[str, dict[str, Any]]:
        meta = {
            "name": "web",
            "namespace": namespace,
            "annotations": {"cert-manager.io/cluster-issuer": issuer},
        }
        return (f"{namespace}.yaml", {"kind": "Ingress", "metadata": meta})

    acme = {
        "kind": "ClusterIssuer",
        "metadata": {"name": "public"},
        "spec": {"acme": {"solvers": [{"http01": {"ingress": {"ingressClassName": "traefik"}}}]}},
    }
    own = {"kind": "ClusterIssuer", "metadata": {"name": "internal"}, "spec": {"selfSigned": {}}}
    objects = [
        ("issuers.yaml", acme),
        ("issuers.yaml", own),
        ingress("shop", "public"),
        ingress("wiki", "internal"),
        ingress("blog", "missing"),
    ]
    assert http01_solver_namespaces(objects) == {"shop": "shop.yaml"}

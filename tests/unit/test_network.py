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


# -- adversarial inputs: every error names the object, the field, the value and what is allowed


def test_an_external_endpoint_reports_every_bad_field_at_once() -> None:
    from gitops_platform import InvalidObjectError

    with pytest.raises(InvalidObjectError) as info:
        ExternalEndpoint(cidrs=("10.0.0.0/33", "not-a-cidr", "10.0.0.1/24"), ports=(0, 65536))
    assert all(isinstance(e, InvalidValueError) for e in info.value.exceptions)
    problems = {
        (e.field, e.value): e for e in info.value.exceptions if isinstance(e, InvalidValueError)
    }
    assert set(problems) == {
        ("cidrs", "10.0.0.0/33"),
        ("cidrs", "not-a-cidr"),
        ("cidrs", "10.0.0.1/24"),
        ("ports", 0),
        ("ports", 65536),
    }
    assert all(isinstance(e, InvalidValueError) for e in info.value.exceptions)
    assert "IPv4 or IPv6 CIDR block without host bits" in str(problems["cidrs", "not-a-cidr"])
    assert "an int in 1-65535" in str(problems["ports", 0])
    assert info.value.path.startswith("ExternalEndpoint(10.0.0.0/33")
    with pytest.raises(InvalidValueError) as text:
        ExternalEndpoint(cidrs="10.0.0.0/8", ports=(443,))  # type: ignore[arg-type]
    assert text.value.path == "ExternalEndpoint(10.0.0.0/8)"
    assert (text.value.field, text.value.allowed) == ("cidrs", "a tuple of CIDR blocks")
    # a named port is not a number; an exception outside every block is refused
    with pytest.raises(InvalidValueError) as named:
        ExternalEndpoint(cidrs=("10.0.0.0/8",), ports=("https",))  # type: ignore[arg-type]
    assert (named.value.field, named.value.value) == ("ports", "https")
    with pytest.raises(InvalidValueError, match=r"a block inside one of 10\.0\.0\.0/8"):
        ExternalEndpoint(cidrs=("10.0.0.0/8",), ports=(443,), except_cidrs=("11.0.0.0/8",))


def test_an_endpoint_is_blocks_or_a_cluster_namespace_never_both_nor_neither() -> None:
    with pytest.raises(InvalidValueError) as neither:
        ExternalEndpoint(ports=(443,))
    assert neither.value.field == "cidrs"
    assert "namespace= for a service running in the cluster" in str(neither.value)
    with pytest.raises(ConfigurationError, match="no blocks when namespace is set"):
        ExternalEndpoint(cidrs=("10.0.0.0/8",), namespace="postgres", ports=(6432,))
    with pytest.raises(InvalidValueError) as label:
        ExternalEndpoint(namespace="Postgres_DB", ports=(6432,))
    assert (label.value.field, label.value.value) == ("namespace", "Postgres_DB")


@pytest.mark.parametrize(
    ("kwargs", "field", "value"),
    [
        ({"number": 0}, "number", 0),
        ({"number": 65536}, "number", 65536),
        ({"number": "http"}, "number", "http"),
        ({"number": 80, "protocol": "icmp"}, "protocol", "icmp"),
        ({"number": 80, "protocol": "tcp"}, "protocol", "tcp"),
    ],
)
def test_a_bad_port_or_protocol_is_refused(kwargs: dict[str, Any], field: str, value: Any) -> None:
    with pytest.raises(InvalidValueError) as info:
        Port(**kwargs)
    assert (info.value.field, info.value.value) == (field, value)
    assert info.value.allowed in ("an int in 1-65535", "TCP, UDP, SCTP")


def test_sctp_and_udp_ports_and_ipv6_blocks_render() -> None:
    assert Port(3868, "SCTP").protocol == "SCTP"
    ipv6 = ExternalEndpoint(cidrs=("2001:db8::/32",), ports=(443,))
    traefik = Traefik()
    env = Environment(
        "dev",
        "dev.example.com",
        Cluster(name="dev"),
        revision="main",
        endpoints={External.OTLP_UPSTREAM: ipv6},
    )
    flow = Flow(traefik.controller, External.OTLP_UPSTREAM, reason="an IPv6 peer")
    [egress] = namespace_policies("traefik", [flow], env, "p")[2:]
    assert egress["spec"]["egress"][0]["to"] == [{"ipBlock": {"cidr": "2001:db8::/32"}}]


def test_a_flow_to_an_external_port_its_endpoint_does_not_serve_is_refused() -> None:
    traefik = Traefik()
    env = spec().environments[0]
    flow = Flow(traefik.controller, External.VAULT, ports=(8200, 443), reason="vault")
    with pytest.raises(ConfigurationError) as info:
        namespace_policies("traefik", [flow], env, "p")
    assert info.value.path == "Flow(traefik-to-vault)"
    assert (info.value.field, info.value.value) == ("ports", (8200,))
    assert "ports External.VAULT serves in environment dev (443" in str(info.value)


def test_a_flow_from_a_component_outside_the_platform_is_refused() -> None:
    from gitops_platform.network.policies import platform_flows

    outsider = Traefik(name="other-ingress", namespace="elsewhere")

    @dataclass(frozen=True, kw_only=True)
    class Stray(Api):
        def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
            return (Flow(outsider.controller, self.server, ports=(8080,), reason="stray"),)

    app_spec = spec()
    stray = Stray(ingress=outsider)
    ctx = ComponentContext(app_spec, app_spec.environments[0], (stray,))
    with pytest.raises(InvalidValueError) as info:
        platform_flows([stray], ctx)
    assert info.value.path == "api/flows"
    assert info.value.value == "other-ingress"
    assert "workloads of components of this platform" in str(info.value)


def test_an_in_cluster_service_is_reached_through_its_namespace() -> None:
    traefik = Traefik()
    env = Environment(
        "dev",
        "dev.example.com",
        Cluster(name="dev"),
        revision="main",
        endpoints={External.PGBOUNCER: ExternalEndpoint(namespace="postgres", ports=(6432,))},
    )
    flow = Flow(traefik.controller, External.PGBOUNCER, reason="its database")
    [egress] = namespace_policies("traefik", [flow], env, "p")[2:]
    assert egress["spec"]["egress"] == [
        {
            "to": [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "postgres"}}}
            ],
            "ports": [{"port": 6432, "protocol": "TCP"}],
        }
    ]
    document = json.loads(egress["metadata"]["annotations"]["network.gitops-platform.io/flow"])
    assert document["to"] == {"external": "pgbouncer", "namespace": "postgres"}


def _env_with(endpoint: ExternalEndpoint) -> Environment:
    return Environment(
        "dev",
        "dev.example.com",
        Cluster(name="dev"),
        revision="main",
        endpoints={External.PGBOUNCER: endpoint},
    )


def test_the_database_host_and_its_endpoint_must_agree() -> None:
    from gitops_platform import PostgresConnection

    in_cluster = ExternalEndpoint(namespace="postgres", ports=(6432,))
    blocks = ExternalEndpoint(cidrs=("10.30.0.0/24",), ports=(6432,))
    service = PostgresConnection("pgbouncer.postgres.svc", 6432, "backstage", "backstage")
    service.check_peer("backstage/databases[dev]", _env_with(in_cluster))  # coherent
    PostgresConnection(
        "pgbouncer.postgres.svc.cluster.local", 6432, "backstage", "backstage"
    ).check_peer("x", _env_with(in_cluster))
    # a cluster Service name with placeholder blocks: the policy would never match its pods
    with pytest.raises(ConfigurationError) as info:
        service.check_peer("backstage/databases[dev]", _env_with(blocks))
    assert info.value.path == "backstage/databases[dev]"
    assert (info.value.field, info.value.value) == ("host", "pgbouncer.postgres.svc")
    assert "ExternalEndpoint(namespace='postgres', ...)" in str(info.value)
    assert "it lists blocks 10.30.0.0/24" in str(info.value)
    # another namespace than the host's
    with pytest.raises(ConfigurationError, match="namespace postgres"):
        service.check_peer("x", _env_with(ExternalEndpoint(namespace="db", ports=(6432,))))
    # an external host with a cluster namespace endpoint
    external = PostgresConnection("db.example.com", 6432, "backstage", "backstage")
    external.check_peer("x", _env_with(blocks))
    with pytest.raises(ConfigurationError, match=r"a cluster Service name \(<service>.postgres"):
        external.check_peer("x", _env_with(in_cluster))
    # an address host must be inside the blocks
    PostgresConnection("10.30.0.5", 6432, "b", "b").check_peer("x", _env_with(blocks))
    with pytest.raises(ConfigurationError, match="an address inside the blocks"):
        PostgresConnection("10.31.0.5", 6432, "b", "b").check_peer("x", _env_with(blocks))


def test_the_repository_backstage_reaches_pgbouncer_by_its_namespace() -> None:
    from gitops_platform.backstage import BackstageRelease
    from tests.tree.conftest import load_main

    main = load_main()
    built = main.build().components
    backstage = next(c for c in built if isinstance(c, BackstageRelease))
    for env in main.SPEC.environments:
        db = backstage.databases[env.name]
        assert db.host == "pgbouncer.postgres.svc"
        assert env.endpoint(db.service).namespace == "postgres"
        db.check_peer(f"backstage/databases[{env.name}]", env)


def test_alertmanager_reaches_its_receivers_only_where_the_environment_lists_them() -> None:
    import dataclasses

    from gitops_platform.network.policies import platform_flows
    from gitops_platform.observability import ObservabilityStack
    from tests.tree.conftest import load_main

    main = load_main()
    built = main.build().components
    dev = main.SPEC.environments[0]
    name = "alertmanager-to-alert-receivers"
    closed = platform_flows(built, ComponentContext(main.SPEC, dev, built))
    assert name not in {f.name for f in closed}
    receivers = ExternalEndpoint(
        cidrs=("0.0.0.0/0",), ports=(443, 587), except_cidrs=("10.0.0.0/8",)
    )
    opened = dataclasses.replace(
        dev, endpoints={**dev.endpoints, External.ALERT_RECEIVERS: receivers}
    )
    flows = platform_flows(built, ComponentContext(main.SPEC, opened, built))
    [flow] = [f for f in flows if f.name == name]
    stack = next(c for c in built if isinstance(c, ObservabilityStack))
    assert flow.source == stack.alertmanager_pods
    policies = namespace_policies("observability", flows, opened, "p")
    [egress] = [p for p in policies if p["metadata"]["name"] == f"allow-{name}-egress"]
    assert egress["spec"]["egress"] == [
        {
            "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}],
            "ports": [{"port": 443, "protocol": "TCP"}, {"port": 587, "protocol": "TCP"}],
        }
    ]


def test_a_flow_with_a_host_network_workload_end_is_refused() -> None:
    from gitops_platform import NodeExporter
    from gitops_platform.observability import ObservabilityStack
    from tests.tree.conftest import load_main

    built = load_main().build().components
    exporter = next(c for c in built if isinstance(c, NodeExporter))
    stack = next(c for c in built if isinstance(c, ObservabilityStack))
    [pods] = exporter.workloads()
    assert pods.host_network
    from gitops_platform import InvalidObjectError

    # reported with the other problems of the flow (its long policy names)
    with pytest.raises(InvalidObjectError) as info:
        Flow(stack.prometheus_pods, pods, ports=(9100,), reason="scrapes the exporter")
    [target] = [e for e in info.value.exceptions if getattr(e, "field", "") == "target"]
    assert isinstance(target, ConfigurationError)
    assert target.value == f"{pods.namespace}/{pods.name}"
    assert "External.NODES" in str(target)

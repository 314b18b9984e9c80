"""A platform of N onboarded services per environment, shaped like chat-api.

Each service is an :class:`~gitops_platform.OnboardedService` (the chat-api chart kept in this
repository, its values per environment, its catalog ``Component``) that also delivers what a
team's namespace holds: a default-deny ``NetworkPolicy`` (shared by every environment), per
environment a ``NetworkPolicy`` allowing the ingress controller in, and one ``ExternalSecret``
read through the platform's store. Argo CD creates the namespace (``CreateNamespace=true``
with its Pod Security labels). Services are spread over teams and systems (ten services
each), so the shared ``Group`` and ``System`` entities are written once per team.

Run as a cdk8s app (``cdk8s synth`` with ``BENCH_SERVICES`` and ``GITOPS_PLATFORM_DIST`` set)
or imported by ``benchmarks/bench.py``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs import Construct

from gitops_platform import (
    Cluster,
    ComponentContext,
    Environment,
    External,
    ExternalEndpoint,
    ExternalSecrets,
    Gatekeeper,
    OnboardedService,
    PlatformApp,
    PlatformComponent,
    PlatformSpec,
    ServiceEndpoint,
    Sizing,
    System,
    Team,
    VaultStore,
)
from gitops_platform.core.objects import api_object, standard_labels
from gitops_platform.network.flows import Backend, Port, Workload

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "apps" / "chat-api" / "chart"
SERVICES_ENV = "BENCH_SERVICES"
#: The namespace of the ingress controller the services' allow policies admit.
INGRESS_NAMESPACE = "ingress"
#: The OTLP/HTTP endpoint services send telemetry to (the platform's gateway).
OTLP = ServiceEndpoint(service="vector-gateway", namespace="observability", port=4318)

SPEC = PlatformSpec(
    name="bench-platform",
    repo_url="https://github.com/example-org/bench-platform.git",
    environments=(
        Environment(
            name="dev",
            base_domain="dev.bench.example.com",
            cluster=Cluster(name="dev"),
            revision="main",
            sizing=Sizing(replicas=1),
            endpoints={
                External.KUBE_APISERVER: ExternalEndpoint(cidrs=("10.10.0.0/28",), ports=(6443,)),
                External.VAULT: ExternalEndpoint(cidrs=("10.20.0.0/24",), ports=(443,)),
            },
        ),
        Environment(
            name="prd",
            base_domain="bench.example.com",
            cluster=Cluster(name="prd"),
            revision="env/prd",
            sizing=Sizing(replicas=2, cpu_request="100m", memory_request="128Mi"),
            endpoints={
                External.KUBE_APISERVER: ExternalEndpoint(cidrs=("10.110.0.0/28",), ports=(6443,)),
                External.VAULT: ExternalEndpoint(cidrs=("10.120.0.0/24",), ports=(443,)),
            },
        ),
    ),
)


def default_deny(namespace: str, part_of: str) -> dict[str, Any]:
    """The namespace's default-deny policy: no ingress, no egress unless allowed."""
    return {
        "name": "default-deny",
        "labels": standard_labels("default-deny", part_of, component="network"),
        "body": {"spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}},
    }


def allow_ingress(namespace: str, part_of: str, port: int) -> dict[str, Any]:
    """Allow the ingress controller's namespace to reach the service's HTTP port."""
    return {
        "name": "allow-from-ingress",
        "labels": standard_labels("allow-from-ingress", part_of, component="network"),
        "body": {
            "spec": {
                "podSelector": {"matchLabels": {"app.kubernetes.io/name": namespace}},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {
                                        "kubernetes.io/metadata.name": INGRESS_NAMESPACE
                                    }
                                }
                            }
                        ],
                        "ports": [{"protocol": "TCP", "port": port}],
                    }
                ],
            }
        },
    }


def external_secret(
    namespace: str, part_of: str, env: str, store: dict[str, str]
) -> dict[str, Any]:
    """The service's database credentials, read through the platform's store."""
    return {
        "name": f"{namespace}-db",
        "labels": standard_labels(f"{namespace}-db", part_of, component="secrets"),
        "body": {
            "spec": {
                "refreshInterval": "1h",
                "secretStoreRef": dict(store),
                "target": {"name": f"{namespace}-db", "creationPolicy": "Owner"},
                # every property of the service's Vault entry becomes a key of the Secret
                "dataFrom": [{"extract": {"key": f"{env}/{namespace}/db"}}],
            }
        },
    }


NETWORK_POLICY = ("networking.k8s.io/v1", "NetworkPolicy")
EXTERNAL_SECRET = ("external-secrets.io/v1", "ExternalSecret")


def service_objects(
    namespace: str,
    part_of: str,
    env: str | None,
    store: dict[str, str],
    *,
    network: bool = True,
) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """The plain objects a service's namespace holds: shared (``env`` None) or one env's.

    ``network=False`` leaves the NetworkPolicies out (the ``apps`` project refuses them from
    a team's Application; the smoke run validates the tree without them).
    """
    if env is None:
        return [(NETWORK_POLICY, default_deny(namespace, part_of))] if network else []
    objects = [(EXTERNAL_SECRET, external_secret(namespace, part_of, env, store))]
    if network:
        objects.insert(0, (NETWORK_POLICY, allow_ingress(namespace, part_of, 8080)))
    return objects


@dataclass(frozen=True, kw_only=True)
class BenchService(OnboardedService):
    """chat-api's shape plus its namespace's NetworkPolicies and one ExternalSecret."""

    secrets: ExternalSecrets
    network: bool = False

    def uses(self) -> tuple[Any, ...]:
        """The secrets component whose store the ExternalSecret reads."""
        return (self.secrets,)

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """Default deny (shared); the ingress allow policy and the ExternalSecret (per env)."""
        env = ctx.env.name if ctx.env else None
        store = self.secrets.store.as_dict()
        for (api_version, kind), obj in service_objects(
            self.namespace, ctx.platform.name, env, store, network=self.network
        ):
            api_object(
                scope,
                f"{kind}-{obj['name']}",
                api_version=api_version,
                kind=kind,
                namespace=self.namespace,
                **obj,
            )


@dataclass(frozen=True, kw_only=True)
class OtlpGateway(PlatformComponent):
    """The Service the services' telemetry goes to (stands for the platform's gateway)."""

    name: str = "otlp-gateway"
    namespace: str = OTLP.namespace

    @property
    def pods(self) -> Workload:
        """The gateway's pods behind :data:`OTLP` (rendered by :meth:`manifests`)."""
        return Workload(
            component=self,
            name=OTLP.service,
            selector={"app.kubernetes.io/name": OTLP.service},
            ports=(Port(OTLP.port, name="otlp-http"),),
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The gateway's pods: their namespace gets a default deny and the services' flows."""
        return (self.pods,)

    def backends(self) -> tuple[Backend, ...]:
        """The gateway's pods behind :data:`OTLP` (what services' flows go to)."""
        return (Backend(endpoint=OTLP, workload=self.pods, port=OTLP.port),)

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """The gateway's Service and the pods behind it (shared by every environment)."""
        if ctx.env is not None:
            return
        labels = standard_labels(OTLP.service, ctx.platform.name, component="telemetry")
        restricted = {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        }
        api_object(
            scope,
            "deployment",
            api_version="apps/v1",
            kind="Deployment",
            name=OTLP.service,
            namespace=OTLP.namespace,
            labels=labels,
            body={
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app.kubernetes.io/name": OTLP.service}},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "automountServiceAccountToken": False,
                            "securityContext": {
                                "runAsNonRoot": True,
                                "runAsUser": 10001,
                                "runAsGroup": 10001,
                                "seccompProfile": {"type": "RuntimeDefault"},
                            },
                            "containers": [
                                {
                                    "name": "gateway",
                                    "image": "timberio/vector:0.56.0-distroless-libc",
                                    "ports": [{"name": "otlp-http", "containerPort": OTLP.port}],
                                    "securityContext": restricted,
                                    "resources": {
                                        "requests": {"cpu": "50m", "memory": "64Mi"},
                                        "limits": {"cpu": "500m", "memory": "256Mi"},
                                    },
                                }
                            ],
                        },
                    },
                }
            },
        )
        api_object(
            scope,
            "service",
            api_version="v1",
            kind="Service",
            name=OTLP.service,
            namespace=OTLP.namespace,
            labels=labels,
            body={
                "spec": {
                    "selector": {"app.kubernetes.io/name": OTLP.service},
                    "ports": [{"name": "otlp-http", "port": OTLP.port, "protocol": "TCP"}],
                }
            },
        )


def secrets_component() -> ExternalSecrets:
    """The platform's External Secrets operator with one Vault store per environment."""
    return ExternalSecrets(
        stores={
            "dev": VaultStore(server="https://vault.dev.bench.example.com"),
            "prd": VaultStore(server="https://vault.bench.example.com"),
        }
    )


def service_name(index: int) -> str:
    """The name (and namespace) of service ``index``."""
    return f"svc-{index:04d}"


def make_charts(count: int, folder: Path) -> Path:
    """Copy chat-api's chart once per service into ``folder/<service>`` (its own defaults).

    A chart's ``values.yaml`` names its Backstage entity and system, so each service keeps
    its own copy, as an onboarded team would.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {p.relative_to(CHART): p.read_text() for p in CHART.rglob("*") if p.is_file()}
    for i in range(count):
        name = service_name(i)
        target = folder / name
        if (target / "Chart.yaml").is_file():
            continue
        for relpath, text in files.items():
            if relpath.as_posix() == "values.yaml":
                text = text.replace("kubernetesId: chat-api", f"kubernetesId: {name}").replace(
                    "partOf: chat", f"partOf: {system_name(i)}"
                )
            (target / relpath).parent.mkdir(parents=True, exist_ok=True)
            (target / relpath).write_text(text)
    return folder


def system_name(index: int) -> str:
    """The Backstage System of service ``index`` (ten services per system and team)."""
    return f"system-{index // 10:04d}"


def services(
    count: int, secrets: ExternalSecrets, charts: Path, *, network: bool = True
) -> list[BenchService]:
    """``count`` services, ten per team and system, each with its chart under ``charts``."""
    out = []
    for i in range(count):
        team = Team(f"team-{i // 10:04d}", display_name=f"Team {i // 10}")
        system = System(system_name(i), owner=team, description="A benchmark system")
        name = service_name(i)
        out.append(
            BenchService(
                name=name,
                namespace=name,
                chart=charts / name,
                owner=team,
                system=system,
                otlp=OTLP,
                description=f"Benchmark service {i}",
                env_values={"prd": {"maxReplicas": 6}},
                secrets=secrets,
                network=network,
            )
        )
    return out


def platform_components(secrets: ExternalSecrets) -> list[PlatformComponent]:
    """The platform's own components: External Secrets, the policy set, the OTLP gateway."""
    return [secrets, Gatekeeper(), OtlpGateway()]


def build(count: int, charts: Path, *, network: bool = True) -> PlatformApp:
    """The platform's components and ``count`` services per environment."""
    secrets = secrets_component()
    return PlatformApp(
        SPEC,
        [*platform_components(secrets), *services(count, secrets, charts, network=network)],
    )


CHARTS_ENV = "BENCH_CHARTS"
NETWORK_ENV = "BENCH_NETWORK"


def main() -> int:
    """Render ``$BENCH_SERVICES`` services (charts in ``$BENCH_CHARTS``) into the tree."""
    count = int(os.environ.get(SERVICES_ENV, "10"))
    charts = make_charts(count, Path(os.environ[CHARTS_ENV]))
    network = os.environ.get(NETWORK_ENV, "0") == "1"
    out = build(count, charts, network=network).synth()
    print(f"rendered {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

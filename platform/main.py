"""This organisation's platform: the cdk8s app named in ``cdk8s.yaml``.

``cdk8s synth`` runs this file; it renders the GitOps tree and swaps it into ``dist/`` (or
``$GITOPS_PLATFORM_DIST``). Environments are listed in promotion order.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gitops_platform import (
    AcmeIssuer,
    BackstageObservability,
    BackstageRelease,
    CertManager,
    Cluster,
    Environment,
    External,
    ExternalEndpoint,
    ExternalSecrets,
    Gatekeeper,
    GatewaySizing,
    NodeExporter,
    ObservabilityStack,
    OnboardedService,
    PlatformApp,
    PlatformCatalog,
    PlatformError,
    PlatformSpec,
    PostgresConnection,
    SelfSignedIssuer,
    Sizing,
    StackSizing,
    System,
    Team,
    Traefik,
    VaultStore,
    VectorGateway,
)

REPO_URL = "https://github.com/example-org/gitops-platform.git"

#: Where the public ingress's clients come from: anywhere (the load balancer keeps source IPs).
CLIENTS = ExternalEndpoint(cidrs=("0.0.0.0/0",), ports=(80, 443))
#: The internet: everything but the private ranges (ACME directories publish no fixed IPs).
PRIVATE = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
#: HTTPS on the internet: the Git host (github.com) and the plugin registry (quay.io) serve
#: from CDN addresses that change, so the blocks are the internet's.
INTERNET_HTTPS = ExternalEndpoint(cidrs=("0.0.0.0/0",), ports=(443,), except_cidrs=PRIVATE)

DEV = Environment(
    name="dev",
    base_domain="dev.platform.example.com",
    cluster=Cluster(name="dev"),
    # dev runs what is merged: every merge to main reaches it.
    revision="main",
    sizing=Sizing(replicas=1),
    endpoints={
        # the control plane's addresses and port (NetworkPolicies see the Service's endpoints)
        External.KUBE_APISERVER: ExternalEndpoint(cidrs=("10.10.0.0/28",), ports=(6443,)),
        External.VAULT: ExternalEndpoint(cidrs=("10.20.0.0/24",), ports=(443,)),
        External.CLIENTS: CLIENTS,
        # the nodes' subnet: the kubelet and host-network pods (the node exporter)
        External.NODES: ExternalEndpoint(cidrs=("10.10.16.0/20",), ports=(10250,)),
        # the shared PgBouncer pool in front of the organisation's Postgres
        External.PGBOUNCER: ExternalEndpoint(cidrs=("10.30.0.0/24",), ports=(6432,)),
        External.GIT_HOST: INTERNET_HTTPS,
        External.PLUGIN_REGISTRY: INTERNET_HTTPS,
    },
)
PRD = Environment(
    name="prd",
    base_domain="platform.example.com",
    cluster=Cluster(name="prd"),
    # prd runs the env/prd branch, moved only by a reviewed promotion merge.
    revision="env/prd",
    sizing=Sizing(replicas=2, cpu_request="100m", memory_request="128Mi", memory_limit="512Mi"),
    endpoints={
        External.KUBE_APISERVER: ExternalEndpoint(cidrs=("10.110.0.0/28",), ports=(6443,)),
        External.VAULT: ExternalEndpoint(cidrs=("10.120.0.0/24",), ports=(443,)),
        External.ACME: ExternalEndpoint(
            cidrs=("0.0.0.0/0",), ports=(80, 443), except_cidrs=PRIVATE
        ),
        External.CLIENTS: CLIENTS,
        External.NODES: ExternalEndpoint(cidrs=("10.110.16.0/20",), ports=(10250,)),
        External.PGBOUNCER: ExternalEndpoint(cidrs=("10.130.0.0/24",), ports=(6432,)),
        External.GIT_HOST: INTERNET_HTTPS,
        External.PLUGIN_REGISTRY: INTERNET_HTTPS,
    },
)

SPEC = PlatformSpec(
    name="gitops-platform",
    repo_url=REPO_URL,
    environments=(DEV, PRD),
)


PLATFORM_TEAM = Team("team-platform", display_name="Platform team")
CHAT_TEAM = Team("team-chat", display_name="Chat team")
CHAT = System("chat", owner=CHAT_TEAM, description="Real-time chat")


def build() -> PlatformApp:
    """Compose the platform."""
    ingress = Traefik()
    certificates = CertManager(
        issuers={
            "dev": SelfSignedIssuer(),
            # HTTP-01 challenges are served through the platform's ingress controller
            "prd": AcmeIssuer(email="platform-team@example.com", ingress=ingress),
        }
    )
    secrets = ExternalSecrets(
        stores={
            "dev": VaultStore(server="https://vault.dev.platform.example.com"),
            "prd": VaultStore(server="https://vault.platform.example.com"),
        }
    )
    stack = ObservabilityStack(
        secrets=secrets,
        tls=certificates,
        ingress=ingress,
        sizing={
            "dev": StackSizing(),
            "prd": StackSizing(
                logs_retention="720h",
                traces_retention="336h",
                metrics_retention="30d",
                logs_storage="50Gi",
                traces_storage="50Gi",
                metrics_storage="100Gi",
                persistence=True,
                alertmanager_replicas=2,
            ),
        },
    )
    gateway = VectorGateway(
        stack=stack,
        sizing={
            "dev": GatewaySizing(),
            "prd": GatewaySizing(replicas=2, max_replicas=6, buffer_mib=1024,
                                 cpu_request="500m", memory_request="512Mi",
                                 memory_limit="2Gi"),
        },
    )  # fmt: skip
    return PlatformApp(
        SPEC,
        [
            certificates,
            secrets,
            ingress,
            Gatekeeper(),
            stack,
            NodeExporter(stack=stack),
            gateway,
            BackstageRelease(
                ingress=ingress,
                tls=certificates,
                secrets=secrets,
                observability=BackstageObservability(
                    grafana=stack.grafana, prometheus=stack.prometheus, tempo=stack.tempo_query
                ),
                databases={
                    "dev": PostgresConnection(
                        "pgbouncer.postgres.svc", 6432, "backstage", "backstage"
                    ),
                    "prd": PostgresConnection(
                        "pgbouncer.postgres.svc", 6432, "backstage", "backstage"
                    ),
                },
                # the platform's System and services, with the runbooks as their TechDocs
                platform_catalog=PlatformCatalog(owner=PLATFORM_TEAM),
            ),
            OnboardedService(
                name="chat-api",
                namespace="chat-api",
                chart=Path("apps/chat-api/chart"),
                owner=CHAT_TEAM,
                system=CHAT,
                otlp=gateway.otlp_http,
                description="The chat API: conversations and messages over HTTP",
                env_values={"prd": {"maxReplicas": 6}},
            ),
        ],
    )


def main() -> int:
    """Render the tree; on bad input print the library's message and leave dist/ untouched."""
    try:
        out = build().synth()
    except PlatformError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"rendered {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

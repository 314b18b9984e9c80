"""Acme's platform: the cdk8s app named in ``cdk8s.yaml``.

``cdk8s synth`` (or ``python platform/main.py``) renders the GitOps tree into ``dist/``; the
validator's freshness step runs the same file and renders into a scratch folder instead.
"""

from __future__ import annotations

import sys

from podinfo import Podinfo

from gitops_platform import (
    AcmeIssuer,
    CertManager,
    Cluster,
    Environment,
    External,
    ExternalEndpoint,
    ExternalSecrets,
    Gatekeeper,
    PlatformApp,
    PlatformError,
    PlatformSpec,
    SelfSignedIssuer,
    Sizing,
    Traefik,
    VaultStore,
)

#: Where the services outside the cluster's pods are (the same blocks in both clusters here).
ENDPOINTS = {
    External.KUBE_APISERVER: ExternalEndpoint(cidrs=("10.0.0.0/28",), ports=(6443,)),
    External.VAULT: ExternalEndpoint(cidrs=("10.1.0.0/24",), ports=(443,)),
    External.ACME: ExternalEndpoint(
        cidrs=("0.0.0.0/0",),
        ports=(80, 443),
        except_cidrs=("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
    ),
    External.CLIENTS: ExternalEndpoint(cidrs=("0.0.0.0/0",), ports=(80, 443)),
}

SPEC = PlatformSpec(
    name="acme-platform",
    repo_url="git@github.com:acme/platform.git",
    environments=(
        Environment(
            name="dev",
            base_domain="dev.acme.example.com",
            cluster=Cluster(name="dev"),
            revision="main",
            sizing=Sizing(replicas=1),
            endpoints=ENDPOINTS,
        ),
        Environment(
            name="prd",
            base_domain="acme.example.com",
            cluster=Cluster(name="prd"),
            revision="env/prd",
            sizing=Sizing(replicas=2),
            endpoints=ENDPOINTS,
        ),
    ),
)


def build() -> PlatformApp:
    """Compose the platform: certificates, secrets, ingress, policies and podinfo."""
    ingress = Traefik()
    tls = CertManager(
        issuers={
            "dev": SelfSignedIssuer(),
            "prd": AcmeIssuer(email="ops@acme.example.com", ingress=ingress),
        }
    )
    secrets = ExternalSecrets(
        stores={
            "dev": VaultStore(server="https://vault.dev.acme.example.com"),
            "prd": VaultStore(server="https://vault.acme.example.com"),
        }
    )
    return PlatformApp(SPEC, [tls, secrets, ingress, Gatekeeper(), Podinfo(ingress=ingress, tls=tls)])


def main() -> int:
    """Render dist/; on bad input print the library's message and leave dist/ untouched."""
    try:
        out = build().synth("dist")
    except PlatformError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"rendered {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

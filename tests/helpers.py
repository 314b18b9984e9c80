"""Builders shared by the tests."""

from __future__ import annotations

from typing import Any

from gitops_platform import (
    CertManager,
    Cluster,
    Environment,
    External,
    ExternalEndpoint,
    ExternalSecrets,
    PlatformSpec,
    SelfSignedIssuer,
    Traefik,
    VaultStore,
)
from gitops_platform.component import PlatformComponent

REPO = "https://git.example.com/platform/gitops.git"
#: Where the external services the components talk to are, in every test environment.
ENDPOINTS = {
    External.KUBE_APISERVER: ExternalEndpoint(cidrs=("10.0.0.0/28",), ports=(6443,)),
    External.VAULT: ExternalEndpoint(cidrs=("10.1.0.0/24",), ports=(443,)),
    External.CLIENTS: ExternalEndpoint(cidrs=("0.0.0.0/0",), ports=(80, 443)),
    External.ACME: ExternalEndpoint(
        cidrs=("0.0.0.0/0",), ports=(80, 443), except_cidrs=("10.0.0.0/8",)
    ),
}


def spec(**overrides: Any) -> PlatformSpec:
    values: dict[str, Any] = {
        "name": "test-platform",
        "repo_url": REPO,
        "environments": (
            Environment(
                "dev", "dev.example.com", Cluster(name="dev"), revision="main", endpoints=ENDPOINTS
            ),
            Environment(
                "prd", "example.com", Cluster(name="prd"), revision="env/prd", endpoints=ENDPOINTS
            ),
        ),
    }
    values.update(overrides)
    return PlatformSpec(**values)


def components() -> list[PlatformComponent]:
    return [
        CertManager(issuers={"dev": SelfSignedIssuer(), "prd": SelfSignedIssuer()}),
        ExternalSecrets(
            stores={
                "dev": VaultStore("https://vault.dev.example.com"),
                "prd": VaultStore("https://vault.example.com"),
            }
        ),
        Traefik(),
    ]

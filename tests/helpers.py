"""Builders shared by the tests."""

from __future__ import annotations

from typing import Any

from gitops_platform import (
    CertManager,
    Cluster,
    Environment,
    ExternalSecrets,
    PlatformSpec,
    SelfSignedIssuer,
    Traefik,
    VaultStore,
)
from gitops_platform.component import PlatformComponent

REPO = "https://git.example.com/platform/gitops.git"


def spec(**overrides: Any) -> PlatformSpec:
    values: dict[str, Any] = {
        "name": "test-platform",
        "repo_url": REPO,
        "environments": (
            Environment("dev", "dev.example.com", Cluster(name="dev"), revision="main"),
            Environment("prd", "example.com", Cluster(name="prd"), revision="env/prd"),
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

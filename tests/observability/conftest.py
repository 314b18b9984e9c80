"""Shared builders of the observability tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_platform import (
    CertManager,
    ExternalSecrets,
    ObservabilityStack,
    SelfSignedIssuer,
    Traefik,
    VaultStore,
    VectorGateway,
)
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT, find_tool

UPSTREAM = Settings.make(ROOT, repo_root=ROOT).upstream


def make_stack() -> ObservabilityStack:
    return ObservabilityStack(
        secrets=ExternalSecrets(stores={"dev": VaultStore("https://vault.dev.example.com")}),
        tls=CertManager(issuers={"dev": SelfSignedIssuer()}),
        ingress=Traefik(),
    )


@pytest.fixture
def stack() -> ObservabilityStack:
    return make_stack()


@pytest.fixture
def gateway(stack: ObservabilityStack) -> VectorGateway:
    return VectorGateway(stack=stack)


@pytest.fixture(scope="session")
def vrl() -> Path:
    return Path(find_tool("vrl"))


@pytest.fixture(scope="session")
def promtool() -> Path:
    return Path(find_tool("promtool"))

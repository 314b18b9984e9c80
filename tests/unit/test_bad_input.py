"""Bad props of the Backstage, secrets and observability objects: every problem at once.

Each case gives an object several bad fields and expects one error from the library's
hierarchy that names the object, each field, each bad value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path

import cdk8s
import pytest

from gitops_platform import (
    BackstageObservability,
    BackstageRelease,
    CertManager,
    ConfigurationError,
    DuplicateError,
    ExternalSecrets,
    GatewaySizing,
    InvalidObjectError,
    InvalidValueError,
    ObservabilityStack,
    OnboardedService,
    PostgresConnection,
    SelfSignedIssuer,
    StackSizing,
    System,
    Team,
    Traefik,
    VaultStore,
    VectorGateway,
)
from gitops_platform.external_secrets.bundle import ExternalSecretBundle, RemoteValue, SecretSpec
from gitops_platform.observability.slo import default_slos
from tests.helpers import spec

SECRETS = ExternalSecrets(
    stores={"dev": VaultStore("https://vault.dev.example.com"), "prd": VaultStore("https://v.x")}
)
TLS = CertManager(issuers={"dev": SelfSignedIssuer(), "prd": SelfSignedIssuer()})
INGRESS = Traefik()


def _stack(**changes: object) -> ObservabilityStack:
    return ObservabilityStack(secrets=SECRETS, tls=TLS, ingress=INGRESS, **changes)  # type: ignore[arg-type]


def _leaves(error: InvalidObjectError) -> list[InvalidValueError]:
    return [e for e in error.exceptions if isinstance(e, InvalidValueError)]


def _problems(error: InvalidObjectError) -> dict[str, object]:
    return {e.field: e.value for e in _leaves(error)}


def test_gateway_sizing_reports_every_bad_field() -> None:
    with pytest.raises(InvalidObjectError) as caught:
        GatewaySizing(replicas=0, buffer_mib=-1, cpu_request="lots", memory_limit="1GB")
    assert _problems(caught.value) == {
        "replicas": 0,
        "buffer_mib": -1,
        "cpu_request": "lots",
        "memory_limit": "1GB",
    }
    assert "GatewaySizing: invalid memory_limit '1GB': a Kubernetes quantity" in str(caught.value)


def test_gateway_refuses_a_chart_version_its_config_is_not_written_for() -> None:
    gateway = VectorGateway(stack=_stack(), version="0.57.0", sizing={"qa": GatewaySizing()})
    with pytest.raises(InvalidObjectError) as caught:
        gateway.validate(spec())
    assert _problems(caught.value) == {"version": "0.57.0", "sizing": "qa"}
    assert "VectorGateway(otlp-gateway): invalid version '0.57.0': 0.56.0" in str(caught.value)


def test_stack_sizing_reports_every_bad_field() -> None:
    with pytest.raises(InvalidObjectError) as caught:
        StackSizing(
            logs_retention="forever",
            traces_retention="3d",  # Tempo reads a Go duration: no days
            metrics_retention="15d",
            metrics_storage="100 GB",
            alertmanager_replicas=0,
        )
    assert _problems(caught.value) == {
        "logs_retention": "forever",
        "traces_retention": "3d",
        "metrics_storage": "100 GB",
        "alertmanager_replicas": 0,
    }
    assert "a Go duration such as 48h" in str(caught.value)


def test_stack_refuses_bad_vault_keys_duplicate_slos_and_unknown_sizing_at_once() -> None:
    slo = default_slos()[0]
    stack = _stack(
        admin_vault_key="",
        backstage_token_vault_key="hunter2 hunter2",  # noqa: S106 (a pasted value, refused)
        slos=(slo, slo),
        sizing={"qa": StackSizing()},
    )
    with pytest.raises(InvalidObjectError) as caught:
        stack.validate(spec())
    kinds = {e.field: type(e) for e in _leaves(caught.value)}
    assert kinds == {
        "sizing": ConfigurationError,
        "admin_vault_key": InvalidValueError,
        "backstage_token_vault_key": InvalidValueError,
        "slos": DuplicateError,
    }
    assert f"invalid slos '{slo.name}': unique SLO names" in str(caught.value)
    # a key that is not a path may be a pasted credential: the message never repeats it
    assert "hunter2" not in str(caught.value)
    assert "invalid backstage_token_vault_key '<not a path>'" in str(caught.value)


def _backstage(**changes: object) -> BackstageRelease:
    stack = _stack()
    db = PostgresConnection("pgbouncer.postgres.svc", 6432, "backstage", "backstage")
    values: dict[str, object] = {
        "ingress": INGRESS,
        "tls": TLS,
        "secrets": SECRETS,
        "observability": BackstageObservability(
            grafana=stack.grafana, prometheus=stack.prometheus, tempo=stack.tempo_query
        ),
        "databases": {"dev": db, "prd": db},
    }
    values.update(changes)
    return BackstageRelease(**values)  # type: ignore[arg-type]


def test_backstage_reports_every_bad_setting_at_once() -> None:
    release = _backstage(
        databases={},
        hosts={"qa": "backstage.dev.example.com", "prd": "portal.evil.com"},
        title=" ",
        image_tag="next",
        resources={"limits": {"cpu": "lots", "gpu": "1"}},
        catalog_files=("../outside.yaml", "catalog/team/catalog-info.yaml"),
    )
    with pytest.raises(InvalidObjectError) as caught:
        release.validate(spec())
    found = [(e.path, e.field, e.value) for e in _leaves(caught.value)]
    where = "BackstageRelease(backstage)"
    assert found == [
        (where, "databases", []),
        (where, "hosts", "qa"),
        (f"{where}/prd", "hosts", "portal.evil.com"),
        (where, "image_tag", "next"),
        (where, "title", " "),
        (where, "resources.limits.cpu", "lots"),
        (where, "resources.limits.gpu", "gpu"),
        (where, "catalog_files", "../outside.yaml"),
    ]


def test_backstage_grafana_host_is_a_host_name() -> None:
    stack = _stack()
    with pytest.raises(InvalidValueError, match=r"invalid grafana_host 'https://grafana\.x/'"):
        BackstageObservability(
            grafana=stack.grafana,
            prometheus=stack.prometheus,
            tempo=stack.tempo_query,
            grafana_host="https://grafana.x/",
        )


def test_onboarded_service_reports_every_bad_field() -> None:
    team = Team("team-chat")
    with pytest.raises(InvalidObjectError) as caught:
        OnboardedService(
            name="chat-api",
            namespace="chat-api",
            chart=Path("apps/chat-api/chart"),
            owner=team,
            system=System("chat", owner=team),
            otlp=_stack().grafana,
            lifecycle="beta",
            component_type="",
            description=None,  # type: ignore[arg-type]
        )
    assert _problems(caught.value) == {
        "lifecycle": "beta",
        "component_type": "",
        "description": None,
    }


def test_a_secret_bundle_for_an_environment_without_a_store() -> None:
    bundle = ExternalSecretBundle(
        SECRETS,
        (SecretSpec("db", "team", {"password": RemoteValue("{env}/team/db", "password")}),),
    )
    chart = cdk8s.Chart(cdk8s.App(), "team")
    with pytest.raises(InvalidValueError) as caught:
        bundle.add_to(chart, env="qa")
    assert str(caught.value) == (
        "ExternalSecretBundle(team): invalid env 'qa': an environment with a secret store: dev, prd"
    )

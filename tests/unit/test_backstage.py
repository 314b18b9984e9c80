"""Bad input to the Backstage constructs: each gets a clear error naming the field."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from gitops_platform import (
    BackstageRelease,
    DynamicPlugin,
    ExternalSecretBundle,
    InvalidValueError,
    OnboardedService,
    PlatformApp,
    PlatformComponent,
    PlatformError,
    RemoteValue,
    SecretLiteralError,
    SecretSpec,
)
from gitops_platform.errors import ConfigurationError, DuplicateError, InvalidObjectError
from tests.tree.conftest import load_main


@pytest.fixture(scope="module")
def main() -> ModuleType:
    return load_main()


def _replace(main: ModuleType, kind: type, **changes: Any) -> PlatformApp:
    components: list[PlatformComponent] = []
    for component in main.build().components:
        if type(component) is kind:
            component = dataclasses.replace(component, **changes)  # type: ignore[type-var]
        components.append(component)
    return PlatformApp(main.SPEC, components)


def test_backstage_host_outside_the_environment_domain(main: ModuleType) -> None:
    with pytest.raises(PlatformError) as caught:
        _replace(main, BackstageRelease, hosts={"dev": "backstage.platform.example.org"})
    text = str(caught.value)
    assert "backstage.platform.example.org" in text
    assert "*.dev.platform.example.com" in text


def test_backstage_host_inside_the_domain_is_used(main: ModuleType) -> None:
    app = _replace(main, BackstageRelease, hosts={"dev": "portal.dev.platform.example.com"})
    dev = yaml.safe_load(app.render()["infra/platform/values/backstage/dev.yaml"])
    assert dev["global"]["host"] == "portal.dev.platform.example.com"


def test_npm_plugin_without_integrity() -> None:
    with pytest.raises(InvalidValueError) as caught:
        DynamicPlugin("@backstage-community/plugin-grafana@0.21.0")
    assert caught.value.field == "integrity"


@pytest.mark.parametrize(
    "package",
    [
        "@backstage-community/plugin-grafana",  # no exact version
        "@backstage-community/plugin-grafana@^0.21.0",
        "oci://ghcr.io/org/plugin",  # no tag and no plugin path
        "../dynamic-plugins/dist/x",
    ],
)
def test_plugin_reference_forms(package: str) -> None:
    with pytest.raises((InvalidValueError, InvalidObjectError)):
        DynamicPlugin(package, integrity="sha512-AAAA")


def test_integrity_on_an_image_path_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        DynamicPlugin("./dynamic-plugins/dist/backstage-plugin-kubernetes", integrity="sha512-AA==")
    assert caught.value.field == "integrity"


def test_released_image_tag_only(main: ModuleType) -> None:
    with pytest.raises(PlatformError) as caught:
        _replace(main, BackstageRelease, image_tag="next-1.10")
    assert "image_tag" in str(caught.value)


def test_external_secret_template_with_a_literal_credential() -> None:
    with pytest.raises(SecretLiteralError) as caught:
        SecretSpec(
            "db",
            "backstage",
            {"user": RemoteValue("{env}/backstage/database", "user")},
            template={"POSTGRES_PASSWORD": "hunter2"},  # pragma: allowlist secret
        )
    assert caught.value.field == "template[POSTGRES_PASSWORD]"
    assert "hunter2" not in str(caught.value)


def test_remote_key_holding_a_value_instead_of_a_path() -> None:
    with pytest.raises(InvalidValueError) as caught:
        RemoteValue("s3cr3t value!", "password")
    assert caught.value.field == "key"
    assert "s3cr3t" not in str(caught.value)


def test_secret_key_that_is_not_a_valid_secret_key() -> None:
    with pytest.raises(InvalidValueError) as caught:
        SecretSpec("db", "backstage", {"bad key/x": RemoteValue("dev/db", "password")})
    assert caught.value.field == "data"


def test_duplicate_target(main: ModuleType) -> None:
    secrets = next(c for c in main.build().components if type(c).__name__ == "ExternalSecrets")
    spec = SecretSpec("db", "backstage", {"password": RemoteValue("{env}/db", "password")})
    with pytest.raises(DuplicateError):
        ExternalSecretBundle(secrets, (spec, spec))


def test_bundle_takes_the_secrets_component_not_a_name() -> None:
    spec = SecretSpec("db", "backstage", {"password": RemoteValue("{env}/db", "password")})
    with pytest.raises(InvalidValueError) as caught:
        ExternalSecretBundle("platform-secrets", (spec,))  # type: ignore[arg-type]
    assert caught.value.field == "secrets"


def test_bundle_renders_per_environment_keys(main: ModuleType) -> None:
    rendered = main.build().render()
    doc = yaml.safe_load(
        rendered["infra/base/addons/backstage/prd/externalsecret-backstage-postgres.yaml"]
    )
    assert doc["apiVersion"] == "external-secrets.io/v1"
    spec = doc["spec"]
    assert spec["secretStoreRef"] == {"name": "platform-secrets", "kind": "ClusterSecretStore"}
    assert spec["target"]["creationPolicy"] == "Owner"
    assert spec["target"]["template"]["engineVersion"] == "v2"
    template = spec["target"]["template"]["data"]
    assert template["POSTGRES_PASSWORD"] == "{{ .password }}"  # noqa: S105
    key = "password"  # pragma: allowlist secret
    remote = {"key": "prd/backstage/database", "property": key}
    assert spec["data"] == [{"secretKey": key, "remoteRef": remote}]


def test_onboarded_service_in_a_platform_namespace(main: ModuleType) -> None:
    with pytest.raises(PlatformError) as caught:
        _replace(main, OnboardedService, namespace="backstage")
    assert "backstage" in str(caught.value)


def test_onboarded_service_in_the_platform_project() -> None:
    main = load_main()
    service = next(c for c in main.build().components if isinstance(c, OnboardedService))
    with pytest.raises((ConfigurationError, InvalidObjectError)):
        dataclasses.replace(service, project="platform")


def test_onboarded_service_renders_the_specified_layout(main: ModuleType) -> None:
    app = main.build()
    files = app.render()
    assert "apps/chat-api/chart/Chart.yaml" in files
    for env in ("dev", "prd"):
        assert f"apps/chat-api/values/values-{env}.yaml" in files
    component = yaml.safe_load(files["catalog/chat-api/catalog-info.yaml"])
    assert component["spec"]["owner"] == "group:default/team-chat"
    assert component["metadata"]["annotations"]["backstage.io/kubernetes-id"] == "chat-api"
    assert yaml.safe_load(files["catalog/team-chat/catalog-info.yaml"])["kind"] == "Group"
    assert yaml.safe_load(files["catalog/chat/catalog-info.yaml"])["kind"] == "System"
    prd = app.application("chat-api", "prd").spec()
    assert prd["project"] == "apps"
    assert prd["destination"]["namespace"] == "chat-api"
    [chart] = [s for s in prd["sources"] if s.get("path")]
    assert chart["path"] == "dist/apps/chat-api/chart"
    assert chart["targetRevision"] == "env/prd"
    assert Path("apps/chat-api/chart/Chart.yaml").is_file()

"""One credential-key definition: construction refuses what the policy refuses, and no more."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_platform import HelmChartSource, InvalidObjectError, SecretLiteralError
from gitops_platform.errors import InvalidValueError
from gitops_platform.policy import PolicySet, constraints
from gitops_platform.rules.credentials import (
    CREDENTIAL_KEYS,
    AllowedKey,
    CredentialKeys,
    check_no_secret_literals,
    secret_literals,
)

CHARTS = "https://charts.example.com"


def chart(values: dict[str, Any]) -> HelmChartSource:
    return HelmChartSource(
        repo_url=CHARTS, chart="app", version="1.0.0", release_name="app", values_object=values
    )


def test_settings_about_a_credential_are_not_credentials() -> None:
    # a URL, a type name and a duration: RHDH and Grafana values carry such keys
    values = {
        "auth": {
            "tokenUrl": "https://idp.example.com/token",
            "secretType": "Opaque",  # pragma: allowlist secret
            "tokenTTL": "1h",
        }
    }
    chart(values)
    check_no_secret_literals("app", "values", values)


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"password": ["hunter2"]}, "password[0]"),
        ({"extraEnvs": [{"name": "DB_PASSWORD", "value": "hunter2"}]}, "extraEnvs[0].value"),
        ({"server": {"apiKey": "abc123"}}, "server.apiKey"),  # pragma: allowlist secret
        ({"password": 12345}, "password"),
        ({"auth": {"token": 4.5}}, "auth.token"),
        ({"password": {"value": "hunter2"}}, "password.value"),
        ({"secret": {"data": "hunter2"}}, "secret.data"),
        ({"tokens": [{"value": 12345}]}, "tokens[0].value"),
        ({"env": [{"name": "DB_PASSWORD", "value": 12345}]}, "env[0].value"),
    ],
)
def test_literal_credentials_are_refused(values: dict[str, Any], path: str) -> None:
    with pytest.raises(SecretLiteralError) as raised:
        chart(values)
    assert raised.value.field == f"values_object.{path}"
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    "value", ["", "  ", "${DB_PASSWORD}", "$(DB_PASSWORD)", "{{ .Values.password }}"]
)
def test_references_and_placeholders_are_not_literals(value: str) -> None:
    chart({"password": value, "env": [{"name": "API_TOKEN", "value": value}]})


def test_a_boolean_under_a_credential_key_is_a_switch() -> None:
    chart({"password": True, "token": {"value": False}, "secret": {"enabled": True}})


def test_a_reference_under_a_credential_key_is_not_a_literal() -> None:
    chart({"password": {"value": "${DB_PASSWORD}"}, "token": {"valueFrom": {"name": "x"}}})


def test_every_literal_of_a_values_map_is_reported_at_once() -> None:
    values = {
        "admin": {"password": "a"},
        "token": "b",
        "extraEnvs": [{"name": "DB_PASSWORD", "value": "c"}],
        "keys": {"privateKey": ["d", "e"]},
    }
    with pytest.raises(InvalidObjectError) as raised:
        chart(values)
    problems = raised.value.exceptions
    assert all(isinstance(e, SecretLiteralError) for e in problems)
    fields = [e.field for e in problems if isinstance(e, SecretLiteralError)]
    assert fields == [
        "values_object.admin.password",
        "values_object.token",
        "values_object.extraEnvs[0].value",
        "values_object.keys.privateKey[0]",
        "values_object.keys.privateKey[1]",
    ]


def test_a_reviewed_allow_list_entry_lets_a_key_through() -> None:
    values = {"session": {"tokenCount": "5"}, "password": "x"}
    keys = CREDENTIAL_KEYS.allowing(
        AllowedKey("token_count", "a number of tokens per session, not a token itself")
    )
    assert list(secret_literals(values, keys)) == ["password"]
    assert list(secret_literals(values)) == ["session.tokenCount", "password"]
    with pytest.raises(SecretLiteralError):
        check_no_secret_literals("app", "values", values, keys)


@pytest.mark.parametrize(
    ("key", "reason"), [("tokenCount", "because"), ("", "a reason long enough to be read")]
)
def test_an_allow_list_entry_needs_a_key_and_a_reason(key: str, reason: str) -> None:
    with pytest.raises(InvalidValueError):
        AllowedKey(key, reason)


def test_the_policy_receives_the_python_definition_as_parameters() -> None:
    keys = CREDENTIAL_KEYS.allowing(
        AllowedKey("tokenCount", "a number of tokens per session, not a token itself")
    )
    (constraint,) = [
        c
        for c in constraints(PolicySet(credential_keys=keys))
        if c["kind"] == "PlatformNoInlineSecrets"
    ]
    parameters = constraint["spec"]["parameters"]
    assert parameters["credentialPattern"] == keys.pattern
    assert parameters["referenceSuffixes"] == list(keys.reference_suffixes)
    assert parameters["allowedKeys"] == [
        {"key": "tokencount", "reason": "a number of tokens per session, not a token itself"}
    ]


def test_a_bad_definition_is_refused() -> None:
    with pytest.raises(InvalidValueError):
        CredentialKeys(pattern="(unclosed")
    with pytest.raises(InvalidValueError):
        CredentialKeys(reference_suffixes=("Url",))

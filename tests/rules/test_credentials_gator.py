"""Differential test: the Python credential check against the Rego constraint, run by gator.

Both sides read one definition (``gitops_platform.rules.credentials``); the constraint gets it
as parameters. Hypothesis generates a batch of values maps; each is wrapped as a ``HelmValues``
object and the whole batch goes through ONE ``gator test`` run (the pipeline's own step-6
runner), so the comparison costs a few seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gitops_platform import layout
from gitops_platform.policy import PolicySet, policy_objects
from gitops_platform.rules.credentials import CREDENTIAL_KEYS, AllowedKey, secret_literals
from gitops_platform.validation.policies import run_policies
from gitops_platform.validation.report import Document
from tests.conftest import find_tool

KEYS = CREDENTIAL_KEYS.allowing(
    AllowedKey("tokenCount", "a number of tokens per session, not a token itself")
)
_KEY_NAMES = st.sampled_from(
    [
        "password",
        "Password",
        "DB_PASSWORD",
        "tokenUrl",
        "secretType",
        "tokenTTL",
        "apiKey",
        "api-key",
        "existingSecret",
        "passwordSecretRef",
        "tokenCount",
        "token_count",
        "privateKey",
        "name",
        "value",
        "data",
        "auth",
        "env",
        "replicas",
    ]
)
_STRINGS = st.sampled_from(
    [
        "hunter2",
        "",
        "  ",
        "${DB_PASSWORD}",
        "$(DB_PASSWORD)",
        "{{ .Values.token }}",
        "DB_PASSWORD",
        "app.secret",
        "app.secretName",
        "https://idp.example.com/token",
        "a\nb",
        "${X}\n",
    ]
)
_SCALARS = st.one_of(
    _STRINGS,
    st.integers(-3, 3),
    st.integers(10**5, 10**9),
    st.sampled_from([0.5, 1e3]),
    st.booleans(),
    st.none(),
)
#: A credential held one level down: ``password: {value: ...}`` or ``{data: ...}``.
_HELD = st.dictionaries(st.sampled_from(["value", "data", "name", "key"]), _SCALARS, min_size=1)
values_trees = st.recursive(
    st.one_of(_SCALARS, _HELD),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(_KEY_NAMES, children, max_size=4)
    ),
    max_leaves=12,
)
values_maps = st.dictionaries(_KEY_NAMES, values_trees, max_size=5)

#: The cases that started this, always in the batch.
KNOWN: list[dict[str, Any]] = [
    {
        "auth": {
            "tokenUrl": "https://idp.example.com/token",
            "secretType": "Opaque",  # pragma: allowlist secret
            "tokenTTL": "1h",
        }
    },
    {"password": ["hunter2"]},
    {"extraEnvs": [{"name": "DB_PASSWORD", "value": "hunter2"}]},
    {"session": {"tokenCount": "5"}},
    {"password": 12345},
    {"password": {"value": "hunter2"}},
    {"auth": {"tokens": [{"data": "hunter2"}, 42]}, "enabled": {"password": True}},
]


@settings(
    max_examples=1,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(batch=st.lists(values_maps, min_size=150, max_size=150))
def test_python_and_the_policy_refuse_the_same_literals(
    batch: list[dict[str, Any]], tmp_path_factory: Any
) -> None:
    maps = [*KNOWN, *batch]
    files = {f"infra/platform/values/c{i}/base.yaml": values for i, values in enumerate(maps)}
    workdir: Path = tmp_path_factory.mktemp("gator")
    policy = [
        Document(f"{layout.POLICY_FOLDER}/{o['kind'].lower()}-{o['metadata']['name']}.yaml", 0, o)
        for o in policy_objects(PolicySet(credential_keys=KEYS))
        if o["kind"] in ("ConstraintTemplate", "PlatformNoInlineSecrets")
    ]
    result = run_policies(
        [], policy, gator=Path(find_tool("gator")), workdir=workdir, values_files=files
    )
    by_file: dict[str, set[str]] = {name: set() for name in files}
    for finding in result.findings:
        assert finding.rule == "PlatformNoInlineSecrets/no-inline-secrets", finding
        by_file[finding.file].add(str(finding.field))
    for name, values in files.items():
        expected = set(secret_literals(values, KEYS))
        assert by_file[name] == expected, (values, by_file[name], expected)
    # the batch is not trivially clean: the known cases give these findings
    assert by_file["infra/platform/values/c1/base.yaml"] == {"password[0]"}
    assert by_file["infra/platform/values/c2/base.yaml"] == {"extraEnvs[0].value"}
    assert by_file["infra/platform/values/c4/base.yaml"] == {"password"}
    assert by_file["infra/platform/values/c5/base.yaml"] == {"password.value"}
    assert by_file["infra/platform/values/c6/base.yaml"] == {
        "auth.tokens[0].data",
        "auth.tokens[1]",
    }

"""Step 9b's Backstage rules: the good fixture passes, each known-bad variant fails its rule."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_platform.validation import backstage
from gitops_platform.validation.report import Document, Status
from gitops_platform.validation.tools import find_tool
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/validation/backstage/good"
NODE_MODULES = ROOT / "node_modules"


def _node() -> Path:
    node = find_tool("node", ROOT, "node_modules/.bin")
    if node is None:
        pytest.fail("node is not installed: run `make setup`")
    return node


def _objects() -> list[dict[str, Any]]:
    text = (FIXTURE / "objects.yaml").read_text(encoding="utf-8")
    return [d for d in yaml.safe_load_all(text) if d]


def _entities() -> list[backstage.CatalogEntity]:
    return backstage.load_catalog(FIXTURE, ["catalog.yaml"])


def _run(
    objects: list[dict[str, Any]], entities: list[backstage.CatalogEntity]
) -> list[tuple[str, str]]:
    documents = [Document("objects.yaml", i, o) for i, o in enumerate(objects)]
    result = backstage.run_backstage(documents, entities, _node(), NODE_MODULES)
    assert (result.status is Status.FAILED) == bool(result.findings)
    return [(f.rule, f.message) for f in result.findings]


def _find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [found] = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def _entity(entities: list[backstage.CatalogEntity], name: str) -> dict[str, Any]:
    [found] = [e.entity for e in entities if e.entity["metadata"]["name"] == name]
    return found


def test_the_good_fixture_passes() -> None:
    assert _run(_objects(), _entities()) == []


def test_app_config_variable_from_no_source() -> None:
    objects = _objects()
    deployment = _find(objects, "Deployment", "portal")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["envFrom"] = [
        s for s in container["envFrom"] if s["secretRef"]["name"] != "portal-grafana"
    ]
    [(rule, message)] = _run(objects, _entities())
    assert rule == "backstage/app-config-env"
    assert "${GRAFANA_TOKEN}" in message
    assert "container backend" in message


def test_app_config_variable_missing_from_the_external_secret_template() -> None:
    objects = _objects()
    secret = _find(objects, "ExternalSecret", "portal-postgres")
    del secret["spec"]["target"]["template"]["data"]["POSTGRES_HOST"]
    [(rule, message)] = _run(objects, _entities())
    assert rule == "backstage/app-config-env"
    assert "${POSTGRES_HOST}" in message


def test_dynamic_plugin_config_variables_are_checked_too() -> None:
    objects = _objects()
    plugins = {"plugins": [{"package": "./x", "pluginConfig": {"k": {"url": "${K8S_URL}"}}}]}
    config_map = _find(objects, "ConfigMap", "portal-app-config")
    config_map["data"]["dynamic-plugins.yaml"] = yaml.safe_dump(plugins)
    [(rule, message)] = _run(objects, _entities())
    assert rule == "backstage/app-config-env"
    assert "${K8S_URL}" in message


def test_entity_invalid_for_the_catalog_model() -> None:
    entities = _entities()
    del _entity(entities, "chat-api")["spec"]["lifecycle"]
    findings = _run(_objects(), entities)
    assert findings == [
        (
            "backstage/entity",
            "/spec must have required property 'lifecycle' - missingProperty: lifecycle",
        )
    ]


def test_entity_with_a_bad_name() -> None:
    entities = _entities()
    _entity(entities, "chat")["metadata"]["name"] = "Chat System!"
    findings = [f for f in _run(_objects(), entities) if f[0] == "backstage/entity"]
    assert len(findings) == 1
    assert '"metadata.name" is not valid' in findings[0][1]


def test_entity_owner_that_does_not_exist() -> None:
    entities = _entities()
    _entity(entities, "chat-api")["spec"]["owner"] = "team-ghost"
    assert _run(_objects(), entities) == [
        ("backstage/entity-ref", "no group default/team-ghost in the catalog files")
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("system", "chatt", "no system default/chatt in the catalog files"),
        ("dependsOn", ["resource:default/chat-cache"],
         "no resource default/chat-cache in the catalog files"),
        ("dependsOn", ["chat-db"], "'chat-db' names no kind (write kind:namespace/name)"),
    ],
)  # fmt: skip
def test_entity_system_and_dependencies_resolve(field: str, value: Any, message: str) -> None:
    entities = _entities()
    _entity(entities, "chat-api")["spec"][field] = value
    assert _run(_objects(), entities) == [("backstage/entity-ref", message)]


def test_kubernetes_id_naming_no_entity() -> None:
    objects = _objects()
    deployment = copy.deepcopy(_find(objects, "Deployment", "chat-api"))
    deployment["metadata"]["name"] = "chat-worker"
    deployment["spec"]["template"]["metadata"]["labels"]["backstage.io/kubernetes-id"] = "chat-wrk"
    objects.append(deployment)
    findings = _run(objects, _entities())
    assert findings == [
        ("backstage/kubernetes-id",
         "backstage.io/kubernetes-id=chat-wrk names no catalog entity (no entity has the "
         "annotation backstage.io/kubernetes-id: chat-wrk)"),
    ]  # fmt: skip


def test_missing_catalog_model_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    documents = [Document("objects.yaml", i, o) for i, o in enumerate(_objects())]
    result = backstage.run_backstage(documents, _entities(), _node(), tmp_path)
    assert result.status is Status.FAILED
    assert "@backstage/catalog-model is not installed" in result.findings[0].message

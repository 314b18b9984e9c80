"""Schema generation for kubeconform: CRD conversion, constraint schemas, Kubernetes store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gitops_platform.validation.schemas import (
    CONSTRAINTS_GROUP,
    build_store,
    constraint_crd,
    convert_crd,
    crd_schema_files,
    kubernetes_schemas,
)
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT

UPSTREAM = Settings.make(ROOT, repo_root=ROOT).upstream
CACHE = ROOT / ".build" / "validation-cache"


def check(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(instance)]


def crd(schema: dict[str, Any], *, served: bool = True) -> dict[str, Any]:
    return {
        "kind": "CustomResourceDefinition",
        "spec": {
            "group": "example.com",
            "names": {"kind": "Gadget"},
            "scope": "Namespaced",
            "versions": [
                {"name": "v1", "served": served, "schema": {"openAPIV3Schema": schema}},
            ],
        },
    }


@pytest.fixture(scope="module")
def object_meta() -> dict[str, Any]:
    namespace = json.loads((kubernetes_schemas(CACHE) / "namespace-v1.json").read_text())
    return dict(namespace["$defs"])


SPEC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "port": {
                    "x-kubernetes-int-or-string": True,
                    "anyOf": [{"type": "integer"}, {"type": "string"}],
                },
                "legacyPort": {"type": "string", "format": "int-or-string"},
                "note": {"type": "string", "nullable": True},
                "extra": {
                    "type": "object",
                    "x-kubernetes-preserve-unknown-fields": True,
                    "properties": {"a": {"type": "string"}},
                },
            },
        }
    },
}


def test_crd_schemas_are_strict_and_follow_kubernetes_semantics(
    object_meta: dict[str, Any],
) -> None:
    schema = convert_crd(SPEC_SCHEMA, object_meta)
    base = {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g"}}
    assert check(schema, {**base, "spec": {"port": 80, "legacyPort": "http", "note": None}}) == []
    assert check(schema, {**base, "spec": {"port": "http", "legacyPort": 8080}}) == []
    assert check(schema, {**base, "spec": {"extra": {"a": "x", "anything": 1}}}) == []
    assert any("'prot' was unexpected" in m for m in check(schema, {**base, "spec": {"prot": 1}}))
    assert any("'sepc' was unexpected" in m for m in check(schema, {**base, "sepc": {}}))
    assert any(
        "'lables' was unexpected" in m
        for m in check(schema, {**base, "metadata": {"name": "g", "lables": {}}})
    )
    assert check(schema, {**base, "spec": {"port": 1.5}}) != []


def test_unserved_versions_get_no_schema(object_meta: dict[str, Any]) -> None:
    assert crd_schema_files(crd(SPEC_SCHEMA), object_meta).keys() == {"example.com/gadget_v1.json"}
    assert crd_schema_files(crd(SPEC_SCHEMA, served=False), object_meta) == {}


def test_constraint_schema_comes_from_its_template(object_meta: dict[str, Any]) -> None:
    template = {
        "apiVersion": "templates.gatekeeper.sh/v1",
        "kind": "ConstraintTemplate",
        "spec": {
            "crd": {
                "spec": {
                    "names": {"kind": "K8sRequiredThings"},
                    "validation": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "things": {"type": "array", "items": {"type": "string"}}
                            },
                        }
                    },
                }
            }
        },
    }
    derived = constraint_crd(template)
    assert derived is not None
    assert derived["spec"]["group"] == CONSTRAINTS_GROUP
    assert derived["spec"]["scope"] == "Cluster"
    files = crd_schema_files(derived, object_meta)
    assert set(files) == {
        "constraints.gatekeeper.sh/k8srequiredthings_v1beta1.json",
        "constraints.gatekeeper.sh/k8srequiredthings_v1alpha1.json",
    }
    schema = files["constraints.gatekeeper.sh/k8srequiredthings_v1beta1.json"]
    good: dict[str, Any] = {
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": "K8sRequiredThings",
        "metadata": {"name": "must-have-things", "labels": {"a": "b"}},
        "spec": {
            "enforcementAction": "warn",
            "match": {
                "kinds": [{"apiGroups": [""], "kinds": ["Pod"]}],
                "excludedNamespaces": ["kube-*"],
            },
            "parameters": {"things": ["x"]},
        },
    }
    assert check(schema, good) == []
    bad_match = {**good, "spec": {**good["spec"], "match": {"kind": []}}}
    assert any("'kind' was unexpected" in m for m in check(schema, bad_match))
    bad_parameters = {**good, "spec": {**good["spec"], "parameters": {"things": "x"}}}
    assert check(schema, bad_parameters) != []
    too_long = {**good, "metadata": {"name": "x" * 64}}
    assert check(schema, too_long) != []


def test_kubernetes_schemas_are_standalone() -> None:
    folder = kubernetes_schemas(CACHE)
    deployment = json.loads((folder / "deployment-apps-v1.json").read_text())
    refs = set(_values(deployment, "$ref"))
    assert refs, "the Deployment schema refers to its definitions"
    assert all(r.startswith("#/$defs/") for r in refs)
    assert "$id" not in deployment
    base = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    selector = {"matchLabels": {"app": "web"}}
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web"}]}}
    spec = {"selector": selector, "template": template}
    assert check(deployment, {**base, "spec": spec}) == []
    errors = check(deployment, {**base, "spec": {**spec, "replica": 1}})
    assert any("'replica' was unexpected" in m for m in errors), errors


def test_the_store_is_reused_and_knows_scopes() -> None:
    store, _ = build_store(CACHE, UPSTREAM, [])
    again, notes_again = build_store(CACHE, UPSTREAM, [])
    assert again.crds == store.crds
    assert notes_again == ["upstream CRD schemas: cached", "project CRD schemas: cached"]
    scopes = again.scopes
    assert scopes.is_namespaced("cert-manager.io", "ClusterIssuer") is False
    assert scopes.is_namespaced("external-secrets.io", "ExternalSecret") is True
    assert scopes.is_namespaced("argoproj.io", "Application") is True
    assert scopes.is_namespaced("", "Namespace") is False
    assert scopes.is_namespaced("rbac.authorization.k8s.io", "ClusterRole") is False
    assert scopes.is_namespaced("apps", "Deployment") is True
    assert scopes.is_namespaced("widgets.example.com", "Widget") is None
    assert "external-secrets.io/v1/ExternalSecret" in scopes.api_versions
    assert "external-secrets.io/v1beta1" not in scopes.api_versions  # not served
    for location in store.locations():
        assert Path(location.split("{{")[0]).is_dir()


def _values(node: Any, key: str) -> list[Any]:
    if isinstance(node, dict):
        found = [node[key]] if key in node else []
        return found + [v for child in node.values() for v in _values(child, key)]
    if isinstance(node, list):
        return [v for child in node for v in _values(child, key)]
    return []


def test_helm_sees_the_kubernetes_apis_a_cluster_serves() -> None:
    """Charts pick API versions from ``.Capabilities``; Argo CD passes the cluster's."""
    store, _ = build_store(CACHE, UPSTREAM, [])
    versions = store.scopes.api_versions
    assert {"v1", "v1/Pod", "apps/v1/Deployment", "policy/v1/PodDisruptionBudget"} <= versions
    assert "cert-manager.io/v1/ClusterIssuer" in versions
    assert not any(v.startswith(("policy/v1beta1", "batch/v1beta1")) for v in versions)
    assert "resource.k8s.io/v1alpha3/DeviceTaintRule" not in versions  # alpha: off by default

"""The policy set as data: validation of its props, its objects, and the Gatekeeper CRD schema."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gitops_platform.errors import ConfigurationError, DuplicateError, InvalidValueError
from gitops_platform.policy import (
    DEFAULT_EXEMPTIONS,
    POLICIES,
    Exemption,
    PolicySet,
    constraint_schemas,
    constraint_templates,
    constraints,
    helm_values_object,
    policy_objects,
    sync_config,
)
from gitops_platform.validation.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CRD_FILE = Path("crds/gatekeeper/v3.23.0/constrainttemplate-customresourcedefinition.yaml")
PLATFORM_LABELS = {
    "app.kubernetes.io/part-of": "gitops-platform",
    "app.kubernetes.io/managed-by": "gitops-platform",
}
REASON = "needed by the fixture, reviewed in the test suite"


def exemption(**overrides: Any) -> Exemption:
    values: dict[str, Any] = {
        "policy": "container-security",
        "kind": "Deployment",
        "namespace": "legacy",
        "name": "app",
        "reason": REASON,
    }
    values.update(overrides)
    return Exemption(**values)


# --- Exemption and PolicySet validation ------------------------------------------------------


def test_exemption_without_reason_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        exemption(reason="  ")
    assert raised.value.field == "reason"
    assert "Exemption(container-security: Deployment/legacy/app)" in str(raised.value)


def test_exemption_with_a_token_reason_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="at least 20 characters"):
        exemption(reason="needed")


def test_exemption_for_an_unknown_policy_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        exemption(policy="no-such-policy")
    assert raised.value.field == "policy"
    assert raised.value.value == "no-such-policy"
    assert "container-security" in raised.value.allowed


def test_exemption_for_a_check_of_another_policy_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        exemption(checks=("host-network", "latest-tag"))
    assert raised.value.field == "checks"
    assert raised.value.value == "latest-tag"


def test_exemption_listing_a_check_twice_is_refused() -> None:
    with pytest.raises(DuplicateError):
        exemption(checks=("host-pid", "host-pid"))


def test_exemption_matching_everything_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="cannot match everything"):
        exemption(kind="*", namespace="*", name="*")


@pytest.mark.parametrize(("attr", "value"), [("kind", ""), ("namespace", "a/b"), ("name", "x y")])
def test_exemption_with_a_malformed_glob_is_refused(attr: str, value: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        exemption(**{attr: value})
    assert raised.value.field == attr


def test_policy_set_is_frozen_and_normalises_sequences() -> None:
    policy_set = PolicySet(catalog_namespaces=["chat-api"], exemptions=[exemption()])  # type: ignore[arg-type]
    assert policy_set.catalog_namespaces == ("chat-api",)
    assert isinstance(policy_set.exemptions, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy_set.argocd_namespace = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy_set.cluster_actions["pinned-images"] = "warn"  # type: ignore[index]


def test_policy_set_refuses_duplicate_exemptions() -> None:
    with pytest.raises(DuplicateError) as raised:
        PolicySet(exemptions=(exemption(), exemption(checks=("host-pid",))))
    assert raised.value.field == "exemptions[1]"


def test_policy_set_refuses_something_that_is_not_an_exemption() -> None:
    with pytest.raises(InvalidValueError) as raised:
        PolicySet(exemptions=({"policy": "container-security"},))  # type: ignore[arg-type]
    assert raised.value.field == "exemptions[0]"


@pytest.mark.parametrize(
    ("props", "field"),
    [
        ({"required_labels": ("not a label",)}, "required_labels"),
        ({"required_labels": ("a", "a")}, "required_labels"),
        ({"catalog_label": "-bad"}, "catalog_label"),
        ({"catalog_namespaces": ("Chat_API",)}, "catalog_namespaces"),
        ({"excluded_namespaces": ("",)}, "excluded_namespaces"),
        ({"resource_requests": ("CPU!",)}, "resource_requests"),
        ({"argocd_namespace": "Argo CD"}, "argocd_namespace"),
        ({"cluster_actions": {"pinned-images": "block"}}, "cluster_actions[pinned-images]"),
        ({"cluster_actions": {"no-such-policy": "warn"}}, "policy"),
    ],
)
def test_policy_set_refuses_bad_props(props: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        PolicySet(**props)
    assert raised.value.field == field


def test_default_exemptions_are_narrow() -> None:
    # only what belongs to no component: each component declares its own exemptions
    [chart_crds] = DEFAULT_EXEMPTIONS
    assert (chart_crds.policy, chart_crds.kind, chart_crds.checks) == (
        "required-labels",
        "CustomResourceDefinition",
        ("missing-label",),
    )


# --- The objects ---------------------------------------------------------------------------


def test_one_template_and_one_constraint_per_policy() -> None:
    templates = constraint_templates()
    policy_constraints = constraints(PolicySet())
    assert [t["metadata"]["name"] for t in templates] == sorted(p.kind.lower() for p in POLICIES)
    assert [c["kind"] for c in policy_constraints] == sorted(p.kind for p in POLICIES)
    assert {c["metadata"]["name"] for c in policy_constraints} == {p.name for p in POLICIES}
    by_template = {t["spec"]["crd"]["spec"]["names"]["kind"] for t in templates}
    assert by_template == {c["kind"] for c in policy_constraints}


def test_objects_are_deterministic_and_fresh() -> None:
    first = policy_objects(PolicySet())
    second = policy_objects(PolicySet())
    assert json.dumps(first, sort_keys=False) == json.dumps(second, sort_keys=False)
    first[0]["metadata"]["labels"]["app.kubernetes.io/name"] = "changed"
    first[-2]["spec"]["parameters"]["exemptions"] = []
    assert policy_objects(PolicySet()) == second


def test_every_object_carries_the_platform_labels() -> None:
    for obj in policy_objects(PolicySet()):
        labels = obj["metadata"]["labels"]
        assert labels.items() >= PLATFORM_LABELS.items(), obj["metadata"]["name"]
        assert labels["app.kubernetes.io/name"], obj["metadata"]["name"]


def test_sync_waves_order_templates_before_constraints() -> None:
    # after the Gatekeeper chart's objects (wave 0) of the same Application
    for template in constraint_templates():
        assert template["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "1"
    for constraint in constraints(PolicySet()):
        annotations = constraint["metadata"]["annotations"]
        assert annotations["argocd.argoproj.io/sync-wave"] == "2"
        assert annotations["argocd.argoproj.io/sync-options"] == "SkipDryRunOnMissingResource=true"
    assert sync_config()["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "1"


def test_constraints_deny_in_ci_and_apply_the_cluster_action() -> None:
    policy_set = PolicySet(cluster_actions={"pinned-images": "dryrun"})
    actions = {}
    for constraint in constraints(policy_set):
        spec = constraint["spec"]
        assert spec["enforcementAction"] == "scoped"
        scoped = {
            point["name"]: entry["action"]
            for entry in spec["scopedEnforcementActions"]
            for point in entry["enforcementPoints"]
        }
        assert scoped["gator.gatekeeper.sh"] == "deny"
        assert scoped["audit.gatekeeper.sh"] == scoped["validation.gatekeeper.sh"]
        actions[constraint["metadata"]["name"]] = scoped["validation.gatekeeper.sh"]
    assert actions == {
        "application-project": "deny",
        "container-resources": "warn",
        "container-security": "deny",
        "no-inline-secrets": "deny",
        "pinned-images": "dryrun",
        "required-labels": "warn",
    }


def test_exemptions_reach_their_own_constraint_only() -> None:
    extra = exemption(policy="pinned-images", kind="CronJob", name="report-*")
    host = exemption(
        policy="container-security",
        kind="DaemonSet",
        namespace="monitoring",
        name="*prometheus-node-exporter",
        checks=("host-network",),
    )
    labels = exemption(policy="required-labels", kind="*", namespace="gatekeeper-system")
    by_name = {
        c["metadata"]["name"]: c["spec"]["parameters"]["exemptions"]
        for c in constraints(PolicySet(exemptions=(*DEFAULT_EXEMPTIONS, extra, host, labels)))
    }
    assert by_name["pinned-images"] == [
        {
            "kind": "CronJob",
            "namespace": "legacy",
            "name": "report-*",
            "checks": [],
            "reason": REASON,
        }
    ]
    assert [e["name"] for e in by_name["container-security"]] == ["*prometheus-node-exporter"]
    assert {(e["kind"], e["namespace"]) for e in by_name["required-labels"]} == {
        ("CustomResourceDefinition", "*"),
        ("*", "gatekeeper-system"),
    }


def test_constraints_carry_the_policy_set_parameters() -> None:
    policy_set = PolicySet(
        catalog_namespaces=("chat-api",), resource_limits=("memory", "cpu"), argocd_namespace=""
    )
    by_name = {c["metadata"]["name"]: c["spec"] for c in constraints(policy_set)}
    labels = by_name["required-labels"]["parameters"]
    assert labels["labels"] == ["app.kubernetes.io/name", "app.kubernetes.io/part-of"]
    assert labels["catalogNamespaces"] == ["chat-api"]
    assert labels["catalogLabel"] == "backstage.io/kubernetes-id"
    assert by_name["container-resources"]["parameters"]["limits"] == ["memory", "cpu"]
    assert by_name["application-project"]["parameters"]["projectNamespace"] == ""
    for spec in by_name.values():
        assert spec["match"]["excludedNamespaces"] == [
            "kube-node-lease",
            "kube-public",
            "kube-system",
        ]


def test_sync_config_replicates_the_app_projects() -> None:
    config = sync_config()
    assert (config["apiVersion"], config["kind"]) == ("config.gatekeeper.sh/v1alpha1", "Config")
    assert (config["metadata"]["name"], config["metadata"]["namespace"]) == (
        "config",
        "gatekeeper-system",
    )
    assert config["spec"]["sync"]["syncOnly"] == [
        {"group": "argoproj.io", "version": "v1alpha1", "kind": "AppProject"}
    ]
    with pytest.raises(InvalidValueError):
        sync_config("Gatekeeper System")


def test_rego_files_are_package_data_and_all_used() -> None:
    shipped = {
        entry.name
        for entry in resources.files("gitops_platform.policy").joinpath("rego").iterdir()
        if entry.name.endswith(".rego")
    }
    assert shipped == {p.rego for p in POLICIES} | {"lib.rego"}
    for template in constraint_templates():
        (source,) = [c["source"] for c in template["spec"]["targets"][0]["code"]]
        package = source["rego"].split("package ", 1)[1].split()[0]
        assert package == template["metadata"]["name"]
        assert source["version"] == "v1"
        assert source["libs"][0].split("package ", 1)[1].split()[0] == "lib.gitops_platform"


def test_helm_values_object_is_named_and_labelled() -> None:
    wrapped = helm_values_object("Backstage/Base", None)
    assert wrapped["metadata"]["name"] == "backstage-base"
    assert wrapped["metadata"]["labels"].items() >= PLATFORM_LABELS.items()
    assert wrapped["spec"] == {"values": {}}


# --- Against the Gatekeeper CRD --------------------------------------------------------------


def upstream() -> Path:
    path = Settings.make(ROOT, repo_root=ROOT).upstream
    if not (path / CRD_FILE).is_file():
        pytest.fail(
            f"the Gatekeeper ConstraintTemplate CRD is missing at {path / CRD_FILE}: set "
            "GITOPS_PLATFORM_UPSTREAM to the shared upstream data folder"
        )
    return path


@pytest.fixture(scope="module")
def template_schema() -> dict[str, Any]:
    for document in yaml.safe_load_all((upstream() / CRD_FILE).read_text(encoding="utf-8")):
        if (
            document
            and document["metadata"]["name"] == "constrainttemplates.templates.gatekeeper.sh"
        ):
            for version in document["spec"]["versions"]:
                if version["name"] == "v1":
                    assert version["served"]
                    assert version["storage"]
                    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
                    return schema
    pytest.fail(f"no v1 ConstraintTemplate schema in {CRD_FILE}")


def unknown_fields(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Fields the API server would prune: not declared, and not under preserve-unknown-fields."""
    if schema.get("x-kubernetes-preserve-unknown-fields") and "properties" not in schema:
        return []
    found: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            if key not in schema["properties"]:
                if not schema.get("x-kubernetes-preserve-unknown-fields"):
                    found.append(f"{path}.{key}")
                continue
            found += unknown_fields(item, schema["properties"][key], f"{path}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += unknown_fields(item, schema["items"], f"{path}[{index}]")
    return found


def non_structural(schema: dict[str, Any], path: str = "$") -> list[str]:
    """Nodes of a parameters schema without a type (Gatekeeper v1 requires structural schemas)."""
    problems = [] if "type" in schema else [path]
    for key, child in schema.get("properties", {}).items():
        problems += non_structural(child, f"{path}.{key}")
    if "items" in schema:
        problems += non_structural(schema["items"], f"{path}[]")
    return problems


def test_templates_validate_against_the_constraint_template_crd(
    template_schema: dict[str, Any],
) -> None:
    validator = jsonschema.Draft7Validator(template_schema)
    for template in constraint_templates():
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(template)]
        assert errors == [], template["metadata"]["name"]
        assert unknown_fields(template, template_schema) == [], template["metadata"]["name"]
        parameters = template["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"]
        assert non_structural(parameters) == [], template["metadata"]["name"]


def test_the_schema_checks_can_fail(template_schema: dict[str, Any]) -> None:
    broken = constraint_templates()[0]
    broken["spec"]["targets"][0]["code"][0].pop("engine")
    broken["spec"]["targets"][0]["regoo"] = "typo"
    broken["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"]["properties"]["x"] = {}
    assert list(jsonschema.Draft7Validator(template_schema).iter_errors(broken))
    assert unknown_fields(broken, template_schema) == [".spec.targets[0].regoo"]
    parameters = broken["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"]
    assert non_structural(parameters) == ["$.x"]


def test_constraint_parameters_fit_their_template_schema() -> None:
    policy_set = PolicySet(catalog_namespaces=("chat-api",))
    schemas = {
        t["spec"]["crd"]["spec"]["names"]["kind"]: t["spec"]["crd"]["spec"]["validation"][
            "openAPIV3Schema"
        ]
        for t in constraint_templates()
    }
    for constraint in constraints(policy_set):
        schema = schemas[constraint["kind"]]
        parameters = constraint["spec"]["parameters"]
        jsonschema.Draft7Validator(schema).validate(parameters)
        assert unknown_fields(parameters, schema) == [], constraint["kind"]


def test_constraints_validate_against_the_constraint_schemas() -> None:
    schemas = constraint_schemas()
    assert set(schemas) == {p.kind for p in POLICIES}
    for constraint in constraints(PolicySet()):
        jsonschema.Draft7Validator(schemas[constraint["kind"]]).validate(constraint)
    misspelt = constraints(PolicySet())[0]
    misspelt["spec"]["parameters"]["exemptionz"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schemas[misspelt["kind"]]).validate(misspelt)

"""Step 6 with the real Gatekeeper CLI: every policy fails its known-bad fixtures and passes the
good ones, exemptions are narrow, and failures name the policy, the object and the field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_platform import Gatekeeper, layout
from gitops_platform.layout import helm_values_object
from gitops_platform.policy import (
    DEFAULT_EXEMPTIONS,
    POLICIES,
    Exemption,
    PolicySet,
    policy_objects,
)
from gitops_platform.validation.policies import delivered_policy, run_policies
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import INSTALL_HINT, find_tool

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "validation" / "policies"
POLICY_NAMES = [p.name for p in POLICIES]
KINDS = {p.name: p.kind for p in POLICIES}
#: An exemption the fixtures exercise: node-exporter's host namespaces, as the component that
#: deploys it would declare it.
NODE_EXPORTER = Exemption(
    policy="container-security",
    kind="DaemonSet",
    namespace="monitoring",
    name="*prometheus-node-exporter",
    checks=("host-network", "host-pid"),
    reason=(
        "node-exporter reports node metrics: it needs the node's network namespace to see the "
        "host's interfaces and the node's PID namespace to see host processes."
    ),
)
#: The fixtures' policy set: the platform defaults with the exemptions the Gatekeeper
#: component gathers and node-exporter's, plus a catalog namespace to test.
FIXTURE_POLICY_SET = PolicySet(
    catalog_namespaces=("storefront",),
    exemptions=(*DEFAULT_EXEMPTIONS, *Gatekeeper().policy_exemptions(), NODE_EXPORTER),
)

# fixture -> the violations it must produce, and nothing else: (policy, check, object, field)
EXPECTED: dict[str, set[tuple[str, str, str, str]]] = {
    "required-labels/fail-missing-labels.yaml": {
        (
            "required-labels",
            "missing-label",
            "ConfigMap/shop/settings",
            'metadata.labels["app.kubernetes.io/part-of"]',
        ),
    },
    "required-labels/fail-gatekeeper-lookalike.yaml": {
        (
            "required-labels",
            "missing-label",
            "Service/shop/gatekeeper-lookalike",
            'metadata.labels["app.kubernetes.io/part-of"]',
        ),
    },
    "required-labels/fail-pod-template-labels.yaml": {
        (
            "required-labels",
            "missing-pod-template-label",
            "Deployment/jobs/worker",
            'spec.template.metadata.labels["app.kubernetes.io/name"]',
        ),
        (
            "required-labels",
            "missing-pod-template-label",
            "Deployment/jobs/worker",
            'spec.template.metadata.labels["app.kubernetes.io/part-of"]',
        ),
    },
    "required-labels/fail-catalog-namespace.yaml": {
        (
            "required-labels",
            "missing-catalog-label",
            "Deployment/storefront/cart",
            'metadata.labels["backstage.io/kubernetes-id"]',
        ),
        (
            "required-labels",
            "missing-catalog-label",
            "Deployment/storefront/cart",
            'spec.template.metadata.labels["backstage.io/kubernetes-id"]',
        ),
    },
    "required-labels/fail-catalog-label-template.yaml": {
        (
            "required-labels",
            "missing-catalog-label",
            "StatefulSet/finance/ledger",
            'spec.template.metadata.labels["backstage.io/kubernetes-id"]',
        ),
    },
    "required-labels/fail-catalog-mismatch.yaml": {
        (
            "required-labels",
            "catalog-label-mismatch",
            "Deployment/shop/search",
            'spec.template.metadata.labels["backstage.io/kubernetes-id"]',
        ),
    },
    "container-security/fail-privilege-escalation.yaml": {
        (
            "container-security",
            "allow-privilege-escalation",
            "Deployment/shop/api",
            "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        ),
    },
    "container-security/fail-run-as-root.yaml": {
        (
            "container-security",
            "run-as-non-root",
            "Pod/shop/debug",
            "spec.containers[0].securityContext.runAsNonRoot",
        ),
    },
    "container-security/fail-capabilities.yaml": {
        (
            "container-security",
            "capabilities-drop-all",
            "StatefulSet/shop/queue",
            "spec.template.spec.containers[0].securityContext.capabilities.drop",
        ),
    },
    "container-security/fail-seccomp.yaml": {
        (
            "container-security",
            "seccomp-runtime-default",
            "Job/shop/migrate",
            "spec.template.spec.containers[0].securityContext.seccompProfile.type",
        ),
    },
    "container-security/fail-privileged.yaml": {
        (
            "container-security",
            "privileged",
            "CronJob/shop/cleanup",
            "spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged",
        ),
    },
    "container-security/fail-host-ipc.yaml": {
        ("container-security", "host-ipc", "ReplicaSet/shop/cache", "spec.template.spec.hostIPC"),
    },
    "container-security/fail-ephemeral-container.yaml": {
        (
            "container-security",
            "allow-privilege-escalation",
            "Pod/shop/web-inspect",
            "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
        ),
        (
            "container-security",
            "capabilities-drop-all",
            "Pod/shop/web-inspect",
            "spec.ephemeralContainers[0].securityContext.capabilities.drop",
        ),
    },
    "container-security/fail-node-exporter-outside-exemption.yaml": {
        (
            "container-security",
            "host-network",
            "DaemonSet/default/observability-prometheus-node-exporter",
            "spec.template.spec.hostNetwork",
        ),
        (
            "container-security",
            "host-pid",
            "DaemonSet/default/observability-prometheus-node-exporter",
            "spec.template.spec.hostPID",
        ),
    },
    "container-security/fail-node-exporter-beyond-exemption.yaml": {
        (
            "container-security",
            "privileged",
            "DaemonSet/monitoring/observability-prometheus-node-exporter",
            "spec.template.spec.containers[0].securityContext.privileged",
        ),
    },
    "container-security/fail-pod-outside-exemption.yaml": {
        ("container-security", "host-network", "Pod/monitoring/host-probe", "spec.hostNetwork"),
    },
    "no-inline-secrets/fail-secret-data.yaml": {
        ("no-inline-secrets", "secret-data", "Secret/shop/db-credentials", "data"),
        ("no-inline-secrets", "secret-data", "Secret/shop/api-token", "stringData"),
    },
    "no-inline-secrets/fail-env-literal.yaml": {
        (
            "no-inline-secrets",
            "env-literal",
            "Deployment/shop/orders",
            "spec.template.spec.containers[0].env[1].value",
        ),
        (
            "no-inline-secrets",
            "env-literal",
            "Deployment/shop/orders",
            "spec.template.spec.containers[0].env[2].value",
        ),
    },
    "no-inline-secrets/fail-application-helm-values.yaml": {
        (
            "no-inline-secrets",
            "helm-values-literal",
            "Application/argocd/analytics",
            "spec.sources[0].helm.values.auth.adminPassword",
        ),
        (
            "no-inline-secrets",
            "helm-values-literal",
            "Application/argocd/analytics",
            "spec.sources[0].helm.valuesObject.smtp.credentials[0]",
        ),
        (
            "no-inline-secrets",
            "helm-parameter-literal",
            "Application/argocd/analytics",
            "spec.sources[0].helm.parameters[1].value",
        ),
    },
    "no-inline-secrets/fail-application-helm-values-unparsable.yaml": {
        (
            "no-inline-secrets",
            "helm-values-unparsable",
            "Application/argocd/reports",
            "spec.source.helm.values",
        ),
    },
    "no-inline-secrets/values/fail-backstage-prd.yaml": {
        (
            "no-inline-secrets",
            "values-file-literal",
            "HelmValues/fail-backstage-prd",
            "upstream.backstage.appConfig.auth.providers.github.production.clientSecret",
        ),
        (
            "no-inline-secrets",
            "values-file-literal",
            "HelmValues/fail-backstage-prd",
            "upstream.backstage.extraEnvVars[0].value",
        ),
        (
            "no-inline-secrets",
            "values-file-literal",
            "HelmValues/fail-backstage-prd",
            "postgresql.auth.password",
        ),
    },
    "no-inline-secrets/values/fail-non-string-credentials.yaml": {
        (
            "no-inline-secrets",
            "values-file-literal",
            "HelmValues/fail-non-string-credentials",
            "redis.auth.password",
        ),
        (
            "no-inline-secrets",
            "values-file-literal",
            "HelmValues/fail-non-string-credentials",
            "database.password.value",
        ),
    },
    "pinned-images/fail-latest-tag.yaml": {
        (
            "pinned-images",
            "latest-tag",
            "Deployment/shop/recommender",
            "spec.template.spec.containers[0].image",
        ),
        (
            "pinned-images",
            "latest-tag",
            "Deployment/shop/ratings",
            "spec.template.spec.containers[0].image",
        ),
    },
    "pinned-images/fail-missing-tag.yaml": {
        (
            "pinned-images",
            "missing-tag",
            "Deployment/shop/reviews",
            "spec.template.spec.containers[0].image",
        ),
    },
    "container-resources/fail-missing-resources.yaml": {
        (
            "container-resources",
            "missing-limit",
            "Deployment/shop/shipping",
            "spec.template.spec.containers[0].resources.limits.memory",
        ),
        (
            "container-resources",
            "missing-request",
            "Deployment/shop/returns",
            "spec.template.spec.containers[0].resources.requests.cpu",
        ),
    },
    "container-resources/fail-init-container.yaml": {
        (
            "container-resources",
            "missing-request",
            "Job/shop/seed",
            "spec.template.spec.initContainers[0].resources.requests.cpu",
        ),
        (
            "container-resources",
            "missing-request",
            "Job/shop/seed",
            "spec.template.spec.initContainers[0].resources.requests.memory",
        ),
        (
            "container-resources",
            "missing-limit",
            "Job/shop/seed",
            "spec.template.spec.initContainers[0].resources.limits.memory",
        ),
    },
    "application-project/fail-unknown-project.yaml": {
        ("application-project", "unknown-project", "Application/argocd/orphan", "spec.project"),
        ("application-project", "unknown-project", "Application/argocd/misplaced", "spec.project"),
    },
}


def delivered(policy_set: PolicySet) -> list[Document]:
    """The policy objects a tree rendered with ``policy_set`` delivers, as the tree holds them."""
    return [
        Document(f"{layout.POLICY_FOLDER}/{o['kind'].lower()}-{o['metadata']['name']}.yaml", 0, o)
        for o in policy_objects(policy_set)
    ]


#: The platform's default policy set, as a tree delivers it.
DEFAULT = delivered(PolicySet())


def gator() -> Path:
    found = find_tool("gator", ROOT)
    if found is None:
        pytest.fail(f"gator is not installed: {INSTALL_HINT}")
    return found


def load(paths: Iterable[Path], base: Path = FIXTURES) -> list[Document]:
    documents = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for index, obj in enumerate(yaml.safe_load_all(text)):
            if obj is not None:
                documents.append(Document(path.relative_to(base).as_posix(), index, obj))
    return documents


def fixture_files(prefix: str) -> list[str]:
    return sorted(
        p.relative_to(FIXTURES).as_posix()
        for name in POLICY_NAMES
        for p in (FIXTURES / name).rglob(f"{prefix}-*.yaml")
    )


def as_tuple(finding: Finding) -> tuple[str, str, str, str]:
    kind, _, name = finding.rule.partition("/")
    check = re.match(r"\[([a-z-]+)\] ", finding.message)
    assert check, finding.render()
    assert KINDS[name] == kind, finding.rule
    return (name, check.group(1), finding.document or "", finding.field or "")


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> StepResult:
    """One gator run over every fixture of every policy, as one tree."""
    manifests = [
        p
        for name in POLICY_NAMES
        for p in (FIXTURES / name).rglob("*.yaml")
        if "values" not in p.parts
    ]
    values = {
        p.relative_to(FIXTURES).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in (FIXTURES / "no-inline-secrets" / "values").glob("*.yaml")
    }
    return run_policies(
        load(sorted(manifests)),
        delivered(FIXTURE_POLICY_SET),
        gator=gator(),
        workdir=tmp_path_factory.mktemp("gator"),
        values_files=values,
    )


def findings_of(result: StepResult, file: str) -> list[Finding]:
    return [f for f in result.findings if f.file == file]


@pytest.mark.parametrize("fixture", fixture_files("fail"))
def test_known_bad_fixture_fails_for_its_reason(fixture_run: StepResult, fixture: str) -> None:
    assert fixture in EXPECTED, f"{fixture} has no expected violations in EXPECTED"
    found = findings_of(fixture_run, fixture)
    assert {as_tuple(f) for f in found} == EXPECTED[fixture], "\n".join(f.render() for f in found)
    assert len(found) == len(EXPECTED[fixture])


@pytest.mark.parametrize("fixture", fixture_files("pass"))
def test_good_fixture_passes(fixture_run: StepResult, fixture: str) -> None:
    assert findings_of(fixture_run, fixture) == []


def test_every_policy_has_good_and_bad_fixtures_and_every_check_can_fail() -> None:
    for name in POLICY_NAMES:
        assert any(f.startswith(f"{name}/") for f in fixture_files("fail")), name
        assert any(f.startswith(f"{name}/") for f in fixture_files("pass")), name
    assert set(EXPECTED) == set(fixture_files("fail"))
    proven = {(policy, check) for expected in EXPECTED.values() for policy, check, _, _ in expected}
    assert proven == {(p.name, check) for p in POLICIES for check in p.checks}


def test_the_report_names_policy_object_and_field(fixture_run: StepResult) -> None:
    assert fixture_run.name == "policies"
    assert fixture_run.status is Status.FAILED
    assert fixture_run.detail.startswith(
        "55 objects (52 documents, 3 values files), 6 constraints of 6 templates"
    )
    (line,) = [
        f.render()
        for f in findings_of(fixture_run, "container-security/fail-privilege-escalation.yaml")
    ]
    assert line == (
        "container-security/fail-privilege-escalation.yaml [Deployment/shop/api] "
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: "
        "PlatformContainerSecurity/container-security: [allow-privilege-escalation] "
        'container "api" must set securityContext.allowPrivilegeEscalation to false'
    )
    assert fixture_run.findings == sorted(
        fixture_run.findings, key=lambda f: (f.file, f.document or "", f.field or "", f.rule)
    )


def test_exemptions_follow_the_controller_chain(tmp_path: Path) -> None:
    reason = "legacy image runs as root until its rewrite ships"
    policy_set = PolicySet(
        exemptions=(
            Exemption(
                "container-security",
                "Deployment",
                "legacy",
                "legacy-app",
                reason,
                checks=("run-as-non-root",),
            ),
            Exemption("pinned-images", "Deployment", "legacy", "legacy-app", reason),
            Exemption(
                "container-security",
                "CronJob",
                "legacy",
                "report",
                reason,
                checks=("run-as-non-root",),
            ),
        )
    )
    documents = load((FIXTURES / "exemptions").glob("*.yaml"), FIXTURES / "exemptions")
    result = run_policies(documents, delivered(policy_set), gator=gator(), workdir=tmp_path)
    assert findings_of(result, "pass-controller-chain.yaml") == []
    assert {as_tuple(f) for f in findings_of(result, "fail-not-in-chain.yaml")} == {
        (
            "container-security",
            "run-as-non-root",
            "Pod/legacy/legacy-app-6d4b9c8f7-fake1",
            "spec.containers[0].securityContext.runAsNonRoot",
        ),
        (
            "container-security",
            "run-as-non-root",
            "Deployment/modern/legacy-app",
            "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        ),
        (
            "pinned-images",
            "latest-tag",
            "Deployment/modern/legacy-app",
            "spec.template.spec.containers[0].image",
        ),
    }
    # Without the exemptions, the chain itself fails.
    plain = run_policies(documents, DEFAULT, gator=gator(), workdir=tmp_path / "plain")
    assert {f.document for f in findings_of(plain, "pass-controller-chain.yaml")} == {
        "Deployment/legacy/legacy-app",
        "ReplicaSet/legacy/legacy-app-6d4b9c8f7",
        "Pod/legacy/legacy-app-6d4b9c8f7-q2x9z",
        "Pod/legacy/report-29130960-8kz4d",
    }


def test_ci_evaluates_exactly_the_templates_and_constraints_it_is_given(tmp_path: Path) -> None:
    given = delivered(PolicySet(catalog_namespaces=("chat-api",)))
    run_policies([], given, gator=gator(), workdir=tmp_path)
    evaluated = [
        json.loads(line)
        for line in (tmp_path / "policy-set.yaml").read_text(encoding="utf-8").split("\n---\n")
    ]
    # The sync Config is not policy: gator gets the templates and the constraints.
    assert evaluated == [d.obj for d in given if d.obj["kind"] != "Config"]
    assert len(evaluated) == 2 * len(POLICIES)


def test_only_policy_objects_of_the_policy_folder_are_delivered_policy() -> None:
    elsewhere = [
        Document(f"infra/base/addons/team/{d.origin.rsplit('/')[-1]}", 0, d.obj) for d in DEFAULT
    ]
    config = next(d for d in DEFAULT if d.obj["kind"] == "Config")
    found = delivered_policy([*DEFAULT, *elsewhere])
    assert found == [d for d in DEFAULT if d is not config]


def test_a_tree_without_a_policy_set_is_not_run_never_passed(tmp_path: Path) -> None:
    documents = load([FIXTURES / "pinned-images" / "fail-latest-tag.yaml"])
    result = run_policies(documents, [], gator=gator(), workdir=tmp_path)
    assert result.status is Status.NOT_RUN
    assert result.detail == (
        "the tree delivers no policy set (no ConstraintTemplate under infra/base/addons/policy/)"
    )


def test_a_constraint_without_its_template_is_reported(tmp_path: Path) -> None:
    without = [d for d in DEFAULT if d.obj["kind"] != "ConstraintTemplate" or "pinned" not in d.ref]
    result = run_policies([], without, gator=gator(), workdir=tmp_path)
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert finding.file == f"{layout.POLICY_FOLDER}/platformpinnedimages-pinned-images.yaml"
    assert finding.document == "PlatformPinnedImages/pinned-images"
    assert "has no ConstraintTemplate in the delivered policy set" in finding.message


def test_the_values_wrapper_is_the_kind_the_inline_secrets_policy_matches() -> None:
    wrapped = helm_values_object("backstage-base", {"a": 1})
    group, _, _ = wrapped["apiVersion"].partition("/")
    (secrets,) = [d.obj for d in DEFAULT if d.obj["kind"] == "PlatformNoInlineSecrets"]
    assert {"apiGroups": [group], "kinds": [wrapped["kind"]]} in secrets["spec"]["match"]["kinds"]


def test_the_policy_objects_pass_their_own_policies(tmp_path: Path) -> None:
    documents = [
        Document(f"{layout.POLICY_FOLDER}/{o['kind'].lower()}-{o['metadata']['name']}.yaml", 0, o)
        for o in policy_objects(PolicySet())
    ]
    result = run_policies(documents, delivered_policy(documents), gator=gator(), workdir=tmp_path)
    assert result.status is Status.PASSED, [f.render() for f in result.findings]
    assert (
        result.detail == "13 objects (13 documents, 0 values files), 6 constraints of 6 templates"
    )


def test_policy_kinds_in_the_tree_are_reviewed_as_objects_not_loaded(tmp_path: Path) -> None:
    foreign_template: dict[str, Any] = {
        "apiVersion": "templates.gatekeeper.sh/v1",
        "kind": "ConstraintTemplate",
        "metadata": {"name": "k8sbroken"},
        "spec": {
            "crd": {"spec": {"names": {"kind": "K8sBroken"}}},
            "targets": [
                {"target": "admission.k8s.gatekeeper.sh", "rego": "package x\nthis is not rego"}
            ],
        },
    }
    orphan_constraint = {
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": "K8sUndefined",
        "metadata": {
            "name": "orphan",
            "labels": {"app.kubernetes.io/name": "orphan", "app.kubernetes.io/part-of": "other"},
        },
        "spec": {"match": {"kinds": [{"apiGroups": ["*"], "kinds": ["*"]}]}},
    }
    documents = [
        Document("infra/base/policy/broken.yaml", 0, foreign_template),
        Document("infra/base/policy/orphan.yaml", 0, orphan_constraint),
    ]
    result = run_policies(documents, DEFAULT, gator=gator(), workdir=tmp_path)
    assert [(f.file, f.document, f.rule, f.field) for f in result.findings] == [
        (
            "infra/base/policy/broken.yaml",
            "ConstraintTemplate/k8sbroken",
            "PlatformRequiredLabels/required-labels",
            f'metadata.labels["{label}"]',
        )
        for label in ("app.kubernetes.io/name", "app.kubernetes.io/part-of")
    ]


def test_values_files_are_named_after_component_and_file(tmp_path: Path) -> None:
    values = {
        "infra/platform/values/backstage/prd.yaml": {"auth": {"password": "literal"}},
        "infra/platform/values/backstage/base.yaml": {"auth": {"existingSecret": "backstage"}},
        "infra/platform/values/vector/dev.yaml": None,
    }
    result = run_policies([], DEFAULT, gator=gator(), workdir=tmp_path, values_files=values)
    assert [(f.file, f.document, f.field) for f in result.findings] == [
        ("infra/platform/values/backstage/prd.yaml", "HelmValues/backstage-prd", "auth.password")
    ]
    assert result.detail.startswith("3 objects (0 documents, 3 values files)")


def test_a_document_that_is_not_an_object_is_reported(tmp_path: Path) -> None:
    documents = [Document("infra/odd.yaml", 2, {"metadata": {"name": "x"}})]
    result = run_policies(documents, DEFAULT, gator=gator(), workdir=tmp_path)
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert finding.file == "infra/odd.yaml"
    assert "document 2 is not a Kubernetes object" in finding.message


def test_a_gator_failure_is_reported_not_passed(tmp_path: Path) -> None:
    # gator refuses a Namespace whose label is not a string (it cannot cache it).
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "odd", "labels": {"app.kubernetes.io/name": True}},
    }
    result = run_policies(
        [Document("infra/ns.yaml", 0, namespace)], DEFAULT, gator=gator(), workdir=tmp_path
    )
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert finding.message.startswith("gator could not run: ")
    assert "Namespace" in finding.message


def test_a_missing_gator_fails_with_the_install_hint(tmp_path: Path) -> None:
    result = run_policies([], DEFAULT, gator=tmp_path / "bin" / "gator", workdir=tmp_path)
    assert result.status is Status.FAILED
    assert "run `gitops-platform tools install`" in result.findings[0].message


def test_missing_gator_fails_with_the_install_hint(tmp_path: Path) -> None:
    outcome = run_policies([], DEFAULT, gator=tmp_path / "no-gator", workdir=tmp_path / "work")
    assert outcome.status is Status.FAILED
    [finding] = outcome.findings
    assert "gator is not installed" in finding.message
    assert "gitops-platform tools install" in finding.message
    assert "make" not in finding.message

"""Findings name the file to edit: the Application manifest that writes a chart version, the
values file and dotted key of an unknown key, and the pod template field Pod Security refuses.

Each known-bad tree is a copy of ``dist/`` with one defect, validated as a foreign tree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitops_platform.validation.pipeline import resolve_steps, validate_tree
from gitops_platform.validation.report import Status, StepResult
from gitops_platform.validation.server_dry_run import pod_security_field
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT, find_tool

APP = "infra/platform/apps/ingress-application.yaml"
PSA = (
    'would violate PodSecurity "restricted:latest": privileged (container "bad" must not set '
    'securityContext.privileged=true), allowPrivilegeEscalation != false (container "bad" must '
    "set securityContext.allowPrivilegeEscalation=false)"
)


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    for tool in ("kustomize", "helm"):
        find_tool(tool)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(ROOT / "dist", copy)
    return copy


def _step(tree: Path, name: str) -> StepResult:
    settings = Settings.make(tree, repo_root=ROOT, freshness=False)
    report = validate_tree(settings, resolve_steps([name]))
    return next(r for r in report.results if r.name == name)


def test_a_wrong_chart_version_names_the_application_manifest(tree: Path) -> None:
    app = tree / APP
    text = app.read_text()
    assert "targetRevision: 41.3.0" in text
    app.write_text(text.replace("targetRevision: 41.3.0", "targetRevision: 41.3.9"))
    outcome = _step(tree, "helm-render")
    assert outcome.status is Status.FAILED, outcome.detail
    wrong = [f for f in outcome.findings if "traefik 41.3.9" in f.message]
    assert len(wrong) == 2, [f.render() for f in outcome.findings]  # dev and prd
    assert {(f.file, f.document, f.field) for f in wrong} == {
        (APP, "Application/argocd/ingress", "spec.sources[1].targetRevision")
    }
    assert {"Application ingress-dev", "Application ingress-prd"} == {
        m for f in wrong for m in ("Application ingress-dev", "Application ingress-prd")
        if m in f.message
    }  # fmt: skip


def test_a_version_an_overlay_changes_stays_with_the_overlay(tree: Path) -> None:
    kustomization = tree / "infra/clusters/dev/kustomization.yaml"
    patch = (
        "  - target:\n      group: argoproj.io\n      version: v1alpha1\n      kind: Application\n"
        "      name: ingress\n    patch: |\n      - op: replace\n"
        "        path: /spec/sources/1/targetRevision\n        value: 41.3.9\n"
    )
    kustomization.write_text(kustomization.read_text() + patch)
    outcome = _step(tree, "helm-render")
    [wrong] = [f for f in outcome.findings if "traefik 41.3.9" in f.message]
    assert wrong.file == "kustomize build infra/clusters/dev"
    assert wrong.document == "Application/argocd/ingress-dev"


def test_an_unknown_values_key_names_the_values_file_and_the_key(tree: Path) -> None:
    with (tree / "infra/platform/values/ingress/base.yaml").open("a") as stream:
        stream.write("notAKey:\n  nested: 1\n")
    with (tree / "infra/platform/values/ingress/dev.yaml").open("a") as stream:
        stream.write("ports:\n  web:\n    bogus: 1\n")
    outcome = _step(tree, "helm-values")
    assert outcome.status is Status.FAILED
    located = {(f.file, f.field, f.document) for f in outcome.findings}
    assert located == {
        ("infra/platform/values/ingress/base.yaml", "notAKey", "Application/argocd/ingress-dev"),
        ("infra/platform/values/ingress/base.yaml", "notAKey", "Application/argocd/ingress-prd"),
        ("infra/platform/values/ingress/dev.yaml", "ports.web.bogus",
         "Application/argocd/ingress-dev"),
    }  # fmt: skip
    assert all("unknown key" in f.message for f in outcome.findings)


def _workload(kind: str, containers: list[str]) -> dict[str, object]:
    spec = {"containers": [{"name": n} for n in containers]}
    if kind == "CronJob":
        return {"kind": kind, "spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}
    return {"kind": kind, "spec": {"template": {"spec": spec}}}


@pytest.mark.parametrize(
    ("obj", "warning", "expected"),
    [
        (_workload("Deployment", ["bad"]), PSA, "spec.template.spec.containers[0].securityContext"),
        (_workload("Deployment", ["ok", "bad"]), PSA,
         "spec.template.spec.containers[1].securityContext"),
        (_workload("CronJob", ["bad"]), PSA,
         "spec.jobTemplate.spec.template.spec.containers[0].securityContext"),
        (_workload("Deployment", ["x"]),
         'would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)',
         "spec.template.spec.securityContext"),
        (_workload("Deployment", ["x"]),
         'would violate PodSecurity "baseline:latest": hostPath volumes (volume "data")',
         "spec.template.spec.volumes"),
        (_workload("Deployment", ["bad"]), "apps/v1beta1 Deployment is deprecated", None),
        ({"kind": "ConfigMap"}, PSA, None),
    ],
    ids=["container", "second-container", "cronjob", "pod-level", "volumes", "other", "no-pod"],
)  # fmt: skip
def test_pod_security_warnings_name_the_pod_template_field(
    obj: dict[str, object], warning: str, expected: str | None
) -> None:
    assert pod_security_field(obj, warning) == expected

"""Charts kept in the repository are rendered per environment like every other chart, and two
Applications of one cluster never own the same object (nor two default IngressClasses).

The known-bad trees are synthesised from the example components, a defect injected, then
validated as foreign trees: the chart kept in the repository gains a privileged Deployment that
reads a missing Secret; a second Traefik keeps the defaults that only one instance may have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_platform import (
    AcmeIssuer,
    CertManager,
    Gatekeeper,
    PlatformApp,
    PlatformComponent,
    SelfSignedIssuer,
    Traefik,
)
from gitops_platform.errors import InvalidValueError
from gitops_platform.validation.pipeline import PipelineReport, resolve_steps, validate_tree
from gitops_platform.validation.references import (
    DEFAULT_CLASS_ANNOTATION,
    ObjectSet,
    Placed,
    check_ownership,
)
from gitops_platform.validation.report import Document, Status, StepResult
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT, find_tool
from tests.examples.chat_api import ChatApi, write_chart
from tests.helpers import spec

#: A Deployment Pod Security "restricted" and the policy set refuse, reading a missing Secret.
BAD_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  selector:
    matchLabels: {app: bad}
  template:
    metadata:
      labels: {app: bad}
    spec:
      containers:
        - name: bad
          image: "ghcr.io/example-org/bad:1.0.0"
          securityContext:
            privileged: true
          env:
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: missing-secret, key: token}
"""


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    for tool in ("kustomize", "helm"):
        find_tool(tool)


def _validate(tree: Path, steps: str) -> PipelineReport:
    settings = Settings.make(tree, repo_root=ROOT, freshness=False)
    return validate_tree(settings, resolve_steps([steps]))


def _result(report: PipelineReport, name: str) -> StepResult:
    return next(r for r in report.results if r.name == name)


def _synth(tmp_path: Path, *extra: PlatformComponent) -> Path:
    ingress = Traefik()
    tls = CertManager(
        issuers={
            "dev": SelfSignedIssuer(),
            "prd": AcmeIssuer(email="ops@example.com", ingress=ingress),
        }
    )
    chart = write_chart(tmp_path / "src" / "charts" / "chat-api")
    components = [tls, ingress, Gatekeeper(), ChatApi(ingress=ingress, tls=tls, chart_folder=chart)]
    return PlatformApp(spec(), [*components, *extra]).synth(tmp_path / "dist")


# -- a chart kept in the repository ----------------------------------------------------------


@pytest.fixture(scope="module")
def chart_defect(tmp_path_factory: pytest.TempPathFactory) -> PipelineReport:
    tree = _synth(tmp_path_factory.mktemp("tree-chart"))
    template = tree / "apps" / "chat-api" / "chart" / "templates" / "bad.yaml"
    template.write_text(BAD_DEPLOYMENT, encoding="utf-8")
    find_tool("gator")
    return _validate(tree, "policies,references,dry-run")


def test_a_tree_chart_is_rendered_per_environment_with_its_values(tmp_path: Path) -> None:
    tree = _synth(tmp_path)
    report = _validate(tree, "helm-render")
    render = _result(report, "helm-render")
    assert render.status is Status.PASSED, [f.render() for f in render.findings]
    assert "8 of 8 chart sources rendered (4 charts," in render.detail
    assert (
        "apps/chat-api/chart at each environment's pin: the chart folder of the validated "
        "tree" in render.detail
    )


def test_references_see_the_objects_of_a_tree_chart(chart_defect: PipelineReport) -> None:
    outcome = _result(chart_defect, "references")
    assert outcome.status is Status.FAILED
    missing = [f for f in outcome.findings if "chat-api/missing-secret" in f.message]
    assert {f.message.rsplit(" ", 1)[-1] for f in missing} == {"dev", "prd"}
    assert all(f.document == "Deployment/chat-api/bad" for f in missing)
    assert all("Application chat-api-" in f.file for f in missing)


def test_policies_see_the_objects_of_a_tree_chart(chart_defect: PipelineReport) -> None:
    outcome = _result(chart_defect, "policies")
    assert outcome.status is Status.FAILED
    privileged = [
        f
        for f in outcome.findings
        if f.document == "Deployment/bad" and "apps/chat-api/chart" in f.file
        and "privileged" in f.message
    ]  # fmt: skip
    assert privileged, [f.render() for f in outcome.findings]


def test_the_dry_run_applies_the_objects_of_a_tree_chart(chart_defect: PipelineReport) -> None:
    outcome = _result(chart_defect, "dry-run")
    assert outcome.status is Status.FAILED
    refused = [f for f in outcome.findings if 'would violate PodSecurity "restricted' in f.message]
    assert {f.document for f in refused} == {"Deployment/chat-api/bad"}
    assert len(refused) == 2  # one per environment


# -- one object, two Applications --------------------------------------------------------


def _placed(obj: dict[str, Any], app: str, namespace: str = "", cluster: str = "dev") -> Placed:
    return Placed(Document(f"render of {app}", 0, obj), namespace, app, cluster)


def _ingress_class(name: str, default: bool) -> dict[str, Any]:
    annotations = {DEFAULT_CLASS_ANNOTATION: "true"} if default else {}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "IngressClass",
        "metadata": {"name": name, "annotations": annotations},
    }


CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "middlewares.traefik.io"},
}
CONFIG: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}


def test_an_object_two_applications_deploy_names_both() -> None:
    objects = ObjectSet("dev", [_placed(CRD, "ingress-dev"), _placed(CRD, "internal-dev")])
    [finding] = check_ownership(objects)
    assert finding.rule == "references/shared-object"
    assert finding.document == "CustomResourceDefinition/middlewares.traefik.io"
    assert "ingress-dev, internal-dev" in finding.message
    assert "SharedResourceWarning" in finding.message


def test_a_namespaced_object_two_applications_deploy_is_reported() -> None:
    objects = ObjectSet("dev", [_placed(CONFIG, "a", "shared"), _placed(CONFIG, "b", "shared")])
    [finding] = check_ownership(objects)
    assert finding.document == "ConfigMap/shared/settings"


@pytest.mark.parametrize(
    "objects",
    [
        [_placed(CRD, "ingress-dev"), _placed(CRD, "ingress-dev")],  # one Application
        [_placed(CRD, "a", cluster="dev"), _placed(CRD, "b", cluster="other")],  # two clusters
        [_placed(CONFIG, "a", "one"), _placed(CONFIG, "b", "two")],  # two namespaces
        [_placed(_ingress_class("a", True), "a"), _placed(_ingress_class("b", False), "b")],
    ],
    ids=["one-application", "two-clusters", "two-namespaces", "one-default-class"],
)
def test_objects_owned_once_pass(objects: list[Placed]) -> None:
    assert check_ownership(ObjectSet("dev", objects)) == []


def test_two_default_ingress_classes_in_one_cluster_are_reported() -> None:
    objects = ObjectSet(
        "dev",
        [_placed(_ingress_class("traefik", True), "a"), _placed(_ingress_class("int", True), "b")],
    )
    [finding] = check_ownership(objects)
    assert finding.rule == "references/default-ingress-class"
    assert "int (Application b), traefik (Application a)" in finding.message
    assert finding.field == f"metadata.annotations.{DEFAULT_CLASS_ANNOTATION}"


def test_a_second_traefik_with_the_defaults_fails_the_references(tmp_path: Path) -> None:
    second = Traefik(name="ingress-internal", namespace="traefik-internal", class_name="internal")
    outcome = _result(_validate(_synth(tmp_path, second), "references"), "references")
    assert outcome.status is Status.FAILED
    shared = [f for f in outcome.findings if f.rule == "references/shared-object"]
    crds = {
        f.document for f in shared if (f.document or "").startswith("CustomResourceDefinition/")
    }
    assert len(crds) == 25
    assert all("ingress-dev, ingress-internal-dev" in f.message for f in shared if
               "environment dev" in f.message)  # fmt: skip
    defaults = [f for f in outcome.findings if f.rule == "references/default-ingress-class"]
    assert len(defaults) == 2  # one per environment
    assert all("internal (Application ingress-internal-" in f.message for f in defaults)


def test_a_second_traefik_without_default_class_nor_crds_passes(tmp_path: Path) -> None:
    second = Traefik(
        name="ingress-internal",
        namespace="traefik-internal",
        class_name="internal",
        default_class=False,
        install_crds=False,
    )
    tree = _synth(tmp_path, second)
    app = yaml.safe_load(
        (tree / "infra/platform/apps/ingress-internal-application.yaml").read_text()
    )
    [chart] = [s for s in app["spec"]["sources"] if "chart" in s]
    assert chart["helm"]["skipCrds"] is True
    base = yaml.safe_load((tree / "infra/platform/values/ingress-internal/base.yaml").read_text())
    assert base["ingressClass"]["isDefaultClass"] is False
    outcome = _result(_validate(tree, "references"), "references")
    assert outcome.status is Status.PASSED, [f.render() for f in outcome.findings]


@pytest.mark.parametrize("option", ["default_class", "install_crds"])
def test_traefik_options_are_bools(option: str) -> None:
    with pytest.raises(InvalidValueError, match=option):
        Traefik(**{option: "no"})  # type: ignore[arg-type]

"""The pipeline as data: the timing wrapper, the lazily computed shared inputs, tree problems
always reported (through the command line), and step 6 evaluating the policy set the tree
delivers rather than a default rebuilt in code."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_platform import layout
from gitops_platform.policy import PolicySet, policy_objects
from gitops_platform.validation import argo_tree, kustomize
from gitops_platform.validation.pipeline import (
    NUMBERS,
    STEP_NAMES,
    STEPS,
    Context,
    PipelineReport,
    Step,
    resolve_steps,
    timed,
    validate_tree,
)
from gitops_platform.validation.report import Status, StepResult
from gitops_platform.validation.schemas import build_store
from gitops_platform.validation.settings import Settings
from gitops_platform.validation.tree import load_tree
from tests.conftest import ROOT, find_tool

FIXTURES = ROOT / "tests" / "fixtures" / "validation"

#: A workload every default policy accepts, in a namespace no default names.
CART: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "cart",
        "namespace": "shop",
        "labels": {"app.kubernetes.io/name": "cart", "app.kubernetes.io/part-of": "shop"},
    },
    "spec": {
        "selector": {"matchLabels": {"app.kubernetes.io/name": "cart"}},
        "template": {
            "metadata": {
                "labels": {"app.kubernetes.io/name": "cart", "app.kubernetes.io/part-of": "shop"}
            },
            "spec": {
                "securityContext": {
                    "runAsNonRoot": True,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containers": [
                    {
                        "name": "cart",
                        "image": "registry.example.com/shop/cart:1.4.2",
                        "securityContext": {
                            "allowPrivilegeEscalation": False,
                            "capabilities": {"drop": ["ALL"]},
                        },
                        "resources": {
                            "requests": {"cpu": "50m", "memory": "64Mi"},
                            "limits": {"memory": "128Mi"},
                        },
                    }
                ],
            },
        },
    },
}


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    for tool in ("kustomize", "kubeconform", "gator"):
        find_tool(tool)


def write(path: Path, objects: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(objects, sort_keys=False), encoding="utf-8")


def policy_tree(root: Path, objects: list[dict[str, Any]]) -> Path:
    """A tree delivering ``objects`` as its policy set (one file each) and the cart workload."""
    for obj in objects:
        name = f"{obj['kind'].lower()}-{obj['metadata']['name']}.yaml"
        write(root / layout.POLICY_FOLDER / name, [obj])
    write(root / "infra" / "shop" / "deployment-cart.yaml", [CART])
    return root


def validate(tree: Path, steps: str) -> PipelineReport:
    settings = Settings.make(tree, repo_root=ROOT, freshness=False)
    return validate_tree(settings, resolve_steps([steps]))


def result(report: PipelineReport, step: str) -> StepResult:
    return next(r for r in report.results if r.name == step)


# -- steps as data ---------------------------------------------------------------------------


def test_every_step_is_one_object_and_the_report_order_is_unchanged() -> None:
    assert [s.name for s in STEPS if s.name != "tree"] == [
        "freshness", "yamllint", "kustomize", "helm-values", "helm-charts", "helm-render",
        "kubeconform", "policies", "argocd", "secrets", "references", "backstage", "dry-run",
        "vector-config", "telemetry-links", "prometheus-rules", "network",
    ]  # fmt: skip
    assert list(NUMBERS.items()) == [
        ("tree", "0"), ("freshness", "1"), ("yamllint", "2"), ("kustomize", "3"),
        ("kubeconform", "4"), ("helm-values", "5a"), ("helm-charts", "5b"),
        ("helm-render", "5c"), ("policies", "6"), ("argocd", "7"), ("secrets", "8"),
        ("references", "9"), ("backstage", "9b"), ("dry-run", "10"), ("vector-config", "11"),
        ("telemetry-links", "12"), ("prometheus-rules", "13"), ("network", "14"),
    ]  # fmt: skip
    assert tuple(n for n in NUMBERS if n != "tree") == STEP_NAMES
    assert (
        resolve_steps(["5"])
        == resolve_steps(["helm"])
        == {
            "helm-values",
            "helm-charts",
            "helm-render",
        }
    )
    assert resolve_steps(["6,argocd"]) == {"policies", "argocd"}
    with pytest.raises(ValueError, match="unknown step 'tree'"):
        resolve_steps(["tree"])  # always run, never selected


def test_the_timing_wrapper_measures_the_step_with_the_clock(tmp_path: Path) -> None:
    ticks = iter([100.0, 102.25])
    seen: list[Context] = []

    def run(context: Context) -> StepResult:
        seen.append(context)
        return StepResult("probe", Status.PASSED, [], "ran", seconds=99.0)

    context = Context(Settings.make(tmp_path, repo_root=ROOT), set(), tmp_path)
    outcome = timed(Step("probe", "9", run), context, clock=lambda: next(ticks))
    assert seen == [context]
    assert outcome.seconds == 2.25  # the wrapper's measure, whatever the step said
    assert (outcome.name, outcome.status, outcome.detail) == ("probe", Status.PASSED, "ran")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the computations of the shared inputs during a run."""
    calls: Counter[str] = Counter()

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    where = "gitops_platform.validation.pipeline"
    monkeypatch.setattr(f"{where}.load_tree", counting("tree", load_tree))
    monkeypatch.setattr(f"{where}.kustomize.build_all", counting("builds", kustomize.build_all))
    monkeypatch.setattr(
        f"{where}.argo_tree.walk_from_root", counting("inventory", argo_tree.walk_from_root)
    )
    monkeypatch.setattr(f"{where}.build_store", counting("schemas", build_store))
    return calls


def test_shared_inputs_are_computed_once_for_every_step_that_uses_them(
    counted: Counter[str],
) -> None:
    report = validate(FIXTURES / "good", "yamllint,kustomize,kubeconform,helm-values,argocd,6")
    assert not report.failed, report.render()
    # tree: read by every step; builds: kustomize, kubeconform, the walk; inventory: helm-values
    # and argocd; schemas: kubeconform and argocd (no chart output, so no second store).
    assert counted == {"tree": 1, "builds": 1, "inventory": 1, "schemas": 1}


def test_an_input_no_selected_step_needs_is_never_computed(counted: Counter[str]) -> None:
    report = validate(FIXTURES / "good", "yamllint")
    assert result(report, "yamllint").status is Status.PASSED
    assert counted == {"tree": 1}


# -- case: tree problems are reported whatever --steps selects --------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{ROOT / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    command = [str(Path(sys.executable).parent / "gitops-platform"), "validate", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("steps", ["policies", "argocd", "6,7"])
def test_a_manifest_that_does_not_parse_fails_any_selection(tmp_path: Path, steps: str) -> None:
    tree = policy_tree(tmp_path / "tree", policy_objects(PolicySet()))
    broken = tree / "infra" / "shop" / "configmap-broken.yaml"
    broken.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\n")
    run = _cli(str(tree), "--steps", steps)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "[ 0] tree         FAILED" in run.stdout
    assert "infra/shop/configmap-broken.yaml: yaml: does not parse:" in run.stdout
    assert "validation FAILED (tree)" in run.stdout
    # The selected steps themselves ran on what did parse, and passed.
    for name in resolve_steps([steps]):
        assert f"] {name:<12} passed" in run.stdout, run.stdout


def test_a_tree_that_parses_passes_the_tree_step(tmp_path: Path) -> None:
    tree = policy_tree(tmp_path / "tree", policy_objects(PolicySet()))
    run = _cli(str(tree), "--steps", "policies")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[ 0] tree         passed" in run.stdout
    assert "[ 6] policies     passed" in run.stdout


# -- case: step 6 evaluates the policy set the tree delivers ----------------------------------


def test_a_customised_policy_parameter_in_the_tree_changes_the_outcome(tmp_path: Path) -> None:
    default = validate(policy_tree(tmp_path / "default", policy_objects(PolicySet())), "policies")
    assert result(default, "policies").status is Status.PASSED, default.render()

    custom = PolicySet(catalog_namespaces=("shop",))
    report = validate(policy_tree(tmp_path / "custom", policy_objects(custom)), "policies")
    outcome = result(report, "policies")
    assert outcome.status is Status.FAILED
    assert {(f.file, f.document, f.rule) for f in outcome.findings} == {
        (
            "infra/shop/deployment-cart.yaml",
            "Deployment/shop/cart",
            "PlatformRequiredLabels/required-labels",
        )
    }
    assert all("backstage.io/kubernetes-id" in (f.field or "") for f in outcome.findings)


def test_an_extra_constraint_in_the_tree_is_evaluated(tmp_path: Path) -> None:
    objects = policy_objects(PolicySet())
    required = next(o for o in objects if o["kind"] == "PlatformRequiredLabels")
    extra = copy.deepcopy(required)
    extra["metadata"]["name"] = "owner-label"
    extra["metadata"]["labels"]["app.kubernetes.io/name"] = "owner-label"
    extra["spec"]["parameters"]["labels"] = ["example.com/owner"]
    report = validate(policy_tree(tmp_path / "tree", [*objects, extra]), "policies")
    outcome = result(report, "policies")
    assert outcome.status is Status.FAILED
    assert "7 constraints of 6 templates" in outcome.detail
    # The extra constraint applies to everything (the policy objects too); the cart lacks it.
    assert {f.rule for f in outcome.findings} == {"PlatformRequiredLabels/owner-label"}
    cart = {(f.file, f.field) for f in outcome.findings if f.document == "Deployment/shop/cart"}
    assert cart == {
        ("infra/shop/deployment-cart.yaml", 'metadata.labels["example.com/owner"]'),
        ("infra/shop/deployment-cart.yaml", 'spec.template.metadata.labels["example.com/owner"]'),
    }


def test_the_argocd_namespace_the_tree_names_is_where_projects_are_looked_up(
    tmp_path: Path,
) -> None:
    """A platform whose Argo CD runs in ``gitops``: the tree's constraint says so, CI follows."""
    project = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {
            "name": "shop",
            "namespace": "gitops",
            "labels": {"app.kubernetes.io/name": "shop", "app.kubernetes.io/part-of": "shop"},
        },
        "spec": {"sourceRepos": ["*"], "destinations": [{"namespace": "shop", "name": "dev"}]},
    }
    application = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": "cart",
            "namespace": "gitops",
            "labels": {"app.kubernetes.io/name": "cart", "app.kubernetes.io/part-of": "shop"},
        },
        "spec": {
            "project": "shop",
            "source": {"repoURL": "https://git.example.com/shop.git", "path": "cart"},
            "destination": {"name": "dev", "namespace": "shop"},
        },
    }
    outcomes = {}
    for namespace in ("argocd", "gitops"):
        tree = policy_tree(
            tmp_path / namespace, policy_objects(PolicySet(argocd_namespace=namespace))
        )
        write(tree / "infra" / "shop" / "argocd.yaml", [project, application])
        outcomes[namespace] = result(validate(tree, "policies"), "policies")
    assert outcomes["gitops"].status is Status.PASSED, outcomes["gitops"]
    assert [f.document for f in outcomes["argocd"].findings] == ["Application/gitops/cart"]


def test_a_tree_without_a_policy_set_says_so_and_is_not_a_pass(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write(tree / "infra" / "shop" / "deployment-cart.yaml", [CART])
    report = validate(tree, "policies")
    outcome = result(report, "policies")
    assert outcome.status is Status.NOT_RUN
    assert "the tree delivers no policy set" in outcome.detail
    assert "not run: the tree delivers no policy set" in report.render()

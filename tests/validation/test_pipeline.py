"""The validation pipeline end to end, with the real tools: each known-bad fixture fails its
step and the report names the problem (file, document, field or rule); a good tree passes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_platform.validation import freshness, helm_charts
from gitops_platform.validation.pipeline import (
    STEP_NAMES,
    PipelineReport,
    resolve_steps,
    validate_tree,
)
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.settings import Settings
from gitops_platform.validation.tree import load_tree
from tests.conftest import ROOT, find_tool

FIXTURES = ROOT / "tests" / "fixtures" / "validation"
UPSTREAM = Settings.make(ROOT, repo_root=ROOT).upstream
CACHE = Settings.make(ROOT, repo_root=ROOT).cache


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    # The pipeline finds the tools itself (bin/, then PATH); without them every case below
    # would fail for the wrong reason, so say how to install them instead.
    for tool in ("kustomize", "kubeconform", "helm", "gator"):
        find_tool(tool)


def validate(tree: Path, steps: str, **settings: object) -> PipelineReport:
    made = Settings.make(tree, repo_root=ROOT, freshness=False, **settings)  # type: ignore[arg-type]
    return validate_tree(made, resolve_steps([steps]))


def result(report: PipelineReport, step: str) -> StepResult:
    return next(r for r in report.results if r.name == step)


@dataclass(frozen=True)
class Expect:
    """A finding that must be reported: every given attribute must match (substring)."""

    file: str
    rule: str
    message: str
    document: str | None = None
    field: str | None = None

    def matches(self, finding: Finding) -> bool:
        return (
            self.file in finding.file
            and self.rule in finding.rule
            and self.message in finding.message
            and (self.document is None or finding.document == self.document)
            and (self.field is None or finding.field == self.field)
        )


CASES: list[tuple[str, str, list[Expect]]] = [
    (
        "yamllint",
        "yamllint",
        [
            Expect(
                "configmap-settings.yaml:1", "yamllint/document-start", "missing document start"
            ),
            Expect("configmap-settings.yaml:4", "yamllint/trailing-spaces", "trailing spaces"),
            Expect("configmap-settings.yaml:10", "yamllint/truthy", "truthy value"),
            Expect("list.yaml:10", "yamllint/indentation", "wrong indentation"),
        ],
    ),
    (
        "kustomize",
        "kustomize",
        [Expect("infra/clusters/dev/kustomization.yaml", "kustomize", "../../platform")],
    ),
    (
        "kubeconform/unknown-field",
        "kubeconform",
        [
            Expect(
                "deployment-web.yaml",
                "kubeconform",
                "additional properties 'imagePullPolicyy' not allowed",
                "Deployment/team-a/web",
                "spec.template.spec.containers[0]",
            )
        ],
    ),
    (
        "kubeconform/no-schema",
        "kubeconform",
        [
            Expect(
                "widget-gear.yaml",
                "kubeconform",
                "no schema for widgets.example.com/v1 Widget",
                "Widget/team-a/gear",
            )
        ],
    ),
    (
        "kubeconform/custom-resource",
        "kubeconform",
        [
            Expect(
                "application-team-a.yaml",
                "kubeconform",
                "additional properties 'selfHeel' not allowed",
                "Application/argocd/team-a",
                "spec.syncPolicy.automated",
            ),
            # v1beta1 is listed in the CRD but no longer served: no schema, so an error.
            Expect(
                "externalsecret-db.yaml",
                "kubeconform",
                "no schema for external-secrets.io/v1beta1 ExternalSecret",
                "ExternalSecret/team-a/db",
            ),
        ],
    ),
    (
        # Gatekeeper's Config has no upstream CRD: the project's own schema covers it.
        "kubeconform/gatekeeper-config",
        "kubeconform",
        [
            Expect(
                "config-config.yaml",
                "kubeconform",
                "additional properties 'syncEverything' not allowed",
                "Config/gatekeeper-system/config",
                "spec.sync",
            )
        ],
    ),
    (
        "kubeconform/constraint-parameter",
        "kubeconform",
        [
            Expect(
                "fixtureallowedreplicas-at-most-three.yaml",
                "kubeconform",
                "got string, want integer",
                "FixtureAllowedReplicas/at-most-three",
                "spec.parameters.maximum",
            ),
            Expect(
                "fixtureallowedreplicas-at-most-three.yaml",
                "kubeconform",
                "additional properties 'minimum' not allowed",
                "FixtureAllowedReplicas/at-most-three",
                "spec.parameters",
            ),
        ],
    ),
    (
        "helm-values",
        "helm-values",
        [
            Expect(
                "values/backstage/dev.yaml",
                "helm-values",
                "'no' is not of type 'boolean'",
                "Application/argocd/backstage",
                "route.enabled",
            ),
            Expect(
                "values/backstage/dev.yaml",
                "helm-values",
                "unknown key 'hostname'",
                "Application/argocd/backstage",
                "upstream.ingress.hostname",
            ),
            Expect(
                "values/loki/base.yaml",
                "helm-values",
                "'yes' is not of type 'boolean' (chart loki 18.11.0, schema "
                "loki/values.schema.json)",
                "Application/argocd/loki",
                "singleBinary.enabled",
            ),
        ],
    ),
    (
        "argocd/repo-not-permitted",
        "argocd",
        [
            Expect(
                "infra/apps/team-a-application.yaml",
                "argocd",
                "application repo https://git.example.com/someone-else/manifests.git is not "
                "permitted in project 'team'",
                "Application/argocd/team-a",
                "spec.sources[0].repoURL",
            )
        ],
    ),
    (
        "argocd/destination-not-permitted",
        "argocd",
        [
            Expect(
                "infra/apps/team-secret-application.yaml",
                "argocd",
                "application destination server 'https://dev.example.com:6443' and namespace "
                "'team-secret' do not match any of the allowed destinations in project 'team'",
                "Application/argocd/team-secret",
                "spec.destination",
            )
        ],
    ),
    (
        "argocd/namespace-not-permitted",
        "argocd",
        [
            Expect(
                "manifests/team-a/configmap-settings.yaml",
                "argocd",
                "namespace kube-system is not permitted in project 'team'",
                "ConfigMap/kube-system/settings",
                "metadata.namespace",
            )
        ],
    ),
    (
        "argocd/cluster-kind-not-whitelisted",
        "argocd",
        [
            Expect(
                "manifests/team-a/clusterrole-reader.yaml",
                "argocd",
                "resource rbac.authorization.k8s.io:ClusterRole is not permitted in project team",
                "ClusterRole/reader",
            )
        ],
    ),
    (
        "argocd/missing-values-file",
        "argocd",
        [
            Expect(
                "infra/apps/team-a-application.yaml",
                "argocd",
                "value file $values/dist/values/team-a/missing.yaml does not exist",
                "Application/argocd/team-a",
                "spec.sources[1].helm.valueFiles[1]",
            )
        ],
    ),
    (
        "argocd/missing-path",
        "argocd",
        [
            Expect(
                "infra/apps/team-a-application.yaml",
                "argocd",
                "dist/manifests/team-b: app path does not exist",
                "Application/argocd/team-a",
                "spec.sources[0].path",
            )
        ],
    ),
    (
        "argocd/chart-version-range",
        "argocd",
        [
            Expect(
                "infra/apps/team-a-application.yaml",
                "argocd",
                "chart team-service targetRevision '^1.4.0' is not an exact version",
                "Application/argocd/team-a",
                "spec.sources[0].targetRevision",
            )
        ],
    ),
    (
        "argocd/env-pin-mismatch",
        "argocd",
        [
            Expect(
                "kustomize build infra/clusters/dev",
                "argocd",
                "is at 'main', but environment dev is pinned to 'env/dev'",
                "Application/argocd/team-a-dev",
                "spec.sources[0].targetRevision",
            )
        ],
    ),
    (
        "argocd/missing-project",
        "argocd",
        [
            Expect(
                "infra/apps/team-a-application.yaml",
                "argocd",
                "Application referencing project teams which does not exist",
                "Application/argocd/team-a",
                "spec.project",
            )
        ],
    ),
    (
        "argocd/ref-without-source",
        "argocd",
        [
            Expect(
                "infra/apps/team-a-application.yaml",
                "argocd",
                'source referenced "$values", which is not one of the available sources (config)',
                "Application/argocd/team-a",
                "spec.sources[1].helm.valueFiles[0]",
            )
        ],
    ),
    (
        "secrets",
        "secrets",
        [
            Expect(
                "configmap-deploy-credentials.yaml:12", "secrets/aws-access-key", "AWS Access Key"
            ),
        ],
    ),
]


@pytest.mark.parametrize(("fixture", "step", "expected"), CASES, ids=[c[0] for c in CASES])
def test_known_bad_fixture_fails_and_names_the_problem(
    fixture: str, step: str, expected: list[Expect]
) -> None:
    report = validate(FIXTURES / fixture, step)
    outcome = result(report, step)
    assert outcome.status is Status.FAILED, outcome
    assert report.failed
    # Every file of the fixture reads and parses: it fails for its own reason only.
    assert result(report, "tree").status is Status.PASSED, result(report, "tree")
    for expect in expected:
        assert any(expect.matches(f) for f in outcome.findings), (
            f"{expect} not among:\n" + "\n".join(f.render() for f in outcome.findings)
        )
    text = report.render()
    assert f"{step}" in text
    assert "FAILED" in text
    for expect in expected:
        assert expect.message in text


@pytest.mark.parametrize(
    "fixture",
    [c[0] for c in CASES if c[0].startswith("argocd/")],
)
def test_argocd_fixtures_fail_only_for_their_own_reason(fixture: str) -> None:
    # Each fixture is otherwise valid: its schemas hold and its kustomizations build.
    report = validate(FIXTURES / fixture, "kustomize,kubeconform,argocd")
    assert result(report, "kustomize").status is Status.PASSED
    assert result(report, "kubeconform").status is Status.PASSED, result(report, "kubeconform")
    argocd = result(report, "argocd")
    assert argocd.status is Status.FAILED
    expected = next(c[2] for c in CASES if c[0] == fixture)
    unexpected = [f for f in argocd.findings if not any(e.matches(f) for e in expected)]
    # Objects an Application deploys into a forbidden destination are reported too.
    assert all("is not permitted in project" in f.message for f in unexpected), unexpected


def test_good_tree_passes_every_step() -> None:
    # network aside: the fixture's Backstage chart does not run under Pod Security restricted,
    # so its namespace is not labelled so (tests/validation/test_network.py covers the step)
    steps = ",".join(s for s in STEP_NAMES if s not in ("helm-render", "network"))
    report = validate(FIXTURES / "good", steps)
    failures = [r for r in report.results if r.status is Status.FAILED]
    assert not failures, report.render()
    assert not report.failed
    by_name = {r.name: r for r in report.results}
    # Not vacuous: every step saw what it should have.
    for step in (
        "yamllint", "kustomize", "kubeconform", "helm-values", "argocd", "secrets", "references",
    ):  # fmt: skip
        assert by_name[step].status is Status.PASSED, by_name[step]
    assert by_name["kustomize"].detail.startswith("3 kustomizations")
    # 16 objects of the tree and its renders, and the 5 of the repository's chat-api chart
    assert "21 valid, 0 invalid, 0 errors" in by_name["kubeconform"].detail
    assert "1 Backstage catalog files skipped" in by_name["kubeconform"].detail
    assert by_name["helm-values"].detail.startswith("1 chart sources checked")
    assert "3 Applications from infra/infra-root.yaml" in by_name["argocd"].detail
    assert "dev@env/dev" in by_name["argocd"].detail
    assert by_name["freshness"].status is Status.NOT_RUN
    assert by_name["helm-render"].status is Status.NOT_RUN
    assert "not selected" in by_name["helm-render"].detail


def test_helm_values_follow_argo_cd_precedence() -> None:
    # loki's value file sets singleBinary.replicas to a string, but the Application's
    # valuesObject overrides it: only what Helm would finally see is checked.
    outcome = result(validate(FIXTURES / "helm-values", "helm-values"), "helm-values")
    assert outcome.detail.startswith("2 chart sources checked")
    assert [f.field for f in outcome.findings if f.document == "Application/argocd/loki"] == [
        "singleBinary.enabled"
    ]


def test_a_chart_repository_out_of_reach_is_not_run_never_passed() -> None:
    report = validate(FIXTURES / "helm-render" / "unreachable", "helm-render,argocd")
    render = result(report, "helm-render")
    assert render.status is Status.NOT_RUN
    assert "https://charts.example.invalid" in render.detail
    assert not report.failed
    text = report.render()
    line = next(x for x in text.splitlines() if "helm-render" in x)
    assert "not run: " in line
    assert "passed" not in line
    assert "0 passed" not in text.splitlines()[-1] or "1 passed" in text.splitlines()[-1]


def test_stale_tree_fails_with_a_diff(tmp_path: Path) -> None:
    cdk8s = ROOT / "node_modules" / ".bin" / "cdk8s"
    assert cdk8s.is_file(), "cdk8s is not installed: run `make setup`"
    project = FIXTURES / "freshness"
    outcome = freshness.run_freshness(project, project / "dist", cdk8s, tmp_path / "work")
    assert outcome.status is Status.FAILED
    by_file = {f.file: f for f in outcome.findings}
    assert set(by_file) == {
        "infra/configmap-flags.yaml",
        "infra/configmap-removed.yaml",
        "infra/configmap-settings.yaml",
    }
    assert "missing" in by_file["infra/configmap-flags.yaml"].message
    assert "stale" in by_file["infra/configmap-removed.yaml"].message
    diff = by_file["infra/configmap-settings.yaml"].message
    assert "-  replicas: '1'" in diff
    assert "+  replicas: '2'" in diff
    assert not (project / ".build").exists()  # the fixture itself is never written to


def test_fresh_tree_passes(tmp_path: Path) -> None:
    cdk8s = ROOT / "node_modules" / ".bin" / "cdk8s"
    project = tmp_path / "project"
    project.mkdir()
    for name in ("cdk8s.yaml", "app.py"):
        (project / name).write_text((FIXTURES / "freshness" / name).read_text())
    subprocess.run([sys.executable, "app.py"], cwd=project, check=True)
    outcome = freshness.run_freshness(project, project / "dist", cdk8s, tmp_path / "work")
    assert outcome.status is Status.PASSED, outcome
    assert outcome.detail == "2 files identical to a fresh synth"


def _charts(root: Path, tmp_path: Path) -> tuple[StepResult, list[helm_charts.HelmOutput]]:
    tree = load_tree(root / "dist")
    charts = helm_charts.find_repo_charts(root, tree, "dist/")
    return helm_charts.lint_charts(
        charts,
        Path(find_tool("helm")),
        ["dev", "prd"],
        tmp_path / "cache",
        lambda p: p.relative_to(root).as_posix(),
    )


def test_repository_chart_failing_helm_lint(tmp_path: Path) -> None:
    outcome, rendered = _charts(FIXTURES / "helm-charts" / "lint-error", tmp_path)
    assert outcome.status is Status.FAILED
    assert rendered == []
    assert any(
        f.file == "charts/broken"
        and f.rule == "helm-charts/lint"
        and "Chart.yaml: version is required" in f.message
        for f in outcome.findings
    ), outcome.findings


def test_repository_chart_output_goes_through_kubeconform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = FIXTURES / "helm-charts" / "render-invalid"
    # This fixture is its own repository: the tools and upstream data are the project's.
    monkeypatch.setenv("GITOPS_PLATFORM_BIN", str(Path(find_tool("kubeconform")).parent))
    monkeypatch.setenv("GITOPS_PLATFORM_UPSTREAM", str(UPSTREAM))
    outcome, rendered = _charts(root, tmp_path)
    assert outcome.status is Status.PASSED, outcome
    assert [r.origin for r in rendered] == [
        "helm template charts/web",
        "helm template charts/web with values-dev.yaml",
    ]
    report = validate_tree(
        Settings.make(root / "dist", repo_root=root, freshness=False, cache=tmp_path / "cache"),
        resolve_steps(["helm-charts,kubeconform"]),
    )
    schema = result(report, "kubeconform")
    assert schema.status is Status.FAILED
    assert {f.file for f in schema.findings} == {
        "helm template charts/web",
        "helm template charts/web with values-dev.yaml",
    }
    assert all("'replica' not allowed" in f.message for f in schema.findings)
    assert {f.document for f in schema.findings} == {"Deployment/web"}
    assert not (root / ".build").exists()


def test_no_chart_in_the_repository_is_said_plainly(tmp_path: Path) -> None:
    tree = load_tree(FIXTURES / "good")
    # the repository's one chart is the onboarded service's; the fixture tree carries none
    assert helm_charts.find_repo_charts(ROOT, tree, "dist/") == [ROOT / "apps/chat-api/chart"]
    outcome, _ = helm_charts.lint_charts([], None, [], tmp_path, str)
    assert outcome.status is Status.PASSED
    assert outcome.detail == "0 charts in this repository"


def test_missing_tool_fails_with_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(empty))
    monkeypatch.delenv("GITOPS_PLATFORM_BIN", raising=False)
    made = Settings.make(
        FIXTURES / "good", repo_root=empty, freshness=False, upstream=UPSTREAM, cache=CACHE
    )
    report = validate_tree(made, {"kustomize", "kubeconform", "argocd"})
    outcome = result(report, "kustomize")
    assert outcome.status is Status.FAILED
    [finding] = outcome.findings
    assert finding.root_cause
    assert "run `gitops-platform tools install`" in finding.message
    assert "make" not in finding.message
    # the steps that read kustomize's builds did not run, and never pass
    for step in ("kubeconform", "argocd"):
        gap = result(report, step)
        assert gap.status is Status.NOT_RUN
        assert gap.gap
        assert "kustomize is not installed" in gap.detail
    assert report.failed
    text = report.render()
    assert text.splitlines()[0].startswith("root causes")
    assert "kustomize is not installed" in text.splitlines()[1]


def test_missing_upstream_data_says_where_it_comes_from(tmp_path: Path) -> None:
    report = validate(FIXTURES / "good", "kubeconform", upstream=tmp_path / "nowhere")
    outcome = result(report, "kubeconform")
    assert outcome.status is Status.FAILED
    message = outcome.findings[0].message
    assert "SOURCES.md" in message
    assert "GITOPS_PLATFORM_UPSTREAM" in message


def _cli(*args: str, module: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{ROOT / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    command = (
        [sys.executable, "-m", "gitops_platform.validation", *args]
        if module
        else [str(Path(sys.executable).parent / "gitops-platform"), "validate", *args]
    )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_cli_fails_on_a_bad_tree_and_prints_the_report() -> None:
    run = _cli(str(FIXTURES / "argocd" / "missing-project"), "--steps", "argocd")
    assert run.returncode == 1, run.stderr
    assert "Application referencing project teams which does not exist" in run.stdout
    assert "[ 7] argocd       FAILED" in run.stdout
    assert "skipped: not selected (--steps)" in run.stdout


def test_module_entry_point_passes_a_good_tree() -> None:
    run = _cli(str(FIXTURES / "good"), "--steps", "argocd,kustomize,1", module=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "validation passed: 3 passed, 0 failed, 0 not run, 15 skipped" in run.stdout
    assert "skipped: a foreign tree" in run.stdout


def test_cli_rejects_an_unknown_step() -> None:
    run = _cli(str(FIXTURES / "good"), "--steps", "lint-everything")
    assert run.returncode == 2
    assert "unknown step 'lint-everything'" in run.stderr


def test_freshness_is_on_only_for_the_repository_dist() -> None:
    assert Settings.make(ROOT / "dist", repo_root=ROOT).freshness
    assert not Settings.make(FIXTURES / "good", repo_root=ROOT).freshness
    assert not Settings.make(ROOT / "dist", repo_root=ROOT, freshness=False).freshness


def test_steps_selection() -> None:
    assert resolve_steps([]) == set(STEP_NAMES)
    assert resolve_steps(["4,argocd"]) == {"kubeconform", "argocd"}
    assert resolve_steps(["helm"]) == {"helm-values", "helm-charts", "helm-render"}
    assert resolve_steps(["9"]) == {"references"}
    assert resolve_steps(["10"]) == {"dry-run"}
    assert resolve_steps(["11,12,13"]) == {"vector-config", "telemetry-links", "prometheus-rules"}
    assert resolve_steps(["14"]) == {"network"}
    with pytest.raises(ValueError, match="unknown step"):
        resolve_steps(["15"])


def test_platform_charts_render_as_argo_cd_would_when_the_repository_is_reachable(
    tmp_path: Path,
) -> None:
    """A chart repository served on localhost: pulled, templated, then schema-checked."""
    import functools
    import http.server
    import threading

    helm = find_tool("helm")
    repo = tmp_path / "repo"
    repo.mkdir()
    chart = FIXTURES / "helm-charts" / "render-invalid" / "charts" / "web"
    subprocess.run([helm, "package", str(chart), "-d", str(repo)], check=True, capture_output=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(repo))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    subprocess.run([helm, "repo", "index", str(repo), "--url", url], check=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tree = tmp_path / "tree"
    (tree / "infra").mkdir(parents=True)
    (tree / "infra" / "applications.yaml").write_text(
        f"""---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: argocd
spec:
  sourceRepos: ["{url}"]
  destinations: [{{name: dev, namespace: team-a}}]
  namespaceResourceBlacklist: [{{group: apps, kind: Deployment}}]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: team
  source:
    repoURL: {url}
    chart: web
    targetRevision: 0.1.0
    helm:
      releaseName: web-dev
      valuesObject:
        replicas: 3
  destination:
    name: dev
    namespace: team-a
"""
    )
    try:
        made = Settings.make(tree, repo_root=ROOT, freshness=False, cache=tmp_path / "cache")
        report = validate_tree(made, resolve_steps(["helm-render,kubeconform,argocd"]))
    finally:
        server.shutdown()
    render = result(report, "helm-render")
    assert render.status is Status.PASSED, render
    assert render.detail.startswith("1 of 1 chart sources rendered (1 charts")
    # No mirror folder for this repository: the chart is pulled, and the report says so.
    assert f"web 0.1.0: pulled from {url}" in render.detail
    schema = result(report, "kubeconform")
    origin = "helm template web-dev web 0.1.0 [Application web]"
    assert [(f.file, f.document, f.field) for f in schema.findings] == [
        (origin, "Deployment/web-dev", "spec.template.spec.containers[0]")
    ]
    assert "'replica' not allowed" in schema.findings[0].message
    # What the chart deploys is checked against the project too.
    argocd = result(report, "argocd")
    assert [(f.file, f.document, f.message) for f in argocd.findings] == [
        (
            origin,
            "Deployment/web-dev",
            "resource apps:Deployment is not permitted in project team "
            "(deployed by Application web)",
        )
    ]


def test_a_missing_tree_fails_and_nothing_passes(tmp_path: Path) -> None:
    report = validate(tmp_path / "nowhere", "yamllint,kubeconform")
    assert report.failed
    assert result(report, "tree").findings[0].message == "the tree to validate is not a folder"
    assert result(report, "yamllint").status is Status.NOT_RUN
    assert result(report, "yamllint").detail == f"no tree at {tmp_path / 'nowhere'}"
    assert not any(r.status is Status.PASSED for r in report.results)

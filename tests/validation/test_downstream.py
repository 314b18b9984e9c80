"""The validator in another repository: honest outcomes, strict mode, settings, reports.

Each case of the validator used downstream: the freshness step never writes into the tree it
checks; an empty or non-tree folder fails; a step whose input could not be built is not run and
never passes; ``--strict`` fails on what did not run; settings come from one place; reports
print each step once, group repeated findings, put root causes first, and speak JSON and
GitHub annotations.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitops_platform.cli import main
from gitops_platform.validation import freshness
from gitops_platform.validation.pipeline import validate_tree
from gitops_platform.validation.report import (
    Finding,
    Status,
    StepResult,
    group_findings,
    render_github,
    render_text,
    verdict_failed,
)
from gitops_platform.validation.settings import Settings, default_file
from gitops_platform.validation.tools import (
    install_tools,
    kube_module,
    kube_tools,
    node_problem,
    pinned_tools,
)
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "validation"
UPSTREAM = Settings.make(ROOT, repo_root=ROOT).upstream
CACHE = Settings.make(ROOT, repo_root=ROOT).cache

# -- case 1: freshness renders only into a scratch folder ------------------------------------

OBSTINATE_APP = """
import os, pathlib
# Ignores every variable: always writes into dist/ next to it, like App(outdir="dist").
target = pathlib.Path("dist/infra")
target.mkdir(parents=True, exist_ok=True)
(target / "configmap.yaml").write_text("---\\napiVersion: v1\\nkind: ConfigMap\\n"
                                       "metadata:\\n  name: fresh\\n")
"""


def _project(tmp_path: Path, app: str) -> Path:
    project = tmp_path / "project"
    (project / "dist" / "infra").mkdir(parents=True)
    (project / "cdk8s.yaml").write_text("language: python\napp: python app.py\n")
    (project / "app.py").write_text(app)
    (project / "dist/infra/configmap.yaml").write_text(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hand-edited\n"
    )
    return project


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_an_app_writing_into_the_tree_is_caught_and_the_tree_restored(tmp_path: Path) -> None:
    project = _project(tmp_path, OBSTINATE_APP)
    before = _snapshot(project / "dist")
    outcome = freshness.run_freshness(project, project / "dist", None, tmp_path / "work")
    assert outcome.status is Status.FAILED
    [finding] = outcome.findings
    assert "wrote into the tree under validation" in finding.message
    assert "GITOPS_PLATFORM_RENDER_INTO" in finding.message
    assert _snapshot(project / "dist") == before


def test_platform_app_synth_with_a_folder_renders_into_the_scratch_folder(
    tmp_path: Path,
) -> None:
    # PlatformApp.synth("dist"), as the package docstring shows: the re-render goes elsewhere.
    app = (
        "from gitops_platform import PlatformApp\n"
        "from gitops_platform import Traefik\n"
        "from tests.helpers import spec\n"
        "PlatformApp(spec(), [Traefik()]).synth('dist')\n"
    )
    project = _project(tmp_path, app)
    shutil.rmtree(project / "dist")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "app.py"], cwd=project, check=True, env=env)
    rendered = project / "dist" / "infra" / "infra-root.yaml"
    rendered.write_text(rendered.read_text() + "# a hand edit\n")
    before = _snapshot(project / "dist")
    os.environ["PYTHONPATH"] = str(ROOT)
    try:
        outcome = freshness.run_freshness(project, project / "dist", None, tmp_path / "work")
    finally:
        del os.environ["PYTHONPATH"]
    assert outcome.status is Status.FAILED, outcome
    assert [f.file for f in outcome.findings] == ["infra/infra-root.yaml"]
    assert "+# a hand edit" not in outcome.findings[0].message
    assert "-# a hand edit" in outcome.findings[0].message
    assert _snapshot(project / "dist") == before


def test_without_an_app_to_render_freshness_is_not_run(tmp_path: Path) -> None:
    outcome = freshness.run_freshness(tmp_path, tmp_path, None, tmp_path / "work")
    assert outcome.status is Status.NOT_RUN
    assert "cdk8s.yaml" in outcome.detail


# -- case 4: honest outcomes ------------------------------------------------------------------


def _settings(tree: Path, **kwargs: object) -> Settings:
    return Settings.make(
        tree,
        repo_root=ROOT,
        freshness=False,
        upstream=UPSTREAM,
        cache=CACHE,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("content", [None, "README.md", "values.yaml"])
def test_an_empty_or_non_tree_folder_fails(tmp_path: Path, content: str | None) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    if content:
        (tree / content).write_text("---\n# nothing to deploy\n")
    report = validate_tree(_settings(tree))
    assert report.failed
    tree_step = next(r for r in report.results if r.name == "tree")
    assert tree_step.status is Status.FAILED
    assert "not a rendered tree" in tree_step.findings[0].message
    others = [r for r in report.results if r.name not in ("tree", "freshness")]
    assert all(r.status is Status.NOT_RUN for r in others)
    assert "validation FAILED (tree)" in report.render()


def test_strict_fails_a_run_where_a_wanted_step_did_not_run() -> None:
    results = [
        StepResult("tree", Status.PASSED),
        StepResult("helm-render", Status.NOT_RUN, detail="chart mirror missing"),
        StepResult("secrets", Status.NOT_RUN, detail="not selected (--steps)", skipped=True),
    ]
    assert not verdict_failed(results)
    assert verdict_failed(results, strict=True)
    lenient = render_text(results, {"tree": "0", "helm-render": "5c", "secrets": "8"}, 1.0)
    assert lenient.splitlines()[-1].startswith("validation INCOMPLETE (not run: helm-render")
    strict = render_text(results, {}, 1.0, strict=True)
    assert "FAILED (not run under --strict: helm-render)" in strict.splitlines()[-1]
    assert "secrets" not in strict.splitlines()[-1]  # left out on purpose: not a gap


def test_the_strict_cli_fails_when_a_wanted_step_did_not_run(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "cm.yaml").write_text("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    args = [
        "validate", str(tree), "--repo-root", str(tmp_path), "--no-freshness",
        "--steps", "policies", "--upstream", str(UPSTREAM), "--cache", str(tmp_path / "cache"),
    ]  # fmt: skip
    env = {"GITOPS_PLATFORM_BIN": str(ROOT / "bin")}
    lenient = CliRunner().invoke(main, args, env=env)
    strict = CliRunner().invoke(main, [*args, "--strict"], env=env)
    assert "[ 6] policies     not run" in lenient.output  # the tree delivers no policy set
    assert lenient.exit_code == 0, lenient.output
    assert "validation INCOMPLETE (not run: policies" in lenient.output
    assert strict.exit_code == 1, strict.output
    assert "not run under --strict: policies" in strict.output


# -- reports ----------------------------------------------------------------------------------


def test_findings_differing_only_by_object_name_are_grouped() -> None:
    findings = [
        Finding(
            "a.yaml", "required-labels", f"Deployment {n} has no team label", f"Deployment/x/{n}"
        )
        for n in ("api", "web", "worker")
    ] + [Finding("a.yaml", "required-labels", "Service api has no team label", "Service/x/api")]
    groups = group_findings(findings)
    assert [len(g) for g in groups] == [3, 1]
    text = render_text([StepResult("policies", Status.FAILED, findings)], {"policies": "6"}, 1.0)
    assert "[and 2 more objects alike: web, worker]" in text
    assert text.count("has no team label") == 2


def test_root_causes_come_first(tmp_path: Path) -> None:
    report = validate_tree(
        Settings.make(
            FIXTURES / "good",
            repo_root=ROOT,
            freshness=False,
            upstream=tmp_path / "none",
            cache=tmp_path / "cache",
        ),
        {"kustomize", "kubeconform", "argocd"},
    )
    lines = report.render().splitlines()
    assert lines[0].startswith("root causes")
    assert str(tmp_path / "none") in lines[1]


def test_missing_upstream_data_is_the_first_thing_the_cli_says(tmp_path: Path) -> None:
    args = [
        "validate", str(FIXTURES / "good"), "--repo-root", str(ROOT), "--no-freshness",
        "--steps", "kubeconform,argocd,references", "--upstream", str(tmp_path / "nowhere"),
        "--cache", str(tmp_path / "cache"),
    ]  # fmt: skip
    run = CliRunner().invoke(main, args, env={"GITOPS_PLATFORM_BIN": str(ROOT / "bin")})
    assert run.exit_code == 1
    lines = run.output.splitlines()
    assert lines[0].startswith(f"root cause: upstream data not found at {tmp_path / 'nowhere'}")
    assert "GITOPS_PLATFORM_UPSTREAM" in lines[0]
    assert "make" not in lines[0]


def test_the_upstream_command_locates_the_data(tmp_path: Path) -> None:
    found = CliRunner().invoke(
        main, ["upstream", "--repo-root", str(ROOT), "--upstream", str(UPSTREAM)]
    )
    assert found.exit_code == 0, found.output
    assert found.output.splitlines()[0] == f"upstream data: {UPSTREAM} (--upstream)"
    assert "crds/         present" in found.output
    missing = CliRunner().invoke(
        main,
        ["upstream", "--repo-root", str(ROOT)],
        env={"GITOPS_PLATFORM_UPSTREAM": str(tmp_path)},
    )
    assert missing.exit_code == 1
    assert f"upstream data: {tmp_path} ($GITOPS_PLATFORM_UPSTREAM)" in missing.output
    assert "crds/         MISSING" in missing.output


def test_the_cli_prints_each_step_once_and_speaks_json_and_github(tmp_path: Path) -> None:
    args = [
        "validate", str(FIXTURES / "good"), "--repo-root", str(ROOT), "--no-freshness",
        "--steps", "yamllint,argocd", "--upstream", str(UPSTREAM),
    ]  # fmt: skip
    env = {"GITOPS_PLATFORM_BIN": str(ROOT / "bin")}
    text = CliRunner().invoke(main, args, env=env)
    assert text.exit_code == 0, text.output
    assert text.output.count("] yamllint ") == 1
    assert text.output.count("] argocd ") == 1
    as_json = CliRunner().invoke(main, [*args, "--format", "json"], env=env)
    report = json.loads(as_json.stdout)
    assert report["failed"] is False
    assert {s["name"]: s["status"] for s in report["steps"]}["argocd"] == "passed"
    bad = CliRunner().invoke(
        main,
        ["validate", str(FIXTURES / "yamllint"), "--repo-root", str(ROOT), "--no-freshness",
         "--steps", "yamllint", "--format", "github", "--upstream", str(UPSTREAM)],
        env=env,
    )  # fmt: skip
    assert bad.exit_code == 1
    annotations = [line for line in bad.output.splitlines() if line.startswith("::error ")]
    assert annotations
    assert all("file=dist/" in a and ",line=" in a for a in annotations), annotations


def test_github_annotations_escape_and_warn_for_gaps() -> None:
    results = [
        StepResult("helm-render", Status.NOT_RUN, detail="no mirror, 100%"),
        StepResult("argocd", Status.FAILED, [Finding("infra/a.yaml:3", "argocd", "bad\nvalue")]),
    ]
    out = render_github(results, {}, 1.0, prefix="dist/").splitlines()
    assert out[0] == "::warning title=helm-render%3A not run::no mirror, 100%25"
    assert out[1] == (
        "::error file=dist/infra/a.yaml,line=3,title=argocd%3A argocd::"
        "infra/a.yaml:3: argocd: bad%0Avalue"
    )


# -- settings in one place, shipped defaults --------------------------------------------------


def test_pyproject_table_sets_what_flags_and_variables_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(
        '[tool.gitops-platform]\nupstream = "data"\ncache = "c"\nchart-mirror = "none"\n'
        "strict = true\n"
    )
    for name in (
        "GITOPS_PLATFORM_UPSTREAM",
        "GITOPS_PLATFORM_CACHE",
        "GITOPS_PLATFORM_CHART_MIRROR",
    ):
        monkeypatch.delenv(name, raising=False)
    made = Settings.make(repo / "dist", repo_root=repo)
    assert made.upstream == (repo / "data").resolve()
    assert made.cache == repo / "c"
    assert made.chart_mirror is None
    assert made.describe_chart_mirror().startswith("none (pyproject.toml)")
    assert made.strict
    monkeypatch.setenv("GITOPS_PLATFORM_UPSTREAM", str(tmp_path / "env"))
    assert Settings.make(repo / "dist", repo_root=repo).upstream == (tmp_path / "env").resolve()
    flag = Settings.make(repo / "dist", repo_root=repo, upstream=tmp_path / "flag", strict=False)
    assert flag.upstream == (tmp_path / "flag").resolve()
    assert not flag.strict
    # without .yamllint.yaml and .secrets.baseline the shipped defaults are used
    assert made.yamllint_config == default_file("yamllint.yaml")
    assert made.secrets_baseline == default_file("secrets-baseline.json")
    (repo / "pyproject.toml").write_text('[tool.gitops-platform]\nupstrem = "x"\n')
    with pytest.raises(ValueError, match="unknown keys \\['upstrem'\\]"):
        Settings.make(repo / "dist", repo_root=repo)


def test_shipped_defaults_lint_and_scan(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    (tree / "secret.yaml").write_text(
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
        "stringData:\n  password: hunter2-Xq9v7LmZp3Rt8Ws\n"
    )
    report = validate_tree(
        Settings.make(
            tree, repo_root=tmp_path, freshness=False, upstream=UPSTREAM, cache=tmp_path / "c"
        ),
        {"yamllint", "secrets"},
    )
    by_name = {r.name: r for r in report.results}
    assert [f.rule for f in by_name["yamllint"].findings] == ["yamllint/document-start"]
    assert by_name["secrets"].status is Status.FAILED
    assert any("secret.yaml" in f.file for f in by_name["secrets"].findings)


# -- tools: one list, installed by the library's command --------------------------------------


def test_the_tool_list_is_the_one_the_script_and_the_command_read() -> None:
    script = (ROOT / "scripts" / "install_tools.sh").read_text()
    assert "defaults/tools.txt" in script
    # the Rust tools (vrl, from crates.io) are the script's only: the command builds Go tools
    recorded = [
        line
        for line in (ROOT / "bin" / ".versions").read_text().splitlines()
        if " crates.io/" not in line
    ]
    module = kube_module()
    assert module == ROOT / "tools" / "kube"
    listed = [t.record for t in pinned_tools()] + [t.record for t in kube_tools(module)]
    assert sorted(listed) == sorted(recorded)


def test_tools_install_runs_go_install_per_missing_tool(tmp_path: Path) -> None:
    log = tmp_path / "go.log"
    go = tmp_path / "go"
    go.write_text(
        "#!/bin/bash\n"
        f'echo "$*" >> {log}\n'
        'out=""; prev=""\n'
        'for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done\n'
        'if [ -z "$out" ]; then\n'
        '  name=$(basename "${@: -1}" | cut -d@ -f1); [ "$name" = v5 ] && name=kustomize\n'
        '  out="$GOBIN/$name"\n'
        "fi\n"
        'touch "$out" && chmod +x "$out"\n'
    )
    go.chmod(0o755)
    target = tmp_path / "bin"
    built = install_tools(target, echo=lambda _: None, go=str(go))
    assert built == [
        "helm",
        "kubeconform",
        "gator",
        "kustomize",
        "promtool",
        "cyclonus",
        "kube-apiserver",
        "kubectl",
        "etcd",
    ]
    calls = log.read_text().splitlines()
    assert calls[0].startswith("install -trimpath -ldflags=-s -w -X helm.sh/")
    assert calls[0].endswith("helm.sh/helm/v4/cmd/helm@v4.3.1")
    assert calls[5].endswith("github.com/mattfenwick/cyclonus/cmd/cyclonus@v0.5.6")
    assert calls[6].startswith(f"build -C {ROOT / 'tools' / 'kube'} -trimpath")
    assert calls[6].endswith(f"-o {target / 'kube-apiserver'} k8s.io/kubernetes/cmd/kube-apiserver")
    # the records are the ones scripts/install_tools.sh writes (its Rust tools aside)
    assert sorted((target / ".versions").read_text().splitlines()) == sorted(
        line
        for line in (ROOT / "bin" / ".versions").read_text().splitlines()
        if " crates.io/" not in line
    )
    assert install_tools(target, echo=lambda _: None, go=str(go)) == []


def test_tools_install_without_go_names_the_prerequisite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="'go' was not found") as caught:
        install_tools(tmp_path / "bin", echo=lambda _: None)
    assert "gitops-platform tools install" in str(caught.value)
    assert "make" not in str(caught.value)


# -- case 6: Node for jsii --------------------------------------------------------------------


def test_an_unsupported_node_is_named_with_how_to_set_jsii_node(tmp_path: Path) -> None:
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v20.20.2\n")
    old.chmod(0o755)
    problem = node_problem({"JSII_NODE": str(old), "PATH": ""})
    assert "Node.js v20.20.2" in problem
    assert "JSII_NODE" in problem
    good = ROOT / "node_modules" / ".bin" / "node"
    assert node_problem({"JSII_NODE": str(good), "PATH": ""}) == ""

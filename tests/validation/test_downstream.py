"""The validator in another repository: honest outcomes, strict mode, settings, reports.

Each case of the validator used downstream: the freshness step never writes into the tree it
checks; an empty or non-tree folder fails; a step whose input could not be built is not run and
never passes; ``--strict`` fails on what did not run; settings come from one place; reports
print each step once, group repeated findings, put root causes first, and speak JSON and
GitHub annotations.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitops_platform.cli import main
from gitops_platform.errors import UpstreamDataError
from gitops_platform.validation import freshness, prometheus_rules, upstream_data
from gitops_platform.validation.pipeline import validate_tree
from gitops_platform.validation.report import (
    Document,
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
    INSTALL_HINT,
    VRL_HINT,
    VRL_VERSION,
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


def test_the_library_warns_before_jsii_starts_on_an_unsupported_node(tmp_path: Path) -> None:
    # Not only the command line: composing constructs warns once, with the fix, before jsii
    # starts (the package's __init__ runs before any module that loads jsii).
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v20.20.2\n")
    old.chmod(0o755)
    probe = (
        "import warnings, sys\n"
        "warnings.simplefilter('error')\n"
        "try:\n"
        "    from gitops_platform.argocd.project import AppProject\n"
        "except Warning as w:\n"
        "    print(type(w).__name__, w, 'jsii loaded:', 'jsii' in sys.modules)\n"
        "    sys.exit(3)\n"
        "print('no warning')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "GITOPS_PLATFORM_NODE_CHECK"}
    env["PYTHONPATH"] = str(ROOT / "platform")
    for node, expected in (
        (old, 3),
        (ROOT / "node_modules" / ".bin" / "node", 0),
    ):
        env["JSII_NODE"] = str(node)
        run = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
        )
        assert run.returncode == expected, run.stdout + run.stderr
    env["JSII_NODE"] = str(old)
    run = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert run.stdout.startswith("UnsupportedNodeWarning ")
    assert "Node.js v20.20.2, which jsii does not support" in run.stdout
    assert "export JSII_NODE=" in run.stdout
    assert run.stdout.rstrip().endswith("jsii loaded: False")


# -- a repository without observability: the observability checks have nothing to check ------

OBSERVABILITY_STEPS = ("vector-config", "telemetry-links", "prometheus-rules")


def test_observability_checks_pass_with_nothing_to_check_on_a_tree_without_it(
    tmp_path: Path,
) -> None:
    # The good fixture delivers no Vector gateway, no Grafana and no PrometheusRule: each
    # check ran, found nothing of its kind, and says so; none is "skipped" or "not run".
    report = validate_tree(
        Settings.make(
            FIXTURES / "good", repo_root=ROOT, freshness=False, upstream=UPSTREAM, cache=CACHE
        ),
        set(OBSERVABILITY_STEPS),
    )
    results = {r.name: r for r in report.results if r.name in OBSERVABILITY_STEPS}
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(
        OBSERVABILITY_STEPS, Status.PASSED
    )
    assert all(r.detail.startswith("nothing to check: no ") for r in results.values())
    assert not any(r.skipped for r in results.values())


def test_a_rule_without_promtool_is_a_root_cause_naming_the_library_command(
    tmp_path: Path,
) -> None:
    rule = Document(
        "infra/rules.yaml",
        0,
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": "r", "namespace": "observability"},
            "spec": {"groups": [{"name": "g", "rules": [{"record": "x", "expr": "up"}]}]},
        },
    )
    result = prometheus_rules.run_prometheus_rules([rule], None, tmp_path)
    assert result.status is Status.FAILED
    [finding] = result.findings
    assert finding.root_cause
    assert "`gitops-platform tools install`" in finding.message
    assert "promtool" in INSTALL_HINT
    assert "make " not in finding.message


def _user_facing_strings(module: Path) -> list[tuple[int, str]]:
    """String literals of a module that are not docstrings (what a user may read)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_message_of_the_validator_names_a_make_target() -> None:
    # Downstream repositories have no Makefile: hints name the library's own commands.
    package = ROOT / "platform" / "gitops_platform" / "validation"
    offenders = [
        f"{module.name}:{line}: {text}"
        for module in sorted(package.glob("*.py"))
        for line, text in _user_facing_strings(module)
        if re.search(r"`make [a-z]", text)
    ]
    assert offenders == []


def test_the_vrl_hint_names_the_version_the_repository_installs() -> None:
    script = (ROOT / "scripts" / "install_tools.sh").read_text(encoding="utf-8")
    assert f'"vrl|vrl|{VRL_VERSION}"' in script
    assert f"cargo install vrl --version {VRL_VERSION} --locked" in VRL_HINT


# -- the upstream data: located, or fetched at the pinned digests ------------------------------


def _mirror_opener(calls: list[str]) -> Callable[[str], bytes]:
    """Serve each pinned URL from the shared upstream copy (no network in the tests)."""
    by_url = {url: relpath for relpath, url, _sha in upstream_data.FILES}

    def opener(url: str) -> bytes:
        calls.append(url)
        return (UPSTREAM / by_url[url]).read_bytes()

    return opener


def test_fetch_writes_every_pinned_file_and_keeps_the_chart_mirror(tmp_path: Path) -> None:
    target = tmp_path / "upstream"
    (target / "chart-repos").mkdir(parents=True)
    (target / "chart-repos" / "index.yaml").write_text("kept\n")
    calls: list[str] = []
    written = upstream_data.fetch_upstream(target, _mirror_opener(calls), echo=lambda _: None)
    assert sorted(written) == sorted(p for p, _u, _s in upstream_data.FILES)
    assert all(u.startswith("https://raw.githubusercontent.com/") for u in calls)
    for relpath in written:
        assert (target / relpath).read_bytes() == (UPSTREAM / relpath).read_bytes()
    assert (target / "chart-repos" / "index.yaml").read_text() == "kept\n"


def test_fetch_with_a_changed_file_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "upstream"
    calls: list[str] = []
    serve = _mirror_opener(calls)
    last = upstream_data.FILES[-1][1]

    def tampered(url: str) -> bytes:
        return serve(url) + (b" " if url == last else b"")

    with pytest.raises(UpstreamDataError, match="expected the pinned") as caught:
        upstream_data.fetch_upstream(target, tampered, echo=lambda _: None)
    assert last in str(caught.value)
    assert not target.exists()


def test_the_upstream_command_fetches_then_locates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(upstream_data, "_download", _mirror_opener(calls))
    target = tmp_path / "fetched"
    run = CliRunner().invoke(
        main, ["upstream", "--fetch", "--repo-root", str(tmp_path), "--upstream", str(target)]
    )
    assert run.exit_code == 0, run.output
    assert len(calls) == len(upstream_data.FILES)
    assert f"upstream data: {target} (--upstream)" in run.output
    assert "crds/         present" in run.output

    def offline(url: str) -> bytes:
        raise OSError("network unreachable")

    monkeypatch.setattr(upstream_data, "_download", offline)
    failed = CliRunner().invoke(
        main,
        ["upstream", "--fetch", "--repo-root", str(tmp_path), "--upstream", str(tmp_path / "x")],
    )
    assert failed.exit_code == 1
    assert "download failed (network unreachable)" in failed.output
    assert "Traceback" not in failed.output


# -- bad command-line arguments: a usage error naming the argument and what is allowed ---------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--steps", "bogus"], "unknown step 'bogus'"),
        (["validate", "--steps", "15"], "9b, 10, 11, 12, 13, 14; 5 or helm for 5a-5c"),
        (
            ["validate", "--repo-prefix", "../../etc"],
            "invalid repo-prefix '../../etc': the tree's folder inside its repository",
        ),
    ],
)
def test_bad_validate_arguments_are_usage_errors(args: list[str], message: str) -> None:
    run = CliRunner().invoke(main, [*args, "--repo-root", str(ROOT)])
    assert run.exit_code == 2, run.output
    assert message in run.output
    assert run.exception is None or isinstance(run.exception, SystemExit)


def test_tools_install_into_a_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n")
    run = CliRunner().invoke(main, ["tools", "install", "--bin", str(blocker / "bin")])
    assert run.exit_code == 1
    assert f"cannot install the tools into {blocker / 'bin'}" in run.output
    assert isinstance(run.exception, SystemExit)


def test_without_kustomize_the_steps_reading_its_builds_are_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kustomize cannot run: the steps that read the kustomize builds must not report
    # "passed: no Application deploys a Helm chart" on an input that was never built.
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(empty))
    monkeypatch.delenv("GITOPS_PLATFORM_BIN", raising=False)
    report = validate_tree(
        Settings.make(
            FIXTURES / "good",
            repo_root=tmp_path,
            freshness=False,
            upstream=UPSTREAM,
            cache=tmp_path / "cache",
        ),
        {"kustomize", "helm-values", "helm-render", "argocd", "references"},
    )
    by_name = {r.name: r for r in report.results}
    assert by_name["kustomize"].status is not Status.PASSED
    for name in ("helm-values", "helm-render", "argocd", "references"):
        assert by_name[name].status is Status.NOT_RUN, by_name[name]
        assert by_name[name].detail.startswith(
            "its input was not built: kustomize is not installed"
        )
    assert report.failed or "INCOMPLETE" in report.render().splitlines()[-1]


def test_docs_and_examples_call_synth_without_a_folder() -> None:
    # synth() renders where the spec says (dist/, or $GITOPS_PLATFORM_DIST); an example that
    # passes a folder teaches the habit that once made a re-render write into a checked tree.
    sources = [
        *sorted((ROOT / "platform" / "gitops_platform").rglob("*.py")),
        *sorted((ROOT / "examples").rglob("*.py")),
        ROOT / "README.md",
    ]
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in sources
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"\.synth\(\s*[\"']", line)
    ]
    assert offenders == []


def test_a_promotion_preview_of_an_unknown_environment_names_the_known_ones() -> None:
    run = CliRunner().invoke(
        main, ["diff", "--env", "qa", "HEAD", "HEAD", "--repo-root", str(ROOT)]
    )
    assert run.exit_code == 1
    assert "no Application of environment 'qa' at HEAD or HEAD" in run.output
    assert "the environments of those trees: dev, prd" in run.output


def test_a_cache_folder_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n")
    args = [
        "validate", str(FIXTURES / "good"), "--repo-root", str(ROOT), "--no-freshness",
        "--steps", "kubeconform", "--cache", str(blocker / "cache"),
    ]  # fmt: skip
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 2, run.output
    assert f"invalid cache folder {blocker / 'cache'}" in run.output
    assert isinstance(run.exception, SystemExit)


def test_make_synth_says_in_one_line_whether_dist_changed() -> None:
    # case 7: the synth target prints no staging paths, only whether dist/ changed
    before = _snapshot(ROOT / "dist")
    run = subprocess.run(
        ["make", "-s", "--no-print-directory", "synth"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    [line] = run.stdout.splitlines()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "dist"], cwd=ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    # against the committed tree: unchanged on a clean checkout, else the count to review
    expected = f"dist/ changed: {len(status)} files (" if status else "dist/ unchanged"
    assert line.startswith(expected), line
    assert _snapshot(ROOT / "dist") == before

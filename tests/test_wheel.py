"""The library as another repository uses it: a built wheel in a fresh virtual environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import yaml

from tests.conftest import ROOT

UV = ROOT / ".tools" / "uv" / "bin" / "uv"

CONSUMER = textwrap.dedent(
    """
    import gitops_platform
    from cdk8s import App, Chart
    from gitops_platform import (
        ApplicationProps, AppProject, ArgoApplication, Cluster, Destination, GitSource,
        GroupKind, HelmChartSource, ProjectProps,
    )
    from gitops_platform.imports.argocd.io import argoproj

    REPO = "https://git.example.com/team/deploy.git"
    print(gitops_platform.__file__)
    print(argoproj.Application.GVK.api_version)
    app = App(outdir="out")
    chart = Chart(app, "team", disable_resource_name_hashes=True)
    project = ProjectProps(
        name="team", description="Team services",
        source_repos=(REPO, "https://charts.example.com"),
        destinations=(Destination(name="prd", namespace="team-*"),),
        cluster_resource_whitelist=(GroupKind("", "Namespace", "team-*"),),
    )
    AppProject(chart, "project", project, part_of="team-platform")
    ArgoApplication(chart, "api", ApplicationProps(
        name="team-api", project=project, cluster=Cluster(name="prd"), namespace="team-api",
        sources=(
            GitSource(repo_url=REPO, revision="main", ref="values"),
            HelmChartSource(repo_url="https://charts.example.com", chart="api",
                            version="1.2.3", value_files=("$values/api/values.yaml",)),
        ),
    ), part_of="team-platform")
    app.synth()
    """
)


def test_wheel_installs_and_synthesizes_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [str(UV), "build", "--wheel", "--out-dir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("gitops_platform-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("gitops_platform/imports/argocd/io/argoproj/_jsii/") for n in names)
    assert "gitops_platform/py.typed" in names
    assert "gitops_platform/policy/rego/lib.rego" in names
    assert "gitops_platform/validation/crds/gatekeeper-config.yaml" in names
    assert "gitops_platform/validation/defaults/tools.txt" in names
    assert "gitops_platform/validation/kube/go.mod" in names
    assert "gitops_platform/validation/kube/etcd/main.go" in names
    assert not any(n.startswith(("dist/", "tests/", "platform/")) for n in names)

    venv = tmp_path / "consumer-venv"
    subprocess.run(
        [str(UV), "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [str(UV), "pip", "install", "--python", str(python), str(wheel)],
        check=True,
        capture_output=True,
    )
    workdir = tmp_path / "other-repo"
    workdir.mkdir()
    (workdir / "app.py").write_text(CONSUMER)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["JSII_NODE"] = os.environ.get("JSII_NODE", str(ROOT / "node_modules/.bin/node"))
    result = subprocess.run(
        [str(python), "app.py"], cwd=workdir, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    module_file, api_version = result.stdout.split()[:2]
    assert module_file.startswith(str(venv)), "the wheel, not the checkout, was imported"
    assert api_version == "argoproj.io/v1alpha1"
    assert "end-of-life" not in result.stdout + result.stderr

    [manifest] = (workdir / "out").glob("*.yaml")
    docs = [d for d in yaml.safe_load_all(manifest.read_text()) if d]
    assert [d["kind"] for d in docs] == ["AppProject", "Application"]
    application = docs[1]
    assert application["metadata"]["name"] == "team-api"
    assert application["spec"]["destination"] == {"name": "prd", "namespace": "team-api"}
    assert application["spec"]["sources"][1]["targetRevision"] == "1.2.3"
    assert application["metadata"]["labels"]["app.kubernetes.io/part-of"] == "team-platform"


# -- a downstream repository: the README's "Using the library in another repository" ----------

EXAMPLES = ROOT / "examples"
UPSTREAM_DATA = Path(os.environ.get("GITOPS_PLATFORM_UPSTREAM", ROOT / "../shared/upstream"))


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )


def _build_and_install(tmp_path: Path, extra: str) -> Path:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [str(UV), "build", "--wheel", "--out-dir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("gitops_platform-*.whl")
    venv = tmp_path / "venv"
    subprocess.run(
        [str(UV), "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True
    )
    subprocess.run(
        [str(UV), "pip", "install", "--python", str(venv / "bin" / "python"), f"{wheel}{extra}"],
        check=True,
        capture_output=True,
    )
    return venv


def _clean_env(venv: Path, home: Path) -> dict[str, str]:
    """An environment without this checkout: its venv, tools, node_modules or settings."""
    keep = [
        p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not p.startswith(str(ROOT))
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITOPS_PLATFORM_", "VIRTUAL_ENV", "PYTHONPATH", "UV_"))
    }
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *keep])
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    env["JSII_NODE"] = str(ROOT / "node_modules" / ".bin" / "node")
    return env


def test_the_cli_runs_without_the_validate_extra(tmp_path: Path) -> None:
    venv = _build_and_install(tmp_path, "")
    env = _clean_env(venv, tmp_path)
    help_run = _run([str(venv / "bin" / "gitops-platform"), "--help"], tmp_path, env)
    assert help_run.returncode == 0, help_run.stderr
    assert "validate" in help_run.stdout
    assert "tools" in help_run.stdout
    version = _run([str(venv / "bin" / "gitops-platform"), "--version"], tmp_path, env)
    assert version.stdout.strip() == "gitops-platform, version 0.1.0"
    validate = _run([str(venv / "bin" / "gitops-platform"), "validate"], tmp_path, env)
    assert validate.returncode == 1
    assert "pip install 'gitops-platform[validate]'" in validate.stderr
    assert "Traceback" not in validate.stderr


def test_a_downstream_repository_synthesizes_and_validates_strictly(tmp_path: Path) -> None:
    # 1. the wheel, installed with the validate extra into a fresh virtual environment
    venv = _build_and_install(tmp_path, "[validate]")
    env = _clean_env(venv, tmp_path)
    cli = str(venv / "bin" / "gitops-platform")
    env["GITOPS_PLATFORM_UPSTREAM"] = str(UPSTREAM_DATA.resolve())
    env["GITOPS_PLATFORM_CACHE"] = str(ROOT / ".build" / "validation-cache")

    # 2. a repository scaffolded from examples/downstream
    repo = tmp_path / "acme-platform"
    shutil.copytree(EXAMPLES / "downstream", repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "scaffold"]):
        subprocess.run([*git, *args], cwd=repo, check=True)

    # 3. the pinned tools with the library's own command, into the user cache (Go's build
    # cache is the machine's, so the four builds link what earlier builds compiled)
    go_cache = subprocess.run(["go", "env", "GOCACHE"], capture_output=True, text=True)
    env["GOCACHE"] = go_cache.stdout.strip()
    tools = tmp_path / ".cache" / "gitops-platform" / "bin"
    installed = _run([cli, "tools", "install"], repo, env, timeout=1800)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.strip() == f"9 built, the tools are in {tools}"
    # the same Go tools at the same versions as this repository's installer; the VRL engine
    # (a cargo build for the observability checks) is installed by the repository only
    repository_tools = (ROOT / "bin" / ".versions").read_text().splitlines()
    assert sorted((tools / ".versions").read_text().splitlines()) == sorted(
        line for line in repository_tools if not line.startswith("vrl ")
    )
    again = _run([cli, "tools", "install"], repo, env)
    assert again.stdout.strip() == f"0 built, the tools are in {tools}"

    # 4. synthesize, commit the tree
    synth = _run([str(venv / "bin" / "python"), "platform/main.py"], repo, env)
    assert synth.returncode == 0, synth.stderr
    assert "end-of-life" not in synth.stdout + synth.stderr
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "synth"], cwd=repo, check=True)
    before = _tree_bytes(repo / "dist")
    assert "infra/infra-root.yaml" in before
    assert "charts/podinfo/podinfo/Chart.yaml" in before

    # 5. validate --strict: every step runs and passes; dist/ is untouched
    run = _run([cli, "validate", "--strict"], repo, env)
    assert run.returncode == 0, run.stdout + run.stderr
    verdict = run.stdout.splitlines()[-1]
    assert verdict.startswith("validation passed: 15 passed, 0 failed, 0 not run, 3 skipped")
    assert "make " not in run.stdout
    assert _tree_bytes(repo / "dist") == before

    # 6. a hand edit in dist/: the freshness step fails, and the edit is still there after
    values = repo / "dist/infra/platform/values/podinfo/prd.yaml"
    edited = values.read_text().replace("replicas: 2", "replicas: 5")
    assert edited != values.read_text()
    values.write_text(edited)
    defect = _tree_bytes(repo / "dist")
    failed = _run([cli, "validate", "--strict", "--format", "json"], repo, env)
    assert failed.returncode == 1, failed.stdout
    report = json.loads(failed.stdout)
    by_name = {step["name"]: step for step in report["steps"]}
    assert by_name["freshness"]["status"] == "failed"
    assert [f["file"] for f in by_name["freshness"]["findings"]] == [
        "infra/platform/values/podinfo/prd.yaml"
    ]
    assert _tree_bytes(repo / "dist") == defect


def test_make_package_builds_wheel_and_sdist_beside_the_rendered_tree(tmp_path: Path) -> None:
    before = _tree_bytes(ROOT / "dist")
    out = tmp_path / "package"
    run = subprocess.run(
        ["make", "-s", "package", f"PACKAGE_DIR={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("gitops_platform")) == [
        "gitops_platform-0.1.0-py3-none-any.whl",
        "gitops_platform-0.1.0.tar.gz",
    ]
    assert _tree_bytes(ROOT / "dist") == before
    with tarfile.open(out / "gitops_platform-0.1.0.tar.gz") as sdist:
        names = sdist.getnames()
    for name in ("LICENSE", "CHANGELOG.md", "examples/downstream/cdk8s.yaml", "tools/kube/go.mod"):
        assert f"gitops_platform-0.1.0/{name}" in names

"""The library as another repository uses it: a built wheel in a fresh virtual environment."""

from __future__ import annotations

import os
import subprocess
import sys
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

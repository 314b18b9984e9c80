"""examples/standalone: the Argo CD constructs in a plain cdk8s app, synthesized and validated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

UPSTREAM = Path(os.environ.get("GITOPS_PLATFORM_UPSTREAM", ROOT / "../shared/upstream"))


def test_the_standalone_example_synthesizes_and_validates(tmp_path: Path) -> None:
    example = tmp_path / "standalone"
    shutil.copytree(ROOT / "examples" / "standalone", example)
    env = {**os.environ, "JSII_NODE": str(ROOT / "node_modules" / ".bin" / "node")}
    subprocess.run([sys.executable, "app.py"], cwd=example, check=True, env=env)
    [manifest] = (example / "out").glob("*.yaml")
    project, application = yaml.safe_load_all(manifest.read_text())
    assert project["spec"]["sourceRepos"] == [
        "git@github.com:team/deploy.git",
        "oci://ghcr.io/stefanprodan/charts",
    ]
    for obj in (project, application):
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "team-platform"
    assert application["spec"]["sources"][0]["targetRevision"] == "20241129"

    args = [
        str(ROOT / ".venv" / "bin" / "gitops-platform"), "validate", "out", "--repo-root", ".",
        "--no-freshness", "--steps", "kubeconform,argocd", "--upstream", str(UPSTREAM.resolve()),
        "--cache", str(ROOT / ".build" / "validation-cache"),
    ]  # fmt: skip
    env["GITOPS_PLATFORM_BIN"] = str(ROOT / "bin")
    run = subprocess.run(args, cwd=example, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[ 4] kubeconform  passed" in run.stdout
    assert "[ 7] argocd       passed" in run.stdout

    # a defect: the Application leaves the project's namespaces; Argo CD would refuse it
    broken = manifest.read_text().replace("namespace: team-podinfo", "namespace: kube-system")
    manifest.write_text(broken)
    failed = subprocess.run(args, cwd=example, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1, failed.stdout
    assert "[ 7] argocd       FAILED" in failed.stdout

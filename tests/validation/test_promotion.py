"""gitops-platform diff: a promotion preview between two revisions of a downstream repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from gitops_platform.cli import main
from tests.conftest import ROOT

UPSTREAM = Path(os.environ.get("GITOPS_PLATFORM_UPSTREAM", ROOT / "../shared/upstream"))
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def _commit(repo: Path, message: str) -> None:
    env = {**os.environ, "JSII_NODE": str(ROOT / "node_modules" / ".bin" / "node")}
    subprocess.run([sys.executable, "platform/main.py"], cwd=repo, check=True, env=env)
    subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=repo, check=True)


def test_an_image_bump_shows_in_values_and_objects_of_that_environment_only(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "acme"
    shutil.copytree(ROOT / "examples" / "downstream", repo)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    _commit(repo, "a")
    main_py = repo / "platform" / "main.py"
    main_py.write_text(
        main_py.read_text().replace(
            "Podinfo(ingress=ingress, tls=tls)",
            'Podinfo(ingress=ingress, tls=tls, image_tag="6.9.3")',
        )
    )
    _commit(repo, "b")
    args = [
        "diff", "--env", "prd", "HEAD~1", "HEAD", "--repo-root", str(repo),
        "--upstream", str(UPSTREAM.resolve()), "--cache", str(ROOT / ".build" / "validation-cache"),
    ]  # fmt: skip
    env = {"GITOPS_PLATFORM_BIN": str(ROOT / "bin")}
    before = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    run = CliRunner().invoke(main, args, env=env)
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert "=== Application podinfo-prd: changed" in lines
    assert "-  tag: 6.9.2" in lines
    assert "+  tag: 6.9.3" in lines
    assert "+++ HEAD:Deployment/podinfo" in lines
    assert "+      - image: ghcr.io/stefanprodan/podinfo:6.9.3" in lines
    assert not any("podinfo-dev" in line for line in lines)
    assert lines[-1].startswith("1 of ")
    same = CliRunner().invoke(main, [*args[:3], "HEAD", "HEAD", *args[5:]], env=env)
    assert same.exit_code == 0, same.output
    assert same.output.splitlines()[-1].startswith("no change between HEAD and HEAD")
    after = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    assert after.stdout == before.stdout == b""
    unknown = CliRunner().invoke(main, [*args[:3], "nope", "HEAD", *args[5:]], env=env)
    assert unknown.exit_code == 1
    assert "nope: cannot read dist" in unknown.output

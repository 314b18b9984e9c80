"""The tool installer: a second run installs nothing and says nothing; without Go it explains."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "install_tools.sh"
TOOLS = (
    "helm", "kubeconform", "gator", "kustomize", "promtool", "cyclonus", "kube-apiserver",
    "kubectl", "etcd", "vrl",
)  # fmt: skip


def test_second_run_installs_nothing_and_prints_nothing() -> None:
    versions = ROOT / "bin" / ".versions"
    if not versions.is_file():
        pytest.fail(
            "the tools are not installed: run `make tools` (installs pinned tools into bin/)"
        )
    before = {tool: (ROOT / "bin" / tool).stat().st_mtime_ns for tool in TOOLS}
    run = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert run.stderr == ""
    assert {tool: (ROOT / "bin" / tool).stat().st_mtime_ns for tool in TOOLS} == before
    recorded = versions.read_text().splitlines()
    assert sorted(line.split()[0] for line in recorded) == sorted(TOOLS)
    assert all("@v" in line or line.startswith("vrl crates.io/vrl@") for line in recorded)


def test_without_go_the_installer_says_what_to_do(tmp_path: Path) -> None:
    # A PATH with the shell utilities the script needs, and no Go.
    tools = tmp_path / "path"
    tools.mkdir()
    for name in ("bash", "dirname", "grep", "mkdir", "mv", "env", "awk", "cut", "cat", "sha256sum"):
        found = shutil.which(name)
        assert found, name
        (tools / name).symlink_to(found)
    run = subprocess.run(
        [str(tools / "bash"), str(SCRIPT)],
        env={"PATH": str(tools), "BIN": str(tmp_path / "bin"), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 127
    assert "'go' was not found" in run.stderr
    assert "make tools" in run.stderr
    assert not (tmp_path / "bin").exists()
    assert os.environ.get("PATH")  # the test's own environment is untouched

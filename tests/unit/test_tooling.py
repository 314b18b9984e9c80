"""Project tooling: upstream data pins, commit message rules, release configuration."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from gitops_platform.validation import upstream_data
from tests.conftest import ROOT

UPSTREAM = Path(os.environ.get("GITOPS_PLATFORM_UPSTREAM", ROOT.parent / "shared" / "upstream"))


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_upstream_pins_match_the_reference_data() -> None:
    assert UPSTREAM.is_dir(), f"upstream data missing at {UPSTREAM} (see its SOURCES.md)"
    for relpath, url, sha256 in upstream_data.FILES:
        local = UPSTREAM / relpath
        assert local.is_file(), relpath
        assert hashlib.sha256(local.read_bytes()).hexdigest() == sha256, relpath
        assert url.startswith("https://raw.githubusercontent.com/")
    listed = {relpath for relpath, _, _ in upstream_data.FILES}
    used_crds = {p.relative_to(UPSTREAM).as_posix() for p in UPSTREAM.glob("crds/*/*/*.yaml")}
    assert used_crds - listed <= {
        "crds/kyverno/v1.19.0/kyverno.io_clusterpolicies.yaml",
        "crds/kyverno/v1.19.0/kyverno.io_policies.yaml",
    }


def test_crd_import_list_maps_onto_local_files() -> None:
    imports = _load("import_crds")
    import yaml

    urls = yaml.safe_load((ROOT / "cdk8s.yaml").read_text())["imports"]
    assert len(urls) == 13
    for url in urls:
        assert imports.local_file(url).is_file()


@pytest.mark.parametrize(
    ("message", "ok"),
    [
        ("feat(argocd): add retry to applications", True),
        ("fix: keep dist/ when synth fails", True),
        ("added some stuff", False),
        ("feat add things", False),
    ],
)
def test_commit_messages_are_checked(message: str, ok: bool) -> None:
    commitlint = ROOT / "node_modules" / ".bin" / "commitlint"
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}:{os.environ['PATH']}"}
    result = subprocess.run(
        [str(commitlint)],
        input=message,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert (result.returncode == 0) is ok, result.stdout


def test_semantic_release_computes_the_next_version(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # releases are cut from main: check out this revision as main (a branch checkout is not)
    subprocess.run(["git", "checkout", "-q", "-B", "main"], cwd=clone, check=True)
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "semantic-release"), "--noop", "version", "--print"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    version = result.stdout.strip().splitlines()[-1]
    major, minor, patch = (int(x) for x in version.split("."))
    assert (major, minor, patch) >= (0, 1, 0)

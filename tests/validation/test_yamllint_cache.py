"""Step 2 keeps each file's yamllint problems in the cache: reused when unchanged, never stale."""

from __future__ import annotations

from pathlib import Path

from gitops_platform.validation.report import Status
from gitops_platform.validation.yaml_lint import run_yamllint
from tests.conftest import ROOT

CONFIG = ROOT / ".yamllint.yaml"


def test_problems_are_the_same_from_the_cache_and_follow_changes(tmp_path: Path) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    tree.mkdir()
    (tree / "good.yaml").write_text("---\nkey: value\n")
    (tree / "bad.yaml").write_text("---\nkey: value   \nother:   x\n")
    files = ["bad.yaml", "good.yaml"]

    cold = run_yamllint(tree, files, CONFIG, cache=cache)
    assert cold.status is Status.FAILED
    assert list((cache / "yamllint").glob("*.json"))
    warm = run_yamllint(tree, files, CONFIG, cache=cache)
    assert [(f.file, f.rule, f.message) for f in warm.findings] == [
        (f.file, f.rule, f.message) for f in cold.findings
    ]

    (tree / "bad.yaml").write_text("---\nkey: value\n")
    fixed = run_yamllint(tree, files, CONFIG, cache=cache)
    assert fixed.status is Status.PASSED
    (tree / "good.yaml").write_text("---\nkey: value  \n")
    broken = run_yamllint(tree, files, CONFIG, cache=cache)
    assert broken.status is Status.FAILED
    assert {f.file.split(":")[0] for f in broken.findings} == {"good.yaml"}

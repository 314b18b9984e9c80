"""TechDocs: the site builds with `mkdocs build --strict`, and every internal link resolves."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

MKDOCS = [sys.executable, "-m", "mkdocs"]


def _build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(project / "mkdocs.yml"),
         "--site-dir", str(site)],
        capture_output=True, text=True, check=False, timeout=300, cwd=project,
    )  # fmt: skip


def _copy(tmp: Path) -> Path:
    project = tmp / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    run = _build(ROOT, tmp_path / "site")
    assert run.returncode == 0, run.stdout + run.stderr
    for page in ("index.html", "slo/index.html", "architecture/index.html",
                 "runbooks/promote-rollback/index.html"):  # fmt: skip
        assert (tmp_path / "site" / page).is_file(), page
    techdocs = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert techdocs["plugins"] == ["techdocs-core"]


def test_every_page_is_in_the_navigation() -> None:
    text = (ROOT / "mkdocs.yml").read_text()
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages == set(re.findall(r"([\w/-]+\.md)", text))


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    page = project / "docs" / "runbooks" / "backstage.md"
    page.write_text(page.read_text() + "\nSee [the database runbook](database.md).\n")
    run = _build(project, tmp_path / "site")
    assert run.returncode != 0
    assert "database.md" in run.stdout + run.stderr


def test_a_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    page = project / "docs" / "runbooks" / "policy.md"
    page.write_text(page.read_text() + "\nSee [resume](promote-rollback.md#unpause).\n")
    run = _build(project, tmp_path / "site")
    assert run.returncode != 0
    assert "unpause" in run.stdout + run.stderr


def test_a_page_left_out_of_the_navigation_fails_the_build(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    (project / "docs" / "runbooks" / "orphan.md").write_text("# Orphan\n")
    run = _build(project, tmp_path / "site")
    assert run.returncode != 0
    assert "orphan.md" in run.stdout + run.stderr


def test_the_readme_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if not re.match(r"^[a-z]+:", link)]
    assert any(link.startswith("docs/") for link in local)
    missing = [link for link in local if not (ROOT / link).exists()]
    assert missing == []

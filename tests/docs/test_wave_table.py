"""The deploy runbook's wave table: every Application of an environment at its rendered wave."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from tests.conftest import ROOT, find_tool

DEPLOY = ROOT / "docs" / "runbooks" / "deploy.md"
WAVE = "argocd.argoproj.io/sync-wave"
ENVIRONMENTS = sorted(p.name for p in (ROOT / "dist/infra/clusters").iterdir())


def _table(markdown: str) -> dict[str, str]:
    """``{application (with <env>): wave}`` from the rows of the ``## Wave order`` table."""
    section = markdown.split("## Wave order", 1)[1].split("\n## ", 1)[0]
    waves: dict[str, str] = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"-?\d+", cells[0]):
            continue
        for name in re.findall(r"`Application/argocd/([^`]+)`", cells[1]):
            waves[name] = cells[0]
    return waves


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, str]]:
    """Per environment, every Application its app-of-apps deploys (and itself) at its wave."""
    kustomize = find_tool("kustomize")
    result: dict[str, dict[str, str]] = {}
    for env in ENVIRONMENTS:
        folder = ROOT / "dist/infra/clusters" / env
        built = subprocess.run(
            [kustomize, "build", str(folder)], check=True, capture_output=True, text=True
        ).stdout
        docs = [
            *yaml.safe_load_all(built),
            *yaml.safe_load_all((folder / "app-of-apps.yaml").read_text()),
        ]
        result[env] = {
            d["metadata"]["name"]: str(d["metadata"].get("annotations", {}).get(WAVE, "0"))
            for d in docs
            if d and d.get("kind") == "Application"
        }
    return result


def _problems(table: dict[str, str], rendered: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    for env, apps in rendered.items():
        documented = {name.replace("<env>", env): wave for name, wave in table.items()}
        for name in sorted(apps.keys() | documented.keys()):
            if name not in documented:
                problems.append(f"{env}: {name} (wave {apps[name]}) is not in the table")
            elif name not in apps:
                problems.append(f"{env}: {name} is in the table but not rendered")
            elif documented[name] != apps[name]:
                problems.append(
                    f"{env}: {name} is at wave {apps[name]}, the table says {documented[name]}"
                )
    return problems


def test_the_wave_table_matches_the_rendered_waves(rendered: dict[str, dict[str, str]]) -> None:
    assert ENVIRONMENTS == ["dev", "prd"]
    assert _problems(_table(DEPLOY.read_text()), rendered) == []


def test_a_wrong_or_missing_wave_fails(rendered: dict[str, dict[str, str]]) -> None:
    table = _table(DEPLOY.read_text())
    table["backstage-<env>"] = "1"
    del table["chat-api-network-<env>"]
    assert _problems(table, rendered) == [
        "dev: backstage-dev is at wave 2, the table says 1",
        "dev: chat-api-network-dev (wave 0) is not in the table",
        "prd: backstage-prd is at wave 2, the table says 1",
        "prd: chat-api-network-prd (wave 0) is not in the table",
    ]

"""Fixtures for the rendered-tree tests: the organisation's platform and kustomize builds."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from gitops_platform import PlatformApp, PlatformComponent
from gitops_platform.validation.tools import run_command
from tests.conftest import ROOT, find_tool


def load_main() -> ModuleType:
    spec = importlib.util.spec_from_file_location("platform_main", ROOT / "platform" / "main.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def main_module() -> ModuleType:
    return load_main()


@pytest.fixture(scope="session")
def platform_app(main_module: ModuleType) -> PlatformApp:
    app: PlatformApp = main_module.build()
    return app


@pytest.fixture(scope="session")
def components(platform_app: PlatformApp) -> tuple[PlatformComponent, ...]:
    return platform_app.components


@pytest.fixture(scope="session")
def rendered(platform_app: PlatformApp) -> dict[str, str]:
    return platform_app.render()


@pytest.fixture(scope="session")
def dist() -> Path:
    return ROOT / "dist"


def kustomize_build(path: Path) -> list[dict[str, Any]]:
    """``kustomize build`` with the pinned binary; fails with the install hint if missing."""
    result = run_command([find_tool("kustomize"), "build", path])
    assert result.ok, f"kustomize build {path} failed:\n{result.output()}"
    return [d for d in yaml.safe_load_all(result.stdout) if d]


@pytest.fixture(scope="session")
def env_builds(dist: Path, main_module: ModuleType) -> dict[str, list[dict[str, Any]]]:
    return {
        env.name: kustomize_build(dist / "infra" / "clusters" / env.name)
        for env in main_module.SPEC.environments
    }


@pytest.fixture(scope="session")
def root_build(dist: Path) -> list[dict[str, Any]]:
    return kustomize_build(dist / "infra")

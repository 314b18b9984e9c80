"""Shared test set-up: the pinned Node.js for jsii, the repository root, tool lookup."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NODE = ROOT / "node_modules" / ".bin" / "node"
if "JSII_NODE" not in os.environ and _NODE.exists():
    os.environ["JSII_NODE"] = str(_NODE)
if str(ROOT / "platform") not in sys.path:
    sys.path.insert(0, str(ROOT / "platform"))


def find_tool(name: str) -> str:
    """Return the pinned tool from ``bin/`` (else PATH), or fail with the install hint."""
    local = ROOT / "bin" / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(f"{name} is not installed: run `make tools` (installs pinned tools into bin/)")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT

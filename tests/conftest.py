"""Shared test set-up: the pinned Node.js for jsii, the repository root, tool lookup."""

from __future__ import annotations

import os
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
    """Return the pinned tool (as the pipeline finds it), or fail with the install hint."""
    from gitops_platform.validation import tools

    found = tools.find_tool(name, ROOT)
    if found is None:
        pytest.fail(f"{name} is not installed: {tools.INSTALL_HINT}")
    return str(found)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT

"""The public API: what gitops_platform exports, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gitops_platform
from tests.conftest import ROOT


def test_every_export_resolves_and_is_documented() -> None:
    assert sorted(gitops_platform.__all__) == sorted(gitops_platform._EXPORTS)
    for name in gitops_platform.__all__:
        value = getattr(gitops_platform, name)
        assert value.__doc__, f"{name} has no docstring"
    assert dir(gitops_platform) == sorted(gitops_platform.__all__)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        gitops_platform.NoSuchThing  # noqa: B018


def test_validation_and_errors_do_not_start_jsii() -> None:
    code = (
        "import sys, gitops_platform, gitops_platform.errors, gitops_platform.validation.pipeline;"
        "print(sorted(m for m in ('jsii', 'cdk8s', 'constructs') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "platform"), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "[]"

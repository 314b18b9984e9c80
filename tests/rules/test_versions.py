"""One exact-version rule: construction and the pipeline accept and refuse the same versions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_platform import HelmChartSource, InvalidValueError
from gitops_platform.rules.versions import is_exact_version
from gitops_platform.validation.argocd import is_exact_version as pipeline_rule


def built(version: str) -> bool:
    try:
        HelmChartSource(
            repo_url="https://charts.example.com", chart="c", version=version, release_name="c"
        )
    except InvalidValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("version", "exact"),
    [
        ("1.2.3", True),
        ("v1.21.1", True),
        ("1.2.3-rc.1+build.5", True),
        ("1.2.3-0a.1", True),
        # what one side accepted and the other refused before the rule was shared
        ("1.2.3-.", False),
        ("1.2.3-a..b", False),
        (" 1.2.3", False),
        ("1.2.3-01", False),
        ("01.2.3", False),
        ("1.2", False),
        ("^1.2.3", False),
        ("1.2.*", False),
    ],
)
def test_the_rule(version: str, exact: bool) -> None:
    assert is_exact_version(version) is exact
    assert built(version) is exact
    assert pipeline_rule(version) is exact


@given(st.text(alphabet="v0123.-+a^~*x <>|", max_size=14))
def test_construction_and_the_pipeline_agree(version: str) -> None:
    assert built(version) is pipeline_rule(version)

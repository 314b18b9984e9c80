"""Helm values merging as Argo CD and Helm do it: value files in order, then chart defaults."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gitops_platform.validation.helm_values import coalesce, merge_values

SCALARS = st.one_of(st.integers(), st.text(max_size=5), st.booleans())
VALUES: st.SearchStrategy[dict[str, Any]] = st.recursive(
    st.dictionaries(st.sampled_from("abcd"), SCALARS, max_size=3),
    lambda children: st.dictionaries(
        st.sampled_from("abcd"),
        st.one_of(SCALARS, children, st.lists(SCALARS, max_size=2)),
        max_size=3,
    ),
    max_leaves=12,
)


def test_value_files_merge_maps_and_replace_lists_and_scalars() -> None:
    base = {
        "image": {"tag": "1.0", "pullPolicy": "IfNotPresent"},
        "args": ["a", "b"],
        "replicas": 1,
    }
    env = {"image": {"tag": "1.1"}, "args": ["c"], "replicas": 3}
    assert merge_values(base, env) == {
        "image": {"tag": "1.1", "pullPolicy": "IfNotPresent"},
        "args": ["c"],
        "replicas": 3,
    }


def test_null_deletes_a_chart_default_and_values_win() -> None:
    defaults = {"route": {"enabled": True, "host": "x"}, "resources": {"limits": {"cpu": "1"}}}
    values = {"route": {"host": None}, "resources": {"limits": {"cpu": "2"}}}
    assert coalesce(values, defaults) == {
        "route": {"enabled": True},
        "resources": {"limits": {"cpu": "2"}},
    }


def test_a_map_replaced_by_a_scalar_stays_a_scalar() -> None:
    assert coalesce({"tls": False}, {"tls": {"enabled": True}}) == {"tls": False}


@given(VALUES, VALUES)
def test_later_files_win_on_every_leaf(base: dict[str, Any], override: dict[str, Any]) -> None:
    merged = merge_values(base, override)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            assert merged[key] == merge_values(base[key], value)
        else:
            assert merged[key] == value
    assert set(merged) == set(base) | set(override)


@given(VALUES)
def test_coalescing_with_no_defaults_or_with_itself_changes_nothing(values: dict[str, Any]) -> None:
    assert coalesce(values, {}) == values
    assert coalesce(values, values) == values

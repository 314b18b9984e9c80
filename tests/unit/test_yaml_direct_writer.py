"""The YAML writer: the direct writer and PyYAML's emitter give the same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_platform.output import yaml_format
from gitops_platform.output.yaml_format import dump_yaml
from tests.conftest import ROOT

# Characters that change how YAML must quote or fold a scalar, and words it reads as non-strings.
_TEXT = st.one_of(
    st.text(alphabet="ab: #-'\"\n{}[],&*!|>%@`?.0123456789\t", max_size=30),
    st.sampled_from(["yes", "no", "true", "null", "~", "1.0", "0x1F", "2026-01-01", "-", ""]),
    st.text(alphabet="abc de", min_size=80, max_size=140),  # folds at the width
)
_SCALARS = st.one_of(_TEXT, st.integers(), st.booleans(), st.none())
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.dictionaries(_TEXT, _DATA, max_size=5), st.lists(_DATA, max_size=5)))
def test_the_direct_writer_writes_what_pyyaml_writes(data: Any) -> None:
    for start in (True, False):
        assert dump_yaml(data, explicit_start=start) == yaml_format._pyyaml(
            data, explicit_start=start
        )


def test_every_document_of_the_tree_is_written_alike() -> None:
    documents = [
        doc
        for path in sorted((ROOT / "dist").rglob("*.yaml"))
        if "/templates/" not in path.as_posix()
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc is not None
    ]
    assert len(documents) > 50
    direct = 0
    for doc in documents:
        assert dump_yaml(doc) == yaml_format._pyyaml(doc, explicit_start=True)
        try:
            yaml_format._direct(doc, True)
            direct += 1
        except yaml_format._Unsupported:
            pass
    # most documents take the direct path (the rest: long folded text, rego, tabs)
    assert direct > len(documents) // 2


def test_unsupported_documents_fall_back_to_pyyaml(tmp_path: Path) -> None:
    for data in ({"v": 1.5}, {"v": "x" * 60 + " " + "y" * 60}, {"v": "a\n\n"}, {"v": "é"}, {}):
        assert dump_yaml(data) == yaml_format._pyyaml(data, explicit_start=True)

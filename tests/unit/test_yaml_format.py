"""The YAML writer: readable, deterministic and lossless."""

from __future__ import annotations

import pytest
import yaml

from gitops_platform.output.yaml_format import dump_documents, dump_values


@pytest.mark.parametrize(
    "text",
    [
        "package x\n\nviolation if {\n\tinput.a\n}\n",  # tabs: still a block scalar
        "line one\nline two",  # no final newline
        "trailing space \nnext\n",  # not representable as a block: quoted, still lossless
        "\tstarts with a tab\nx\n",
        "plain",
    ],
)
def test_strings_round_trip(text: str) -> None:
    dumped = dump_values({"value": text, "list": [text]})
    assert yaml.safe_load(dumped) == {"value": text, "list": [text]}


def test_multiline_text_is_a_block_scalar() -> None:
    dumped = dump_values({"rego": "package x\n\nviolation if {\n\tinput.a\n}\n"})
    assert dumped.startswith("---\nrego: |\n  package x\n")


def test_documents_and_sequences_are_indented() -> None:
    text = dump_documents([{"kind": "A", "items": [{"b": 1, "a": 2}]}, {"kind": "B"}])
    assert text == "---\nkind: A\nitems:\n  - b: 1\n    a: 2\n---\nkind: B\n"

"""Deterministic, reviewable YAML: indented sequences, block scalars, no aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

__all__ = ["dump_documents", "dump_values", "dump_yaml"]


_UNSAFE_BLOCK = re.compile(r"[ \t]\n|[ \t]$|\r|^[ \t]")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents sequences under their key and never emits aliases."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def choose_scalar_style(self) -> str:
        # PyYAML refuses block style for text indented with tabs (Rego, Go templates), which
        # would squeeze whole programs onto one quoted line. YAML allows tabs in block
        # scalar content, so keep "|" unless a line ends in white space (not representable).
        style: str = super().choose_scalar_style()
        event = self.event
        if (
            isinstance(event, yaml.ScalarEvent)
            and event.style == "|"
            and style != "|"
            and not _UNSAFE_BLOCK.search(event.value)
        ):
            return "|"
        return style


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any, *, explicit_start: bool = True) -> str:
    """Return ``data`` as one YAML document."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,  # long plain strings fold onto continuation lines (lossless)
        explicit_start=explicit_start,
    )


def dump_documents(documents: Iterable[dict[str, Any]]) -> str:
    """Return a multi-document YAML stream, each document starting with ``---``."""
    return "".join(dump_yaml(doc) for doc in documents)


def dump_values(values: dict[str, Any]) -> str:
    """Return one YAML document of Helm values (``{}`` when empty)."""
    return dump_yaml(values)

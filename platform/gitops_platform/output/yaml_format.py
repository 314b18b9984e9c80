"""Deterministic, reviewable YAML: indented sequences, block scalars, no aliases.

:func:`dump_yaml` writes what PyYAML's emitter writes with the settings below. Most documents
(mappings, lists, short one-line strings, integers, booleans, null, multi-line strings that fit
a plain ``|`` block) are written by a direct writer that takes every decision PyYAML takes
(plain or quoted scalars from PyYAML's own analysis and resolver, memoised per string), about
ten times faster than the pure-Python emitter; a document holding anything else (floats,
long lines that PyYAML could fold, unusual block scalars, non-ASCII text) is written by PyYAML
itself. Both give the same bytes (``tests/unit/test_yaml_direct_writer.py`` compares them).
"""

from __future__ import annotations

import functools
import io
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


_WIDTH = 100
_INDENT = 2
_STR_TAG = "tag:yaml.org,2002:str"


class _Unsupported(Exception):
    """The direct writer leaves this document to PyYAML."""


@functools.cache
def _analyzer() -> _Dumper:
    return _Dumper(io.StringIO(), allow_unicode=True, width=_WIDTH)


@functools.lru_cache(maxsize=1 << 16)
def _one_line(value: str, key: bool) -> tuple[str, bool]:
    """How PyYAML writes the one-line string ``value``: the text and whether it may fold.

    ``choose_scalar_style`` for a block context: plain when the string resolves back to a
    string and the analysis allows it, else single-quoted; double quotes are left to PyYAML.
    """
    if not value.isascii() or not value.isprintable():
        raise _Unsupported
    dumper = _analyzer()
    analysis = dumper.analyze_scalar(value)
    implicit = dumper.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]
    if (
        implicit
        and not (key and (analysis.empty or analysis.multiline))
        and analysis.allow_block_plain
    ):
        return value, " " in value
    if analysis.allow_single_quoted and not (key and analysis.multiline):
        return "'" + value.replace("'", "''") + "'", " " in value
    raise _Unsupported


@functools.lru_cache(maxsize=1 << 12)
def _literal_ok(value: str) -> str:
    """The ``|`` indicator PyYAML writes for the multi-line ``value`` (or unsupported)."""
    if not value.isascii() or value[0] in " \n" or "\t" in value or "\r" in value:
        raise _Unsupported
    if any(not line.isprintable() or line.endswith(" ") for line in value.split("\n")):
        raise _Unsupported
    if not _analyzer().analyze_scalar(value).allow_block:
        raise _Unsupported
    if not value.endswith("\n"):
        return "|-"
    if value.endswith("\n\n"):
        raise _Unsupported  # "|+" keeps trailing lines: left to PyYAML
    return "|"


def _scalar(value: Any, column: int, *, key: bool = False) -> str:
    kind = type(value)
    if kind is str:
        if key and not 0 < len(value) < 128:
            raise _Unsupported  # not a simple key: PyYAML writes "? key"
        text, folds = _one_line(value, key)
        if folds and column + len(text) > _WIDTH:
            raise _Unsupported  # PyYAML may fold it at a space
        return text
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    raise _Unsupported


def _value(value: Any, indent: int, head: str, out: list[str]) -> None:
    """Write ``head`` (``<indent>key:`` or ``- ``) followed by ``value``."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append(head + " {}\n")
            return
        out.append(head + "\n")
        _mapping(value, indent + _INDENT, " " * (indent + _INDENT), out)
    elif kind is list:
        if not value:
            out.append(head + " []\n")
            return
        out.append(head + "\n")
        _sequence(value, indent + _INDENT, " " * (indent + _INDENT), out)
    elif kind is str and "\n" in value:
        out.append(f"{head} {_literal_ok(value)}\n")
        pad = " " * (indent + _INDENT)
        lines = value[:-1].split("\n") if value.endswith("\n") else value.split("\n")
        out.extend(f"{pad}{line}\n" if line else "\n" for line in lines)
    else:
        out.append(f"{head} {_scalar(value, len(head) + 1)}\n")


def _mapping(mapping: dict[Any, Any], indent: int, first: str, out: list[str]) -> None:
    lead = first
    for key, item in mapping.items():
        if type(key) is not str or "\n" in key:
            raise _Unsupported
        _value(item, indent, f"{lead}{_scalar(key, len(lead), key=True)}:", out)
        lead = " " * indent


def _sequence(sequence: list[Any], indent: int, first: str, out: list[str]) -> None:
    lead = first
    for item in sequence:
        kind = type(item)
        head = lead + "- "
        if kind is dict and item:
            _mapping(item, indent + _INDENT, head, out)
        elif kind is list and item:
            _sequence(item, indent + _INDENT, head, out)
        elif kind is dict or kind is list:
            out.append(head + ("{}" if kind is dict else "[]") + "\n")
        elif kind is str and "\n" in item:
            _value(item, indent, lead + "-", out)
        else:
            out.append(head + _scalar(item, len(head)) + "\n")
        lead = " " * indent


def _direct(data: Any, explicit_start: bool) -> str:
    out: list[str] = ["---\n"] if explicit_start else []
    if type(data) is dict and data:
        _mapping(data, 0, "", out)
    elif type(data) is list and data:
        _sequence(data, 0, "", out)
    else:
        raise _Unsupported
    return "".join(out)


def dump_yaml(data: Any, *, explicit_start: bool = True) -> str:
    """Return ``data`` as one YAML document."""
    try:
        return _direct(data, explicit_start)
    except _Unsupported:
        return _pyyaml(data, explicit_start=explicit_start)


def _pyyaml(data: Any, *, explicit_start: bool) -> str:
    """``data`` written by PyYAML's emitter (what :func:`dump_yaml` matches)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=_WIDTH,  # long plain strings fold onto continuation lines (lossless)
        explicit_start=explicit_start,
    )


def dump_documents(documents: Iterable[dict[str, Any]]) -> str:
    """Return a multi-document YAML stream, each document starting with ``---``."""
    return "".join(dump_yaml(doc) for doc in documents)


def dump_values(values: dict[str, Any]) -> str:
    """Return one YAML document of Helm values (``{}`` when empty)."""
    return dump_yaml(values)

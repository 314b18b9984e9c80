"""Vector configurations checked against Vector's own config schema, for the pinned version.

The schema is the one ``vector generate-schema`` prints, as SchemaStore last published it: for
Vector **0.54.0** (upstream data ``vector/0.54.0/vector-config.schema.json``). The gateway runs
Vector **0.56.0**; :data:`SCHEMA_PATCH_0_56` closes the gap as a JSON Patch, one operation per
documented change (``vectordotdev/vector`` release notes ``website/cue/reference/releases/
0.55.0.cue`` and ``src/config/api.rs`` / ``src/sources/opentelemetry/config.rs`` at tag
``v0.56.0``):

* ``sources.<id>.use_otlp_decoding`` also takes the per-signal object ``{logs, metrics,
  traces}`` (0.55.0, PR #24822);
* the ``api`` section has only ``enabled`` and ``address`` (0.55.0 replaced the GraphQL API by
  gRPC: ``graphql`` and ``playground`` are gone and ``deny_unknown_fields`` refuses them).

The schema's own messages are poor (a ``oneOf`` over every component kind makes the best match
name an unrelated kind), so each component is validated against the one branch its ``type``
selects, and the report names the real field. The ``inputs`` graph, which no schema can see,
is checked by hand: every input names a component (or a source's named output such as
``otlp.logs``) and the graph has no cycle.

Which configurations: every ``vector.yaml`` key of a ConfigMap rendered from the ``vector``
chart (step 5c's renders), i.e. exactly what the pods would read.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import jsonpatch
import yaml
from jsonschema import Draft201909Validator
from jsonschema.exceptions import ValidationError, best_match

from gitops_platform.errors import UpstreamDataError
from gitops_platform.validation.report import Document, Finding, Status, StepResult

__all__ = [
    "SCHEMA_PATCH_0_56",
    "SCHEMA_VERSION",
    "STEP",
    "VECTOR_VERSION",
    "check_config",
    "run_vector_config",
    "vector_configs",
]

STEP: Final = "vector-config"
#: The schema published upstream, and the version the platform runs.
SCHEMA_VERSION: Final = "0.54.0"
VECTOR_VERSION: Final = "0.56.0"
#: The chart whose ConfigMaps hold Vector configurations, and the key.
VECTOR_CHART: Final = "vector"
CONFIG_KEY: Final = "vector.yaml"

_OTEL_SOURCE = "/definitions/vector::sources::opentelemetry::config::OpentelemetryConfig"
_BOOL = {"type": "boolean"}

#: 0.54.0 -> 0.56.0, as JSON Patch operations on the 0.54.0 schema (see the module docstring).
SCHEMA_PATCH_0_56: Final[tuple[dict[str, Any], ...]] = (
    {
        "op": "replace",
        "path": f"{_OTEL_SOURCE}/properties/use_otlp_decoding",
        "value": {
            "oneOf": [
                _BOOL,
                {
                    "type": "object",
                    "properties": {"logs": _BOOL, "metrics": _BOOL, "traces": _BOOL},
                    "additionalProperties": False,
                },
            ]
        },
    },
    {"op": "remove", "path": "/allOf/0/properties/api/properties/graphql"},
    {"op": "remove", "path": "/allOf/0/properties/api/properties/playground"},
    {
        "op": "replace",
        "path": "/allOf/0/properties/api/default",
        "value": {"enabled": False, "address": "127.0.0.1:8686"},
    },
)

_KINDS: Final = ("sources", "transforms", "sinks")


@functools.cache
def _schema(upstream: Path) -> dict[str, Any]:
    path = upstream / "vector" / SCHEMA_VERSION / "vector-config.schema.json"
    try:
        base = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UpstreamDataError(f"the Vector {SCHEMA_VERSION} schema at {path}: {error}") from None
    patched: dict[str, Any] = jsonpatch.apply_patch(base, list(SCHEMA_PATCH_0_56))
    return patched


def _deref(node: Any, root: dict[str, Any]) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _type_const(branch: dict[str, Any]) -> str | None:
    for part in branch.get("allOf", []):
        const = part.get("properties", {}).get("type", {}).get("const")
        if isinstance(const, str):
            return const
    return None


@functools.cache
def _component_validator(upstream: Path, kind: str, type_: str) -> Draft201909Validator | None:
    """A validator for one component: the common options plus the branch its type selects."""
    root = _schema(upstream)
    outer = _deref(root["allOf"][0]["properties"][kind]["additionalProperties"], root)
    common: list[Any] = []
    branch: dict[str, Any] | None = None
    for part in outer.get("allOf", []):
        resolved = _deref(part, root)
        if isinstance(resolved, dict) and "oneOf" in resolved:
            branch = next((b for b in resolved["oneOf"] if _type_const(b) == type_), None)
        else:
            common.append(part)
    if branch is None:
        return None
    schema = {
        "$schema": root["$schema"],
        "definitions": root["definitions"],
        "allOf": [*common, branch],
        "unevaluatedProperties": False,
    }
    return Draft201909Validator(schema)


@functools.cache
def _top_validator(upstream: Path) -> Draft201909Validator:
    """The top level without the components (checked one by one)."""
    root = copy.copy(_schema(upstream))
    first = copy.deepcopy(root["allOf"][0])
    for kind in _KINDS:
        first["properties"][kind] = {"type": "object"}
    root["allOf"] = [first, *root["allOf"][1:]]
    return Draft201909Validator(root)


def _leaves(error: ValidationError) -> Iterable[ValidationError]:
    """The innermost errors of a ``oneOf``/``anyOf`` error's branches."""
    for sub in error.context or ():
        if sub.context:
            yield from _leaves(sub)
        else:
            yield sub


def _where(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path)


def check_config(config: Any, upstream: Path) -> list[str]:
    """Every problem of one Vector configuration, as ``field: message`` strings.

    Args:
        config: the parsed configuration.
        upstream: the upstream data folder (holding ``vector/<version>/``).

    Returns:
        The problems (none when it is valid for Vector 0.56.0).

    Raises:
        UpstreamDataError: the schema cannot be read.
    """
    if not isinstance(config, dict):
        return ["(root): a Vector configuration is a mapping"]
    top = list(_top_validator(upstream).iter_errors(config))
    problems = [
        f"{_where(e.absolute_path) or '(root)'}: {e.message}"
        for e in top
        # the root's "unevaluated properties" echo of an error inside a section
        if not (e.validator == "unevaluatedProperties" and not e.absolute_path and len(top) > 1)
    ]
    ids: dict[str, str] = {}
    for kind in _KINDS:
        section = config.get(kind) or {}
        if not isinstance(section, dict):
            continue
        for cid, component in section.items():
            where = f"{kind}.{cid}"
            if cid in ids:
                problems.append(f"{where}: the id is also a {ids[cid]} id")
            ids[cid] = kind
            type_ = component.get("type") if isinstance(component, dict) else None
            if not isinstance(type_, str):
                problems.append(f"{where}.type: missing; every component names its type")
                continue
            validator = _component_validator(upstream, kind, type_)
            if validator is None:
                problems.append(f"{where}.type: {type_!r} is no {kind[:-1]} type of Vector")
                continue
            errors = sorted(validator.iter_errors(component), key=lambda e: e.json_path)
            paths = [tuple(e.absolute_path) for e in errors]
            for error, path in zip(errors, paths, strict=True):
                # an object's "unevaluated properties" echo of an error deeper inside it
                echo = error.validator == "unevaluatedProperties" and any(
                    len(p) > len(path) and p[: len(path)] == path for p in paths
                )
                if echo:
                    continue
                if error.context:  # a oneOf/anyOf: the deepest error of its branches says why
                    leaves = list(_leaves(error))
                    # a branch whose `type` const did not match is the wrong branch
                    wrong = {
                        tuple(e.relative_schema_path)[:2]
                        for e in leaves
                        if e.validator == "const" and list(e.absolute_path)[-1:] == ["type"]
                    }
                    leaves = [
                        e for e in leaves if tuple(e.relative_schema_path)[:2] not in wrong
                    ] or leaves
                    deepest = max(len(e.absolute_path) for e in leaves)
                    error = best_match(e for e in leaves if len(e.absolute_path) == deepest)
                field = _where((*(where.split(".")), *error.absolute_path))
                problems.append(f"{field}: {error.message}")
    problems += _graph_problems(config, ids)
    return problems


#: Named outputs of source types whose events leave through ``<id>.<output>``.
NAMED_OUTPUTS: Final = {"opentelemetry": ("logs", "metrics", "traces")}


def _graph_problems(config: dict[str, Any], ids: dict[str, str]) -> list[str]:
    """Hand-written: inputs name existing components or outputs; no cycle among transforms."""
    outputs = set()
    for kind in ("sources", "transforms"):
        for cid, component in (config.get(kind) or {}).items():
            outputs.add(cid)
            type_ = component.get("type") if isinstance(component, dict) else None
            for name in NAMED_OUTPUTS.get(str(type_), ()):
                outputs.add(f"{cid}.{name}")
    problems: list[str] = []
    edges: dict[str, list[str]] = {}
    for kind in ("transforms", "sinks"):
        for cid, component in (config.get(kind) or {}).items():
            inputs = component.get("inputs") if isinstance(component, dict) else None
            if not isinstance(inputs, list) or not inputs:
                problems.append(f"{kind}.{cid}.inputs: a non-empty list of component ids")
                continue
            for item in inputs:
                if item not in outputs:
                    problems.append(
                        f"{kind}.{cid}.inputs: {item!r} is no source, transform or named output "
                        f"(known: {', '.join(sorted(outputs))})"
                    )
            edges[cid] = [str(i).split(".")[0] for i in inputs]
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2 or ids.get(node) != "transforms":
            return
        if state.get(node) == 1:
            problems.append(f"transforms.{node}.inputs: cycle {' -> '.join([*trail, node])}")
            return
        state[node] = 1
        for nxt in edges.get(node, []):
            visit(nxt, [*trail, node])
        state[node] = 2

    for node in edges:
        visit(node, [])
    return problems


def vector_configs(documents: Iterable[tuple[str, Document]]) -> list[tuple[str, Document, Any]]:
    """The Vector configurations among chart-rendered objects: ``(origin, document, config)``.

    Args:
        documents: ``(chart name, document)`` pairs of the renders.
    """
    found: list[tuple[str, Document, Any]] = []
    for chart, doc in documents:
        obj = doc.obj
        if chart != VECTOR_CHART or obj.get("kind") != "ConfigMap":
            continue
        text = (obj.get("data") or {}).get(CONFIG_KEY)
        if isinstance(text, str):
            found.append((doc.origin, doc, yaml.safe_load(text)))
    return found


def run_vector_config(documents: Iterable[tuple[str, Document]], upstream: Path) -> StepResult:
    """Check every rendered Vector configuration (see the module docstring).

    Returns:
        ``FAILED`` with one finding per problem; ``PASSED`` ("nothing to check") when no chart
        renders one.
    """
    configs = vector_configs(documents)
    if not configs:
        return StepResult(
            STEP, Status.PASSED, [], "nothing to check: no Vector configuration in the renders"
        )
    findings: list[Finding] = []
    try:
        for origin, doc, config in configs:
            for problem in check_config(config, upstream):
                field, _, message = problem.partition(": ")
                findings.append(
                    Finding(origin, STEP, message, document=doc.ref, field=f"{CONFIG_KEY}:{field}")
                )
    except UpstreamDataError as error:
        return StepResult(STEP, Status.FAILED, [Finding(str(upstream), STEP, str(error))], "")
    detail = (
        f"{len(configs)} Vector configurations against the Vector {SCHEMA_VERSION} schema "
        f"patched to {VECTOR_VERSION} ({len(SCHEMA_PATCH_0_56)} operations), inputs graph"
    )
    return StepResult(STEP, Status.FAILED if findings else Status.PASSED, findings, detail)

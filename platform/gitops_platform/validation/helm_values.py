"""Step 5a: every platform Application's merged Helm values against its chart's values schema.

The chart and the value files are read from the Applications themselves (as Argo CD would
create them, one per environment), so a new component is covered without touching this module.
Values are merged the way Argo CD hands them to Helm and Helm coalesces them:

1. the value files in order, then ``helm.values``, then ``helm.valuesObject``, then
   ``helm.parameters`` (Argo CD's precedence), merged like ``helm -f``: maps deep-merged, lists
   and scalars replaced;
2. coalesced with the chart's defaults: user values win, maps are merged, and ``null`` deletes a
   default;
3. for a subchart (e.g. RHDH's ``upstream``): its defaults under its key, and the parent's
   ``global`` copied in, then checked against the subchart's own schema too.

Schemas are known for a few charts only (:data:`KNOWN_CHARTS`, files under the upstream data
folder); other charts are listed in the step's detail as not checked.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from gitops_platform.validation.argo_tree import AppSource, ArgoApp, ArgoInventory, RepoPrefix
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.tree import Tree

__all__ = [
    "KNOWN_CHARTS",
    "STEP",
    "ChartValues",
    "KnownChart",
    "chart_key",
    "coalesce",
    "merge_values",
    "run_helm_values",
    "user_values",
]

STEP = "helm-values"
MAX_ERRORS_PER_APP = 20


@dataclass(frozen=True)
class KnownChart:
    """Where a chart's values schema and defaults are, relative to the upstream folder.

    Attributes:
        schema: the chart's ``values.schema.json``.
        defaults: the chart's ``values.yaml`` (``None`` when not available).
        subcharts: ``(values key, schema, defaults)`` of subcharts with their own schema.

    """

    schema: str
    defaults: str | None = None
    subcharts: tuple[tuple[str, str, str | None], ...] = ()


_RHDH = KnownChart(
    "rhdh-chart/7.0.1/values.schema.json",
    "rhdh-chart/7.0.1/values.yaml",
    (
        (
            "upstream",
            "rhdh-chart/7.0.1/upstream-backstage-2.8.0/values.schema.json",
            "rhdh-chart/7.0.1/upstream-backstage-2.8.0/values.yaml",
        ),
    ),
)
_LOKI = KnownChart("charts/loki/18.11.0/values.schema.json")

#: (chart repository, chart, version) -> schema files; repository URLs as :func:`chart_key`.
KNOWN_CHARTS: dict[tuple[str, str, str], KnownChart] = {
    ("redhat-developer.github.io/rhdh-chart", "backstage", "7.0.1"): _RHDH,
    ("quay.io/rhdh/chart", "backstage", "7.0.1"): _RHDH,
    ("grafana-community.github.io/helm-charts", "loki", "18.11.0"): _LOKI,
    ("ghcr.io/grafana-community/helm-charts", "loki", "18.11.0"): _LOKI,
}


def chart_key(repo_url: str, chart: str, version: str) -> tuple[str, str, str]:
    """A registry key: the repository without scheme or trailing ``/``, chart, version."""
    repo = repo_url.strip().lower()
    for scheme in ("oci://", "https://", "http://"):
        repo = repo.removeprefix(scheme)
    return repo.rstrip("/"), chart, version.strip()


def merge_values(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's ``mergeMaps`` for ``-f`` files: maps merged deeply, everything else replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_values(out[key], value)
        else:
            out[key] = value
    return out


def coalesce(values: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Helm's ``CoalesceTables``: ``values`` win, maps merged, ``null`` deletes a default."""
    out = copy.deepcopy(values)
    for key, default in defaults.items():
        if key in out:
            if out[key] is None:
                del out[key]
            elif isinstance(out[key], dict) and isinstance(default, dict):
                out[key] = coalesce(out[key], default)
        else:
            out[key] = copy.deepcopy(default)
    return out


@dataclass
class ChartValues:
    """The user values of one chart source, with the files they came from."""

    files: list[tuple[str, dict[str, Any]]]
    values: dict[str, Any]
    missing: list[str]


def user_values(
    app: ArgoApp, source: AppSource, tree: Tree, paths: RepoPrefix, inventory: ArgoInventory
) -> ChartValues:
    """The values Argo CD would give Helm for one chart source, before chart defaults.

    Args:
        app: the Application.
        source: its Helm chart source.
        tree: the tree the ``$ref`` value files are read from.
        paths: how repository paths map onto the tree.
        inventory: the walk (to tell which repository the tree is).

    Returns:
        The merged values, the files read (tree path, content) and the value files that could
        not be read (step 7 reports why).

    """
    helm = source.helm
    by_ref = {s.ref: s for s in app.sources if s.ref is not None}
    files: list[tuple[str, dict[str, Any]]] = []
    missing: list[str] = []
    merged: dict[str, Any] = {}
    for entry in helm.get("valueFiles") or []:
        value_file = str(entry)
        ref, _, rest = value_file.partition("/")
        target = by_ref.get(ref[1:]) if ref.startswith("$") else None
        relpath = (
            paths.to_tree(rest) if target and inventory.is_this_repo(target.repo_url) else None
        )
        content = _read(tree.root / relpath) if relpath else None
        if relpath is None or content is None:
            missing.append(value_file)
            continue
        files.append((relpath, content))
        merged = merge_values(merged, content)
    inline = helm.get("values")
    if isinstance(inline, str) and inline.strip():
        loaded = yaml.safe_load(inline)
        if isinstance(loaded, dict):
            files.append((f"{app.document.origin} ({source.field}.helm.values)", loaded))
            merged = merge_values(merged, loaded)
    values_object = helm.get("valuesObject")
    if isinstance(values_object, dict):
        files.append((f"{app.document.origin} ({source.field}.helm.valuesObject)", values_object))
        merged = merge_values(merged, values_object)
    for parameter in helm.get("parameters") or []:
        if isinstance(parameter, dict) and parameter.get("name"):
            merged = _set(
                merged,
                str(parameter["name"]),
                parameter.get("value"),
                bool(parameter.get("forceString")),
            )
    return ChartValues(files, merged, missing)


def _set(values: dict[str, Any], name: str, raw: Any, force_string: bool) -> dict[str, Any]:
    """Apply one ``--set name=value`` (dotted keys; list indexes are kept as literal keys)."""
    value: Any = raw
    if isinstance(raw, str) and not force_string:
        lowered = raw.lower()
        if lowered in ("true", "false"):
            value = lowered == "true"
        elif lowered == "null":
            value = None
        elif raw.lstrip("-").isdigit() and not (raw.startswith("0") and len(raw) > 1):
            value = int(raw)
    keys = [k.replace("\\.", ".") for k in _split_dots(name)]
    patch: dict[str, Any] = {keys[-1]: value}
    for key in reversed(keys[:-1]):
        patch = {key: patch}
    return merge_values(values, patch)


def _split_dots(name: str) -> list[str]:
    parts: list[str] = []
    current = ""
    escaped = False
    for char in name:
        if char == "\\" and not escaped:
            escaped = True
            current += char
            continue
        if char == "." and not escaped:
            parts.append(current)
            current = ""
        else:
            current += char
        escaped = False
    parts.append(current)
    return parts


def _read(path: Path) -> dict[str, Any] | None:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if loaded is None:
        return {}
    return loaded if isinstance(loaded, dict) else None


class _Schemas:
    """Loads each schema and defaults file once."""

    def __init__(self, upstream: Path) -> None:
        self.upstream = upstream
        self._validators: dict[str, Any] = {}
        self._defaults: dict[str, dict[str, Any]] = {}

    def validator(self, relpath: str) -> Any:
        if relpath not in self._validators:
            schema = json.loads((self.upstream / relpath).read_text(encoding="utf-8"))
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
            self._validators[relpath] = cls(schema)
        return self._validators[relpath]

    def defaults(self, relpath: str | None) -> dict[str, Any]:
        if relpath is None:
            return {}
        if relpath not in self._defaults:
            self._defaults[relpath] = _read(self.upstream / relpath) or {}
        return self._defaults[relpath]


def run_helm_values(
    inventory: ArgoInventory, tree: Tree, paths: RepoPrefix, upstream: Path
) -> StepResult:
    """Check every chart source with a known schema; list the others.

    Args:
        inventory: the Applications Argo CD would create.
        tree: the tree holding the value files.
        paths: how repository paths map onto the tree.
        upstream: the upstream data folder with the schemas.

    Returns:
        ``FAILED`` with one finding per schema violation (blamed on the value file that sets
        the offending key, else the Application), else ``PASSED``.

    """
    started = time.monotonic()
    schemas = _Schemas(upstream)
    findings: list[Finding] = []
    checked: list[str] = []
    unknown: set[str] = set()
    for app in inventory.apps:
        for source in app.sources:
            if source.chart is None:
                continue
            label = f"{source.chart} {source.revision}"
            known = KNOWN_CHARTS.get(chart_key(source.repo_url, source.chart, source.revision))
            if known is None:
                unknown.add(label)
                continue
            missing_files = [
                p
                for p in [known.schema, known.defaults, *(s[1] for s in known.subcharts)]
                if p and not (upstream / p).is_file()
            ]
            if missing_files:
                findings.append(
                    Finding(
                        str(upstream / missing_files[0]),
                        STEP,
                        f"the values schema of {label} is missing from the upstream data "
                        f"({upstream}; see its SOURCES.md)",
                    )
                )
                continue
            checked.append(f"{app.name}: {label}")
            findings.extend(_check(app, source, known, schemas, tree, paths, inventory))
    detail = f"{len(checked)} chart sources checked against a values schema"
    if unknown:
        detail += f"; no schema known for {len(unknown)}: {', '.join(sorted(unknown))}"
    seconds = round(time.monotonic() - started, 3)
    if findings:
        return StepResult(
            STEP, Status.FAILED, findings, f"{detail}; {len(findings)} problems", seconds
        )
    return StepResult(STEP, Status.PASSED, [], detail, seconds)


def _check(
    app: ArgoApp,
    source: AppSource,
    known: KnownChart,
    schemas: _Schemas,
    tree: Tree,
    paths: RepoPrefix,
    inventory: ArgoInventory,
) -> list[Finding]:
    given = user_values(app, source, tree, paths, inventory)
    values = coalesce(given.values, schemas.defaults(known.defaults))
    checks: list[tuple[str, Any, list[str]]] = [(known.schema, values, [])]
    for key, schema, defaults in known.subcharts:
        sub = values.get(key) if isinstance(values.get(key), dict) else {}
        sub = coalesce(sub or {}, schemas.defaults(defaults))
        if isinstance(values.get("global"), dict):
            sub["global"] = merge_values(sub.get("global") or {}, values["global"])
        values[key] = sub
        checks.append((schema, sub, [key]))
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    label = f"{source.chart} {source.revision}"
    for schema, instance, prefix in checks:
        errors = sorted(
            schemas.validator(schema).iter_errors(instance), key=lambda e: list(e.absolute_path)
        )
        for error in errors[:MAX_ERRORS_PER_APP]:
            path = [*prefix, *(str(p) for p in error.absolute_path)]
            message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
            if (".".join(path), message) in seen:
                continue  # a subchart's error, found again by the parent's schema
            seen.add((".".join(path), message))
            findings.append(
                Finding(
                    _blame(given.files, path) or app.document.origin,
                    STEP,
                    f"{message} (chart {label}, schema {schema})",
                    app.document.ref,
                    ".".join(path) or None,
                )
            )
    return findings


def _blame(files: list[tuple[str, dict[str, Any]]], path: list[str]) -> str | None:
    """The last value file that sets ``path`` (or its deepest existing parent)."""
    best: tuple[int, str] | None = None
    for relpath, content in files:
        depth = 0
        node: Any = content
        for key in path:
            if isinstance(node, dict) and key in node:
                node = node[key]
                depth += 1
            else:
                break
        if depth and (best is None or depth >= best[0]):
            best = (depth, relpath)
    return best[1] if best else None

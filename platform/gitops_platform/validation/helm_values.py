"""Step 5a: every platform Application's merged Helm values against its chart's own files.

The chart and the value files are read from the Applications themselves (as Argo CD would
create them, one per environment), so a new component is covered without touching this module.
The chart archive comes from :mod:`~gitops_platform.validation.chart_source` (the offline
mirror, else the repository), and its ``values.yaml`` and ``values.schema.json`` (and those of
its subcharts, under ``charts/``) are read from it. Values are merged the way Argo CD hands them
to Helm and Helm coalesces them:

1. the value files in order, then ``helm.values``, then ``helm.valuesObject``, then
   ``helm.parameters`` (Argo CD's precedence), merged like ``helm -f``: maps deep-merged, lists
   and scalars replaced;
2. coalesced with the chart's defaults: user values win, maps are merged, and ``null`` deletes a
   default;
3. for each subchart (e.g. RHDH's ``upstream``), under its key (its alias, else its name): its
   own defaults, and the parent's ``global`` copied in.

Two checks follow:

* **schema**: where a chart (or an enabled subchart) has a ``values.schema.json``, the values
  Helm would see are validated against it; the detail names the charts that have none;
* **unknown keys**: every key of the Application's own values that neither the chart's default
  ``values.yaml`` nor its schema declares, where the schema does not already forbid it
  (``additionalProperties: false``), is reported with its dotted path: Helm would silently
  ignore it. Maps whose default is empty (``podLabels: {}``) or not a map are free-form and
  not descended into; :data:`UNDECLARED_KEYS` lists, with reasons, the keys charts read
  without declaring them.
"""

from __future__ import annotations

import copy
import fnmatch
import io
import json
import re
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import yaml

from gitops_platform.validation.argo_tree import (
    AppSource,
    ArgoApp,
    ArgoInventory,
    RepoPrefix,
    source_field_location,
)
from gitops_platform.validation.chart_source import ChartArchive, ChartFetcher, ChartRef
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.tree import Tree

__all__ = [
    "STEP",
    "UNDECLARED_KEYS",
    "ChartFiles",
    "ChartValues",
    "UndeclaredKey",
    "coalesce",
    "helm_values_of",
    "load_chart",
    "merge_values",
    "run_helm_values",
    "unknown_keys",
    "user_values",
]

STEP = "helm-values"
MAX_ERRORS_PER_APP = 20
MAX_ARCHIVE_MEMBER = 32 * 1024 * 1024


@dataclass(frozen=True)
class UndeclaredKey:
    """A values key a chart reads although its ``values.yaml`` does not declare it.

    Attributes:
        chart: the chart name.
        path: the dotted path (``fnmatch`` globs; ``*`` spans one or more segments).
        reason: where the chart reads it (template and line), reviewed with the change.

    """

    chart: str
    path: str
    reason: str


#: Reviewed keys that charts read without declaring them in ``values.yaml`` (nor in a schema).
UNDECLARED_KEYS: tuple[UndeclaredKey, ...] = (
    UndeclaredKey(
        "gatekeeper",
        "commonLabels",
        "gatekeeper 3.23.0 templates/_helpers.tpl: the gatekeeper.commonLabels helper adds "
        ".Values.commonLabels to the Deployments, their pods and the hook Jobs (not to the "
        "other objects)",
    ),
    UndeclaredKey(
        "gatekeeper",
        "controllerManager.logLevel",
        "gatekeeper 3.23.0 templates/gatekeeper-controller-manager-deployment.yaml: "
        "--log-level takes controllerManager.logLevel when set, else the top-level logLevel",
    ),
    UndeclaredKey(
        "gatekeeper",
        "audit.logLevel",
        "gatekeeper 3.23.0 templates/gatekeeper-audit-deployment.yaml: --log-level takes "
        "audit.logLevel when set, else the top-level logLevel",
    ),
    UndeclaredKey(
        "gatekeeper",
        "*.extraEnvs",
        "gatekeeper 3.23.0 templates/_helpers.tpl: controllerManager.extraEnvs and "
        "audit.extraEnvs are appended to each container's env",
    ),
    UndeclaredKey(
        "backstage",
        "upstream.backstage.appConfig.*",
        "backstage (upstream chart, RHDH's alias upstream) templates/app-config-configmap.yaml: "
        "backstage.appConfig is rendered whole into the app-config ConfigMap; it is free-form "
        "Backstage configuration, of which values.yaml shows only RHDH's defaults",
    ),
    UndeclaredKey(
        "grafana",
        "grafana.ini.*",
        "grafana 12.11.1 templates/_config.tpl: every section and key of grafana.ini is "
        "rendered into the grafana.ini file (range over the map); it is free-form Grafana "
        "configuration, of which values.yaml shows only the chart's defaults",
    ),
)


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


@dataclass
class ChartFiles:
    """A chart's values files, read from its archive, with its subcharts.

    Attributes:
        name: the chart's name (``Chart.yaml``).
        version: its version.
        path: its folder inside the archive (``cert-manager``, ``loki/charts/minio``).
        defaults: its ``values.yaml`` (empty when absent).
        schema: its ``values.schema.json``, or ``None``.
        subcharts: the subcharts by values key (alias, else name), with their ``condition``.

    """

    name: str
    version: str
    path: str
    defaults: dict[str, Any]
    schema: dict[str, Any] | None
    subcharts: dict[str, tuple[ChartFiles, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``name version``."""
        return f"{self.name} {self.version}"

    def walk(self) -> list[ChartFiles]:
        """This chart and every subchart, depth first."""
        found = [self]
        for sub, _ in self.subcharts.values():
            found.extend(sub.walk())
        return found


def load_chart(archive: Path | bytes) -> ChartFiles:
    """Read a chart's ``Chart.yaml``, ``values.yaml``, ``values.schema.json`` and subcharts.

    Args:
        archive: the ``.tgz`` (a path, or its bytes for a subchart archive).

    Returns:
        The chart's files.

    Raises:
        ValueError: when the archive holds no chart or a file does not parse.

    """
    data = archive.read_bytes() if isinstance(archive, Path) else archive
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            name = PurePosixPath(member.name)
            if not member.isfile() or member.size > MAX_ARCHIVE_MEMBER:
                continue
            if name.name in ("Chart.yaml", "values.yaml", "values.schema.json") or (
                name.suffix == ".tgz" and name.parent.name == "charts"
            ):
                extracted = tar.extractfile(member)
                if extracted is not None:
                    files[name.as_posix()] = extracted.read()
    roots = sorted(
        {p.rsplit("/", 1)[0] for p in files if p.endswith("/Chart.yaml") and p.count("/") == 1}
    )
    if not roots:
        raise ValueError("no Chart.yaml at the top of the archive")
    return _chart_at(roots[0], files)


def _chart_at(folder: str, files: dict[str, bytes]) -> ChartFiles:
    def load(name: str) -> Any:
        raw = files.get(f"{folder}/{name}")
        if raw is None:
            return None
        try:
            return json.loads(raw) if name.endswith(".json") else yaml.safe_load(raw)
        except (ValueError, yaml.YAMLError) as error:
            raise ValueError(f"{folder}/{name} does not parse: {error}") from error

    meta = load("Chart.yaml") or {}
    defaults = load("values.yaml")
    schema = load("values.schema.json")
    chart = ChartFiles(
        str(meta.get("name") or PurePosixPath(folder).name),
        str(meta.get("version") or ""),
        folder,
        defaults if isinstance(defaults, dict) else {},
        schema if isinstance(schema, dict) else None,
    )
    subs: list[ChartFiles] = []
    prefix = f"{folder}/charts/"
    for path in sorted(files):
        rest = path[len(prefix) :] if path.startswith(prefix) else ""
        if rest.count("/") == 1 and rest.endswith("/Chart.yaml"):
            subs.append(_chart_at(path.rsplit("/", 1)[0], files))
        elif "/" not in rest and rest.endswith(".tgz"):
            subs.append(load_chart(files[path]))
    dependencies = [d for d in meta.get("dependencies") or [] if isinstance(d, dict)]
    for sub in subs:
        matching = [d for d in dependencies if d.get("name") == sub.name] or [{}]
        for dependency in matching:
            key = str(dependency.get("alias") or sub.name)
            chart.subcharts[key] = (sub, str(dependency.get("condition") or ""))
    return chart


def helm_values_of(chart: ChartFiles, given: dict[str, Any]) -> dict[str, Any]:
    """The values Helm would render ``chart`` with.

    ``given`` coalesced with every chart's defaults, subcharts under their keys with the
    parent's ``global`` copied in.
    """
    values = coalesce(given, chart.defaults)
    for key, (sub, _) in chart.subcharts.items():
        own = values.get(key) if isinstance(values.get(key), dict) else {}
        merged = helm_values_of(sub, own or {})
        if isinstance(values.get("global"), dict):
            merged["global"] = merge_values(merged.get("global") or {}, values["global"])
        values[key] = merged
    return values


def _enabled(condition: str, values: dict[str, Any]) -> bool:
    """Helm's ``condition``: the first path that resolves to a boolean decides (default on)."""
    for path in (p.strip() for p in condition.split(",") if p.strip()):
        node: Any = values
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, bool):
            return node
    return True


def _validator(schema: dict[str, Any]) -> Any:
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return cls(schema)


def schema_errors(
    chart: ChartFiles, values: dict[str, Any], prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], str, str]]:
    """Schema violations of ``values`` (as :func:`helm_values_of` gives them), recursively.

    Returns:
        ``(path, message, chart folder in the archive)`` for each violation.

    """
    found: list[tuple[tuple[str, ...], str, str]] = []
    if chart.schema is not None:
        errors = sorted(
            _validator(chart.schema).iter_errors(values), key=lambda e: list(e.absolute_path)
        )
        for error in errors:
            message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
            path = (*prefix, *(str(p) for p in error.absolute_path))
            extra = _additional_keys(error)
            if extra:  # one finding per key, located at the key (its file and dotted path)
                found.extend(
                    (
                        (*path, key),
                        f"unknown key '{key}': the schema allows no other properties here",
                        f"{chart.path}/values.schema.json",
                    )
                    for key in extra
                )
                continue
            found.append((path, message, f"{chart.path}/values.schema.json"))
    for key, (sub, condition) in chart.subcharts.items():
        if _enabled(condition, values):
            own = values.get(key)
            found.extend(schema_errors(sub, own if isinstance(own, dict) else {}, (*prefix, key)))
    return found


def _additional_keys(error: Any) -> list[str]:
    """The keys an ``additionalProperties`` violation refuses (empty for any other error)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    schema = error.schema if isinstance(error.schema, dict) else {}
    properties = schema.get("properties")
    declared = properties if isinstance(properties, dict) else {}
    patterns = schema.get("patternProperties")
    regexes = [str(p) for p in patterns] if isinstance(patterns, dict) else []
    return [
        str(key)
        for key in error.instance
        if key not in declared and not any(re.search(p, str(key)) for p in regexes)
    ]


_MISSING = object()


def _schema_at(schema: Any, root: dict[str, Any], key: str) -> Any:
    """The subschema for property ``key`` (following local ``$ref``), or ``None``."""
    node = _deref(schema, root)
    if not isinstance(node, dict):
        return None
    properties = node.get("properties")
    if isinstance(properties, dict) and key in properties:
        return _deref(properties[key], root)
    return None


def _deref(node: Any, root: dict[str, Any]) -> Any:
    for _ in range(20):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            return node
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            return None
        target: Any = root
        for part in ref[2:].split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~"), None)
                if isinstance(target, dict)
                else None
            )
        node = target
    return None


def _closed(schema: Any, root: dict[str, Any]) -> bool:
    node = _deref(schema, root)
    return isinstance(node, dict) and (
        node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
    )


def _declared(schema: Any, root: dict[str, Any], key: str) -> bool:
    node = _deref(schema, root)
    properties = node.get("properties") if isinstance(node, dict) else None
    return isinstance(properties, dict) and key in properties


def _globals(chart: ChartFiles) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for each in chart.walk():
        own = each.defaults.get("global")
        if isinstance(own, dict):
            merged = merge_values(own, merged)
    return merged


#: Map names whose keys are data (label or annotation keys), never option names.
_DATA_MAP_SUFFIXES = ("labels", "Labels", "annotations", "Annotations")
#: Map names holding a Kubernetes ``(Pod)SecurityContext``, rendered verbatim (``toYaml``): open
#: to every field of that type, which the kubeconform step checks in the rendered object.
_KUBERNETES_MAP_SUFFIXES = ("securityContext", "SecurityContext")


def _open_map(key: str, default: dict[str, Any], schema: Any, root: dict[str, Any]) -> bool:
    """Whether a map takes any key, even though its default is not empty.

    A Kubernetes security context (``*securityContext``/``*SecurityContext``) takes every
    field of its type. A label or annotation map (named ``*labels``, ``*Labels``,
    ``*annotations`` or ``*Annotations``, or whose default keys are all label keys such as
    ``vector.dev/exclude``) holds data keys;
    a map whose schema says ``additionalProperties: true`` (or gives a schema for them) is
    declared open by the chart.
    """
    if key.endswith(_DATA_MAP_SUFFIXES + _KUBERNETES_MAP_SUFFIXES):
        return True
    if all("/" in k or "." in k for k in default):
        return True
    node = _deref(schema, root) if schema is not None else None
    return isinstance(node, dict) and node.get("additionalProperties", False) not in (False, None)


def unknown_keys(chart: ChartFiles, values: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Keys of ``values`` (the Application's own, before defaults) that ``chart`` ignores.

    Returns:
        ``(dotted path, chart label)`` for each key that neither the chart's (or subchart's)
        ``values.yaml`` nor its schema declares, where no schema forbids it already and
        :data:`UNDECLARED_KEYS` does not list it.

    """
    found: list[tuple[tuple[str, ...], str]] = []
    globals_ = _globals(chart)

    def allowed(owner: ChartFiles, path: tuple[str, ...]) -> bool:
        dotted = ".".join(path)
        return any(
            entry.chart == owner.name and fnmatch.fnmatchcase(dotted, entry.path)
            for entry in UNDECLARED_KEYS
        )

    def walk(
        owner: ChartFiles,
        node: dict[str, Any],
        defaults: Any,
        schema: Any,
        path: tuple[str, ...],
        top: bool,
    ) -> None:
        root = owner.schema or {}
        for key, value in node.items():
            here = (*path, str(key))
            if top and key in owner.subcharts and isinstance(value, dict):
                sub = owner.subcharts[key][0]
                # the parent's values.yaml may declare keys for it too (its condition)
                declared = owner.defaults.get(key)
                own = merge_values(sub.defaults, declared if isinstance(declared, dict) else {})
                walk(sub, value, own, sub.schema, here, True)
                continue
            if top and key == "global" and isinstance(value, dict):
                walk(owner, value, globals_, _schema_at(schema, root, key), here, False)
                continue
            default = defaults.get(key, _MISSING) if isinstance(defaults, dict) else _MISSING
            sub_schema = _schema_at(schema, root, key) if schema is not None else None
            if default is _MISSING:
                if schema is not None and (_declared(schema, root, key) or _closed(schema, root)):
                    pass  # declared by the schema, or the schema check reports it
                elif not allowed(owner, here):
                    found.append((here, owner.label))
                    continue
                if isinstance(value, dict) and sub_schema is not None:
                    walk(owner, value, {}, sub_schema, here, False)
                continue
            if (
                isinstance(value, dict)
                and isinstance(default, dict)
                and default
                and not _open_map(str(key), default, sub_schema, root)
            ):
                walk(owner, value, default, sub_schema, here, False)

    walk(chart, values, chart.defaults, chart.schema, (), True)
    return found


@dataclass
class _Checked:
    archive: ChartArchive
    chart: ChartFiles | None
    problem: str = ""


def run_helm_values(
    inventory: ArgoInventory, tree: Tree, paths: RepoPrefix, charts: ChartFetcher
) -> StepResult:
    """Check every Application's chart values against the chart's own files.

    Args:
        inventory: the Applications Argo CD would create.
        tree: the tree holding the value files.
        paths: how repository paths map onto the tree.
        charts: where chart archives come from (shared with step 5c).

    Returns:
        ``FAILED`` with one finding per schema violation or unknown key (blamed on the value
        file that sets it, else the Application, with the dotted path as the field); else
        ``NOT_RUN`` when some chart archive could not be had (step 5c says why); else
        ``PASSED``. The detail names the charts without a values schema.

    """
    started = time.monotonic()
    sources = [(app, s) for app in inventory.apps for s in app.sources if s.chart is not None]
    refs = sorted(
        {ChartRef(s.repo_url, str(s.chart), s.revision) for _, s in sources},
        key=lambda r: (r.chart, r.version),
    )
    loaded: dict[ChartRef, _Checked] = {}
    if refs:
        with ThreadPoolExecutor(max_workers=min(4, len(refs))) as pool:
            for ref, archive in zip(refs, pool.map(charts.fetch, refs), strict=True):
                loaded[ref] = _load(archive)
    findings: list[Finding] = []
    checked = 0
    unavailable: set[str] = set()
    without_schema: set[str] = set()
    for app, source in sources:
        ref = ChartRef(source.repo_url, str(source.chart), source.revision)
        entry = loaded[ref]
        if entry.chart is None:
            if entry.problem:
                file, document, where = source_field_location(tree, app, source, "targetRevision")
                findings.append(Finding(file, STEP, entry.problem, document, where))
            else:
                unavailable.add(f"{ref.label} ({entry.archive.problem})")
            continue
        checked += 1
        without_schema.update(c.label for c in entry.chart.walk() if c.schema is None)
        findings.extend(_check(app, source, entry.chart, tree, paths, inventory))
    with_schema = sorted(
        {c.label for e in loaded.values() if e.chart for c in e.chart.walk() if c.schema}
    )
    detail = f"{checked} chart sources checked against their charts' values.yaml and schemas"
    if checked:
        detail += f" ({', '.join(with_schema) or 'none'} with a values schema)"
    if without_schema:
        detail += f"; no values.schema.json in {', '.join(sorted(without_schema))}"
    if unavailable:
        detail += f"; not checked, chart not available: {', '.join(sorted(unavailable))}"
    seconds = round(time.monotonic() - started, 3)
    if findings:
        return StepResult(
            STEP, Status.FAILED, findings, f"{detail}; {len(findings)} problems", seconds
        )
    if unavailable:
        return StepResult(STEP, Status.NOT_RUN, [], detail, seconds)
    return StepResult(STEP, Status.PASSED, [], detail, seconds)


def _load(archive: ChartArchive) -> _Checked:
    if archive.path is None:
        return _Checked(archive, None)
    try:
        return _Checked(archive, load_chart(archive.path))
    except (OSError, ValueError, tarfile.TarError) as error:
        return _Checked(archive, None, f"chart {archive.ref.label}: {archive.path}: {error}")


def _check(
    app: ArgoApp,
    source: AppSource,
    chart: ChartFiles,
    tree: Tree,
    paths: RepoPrefix,
    inventory: ArgoInventory,
) -> list[Finding]:
    given = user_values(app, source, tree, paths, inventory)
    env = f"env {app.env}, " if app.env else ""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    values = helm_values_of(chart, given.values)
    for path, message, schema_file in schema_errors(chart, values)[:MAX_ERRORS_PER_APP]:
        dotted = ".".join(path)
        if (dotted, message) in seen:
            continue
        seen.add((dotted, message))
        findings.append(
            Finding(
                _blame(given.files, list(path)) or app.document.origin,
                STEP,
                f"{message} ({env}chart {chart.label}, schema {schema_file})",
                app.document.ref,
                dotted or None,
            )
        )
    for path, owner in unknown_keys(chart, given.values):
        if any(dotted == ".".join(path) for dotted, _ in seen):
            continue  # the schema already refused this key, at the same place
        findings.append(
            Finding(
                _blame(given.files, list(path)) or app.document.origin,
                STEP,
                f"unknown key: chart {owner} declares no '{'.'.join(path)}' in its values.yaml "
                f"or schema, so Helm ignores it ({env}chart {chart.label})",
                app.document.ref,
                ".".join(path),
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

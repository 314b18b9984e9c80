"""Step 9b: Backstage checks on any tree and the chart renders.

Four rules, on top of the general reference rules of step 9:

* ``backstage/app-config-env``: every ``${VAR}`` of a Backstage app-config (a ConfigMap key
  ``app-config*.yaml``, and the ``pluginConfig`` of RHDH's ``dynamic-plugins.yaml``) is
  defined in the environment of each container that mounts it: an ``env`` entry, or a key of
  an ``envFrom`` Secret (known from the ``ExternalSecret`` that creates it, or from the Secret
  itself) or ConfigMap. ``$${VAR}`` is Backstage's escape and is not a reference;
* ``backstage/entity``: every catalog entity (a document with ``apiVersion: backstage.io/...``)
  passes the catalog backend's own validation, run by the pinned ``@backstage/catalog-model``
  (``package-lock.json``) through ``backstage_entities.cjs`` with the repository's Node.js;
* ``backstage/entity-ref``: every entity an entity refers to (``spec.owner``, ``spec.system``,
  ``spec.dependsOn``, ``spec.partOf``...) exists among the tree's catalog entities; the default
  kinds are Backstage's (``owner``: Group, ``system``: System, ``domain``: Domain);
* ``backstage/kubernetes-id``: every ``backstage.io/kubernetes-id`` label of a workload (and of
  its pod template) names an entity annotated with that id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import run_command
from gitops_platform.validation.tree import CATALOG_API_PREFIX

__all__ = [
    "CATALOG_API_PREFIX",
    "ENTITY_SCRIPT",
    "STEP",
    "CatalogEntity",
    "app_config_problems",
    "entity_problems",
    "kubernetes_id_problems",
    "load_catalog",
    "reference_problems",
    "run_backstage",
]

STEP = "backstage"
#: The Node wrapper around ``@backstage/catalog-model``'s validators.
ENTITY_SCRIPT = Path(__file__).with_name("backstage_entities.cjs")
KUBERNETES_ID = "backstage.io/kubernetes-id"

_VAR = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod")
#: Relation fields and the kind a reference without one defaults to (Backstage's
#: ``parseEntityRef`` with ``defaultKind``); ``None``: the reference must name its kind.
_RELATIONS: dict[str, str | None] = {
    "owner": "group",
    "system": "system",
    "domain": "domain",
    "subcomponentOf": "component",
    "dependsOn": None,
    "dependencyOf": None,
    "providesApis": "api",
    "consumesApis": "api",
    "parent": "group",
    "children": "group",
    "memberOf": "group",
}


@dataclass(frozen=True)
class CatalogEntity:
    """One catalog entity and where it was read.

    Attributes:
        file: the catalog file, relative to the tree.
        index: the document's position in the file.
        entity: the parsed entity.
    """

    file: str
    index: int
    entity: dict[str, Any]

    @property
    def ref(self) -> tuple[str, str, str]:
        """``(kind, namespace, name)``, lower case (Backstage compares refs case-insensitively)."""
        metadata = self.entity.get("metadata") or {}
        return (
            str(self.entity.get("kind", "")).lower(),
            str(metadata.get("namespace") or "default").lower(),
            str(metadata.get("name", "")).lower(),
        )

    @property
    def label(self) -> str:
        """``Kind/name`` for reports."""
        kind, _, name = self.ref
        return f"{self.entity.get('kind', kind)}/{name}"


def load_catalog(root: Path, files: Iterable[str]) -> list[CatalogEntity]:
    """Every entity of the catalog files ``files`` (relative to ``root``)."""
    found: list[CatalogEntity] = []
    for rel in sorted(files):
        text = (root / rel).read_text(encoding="utf-8")
        for index, doc in enumerate(d for d in yaml.safe_load_all(text) if d):
            if isinstance(doc, dict):
                found.append(CatalogEntity(rel, index, doc))
    return found


# -- app-config ${VAR} ----------------------------------------------------------------------


def _variables(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """``(field path, VAR)`` for every ``${VAR}`` in the strings of ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _variables(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _variables(item, f"{path}[{i}]")
    elif isinstance(data, str):
        for match in _VAR.finditer(data):
            yield path, match.group(1)


def _configs(obj: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The Backstage configuration a ConfigMap holds: ``(data key, parsed config)``."""
    for key, text in (obj.get("data") or {}).items():
        if not isinstance(text, str):
            continue
        if key.startswith("app-config") and key.endswith((".yaml", ".yml")):
            yield key, yaml.safe_load(text)
        elif key == "dynamic-plugins.yaml":
            plugins = (yaml.safe_load(text) or {}).get("plugins") or []
            yield key, [p.get("pluginConfig") for p in plugins if isinstance(p, dict)]


def _name(doc: Document) -> tuple[str, str]:
    metadata = doc.obj.get("metadata") or {}
    return str(metadata.get("namespace") or ""), str(metadata.get("name") or "")


def _secret_keys(documents: list[Document]) -> dict[str, set[str] | None]:
    """Secret name -> its keys (``None``: unknown, e.g. ``dataFrom``), from every namespace."""
    keys: dict[str, set[str] | None] = {}
    for doc in documents:
        obj, kind = doc.obj, doc.obj.get("kind")
        _, name = _name(doc)
        if kind == "Secret":
            keys[name] = set(obj.get("data") or {}) | set(obj.get("stringData") or {})
        elif kind == "ExternalSecret" and str(obj.get("apiVersion", "")).startswith(
            "external-secrets.io/"
        ):
            spec = obj.get("spec") or {}
            target = spec.get("target") or {}
            secret = target.get("name") or name
            template = (target.get("template") or {}).get("data")
            if template:
                keys[secret] = set(template)
            elif spec.get("dataFrom"):
                keys[secret] = None
            else:
                keys[secret] = {d.get("secretKey") for d in spec.get("data") or []}
    return keys


def _pod(obj: dict[str, Any]) -> dict[str, Any] | None:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    if kind in _WORKLOADS:
        pod = (spec.get("template") or {}).get("spec")
        return pod if isinstance(pod, dict) else None
    return None


def app_config_problems(documents: list[Document]) -> list[Finding]:
    """Every ``${VAR}`` of a mounted Backstage config that the container does not define."""
    configs = {
        name: (doc, list(_configs(doc.obj)))
        for doc in documents
        if doc.obj.get("kind") == "ConfigMap"
        for _, name in [_name(doc)]
    }
    configs = {k: v for k, v in configs.items() if v[1]}
    secrets = _secret_keys(documents)
    config_maps = {
        _name(d)[1]: set(d.obj.get("data") or {})
        for d in documents
        if d.obj.get("kind") == "ConfigMap"
    }
    problems: list[Finding] = []
    seen: set[tuple[str, str, str, str]] = set()
    for doc in documents:
        pod = _pod(doc.obj)
        if pod is None:
            continue
        volumes = {
            v.get("name"): (v.get("configMap") or {}).get("name")
            for v in pod.get("volumes") or []
            if v.get("configMap")
        }
        for container in (pod.get("containers") or []) + (pod.get("initContainers") or []):
            mounted = {volumes.get(m.get("name")) for m in container.get("volumeMounts") or []}
            used = [configs[n] for n in sorted(m for m in mounted if m in configs)]
            if not used:
                continue
            defined, unknown = _environment(container, secrets, config_maps)
            if unknown:
                continue  # an envFrom source with keys not known here: nothing to assert
            for config_doc, parsed in used:
                cm_namespace, cm_name = _name(config_doc)
                for key, config in parsed:
                    for field, var in _variables(config):
                        if var in defined:
                            continue
                        mark = (cm_name, container.get("name", ""), var, field)
                        if mark in seen:
                            continue
                        seen.add(mark)
                        problems.append(
                            Finding(
                                doc.origin,
                                f"{STEP}/app-config-env",
                                f"${{{var}}} in ConfigMap {cm_name} ({key}) is not defined in "
                                f"container {container.get('name')}: add an env entry or a "
                                "Secret key (from its ExternalSecret) through envFrom",
                                document=f"{doc.obj.get('kind')}/{_name(doc)[0]}/{_name(doc)[1]}",
                                field=f"{key}:{field}" if cm_namespace is not None else field,
                            )
                        )
    return problems


def _environment(
    container: dict[str, Any],
    secrets: dict[str, set[str] | None],
    config_maps: dict[str, set[str]],
) -> tuple[set[str], bool]:
    """The variables a container defines, and whether some ``envFrom`` keys are unknown."""
    defined = {str(e.get("name")) for e in container.get("env") or []}
    unknown = False
    for source in container.get("envFrom") or []:
        prefix = str(source.get("prefix") or "")
        if "secretRef" in source:
            keys = secrets.get(source["secretRef"].get("name"), set())
        elif "configMapRef" in source:
            keys = config_maps.get(source["configMapRef"].get("name"), set())
        else:
            keys = set()
        if keys is None:
            unknown = True
            continue
        defined |= {prefix + k for k in keys}
    return defined, unknown


# -- catalog entities -----------------------------------------------------------------------


def entity_problems(
    entities: list[CatalogEntity], node: Path | None, node_modules: Path
) -> list[Finding]:
    """Run ``@backstage/catalog-model``'s validators on every entity."""
    if not entities:
        return []
    if node is None or not (node_modules / "@backstage" / "catalog-model").is_dir():
        return [
            Finding(
                "package-lock.json",
                f"{STEP}/entity",
                "@backstage/catalog-model is not installed (run `npm ci`)",
            )
        ]
    payload = [{"file": e.file, "index": e.index, "entity": e.entity} for e in entities]
    result = run_command(
        [str(node), str(ENTITY_SCRIPT)],
        stdin=json.dumps(payload),
        env={"NODE_PATH": str(node_modules)},
    )
    if not result.ok:
        return [Finding(str(ENTITY_SCRIPT.name), f"{STEP}/entity", result.output())]
    by_place = {(e.file, e.index): e for e in entities}
    return [
        Finding(
            item["file"],
            f"{STEP}/entity",
            item["message"],
            document=by_place[(item["file"], item["index"])].label,
        )
        for item in json.loads(result.stdout)
    ]


def _parse_ref(ref: str, default_kind: str | None) -> tuple[str, str, str] | None:
    """Backstage's ``parseEntityRef``: ``[kind:][namespace/]name``, lower case."""
    kind, _, rest = ref.partition(":") if ":" in ref else (default_kind or "", "", ref)
    if not kind:
        return None
    namespace, _, name = rest.partition("/") if "/" in rest else ("default", "", rest)
    return kind.lower(), namespace.lower(), name.lower()


def reference_problems(entities: list[CatalogEntity]) -> list[Finding]:
    """Every relation of an entity that names no entity of the catalog."""
    known = {e.ref for e in entities}
    problems: list[Finding] = []
    for entity in entities:
        spec = entity.entity.get("spec") or {}
        for field, default_kind in _RELATIONS.items():
            value = spec.get(field)
            refs = value if isinstance(value, list) else [value] if value else []
            for ref in refs:
                if not isinstance(ref, str):
                    continue
                parsed = _parse_ref(ref, default_kind)
                if parsed is None:
                    message = f"{ref!r} names no kind (write kind:namespace/name)"
                elif parsed not in known:
                    kind, namespace, name = parsed
                    message = f"no {kind} {namespace}/{name} in the catalog files"
                else:
                    continue
                problems.append(
                    Finding(
                        entity.file,
                        f"{STEP}/entity-ref",
                        message,
                        document=entity.label,
                        field=f"spec.{field}",
                    )
                )
    return problems


def kubernetes_id_problems(
    documents: list[Document], entities: list[CatalogEntity]
) -> list[Finding]:
    """Every workload ``backstage.io/kubernetes-id`` label that names no annotated entity."""
    ids = {
        str(((e.entity.get("metadata") or {}).get("annotations") or {}).get(KUBERNETES_ID))
        for e in entities
    }
    problems: list[Finding] = []
    for doc in documents:
        obj = doc.obj
        if obj.get("kind") not in _WORKLOADS:
            continue
        places = [("metadata.labels", (obj.get("metadata") or {}).get("labels") or {})]
        template = (obj.get("spec") or {}).get("template") or {}
        places.append(
            ("spec.template.metadata.labels", (template.get("metadata") or {}).get("labels") or {})
        )
        for field, labels in places:
            value = labels.get(KUBERNETES_ID)
            if value is not None and str(value) not in ids:
                namespace, name = _name(doc)
                problems.append(
                    Finding(
                        doc.origin,
                        f"{STEP}/kubernetes-id",
                        f"{KUBERNETES_ID}={value} names no catalog entity (no entity has the "
                        f"annotation {KUBERNETES_ID}: {value})",
                        document=f"{obj.get('kind')}/{namespace}/{name}".replace("//", "/"),
                        field=f'{field}["{KUBERNETES_ID}"]',
                    )
                )
    return problems


def run_backstage(
    documents: list[Document],
    entities: list[CatalogEntity],
    node: Path | None,
    node_modules: Path,
) -> StepResult:
    """All four rules; the detail counts what was checked."""
    findings = [
        *app_config_problems(documents),
        *entity_problems(entities, node, node_modules),
        *reference_problems(entities),
        *kubernetes_id_problems(documents, entities),
    ]
    configs = sum(1 for d in documents if d.obj.get("kind") == "ConfigMap" and any(_configs(d.obj)))
    detail = (
        f"{configs} Backstage configs, {len(entities)} catalog entities "
        "(@backstage/catalog-model), "
        f"{sum(1 for d in documents if d.obj.get('kind') in _WORKLOADS)} workloads"
    )
    return StepResult(STEP, Status.FAILED if findings else Status.PASSED, findings, detail)

"""JSON schemas for kubeconform: Kubernetes 1.33, the platform's CRDs, Gatekeeper constraints.

Three stores, each generated once into a cache folder named by a hash of its inputs, so a second
run converts nothing:

* **Kubernetes** (``kubernetes/<hash>/<kind>-<group>-<version>.json``): the strict 1.33 schemas
  shipped by the ``kubernetes-validate`` package refer to a shared ``/api/_definitions.json`` by
  an absolute URL (``https://kubernetes.io/api/_definitions.json`` once resolved against their
  ``$id``), which kubeconform cannot load from a local folder: it silently drops the schema and
  reports "could not find schema". Each schema is therefore made standalone: the definitions it
  reaches are copied under its own ``$defs``.
* **CRDs** (``crds/<hash>/<group>/<kind>_<version>.json``, the datreeio/CRDs-catalog layout):
  converted from the CRD files under ``<upstream>/crds`` (and any CRD found in the tree) the way
  kubeconform's ``openapi2jsonschema.py`` does, and stricter: ``additionalProperties: false``
  wherever ``properties`` are listed (the root object included) unless the node says
  ``x-kubernetes-preserve-unknown-fields``; ``int-or-string`` accepts both; ``nullable`` admits
  ``null``; ``metadata`` is checked against Kubernetes' ``ObjectMeta``; versions that are not
  served are skipped, so an object at an unserved version has no schema and fails.
* **Constraints**: Gatekeeper creates one CRD per ConstraintTemplate (group
  ``constraints.gatekeeper.sh``, versions ``v1beta1`` and ``v1alpha1``): ``spec.parameters``
  from the template's ``openAPIV3Schema``, plus the standard ``match``, ``enforcementAction`` and
  ``scopedEnforcementActions``. Those CRDs are built here from the templates in the tree and
  converted like the others.

The same inputs also tell which kinds are namespaced (:class:`Scopes`), for the Argo CD step.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gitops_platform.errors import UpstreamDataError
from gitops_platform.validation.settings import KUBERNETES_VERSION
from gitops_platform.validation.upstream_data import FETCH_COMMAND

__all__ = [
    "BUILTIN_CLUSTER_SCOPED",
    "CONSTRAINTS_GROUP",
    "CONVERTER_VERSION",
    "SchemaStore",
    "Scopes",
    "build_store",
    "constraint_crd",
    "convert_crd",
    "kubernetes_schemas",
    "load_upstream_crds",
]

#: Bump when the conversion changes, so cached stores are regenerated.
CONVERTER_VERSION = "5"
CONSTRAINTS_GROUP = "constraints.gatekeeper.sh"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DEFS_URL = "/api/_definitions.json#/$defs/"
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
#: In the Kubernetes store: every built-in ``[group, kind]``.
KINDS_FILE = "kinds.json"
#: ``group/version`` and ``group/version/Kind`` of the GA Kubernetes APIs (what a cluster serves
#: by default, given to ``helm template --api-versions`` as Argo CD gives the cluster's).
API_VERSIONS_FILE = "api-versions.json"
#: In a CRD store: the kinds' scopes and API versions, so a cached store needs no parsing.
SCOPES_FILE = "scopes.json"

#: Cluster-scoped kinds of Kubernetes 1.33 (everything else built in is namespaced).
BUILTIN_CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "ComponentStatus"),
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("authentication.k8s.io", "SelfSubjectReview"),
        ("authentication.k8s.io", "TokenReview"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectRulesReview"),
        ("authorization.k8s.io", "SubjectAccessReview"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "DeviceTaintRule"),
        ("resource.k8s.io", "ResourceSlice"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
    }
)

_STRING_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_LABEL_SELECTOR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        "matchExpressions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "operator"],
                "properties": {
                    "key": {"type": "string"},
                    "operator": {"type": "string"},
                    "values": _STRING_LIST,
                },
            },
        },
    },
}
_NAME_GLOB: dict[str, Any] = {"type": "string", "pattern": r"^\*?[-:a-z0-9]*\*?$"}
#: Gatekeeper's ``spec.match`` of every constraint (gatekeeper pkg/mutation/match, v3.23).
MATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "kinds": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"apiGroups": _STRING_LIST, "kinds": _STRING_LIST},
            },
        },
        "scope": {"type": "string"},
        "namespaces": {"type": "array", "items": _NAME_GLOB},
        "excludedNamespaces": {"type": "array", "items": _NAME_GLOB},
        "labelSelector": _LABEL_SELECTOR,
        "namespaceSelector": _LABEL_SELECTOR,
        "name": _NAME_GLOB,
        "source": {"type": "string", "enum": ["All", "Generated", "Original"]},
    },
}


@dataclass
class Scopes:
    """Which kinds are namespaced: Kubernetes' own, then every CRD and constraint seen."""

    builtin: frozenset[tuple[str, str]] = frozenset()
    namespaced: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: ``group/version`` and ``group/version/Kind`` of every served CRD version (for
    #: ``helm template --api-versions``).
    api_versions: set[str] = field(default_factory=set)

    def add_crd(self, crd: dict[str, Any]) -> None:
        """Record the scope and API versions of a CRD's kind."""
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        if spec.get("group") is None or not names.get("kind"):
            return
        group, kind = str(spec["group"]), str(names["kind"])
        self.namespaced[(group, kind)] = spec.get("scope", "Namespaced") == "Namespaced"
        for version in spec.get("versions") or []:
            if isinstance(version, dict) and version.get("served", True) and version.get("name"):
                self.api_versions.add(f"{group}/{version['name']}")
                self.api_versions.add(f"{group}/{version['name']}/{kind}")

    def is_namespaced(self, group: str, kind: str) -> bool | None:
        """``True``/``False``, or ``None`` when the kind is unknown."""
        if (group, kind) in BUILTIN_CLUSTER_SCOPED:
            return False
        if (group, kind) in self.namespaced:
            return self.namespaced[(group, kind)]
        if (group, kind) in self.builtin:
            return True
        return None


@dataclass(frozen=True)
class SchemaStore:
    """Schema folders for kubeconform, in lookup order, and the kinds' scopes."""

    kubernetes: Path
    crds: tuple[Path, ...]
    scopes: Scopes

    def locations(self) -> list[str]:
        """Kubeconform ``-schema-location`` templates, Kubernetes first."""
        return [
            f"{self.kubernetes}/{{{{.ResourceKind}}}}{{{{.KindSuffix}}}}.json",
            *(
                f"{folder}/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json"
                for folder in self.crds
            ),
        ]


def _kubernetes_source() -> Path:
    import kubernetes_validate

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    return base / f"v{KUBERNETES_VERSION}-local-strict"


# ---------------------------------------------------------------------------------------------
# Kubernetes: standalone copies of the kubernetes-validate schemas


def kubernetes_schemas(cache: Path) -> Path:
    """The folder of standalone Kubernetes 1.33 schemas, generated on first use.

    Args:
        cache: the cache root.

    Returns:
        A folder of ``<kind>-<group>-<version>.json`` files (kubeconform's ``KindSuffix``
        naming, as in the package).

    """
    source = _kubernetes_source()
    version = importlib.metadata.version("kubernetes-validate")
    key = _digest([CONVERTER_VERSION, version, KUBERNETES_VERSION])
    target = cache / "kubernetes" / key
    if (target / ".complete").is_file():
        return target

    definitions: dict[str, Any] = json.loads(
        (source / "_definitions.json").read_text(encoding="utf-8")
    )["$defs"]
    def_refs = {name: set(_local_refs(body)) for name, body in definitions.items()}

    def write(staging: Path) -> None:
        kinds: set[tuple[str, str]] = set()
        api_versions: set[str] = set()
        for path in sorted(source.glob("*.json")):
            if path.name.startswith("_") or path.name == "all.json":
                continue
            schema = json.loads(path.read_text(encoding="utf-8"))
            if "x-kubernetes-group-version-kind" not in schema:
                continue
            for gvk in schema["x-kubernetes-group-version-kind"]:
                group, kind = str(gvk.get("group", "")), str(gvk.get("kind", ""))
                kinds.add((group, kind))
                version = str(gvk.get("version", ""))
                if version and "alpha" not in version and "beta" not in version:
                    group_version = f"{group}/{version}" if group else version
                    api_versions.update((group_version, f"{group_version}/{kind}"))
            schema = _rewrite_refs(schema)
            schema.pop("$id", None)
            schema["$defs"] = _closure(set(_local_refs(schema)), definitions, def_refs)
            (staging / path.name).write_text(json.dumps(schema), encoding="utf-8")
        (staging / KINDS_FILE).write_text(json.dumps(sorted(kinds)), encoding="utf-8")
        (staging / API_VERSIONS_FILE).write_text(json.dumps(sorted(api_versions)), encoding="utf-8")

    return _publish(target, write)


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS_URL):
                out[key] = "#/$defs/" + value[len(_DEFS_URL) :]
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def _local_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                yield value[len("#/$defs/") :]
            else:
                yield from _local_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _local_refs(item)


def _closure(
    roots: set[str], definitions: dict[str, Any], def_refs: dict[str, set[str]]
) -> dict[str, Any]:
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        pending.extend(def_refs[name] - seen)
    return {name: definitions[name] for name in sorted(seen)}


# ---------------------------------------------------------------------------------------------
# CRDs


def load_upstream_crds(upstream: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every CRD document under ``<upstream>/crds``, with its file.

    Args:
        upstream: the upstream reference data folder.

    Returns:
        ``(path relative to upstream, CRD)`` pairs, sorted by path.

    Raises:
        UpstreamDataError: when the folder or its CRD files are missing.

    """
    folder = upstream / "crds"
    files = sorted(folder.glob("**/*.yaml")) if folder.is_dir() else []
    if not files:
        raise UpstreamDataError(
            f"no CRD files under {folder}: the upstream reference data (Argo CD, External "
            "Secrets, cert-manager, prometheus-operator and Gatekeeper CRDs at their release "
            "tags, listed with their URLs in crds/SOURCES.md) must be there; point "
            f"GITOPS_PLATFORM_UPSTREAM at a copy, or run `{FETCH_COMMAND}` where GitHub is "
            "reachable"
        )
    crds: list[tuple[str, dict[str, Any]]] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in files:
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader):
            for item in _crd_items(doc):
                crds.append((path.relative_to(upstream).as_posix(), item))
    return crds


def _crd_items(doc: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        return
    if doc.get("kind") == "CustomResourceDefinition":
        yield doc
    for item in doc.get("items") or []:
        yield from _crd_items(item)


def crd_schema_files(crd: dict[str, Any], object_meta: dict[str, Any]) -> dict[str, Any]:
    """The kubeconform schemas of one CRD: ``<group>/<kind>_<version>.json`` to schema.

    Args:
        crd: the CustomResourceDefinition.
        object_meta: ``$defs`` holding Kubernetes' ObjectMeta and what it refers to.

    Returns:
        One schema per served version.

    """
    spec = crd.get("spec") or {}
    group = str(spec.get("group", ""))
    kind = str((spec.get("names") or {}).get("kind", ""))
    out: dict[str, Any] = {}
    versions = spec.get("versions") or []
    if not versions and spec.get("version"):  # apiextensions v1beta1 CRDs
        versions = [{"name": spec["version"], "served": True, "schema": spec.get("validation")}]
    for version in versions:
        schema = ((version.get("schema") or spec.get("validation") or {}) or {}).get(
            "openAPIV3Schema"
        )
        if not schema or version.get("served") is False:
            continue
        name = f"{group}/{kind.lower()}_{str(version['name']).lower()}.json"
        out[name] = convert_crd(schema, object_meta)
    return out


def convert_crd(schema: dict[str, Any], object_meta: dict[str, Any]) -> dict[str, Any]:
    """Convert one CRD version's ``openAPIV3Schema`` into a strict JSON schema.

    Args:
        schema: the CRD's OpenAPI v3 schema.
        object_meta: ``$defs`` holding Kubernetes' ObjectMeta and what it refers to.

    Returns:
        A standalone JSON schema (draft 2020-12).

    """
    schema = copy.deepcopy(schema)
    # metadata is ObjectMeta for every kind; a CRD may only narrow it (e.g. a name length),
    # so its own node is kept as an extra, open condition.
    metadata = (schema.get("properties") or {}).pop("metadata", None)
    converted = _convert(schema)
    if "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    properties = converted.setdefault("properties", {})
    meta_ref = {"$ref": f"#/$defs/{_OBJECT_META}"}
    narrowed = {
        k: v
        for k, v in (metadata or {}).items()
        if k not in ("type", "description", "additionalProperties")
    }
    properties["metadata"] = {"allOf": [meta_ref, narrowed]} if narrowed else meta_ref
    for key in ("apiVersion", "kind"):
        properties.setdefault(key, {"type": "string"})
    converted["$schema"] = DRAFT
    converted["$defs"] = object_meta
    return dict(converted)


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _convert_child(key, value) for key, value in node.items()}
    if node.get("format") == "int-or-string":
        node.pop("format")
        node.pop("type", None)
        node["oneOf"] = [{"type": "string"}, {"type": "integer"}]
    if node.get("x-kubernetes-int-or-string") and not any(k in node for k in ("anyOf", "oneOf")):
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
    if node.get("x-kubernetes-embedded-resource"):
        props = node.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    if (
        "properties" in node
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        node["additionalProperties"] = False
    return node


def _convert_child(key: str, value: Any) -> Any:
    if key in ("properties", "patternProperties", "definitions", "$defs") and isinstance(
        value, dict
    ):
        return {name: _convert(sub) for name, sub in value.items()}
    if key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
        return _convert(value)
    if key in ("enum", "default", "example", "required", "x-kubernetes-list-map-keys"):
        return value
    return _convert(value) if isinstance(value, dict | list) else value


# ---------------------------------------------------------------------------------------------
# Gatekeeper constraints


def constraint_crd(template: dict[str, Any]) -> dict[str, Any] | None:
    """The CRD Gatekeeper creates for a ConstraintTemplate (``None`` if it names no kind).

    Args:
        template: a ``templates.gatekeeper.sh`` ConstraintTemplate.

    Returns:
        A CustomResourceDefinition for its constraint kind.

    """
    crd_spec = ((template.get("spec") or {}).get("crd") or {}).get("spec") or {}
    kind = (crd_spec.get("names") or {}).get("kind")
    if not kind:
        return None
    validation = crd_spec.get("validation") or {}
    spec_props: dict[str, Any] = {
        "match": MATCH_SCHEMA,
        "enforcementAction": {"type": "string"},
        "scopedEnforcementActions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "action": {"type": "string"},
                    "enforcementPoints": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                    },
                },
            },
        },
    }
    parameters = validation.get("openAPIV3Schema")
    if isinstance(parameters, dict):
        parameters = copy.deepcopy(parameters)
        if validation.get("legacySchema"):
            parameters["x-kubernetes-preserve-unknown-fields"] = True
        spec_props["parameters"] = parameters
    else:
        spec_props["parameters"] = {"x-kubernetes-preserve-unknown-fields": True}
    schema = {
        "type": "object",
        "properties": {
            "metadata": {
                "type": "object",
                "properties": {"name": {"type": "string", "maxLength": 63}},
            },
            "spec": {"type": "object", "properties": spec_props},
            "status": {"x-kubernetes-preserve-unknown-fields": True},
        },
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{str(kind).lower()}.{CONSTRAINTS_GROUP}"},
        "spec": {
            "group": CONSTRAINTS_GROUP,
            "names": {"kind": kind},
            "scope": "Cluster",
            "versions": [
                {"name": v, "served": True, "schema": {"openAPIV3Schema": schema}}
                for v in ("v1beta1", "v1alpha1")
            ],
        },
    }


# ---------------------------------------------------------------------------------------------
# The store


def build_store(
    cache: Path, upstream: Path, objects: Iterable[dict[str, Any]]
) -> tuple[SchemaStore, list[str]]:
    """Generate (or reuse) every schema kubeconform needs for a set of objects.

    Args:
        cache: the cache root.
        upstream: the upstream reference data folder.
        objects: every object to be validated; CRDs and ConstraintTemplates among them add
            schemas for their kinds.

    Returns:
        The store, and one line per generated folder saying whether it was reused.

    Raises:
        UpstreamDataError: when the upstream CRDs are missing.

    """
    notes: list[str] = []
    k8s = kubernetes_schemas(cache)
    builtin = json.loads((k8s / KINDS_FILE).read_text(encoding="utf-8"))
    scopes = Scopes(builtin=frozenset((str(g), str(k)) for g, k in builtin))
    scopes.api_versions.update(json.loads((k8s / API_VERSIONS_FILE).read_text(encoding="utf-8")))
    object_meta = _object_meta_defs(k8s)
    upstream_dir = _upstream_store(cache, upstream, object_meta, scopes, notes)
    project = project_crds()
    for crd in project:
        scopes.add_crd(crd)
    project_key = _digest(
        [CONVERTER_VERSION, KUBERNETES_VERSION, json.dumps(project, sort_keys=True)]
    )
    project_dir = _crd_store(cache / "crds" / project_key, "project", project, object_meta, notes)
    local: list[dict[str, Any]] = []
    for obj in objects:
        if obj.get("kind") == "CustomResourceDefinition":
            local.append(obj)
        elif obj.get("kind") == "ConstraintTemplate" and str(obj.get("apiVersion", "")).startswith(
            "templates.gatekeeper.sh/"
        ):
            derived = constraint_crd(obj)
            if derived:
                local.append(derived)
    for crd in local:
        scopes.add_crd(crd)
    folders = [upstream_dir, project_dir]
    if local:
        canonical = json.dumps(local, sort_keys=True, default=str)
        key = _digest([CONVERTER_VERSION, KUBERNETES_VERSION, canonical])
        folders.insert(0, _crd_store(cache / "crds" / key, "tree", local, object_meta, notes))
    return SchemaStore(k8s, tuple(folders), scopes), notes


def project_crds() -> list[dict[str, Any]]:
    """CRDs typed by the project for kinds the upstream data lacks (``validation/crds/``)."""
    folder = resources.files("gitops_platform.validation") / "crds"
    crds: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            crds.extend(d for d in yaml.safe_load_all(entry.read_text(encoding="utf-8")) if d)
    return crds


def _upstream_store(
    cache: Path, upstream: Path, object_meta: dict[str, Any], scopes: Scopes, notes: list[str]
) -> Path:
    """The upstream CRDs' schemas, keyed by the files' contents (parsed only on a miss)."""
    folder = upstream / "crds"
    files = sorted(folder.glob("**/*.yaml")) if folder.is_dir() else []
    if not files:
        load_upstream_crds(upstream)  # raises with the explanation
    parts = [CONVERTER_VERSION, KUBERNETES_VERSION]
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        parts.append(f"{path.relative_to(upstream).as_posix()}:{digest}")
    target = cache / "crds" / _digest(parts)
    index = target / SCOPES_FILE
    if (target / ".complete").is_file() and index.is_file():
        saved = json.loads(index.read_text(encoding="utf-8"))
        for group, kind, namespaced in saved["namespaced"]:
            scopes.namespaced[(str(group), str(kind))] = bool(namespaced)
        scopes.api_versions.update(str(v) for v in saved["api_versions"])
        notes.append("upstream CRD schemas: cached")
        return target
    crds = [crd for _, crd in load_upstream_crds(upstream)]
    for crd in crds:
        scopes.add_crd(crd)
    saved_scopes = {
        "namespaced": sorted([g, k, n] for (g, k), n in scopes.namespaced.items()),
        "api_versions": sorted(scopes.api_versions),
    }
    return _crd_store(target, "upstream", crds, object_meta, notes, saved_scopes)


def _object_meta_defs(k8s: Path) -> dict[str, Any]:
    # Every standalone Kubernetes schema carries ObjectMeta's closure; take it from one.
    namespace = json.loads((k8s / "namespace-v1.json").read_text(encoding="utf-8"))
    defs: dict[str, Any] = namespace["$defs"]
    refs = {name: set(_local_refs(body)) for name, body in defs.items()}
    return _closure({_OBJECT_META}, defs, refs)


def _crd_store(
    target: Path,
    label: str,
    crds: list[dict[str, Any]],
    object_meta: dict[str, Any],
    notes: list[str],
    index: dict[str, Any] | None = None,
) -> Path:
    if (target / ".complete").is_file():
        notes.append(f"{label} CRD schemas: cached")
        return target

    def write(staging: Path) -> None:
        for crd in crds:
            for name, schema in crd_schema_files(crd, object_meta).items():
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(schema, indent=1), encoding="utf-8")
        if index is not None:
            (staging / SCOPES_FILE).write_text(json.dumps(index), encoding="utf-8")

    notes.append(f"{label} CRD schemas: generated from {len(crds)} CRDs")
    return _publish(target, write)


def _publish(target: Path, write: Any) -> Path:
    """Write into a staging folder, then move it into place (safe against parallel runs)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write(staging)
        (staging / ".complete").write_text("", encoding="utf-8")
        try:
            os.replace(staging, target)
        except OSError:
            if not (target / ".complete").is_file():  # a half-written leftover: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _digest(parts: list[str]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode())
        hasher.update(b"\0")
    return hasher.hexdigest()[:16]

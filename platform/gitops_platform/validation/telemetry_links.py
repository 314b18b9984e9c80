"""Link checks between the telemetry pieces: Grafana, the gateway's labels, Backstage's proxy.

On top of step 9 (every in-cluster URL resolves to a Service and port), this step checks what
only makes sense across the observability pieces, per environment:

* **datasource uids**: every uid a provisioned data source refers to (``derivedFields``,
  ``tracesToLogsV2``, ``tracesToMetrics``, ``serviceMap``, ``exemplarTraceIdDestinations``)
  and every uid a dashboard panel or target names is a provisioned data source;
* **labels**: the Loki label names the Tempo data source's ``tracesToLogsV2.tags`` map to,
  and the structured-metadata key a Loki derived field of type ``label`` matches, are names
  the gateway produces: each Vector ``remap`` program feeding a ``loki`` sink is run with the
  real VRL engine (the ``vrl`` CLI) on a sample OTLP log, and the sink's label and
  structured-metadata templates are expanded on its output;
* **Backstage proxy**: every ``proxy.endpoints.*.target`` of a Backstage ``app-config`` in a
  ConfigMap is the URL of a Service of the namespace Grafana runs in.

Grafana's provisioning files are read from the ``grafana`` chart's rendered ConfigMap key
``datasources.yaml``; dashboards from any ConfigMap value that is a dashboard JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import yaml

from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import VRL_HINT

__all__ = [
    "SAMPLE_OTLP_LOG",
    "STEP",
    "EnvObjects",
    "VrlError",
    "gateway_labels",
    "run_telemetry_links",
    "run_vrl",
]

STEP: Final = "telemetry-links"

#: A chat-api log record as Vector's ``opentelemetry`` source decodes it (native log events,
#: legacy namespace: ``resources``, hex ``trace_id``/``span_id``; Vector
#: ``website/cue/reference/components/sources/opentelemetry.cue`` ``output.logs``).
SAMPLE_OTLP_LOG: Final[dict[str, Any]] = {
    "message": "GET /chats/42 200",
    "resources": {
        "service.name": "chat-api",
        "k8s.namespace.name": "chat-api",
        "k8s.pod.label.app.kubernetes.io/name": "chat-api",
    },
    "attributes": {"http.route": "/chats/{id}"},
    "scope": {"name": "chat-api"},
    "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",  # pragma: allowlist secret (W3C example)
    "span_id": "00f067aa0ba902b7",  # pragma: allowlist secret (W3C example)
    "severity_text": "INFO",
    "severity_number": 9,
    "timestamp": "2026-11-29T20:00:00Z",
}

_TEMPLATE = re.compile(r"^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$")
_UID_KEYS = ("tracesToLogsV2", "tracesToMetrics", "serviceMap", "lokiSearch", "tracesToProfiles")


class VrlError(Exception):
    """The VRL engine refused a program or an event."""


def run_vrl(vrl: Path, program: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run a VRL program on events with the ``vrl`` CLI; return the modified events.

    Raises:
        VrlError: with the engine's diagnostics, when it does not compile or fails at runtime.
    """
    with tempfile.TemporaryDirectory(prefix="vrl-") as tmp:
        prog = Path(tmp) / "program.vrl"
        data = Path(tmp) / "events.jsonl"
        prog.write_text(program, encoding="utf-8")
        data.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
        proc = subprocess.run(
            [str(vrl), "-p", str(prog), "-i", str(data), "-o", "-q"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    if proc.returncode != 0:
        raise VrlError((proc.stdout + proc.stderr).strip())
    out: list[dict[str, Any]] = []
    decoder = json.JSONDecoder()
    text = proc.stdout.strip()
    pos = 0
    while pos < len(text):
        obj, end = decoder.raw_decode(text, pos)
        out.append(obj)
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


def _expand(templates: Any, event: dict[str, Any]) -> set[str]:
    """The label names a Vector ``labels``/``structured_metadata`` map yields for ``event``."""
    names: set[str] = set()
    if not isinstance(templates, dict):
        return names
    for key, value in templates.items():
        if "*" in str(key):
            match = _TEMPLATE.match(str(value))
            target: Any = event
            for part in match.group(1).split(".") if match else []:
                target = target.get(part) if isinstance(target, dict) else None
            prefix = str(key).replace("*", "")
            if isinstance(target, dict):
                names |= {prefix + re.sub(r"[^0-9A-Za-z_]", "_", k) for k in target}
        else:
            names.add(str(key))
    return names


def gateway_labels(config: dict[str, Any], vrl: Path) -> tuple[set[str], set[str]]:
    """Loki labels and structured-metadata keys the gateway produces for the sample log.

    Follows each ``loki`` sink's inputs back through ``remap`` transforms to a source, runs the
    programs in order with the real engine, and expands the sink's templates.

    Raises:
        VrlError: a program does not compile or run.
    """
    transforms = config.get("transforms") or {}
    labels: set[str] = set()
    metadata: set[str] = set()
    for sink in (config.get("sinks") or {}).values():
        if not isinstance(sink, dict) or sink.get("type") != "loki":
            continue
        for start in sink.get("inputs") or []:
            chain: list[dict[str, Any]] = []
            node = str(start)
            while node in transforms and len(chain) < 20:
                chain.insert(0, transforms[node])
                node = str((transforms[node].get("inputs") or [""])[0])
            event = dict(SAMPLE_OTLP_LOG)
            for transform in chain:
                if transform.get("type") == "remap":
                    [event] = run_vrl(vrl, str(transform.get("source", "")), [event])
            labels |= _expand(sink.get("labels"), event)
            metadata |= _expand(sink.get("structured_metadata"), event)
    return labels, metadata


@dataclass
class EnvObjects:
    """What one environment renders that the link checks read.

    Attributes:
        datasources: ``(origin, document, provisioning file)`` of Grafana's data sources.
        dashboards: ``(origin, document, dashboard JSON)``.
        vector: ``(origin, document, Vector config)``.
        services: ``namespace/name`` of every Service.
        app_configs: ``(origin, document, Backstage app-config)`` with proxy endpoints.
    """

    datasources: list[tuple[Document, dict[str, Any]]] = field(default_factory=list)
    dashboards: list[tuple[Document, dict[str, Any]]] = field(default_factory=list)
    vector: list[tuple[Document, dict[str, Any]]] = field(default_factory=list)
    services: set[str] = field(default_factory=set)
    app_configs: list[tuple[Document, dict[str, Any]]] = field(default_factory=list)


def _parse(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def collect(documents: Iterable[tuple[str | None, str, Document]]) -> dict[str, EnvObjects]:
    """Group ``(env, chart, document)`` by environment (``None``: every environment)."""
    envs: dict[str, EnvObjects] = {}
    shared = EnvObjects()
    for env, chart, doc in documents:
        bucket = envs.setdefault(env, EnvObjects()) if env else shared
        obj = doc.obj
        meta = obj.get("metadata") or {}
        if obj.get("kind") == "Service":
            bucket.services.add(f"{meta.get('namespace', '')}/{meta.get('name', '')}")
        if obj.get("kind") != "ConfigMap":
            continue
        for key, text in (obj.get("data") or {}).items():
            if not isinstance(text, str):
                continue
            if chart == "grafana" and key == "datasources.yaml":
                parsed = _parse(text)
                if isinstance(parsed, dict):
                    bucket.datasources.append((doc, parsed))
            elif chart == "vector" and key == "vector.yaml":
                parsed = _parse(text)
                if isinstance(parsed, dict):
                    bucket.vector.append((doc, parsed))
            elif key.endswith(".json"):
                try:
                    board = json.loads(text)
                except ValueError:
                    continue
                if isinstance(board, dict) and "panels" in board:
                    bucket.dashboards.append((doc, board))
            elif key.startswith("app-config"):
                parsed = _parse(text)
                if isinstance(parsed, dict) and isinstance(parsed.get("proxy"), dict):
                    bucket.app_configs.append((doc, parsed))
    for bucket in envs.values():
        bucket.datasources += shared.datasources
        bucket.dashboards += shared.dashboards
        bucket.vector += shared.vector
        bucket.services |= shared.services
        bucket.app_configs += shared.app_configs
    return envs


def _referenced_uids(source: dict[str, Any]) -> list[tuple[str, str]]:
    data = source.get("jsonData") or {}
    refs: list[tuple[str, str]] = []
    for i, derived in enumerate(data.get("derivedFields") or []):
        if isinstance(derived, dict) and derived.get("datasourceUid"):
            refs.append((f"jsonData.derivedFields[{i}]", str(derived["datasourceUid"])))
    for i, dest in enumerate(data.get("exemplarTraceIdDestinations") or []):
        if isinstance(dest, dict) and dest.get("datasourceUid"):
            refs.append((f"jsonData.exemplarTraceIdDestinations[{i}]", str(dest["datasourceUid"])))
    for key in _UID_KEYS:
        block = data.get(key)
        if isinstance(block, dict) and block.get("datasourceUid"):
            refs.append((f"jsonData.{key}", str(block["datasourceUid"])))
    return refs


def _dashboard_uids(node: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("datasource")
        if isinstance(ref, dict) and isinstance(ref.get("uid"), str):
            uid = ref["uid"]
            if not uid.startswith(("$", "-- ")):
                yield (f"{path}.datasource" if path else "datasource", uid)
        for key, value in node.items():
            yield from _dashboard_uids(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _dashboard_uids(item, f"{path}[{i}]")


def check_env(env: str, objects: EnvObjects, vrl: Path | None) -> list[Finding]:
    """Every broken link of one environment."""
    findings: list[Finding] = []
    provisioned: set[str] = set()
    for _doc, prov in objects.datasources:
        provisioned |= {str(s.get("uid")) for s in prov.get("datasources") or [] if s.get("uid")}

    def add(doc: Document, where: str, message: str) -> None:
        findings.append(Finding(doc.origin, STEP, message, document=doc.ref, field=where))

    for doc, prov in objects.datasources:
        for i, source in enumerate(prov.get("datasources") or []):
            for where, uid in _referenced_uids(source):
                if uid not in provisioned:
                    add(
                        doc,
                        f"datasources.yaml:datasources[{i}].{where}",
                        f"data source {source.get('name')!r} refers to uid {uid!r}, which no "
                        f"provisioned data source has in {env} (provisioned: "
                        f"{', '.join(sorted(provisioned)) or 'none'})",
                    )
    for doc, board in objects.dashboards:
        for where, uid in _dashboard_uids(board):
            if uid not in provisioned:
                add(
                    doc,
                    f"{board.get('uid')}:{where}",
                    f"dashboard {board.get('title')!r} names data source uid {uid!r}, which is "
                    f"not provisioned in {env}",
                )
    findings += _label_links(env, objects, vrl)
    grafana_ns = {
        str((d.obj.get("metadata") or {}).get("namespace")) for d, _ in objects.datasources
    }
    for doc, app_config in objects.app_configs:
        endpoints = (app_config.get("proxy") or {}).get("endpoints") or {}
        for path, endpoint in endpoints.items():
            target = endpoint.get("target") if isinstance(endpoint, dict) else endpoint
            host = (urlsplit(str(target)).hostname or "").split(".")
            service = f"{host[1]}/{host[0]}" if len(host) > 2 and host[2] == "svc" else None
            if service is None or service not in objects.services or host[1] not in grafana_ns:
                add(
                    doc,
                    f"proxy.endpoints.{path}.target",
                    f"Backstage proxy target {target!r} is not a Service of the observability "
                    f"stack (namespace {', '.join(sorted(grafana_ns)) or '?'}) in {env}",
                )
    return findings


def _label_links(env: str, objects: EnvObjects, vrl: Path | None) -> list[Finding]:
    wanted: list[tuple[Document, str, str, str]] = []  # doc, field, name, kind
    for doc, prov in objects.datasources:
        for i, source in enumerate(prov.get("datasources") or []):
            data = source.get("jsonData") or {}
            logs = data.get("tracesToLogsV2") or {}
            for j, tag in enumerate(logs.get("tags") or []):
                name = tag.get("value") or tag.get("key") if isinstance(tag, dict) else None
                where = f"datasources.yaml:datasources[{i}].jsonData.tracesToLogsV2.tags[{j}]"
                wanted.append((doc, where, str(name), "label"))
            for j, derived in enumerate(data.get("derivedFields") or []):
                if isinstance(derived, dict) and derived.get("matcherType") == "label":
                    where = f"datasources.yaml:datasources[{i}].jsonData.derivedFields[{j}]"
                    wanted.append((doc, where, str(derived.get("matcherRegex")), "metadata"))
    if not wanted or not objects.vector:
        return []
    if vrl is None:
        doc = wanted[0][0]
        return [
            Finding(
                doc.origin,
                STEP,
                "the vrl CLI is not installed: the gateway's labels cannot be computed, so "
                f"the Grafana label links are unchecked; {VRL_HINT}",
                root_cause=True,
            )
        ]
    labels: set[str] = set()
    metadata: set[str] = set()
    findings: list[Finding] = []
    for doc, config in objects.vector:
        try:
            more_labels, more_metadata = gateway_labels(config, vrl)
        except VrlError as error:
            findings.append(
                Finding(doc.origin, STEP, f"VRL: {error}", document=doc.ref, field="vector.yaml")
            )
            continue
        labels |= more_labels
        metadata |= more_metadata
    for doc, where, name, kind in wanted:
        if kind == "label" and name not in labels:
            findings.append(
                Finding(
                    doc.origin,
                    STEP,
                    f"tracesToLogsV2 maps to Loki label {name!r}, which the gateway does not set "
                    f"in {env} (it sets {', '.join(sorted(labels)) or 'none'})",
                    document=doc.ref,
                    field=where,
                )
            )
        if kind == "metadata" and not any(re.fullmatch(name, m) for m in metadata | labels):
            findings.append(
                Finding(
                    doc.origin,
                    STEP,
                    f"derived field matches {name!r}, which is no label or structured-metadata "
                    f"key the gateway sets in {env} (it sets "
                    f"{', '.join(sorted(metadata | labels)) or 'none'})",
                    document=doc.ref,
                    field=where,
                )
            )
    return findings


def run_telemetry_links(
    documents: Iterable[tuple[str | None, str, Document]], vrl: Path | None
) -> StepResult:
    """Run the link checks on ``(env, chart, document)`` triples (see the module docstring)."""
    envs = collect(documents)
    checked = {e: o for e, o in envs.items() if o.datasources or o.app_configs}
    if not checked:
        return StepResult(
            STEP,
            Status.PASSED,
            [],
            "nothing to check: no Grafana data source or Backstage app-config in the renders",
        )
    findings: list[Finding] = []
    for env, objects in sorted(checked.items()):
        findings += check_env(env, objects, vrl)
    detail = (
        f"environments {', '.join(sorted(checked))}: data source uids, dashboards, "
        f"gateway labels ({'vrl' if vrl else 'no vrl'}), Backstage proxy targets"
    )
    return StepResult(STEP, Status.FAILED if findings else Status.PASSED, findings, detail)

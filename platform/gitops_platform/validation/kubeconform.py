"""Step 4: ``kubeconform -strict`` on every manifest and every rendered output, offline.

One kubeconform run covers everything: the tree's manifests are passed as they are, rendered
streams (kustomize, helm) are written to a work folder first. Schemas come from
:mod:`~gitops_platform.validation.schemas`; there is no ``-ignore-missing-schemas``, so an object
of a kind nobody describes is an error.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.schemas import SchemaStore
from gitops_platform.validation.settings import KUBERNETES_VERSION
from gitops_platform.validation.tools import missing_tool, run_command

__all__ = ["STEP", "Source", "run_kubeconform"]

STEP = "kubeconform"

_AT = re.compile(r"- at '([^']*)': (.*?)(?=\s+- at '|\s*$)")
_WRAPPERS = re.compile(r"^(?:'(?:allOf|anyOf|oneOf|not)' failed|validation failed)$")


@dataclass
class Source:
    """A set of documents to validate.

    Attributes:
        origin: how the report names it (a tree path, or the command that rendered it).
        documents: its parsed documents, to name the object behind each result.
        path: the file, when the documents are read from one.
        text: the rendered stream, when they are not.

    """

    origin: str
    documents: list[Document] = field(default_factory=list)
    path: Path | None = None
    text: str | None = None


def run_kubeconform(
    sources: list[Source], store: SchemaStore, kubeconform: Path | None, workdir: Path
) -> StepResult:
    """Validate every source strictly in one kubeconform run.

    Args:
        sources: manifests and rendered streams.
        store: the schema folders.
        kubeconform: the executable (``None`` when it is not installed).
        workdir: a scratch folder for rendered streams.

    Returns:
        ``FAILED`` with one finding per schema violation or missing schema, else ``PASSED``.

    """

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail)

    if kubeconform is None:
        return result(Status.FAILED, [missing_tool("kubeconform", STEP)], "")
    workdir.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, Source] = {}
    for number, source in enumerate(sources):
        if source.path is not None:
            file = source.path
        else:
            file = workdir / f"rendered-{number}.yaml"
            file.write_text(source.text or "", encoding="utf-8")
        by_file[str(file)] = source
    if not by_file:
        return result(Status.PASSED, [], "nothing to validate")

    command: list[str | Path] = [
        kubeconform,
        "-strict",
        "-summary",
        "-output",
        "json",
        "-kubernetes-version",
        KUBERNETES_VERSION,
        "-n",
        str(max(2, os.cpu_count() or 2)),
    ]
    for location in store.locations():
        command += ["-schema-location", location]
    completed = run_command([*command, *by_file], timeout=600)
    try:
        report: dict[str, Any] = json.loads(completed.stdout)
    except json.JSONDecodeError:
        return result(
            Status.FAILED,
            [Finding("kubeconform", STEP, f"kubeconform did not run: {completed.output()}")],
            "",
        )

    findings: list[Finding] = []
    for entry in report.get("resources") or []:
        findings.extend(_findings(entry, by_file))
    summary = report.get("summary") or {}
    total = sum(int(summary.get(k, 0)) for k in ("valid", "invalid", "errors", "skipped"))
    detail = (
        f"{total} objects in {len(by_file)} files/outputs: "
        f"{summary.get('valid', '?')} valid, {summary.get('invalid', '?')} invalid, "
        f"{summary.get('errors', '?')} errors"
    )
    if findings or not completed.ok:
        if not findings:
            findings.append(Finding("kubeconform", STEP, completed.output()))
        return result(Status.FAILED, findings, detail)
    return result(Status.PASSED, [], detail)


def _findings(entry: dict[str, Any], by_file: dict[str, Source]) -> list[Finding]:
    status = entry.get("status")
    if status not in ("statusInvalid", "statusError"):
        return []
    source = by_file.get(str(entry.get("filename")))
    origin = source.origin if source else str(entry.get("filename"))
    kind, name, version = (str(entry.get(k) or "") for k in ("kind", "name", "version"))
    document = _document(source, kind, name, version) if source else None
    ref = document.ref if document else (f"{kind}/{name}" if kind else None)
    message = str(entry.get("msg") or "")
    if status == "statusError":
        if message.startswith("could not find schema"):
            message = (
                f"no schema for {version} {kind}: not a Kubernetes {KUBERNETES_VERSION} kind, "
                "and no CRD (upstream or in the tree) or ConstraintTemplate defines it"
            )
        return [Finding(origin, STEP, message, ref)]
    leaves = [(path, text.strip()) for path, text in _AT.findall(message)]
    specific = [(path, text) for path, text in leaves if not _WRAPPERS.match(text)]
    pairs = specific or leaves
    if not pairs:
        pairs = [
            (str(e.get("path", "")), str(e.get("msg", "")))
            for e in entry.get("validationErrors") or []
        ] or [("", message)]
    seen: set[tuple[str, str]] = set()
    findings = []
    for path, text in pairs:
        if (path, text) in seen:
            continue
        seen.add((path, text))
        findings.append(Finding(origin, STEP, text, ref, _field(path) or None))
    return findings


def _document(source: Source, kind: str, name: str, version: str) -> Document | None:
    for document in source.documents:
        obj = document.obj
        meta = obj.get("metadata") or {}
        if (
            obj.get("kind") == kind
            and str(meta.get("name", "")) == name
            and obj.get("apiVersion") == version
        ):
            return document
    return None


def _field(pointer: str) -> str:
    """``/spec/containers/0/name`` -> ``spec.containers[0].name``."""
    out = ""
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if part.isdigit():
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out

"""Validation step 6: the platform's policy set, evaluated on every rendered manifest by gator.

The ConstraintTemplates and constraints come from :mod:`gitops_platform.policy`, the very objects
rendered into the tree for Gatekeeper. They are written next to the documents (and to each Helm
values file wrapped as the CI-only ``HelmValues`` kind) into a work folder, and ``gator test``
runs once over all of them: gator puts every object it is given into ``data.inventory``, which
is what the referential ``application-project`` policy reads.

Gatekeeper's own kinds found in the tree (ConstraintTemplates, constraints, expansion templates,
mutators) are reviewed as ordinary objects, but under a renamed API group, so that gator never
loads them as policy: CI evaluates exactly the policy set of this library.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path, PurePosixPath
from typing import Any

from gitops_platform.policy import (
    PolicySet,
    constraint_templates,
    constraints,
    helm_values_object,
)
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import missing_tool, run

__all__ = ["DOCUMENT_ANNOTATION", "STEP", "run_policies"]

STEP = "policies"

#: Annotation added (in the work folder only) to map each violation back to its document.
DOCUMENT_ANNOTATION = "validation.gitops-platform.io/document"

#: Origin reported for violations of the policy objects gator is given (the library's own).
POLICY_SET_ORIGIN = "<policy set: gitops_platform.policy>"

_GATEKEEPER_POLICY_GROUPS = frozenset(
    {
        "templates.gatekeeper.sh",
        "constraints.gatekeeper.sh",
        "expansion.gatekeeper.sh",
        "mutations.gatekeeper.sh",
    }
)
_DISARMED_SUFFIX = ".reviewed-as-object.validation.gitops-platform.io"


def run_policies(
    documents: list[Document],
    *,
    gator: Path,
    workdir: Path,
    values_files: dict[str, Any] | None = None,
    policy_set: PolicySet | None = None,
) -> StepResult:
    """Evaluate the policy set on ``documents`` (and Helm values files) with one gator run.

    Args:
        documents: every rendered object, with where it came from.
        gator: the ``gator`` executable (built into ``bin/`` by ``make tools``).
        workdir: an empty or scratch folder for the files handed to gator.
        values_files: Helm values files of the tree, path (relative to the tree, e.g.
            ``infra/platform/values/backstage/base.yaml``) to parsed content; each is wrapped as a
            ``HelmValues`` object named ``<component>-<file>`` and checked for inline secrets.
        policy_set: the policy set to apply; ``PolicySet()``, the one rendered into the tree,
            when not given.

    Returns:
        ``FAILED`` with one finding per violation (file, document, field, ``Kind/name`` of the
        constraint, message), or ``PASSED`` with a detail ``"N objects, M constraints"``.

    """
    started = time.monotonic()
    policy_set = policy_set or PolicySet()

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail, round(time.monotonic() - started, 3))

    if not gator.is_file():
        return result(Status.FAILED, [missing_tool("gator", STEP)], "gator missing")

    entries: list[Document] = []
    findings: list[Finding] = []
    for document in documents:
        obj = document.obj
        if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
            findings.append(
                Finding(
                    document.origin,
                    STEP,
                    f"document {document.index} is not a Kubernetes object (no apiVersion/kind)"
                    " and cannot be evaluated",
                )
            )
            continue
        entries.append(document)
    for path, values in sorted((values_files or {}).items()):
        entries.append(Document(path, 0, helm_values_object(_values_name(path), values)))

    templates = constraint_templates()
    policy = [*templates, *constraints(policy_set)]
    workdir.mkdir(parents=True, exist_ok=True)
    policy_file = workdir / "policy-set.yaml"
    objects_file = workdir / "objects.yaml"
    _write_stream(policy_file, policy)
    _write_stream(objects_file, [_for_gator(i, d.obj) for i, d in enumerate(entries)])

    # gator exits 1 both when a constraint denies and when it cannot run: the JSON on stdout
    # (a list of violations, or null) tells them apart.
    outcome = run(
        [gator, "test", "--output=json", f"--filename={policy_file}", f"--filename={objects_file}"],
        timeout=600.0,
    )
    try:
        results = json.loads(outcome.stdout) if outcome.stdout.strip() else None
    except json.JSONDecodeError:
        results = False
    if (
        results is False
        or (results is None and not outcome.ok)
        or not isinstance(results, list | None)
    ):
        message = outcome.output()
        findings.append(Finding(str(objects_file), STEP, f"gator could not run: {message}"))
        return result(Status.FAILED, findings, "gator failed")

    for violation in results or []:
        findings.append(_finding(violation, entries))
    findings = sorted(set(findings), key=_sort_key)
    detail = (
        f"{len(entries)} objects ({len(entries) - len(values_files or {})} documents, "
        f"{len(values_files or {})} values files), {len(policy) - len(templates)} constraints"
    )
    if findings:
        return result(Status.FAILED, findings, f"{detail}, {len(findings)} violations")
    return result(Status.PASSED, [], detail)


def _values_name(path: str) -> str:
    """``infra/platform/values/backstage/base.yaml`` -> ``backstage-base``."""
    parts = PurePosixPath(path).with_suffix("").parts
    if "values" in parts:
        parts = parts[len(parts) - parts[::-1].index("values") :]
    return "-".join(parts[-2:]) if len(parts) >= 2 else "-".join(parts)


def _for_gator(index: int, obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` tagged with its index, Gatekeeper policy kinds renamed."""
    copied = copy.deepcopy(obj)
    metadata = copied.get("metadata")
    if not isinstance(metadata, dict):
        metadata = copied["metadata"] = {}
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        annotations = metadata["annotations"] = {}
    annotations[DOCUMENT_ANNOTATION] = str(index)
    api_version = str(copied["apiVersion"])
    group, _, version = api_version.rpartition("/")
    if group in _GATEKEEPER_POLICY_GROUPS:
        copied["apiVersion"] = f"{group}{_DISARMED_SUFFIX}/{version}"
    return copied


def _write_stream(path: Path, objects: list[dict[str, Any]]) -> None:
    # One compact JSON document per line: gator splits streams on "\n---" and drops lines that
    # start with "#", neither of which can occur inside a JSON line.
    text = "\n---\n".join(json.dumps(o, sort_keys=True, ensure_ascii=False) for o in objects)
    path.write_text(text + "\n", encoding="utf-8")


def _finding(violation: dict[str, Any], entries: list[Document]) -> Finding:
    constraint = violation.get("constraint") or {}
    rule = f"{constraint.get('kind', '?')}/{(constraint.get('metadata') or {}).get('name', '?')}"
    details = (violation.get("metadata") or {}).get("details") or {}
    field = details.get("field") if isinstance(details, dict) else None
    violating = violation.get("violatingObject") or {}
    metadata = violating.get("metadata") or {}
    index = (metadata.get("annotations") or {}).get(DOCUMENT_ANNOTATION)
    message = str(violation.get("msg", "")).strip()
    if index is not None and str(index).isdigit() and int(str(index)) < len(entries):
        entry = entries[int(str(index))]
        return Finding(entry.origin, rule, message, entry.ref, field or None)
    ref = Document(POLICY_SET_ORIGIN, 0, violating).ref
    return Finding(POLICY_SET_ORIGIN, rule, message, ref, field or None)


def _sort_key(finding: Finding) -> tuple[str, str, str, str, str]:
    return (
        finding.file,
        finding.document or "",
        finding.field or "",
        finding.rule,
        finding.message,
    )

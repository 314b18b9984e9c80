"""Validation step 6: the policy set the tree delivers, evaluated on every rendered object by gator.

The policy is read from the tree, never rebuilt in code: the ConstraintTemplates and constraints
under ``infra/base/addons/policy/`` (:data:`gitops_platform.layout.POLICY_FOLDER`), which the
policy Application delivers to Gatekeeper in every cluster. So CI checks what the clusters
enforce, customised parameters and extra constraints included. A tree that delivers no policy
set (no ConstraintTemplate there) leaves the step *not run*, with that reason: there is nothing
to evaluate, and such a run is never counted as passed.

The policy objects are written to one file and every document of the tree (and of the kustomize
and chart renders), plus each Helm values file wrapped as the CI-only ``HelmValues`` kind, to
another; ``gator test`` runs once over both. gator puts every object it is given into
``data.inventory``, which is what referential policies (``application-project``) read; in a
cluster, Gatekeeper replicates only the kinds its sync ``Config`` lists, so CI's inventory is a
superset of the cluster's.

Every Gatekeeper kind found among the documents (the policy objects themselves included) is also
reviewed as an ordinary object, under a renamed API group so that gator never loads it a second
time as policy: the required-labels policy, for one, applies to the policy objects too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from gitops_platform.layout import (
    POLICY_FOLDER,
    helm_values_object,
)
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import missing_tool, run_command

__all__ = [
    "DOCUMENT_ANNOTATION",
    "STEP",
    "delivered_policy",
    "run_policies",
]

STEP = "policies"

#: Annotation added (in the work folder only) to map each violation back to its document.
DOCUMENT_ANNOTATION = "validation.gitops-platform.io/document"

TEMPLATE_GROUP = "templates.gatekeeper.sh"
CONSTRAINT_GROUP = "constraints.gatekeeper.sh"
_GATEKEEPER_POLICY_GROUPS = frozenset(
    {
        TEMPLATE_GROUP,
        CONSTRAINT_GROUP,
        "expansion.gatekeeper.sh",
        "mutations.gatekeeper.sh",
    }
)
_DISARMED_SUFFIX = ".reviewed-as-object.validation.gitops-platform.io"


def _group(obj: dict[str, Any]) -> str:
    return str(obj.get("apiVersion", "")).rpartition("/")[0]


def delivered_policy(documents: Iterable[Document], folder: str = POLICY_FOLDER) -> list[Document]:
    """The policy objects a tree delivers: templates and constraints read from ``folder``.

    Args:
        documents: the tree's documents (origins relative to the tree).
        folder: where the policy component's objects are rendered (``infra/base/addons/policy``;
            its per-environment subfolders included).

    Returns:
        The ConstraintTemplates and constraints found there, in tree order.

    """
    prefix = folder.rstrip("/") + "/"
    return [
        d
        for d in documents
        if d.origin.startswith(prefix) and _group(d.obj) in (TEMPLATE_GROUP, CONSTRAINT_GROUP)
    ]


def run_policies(
    documents: list[Document],
    policy: Sequence[Document],
    *,
    gator: Path,
    workdir: Path,
    values_files: dict[str, Any] | None = None,
) -> StepResult:
    """Evaluate ``policy`` on ``documents`` (and Helm values files) with one gator run.

    Args:
        documents: every rendered object, with where it came from.
        policy: the ConstraintTemplates and constraints to apply, with their files (see
            :func:`delivered_policy`); other kinds among them are ignored.
        gator: the ``gator`` executable (``gitops-platform tools install`` builds it).
        workdir: an empty or scratch folder for the files handed to gator.
        values_files: Helm values files of the tree, path (relative to the tree, e.g.
            ``infra/platform/values/backstage/base.yaml``) to parsed content; each is wrapped as a
            ``HelmValues`` object named ``<component>-<file>`` and checked for inline secrets.

    Returns:
        ``NOT_RUN`` when ``policy`` holds no ConstraintTemplate (the tree delivers no policy
        set); ``FAILED`` with one finding per violation (file, document, field, ``Kind/name`` of
        the constraint, message), per constraint whose template is not delivered, or when gator
        cannot run; else ``PASSED`` with a detail ``"N objects (...), M constraints"``.

    """

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail)

    templates = [d for d in policy if _group(d.obj) == TEMPLATE_GROUP]
    constraints = [d for d in policy if _group(d.obj) == CONSTRAINT_GROUP]
    if not templates:
        return result(
            Status.NOT_RUN,
            [],
            f"the tree delivers no policy set (no ConstraintTemplate under {POLICY_FOLDER}/)",
        )
    if not gator.is_file():
        return result(Status.FAILED, [missing_tool("gator", STEP)], "gator missing")

    findings = _unmatched_constraints(templates, constraints)
    entries: list[Document] = []
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

    loaded = [*templates, *(c for c in constraints if _has_template(c, templates))]
    workdir.mkdir(parents=True, exist_ok=True)
    policy_file = workdir / "policy-set.yaml"
    objects_file = workdir / "objects.yaml"
    _write_stream(policy_file, [d.obj for d in loaded])
    _write_stream(objects_file, [_for_gator(i, d.obj) for i, d in enumerate(entries)])

    # gator exits 1 both when a constraint denies and when it cannot run: the JSON on stdout
    # (a list of violations, or null) tells them apart.
    outcome = run_command(
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
        findings.append(_finding(violation, entries, constraints))
    findings = sorted(set(findings), key=_sort_key)
    detail = (
        f"{len(entries)} objects ({len(entries) - len(values_files or {})} documents, "
        f"{len(values_files or {})} values files), {len(loaded) - len(templates)} constraints "
        f"of {len(templates)} templates"
    )
    if findings:
        return result(Status.FAILED, findings, f"{detail}, {len(findings)} violations")
    return result(Status.PASSED, [], detail)


def _template_kind(template: Document) -> str:
    crd = (template.obj.get("spec") or {}).get("crd") or {}
    return str(((crd.get("spec") or {}).get("names") or {}).get("kind", ""))


def _has_template(constraint: Document, templates: list[Document]) -> bool:
    return constraint.obj.get("kind") in {_template_kind(t) for t in templates}


def _unmatched_constraints(templates: list[Document], constraints: list[Document]) -> list[Finding]:
    """A constraint whose kind no delivered template defines: Gatekeeper never enforces it."""
    kinds = sorted({_template_kind(t) for t in templates})
    return [
        Finding(
            c.origin,
            STEP,
            f"constraint kind {c.obj.get('kind')} has no ConstraintTemplate in the delivered "
            f"policy set (templates define: {', '.join(kinds)}): Gatekeeper would never "
            "enforce it",
            c.ref,
            "kind",
        )
        for c in constraints
        if not _has_template(c, templates)
    ]


def _values_name(path: str) -> str:
    """``infra/platform/values/backstage/base.yaml`` -> ``backstage-base``."""
    parts = PurePosixPath(path).with_suffix("").parts
    if "values" in parts:
        parts = parts[len(parts) - parts[::-1].index("values") :]
    return "-".join(parts[-2:]) if len(parts) >= 2 else "-".join(parts)


def _for_gator(index: int, obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` tagged with its index, Gatekeeper policy kinds renamed.

    Only what is changed is copied (the object, its metadata and annotations); the rest is
    shared with ``obj`` and only read (written out as JSON).
    """
    copied = dict(obj)
    metadata = copied.get("metadata")
    metadata = copied["metadata"] = dict(metadata) if isinstance(metadata, dict) else {}
    annotations = metadata.get("annotations")
    annotations = metadata["annotations"] = (
        dict(annotations) if isinstance(annotations, dict) else {}
    )
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


def _finding(
    violation: dict[str, Any], entries: list[Document], constraints: list[Document]
) -> Finding:
    constraint = violation.get("constraint") or {}
    kind = constraint.get("kind", "?")
    name = (constraint.get("metadata") or {}).get("name", "?")
    rule = f"{kind}/{name}"
    details = (violation.get("metadata") or {}).get("details") or {}
    field = details.get("field") if isinstance(details, dict) else None
    violating = violation.get("violatingObject") or {}
    metadata = violating.get("metadata") or {}
    index = (metadata.get("annotations") or {}).get(DOCUMENT_ANNOTATION)
    message = str(violation.get("msg", "")).strip()
    if index is not None and str(index).isdigit() and int(str(index)) < len(entries):
        entry = entries[int(str(index))]
        return Finding(entry.origin, rule, message, entry.ref, field or None)
    # Not one of the reviewed documents: name the constraint's own file.
    origin = next(
        (
            c.origin
            for c in constraints
            if (c.obj.get("kind"), (c.obj.get("metadata") or {}).get("name")) == (kind, name)
        ),
        "<policy set>",
    )
    return Finding(origin, rule, message, Document(origin, 0, violating).ref, field or None)


def _sort_key(finding: Finding) -> tuple[str, str, str, str, str]:
    return (
        finding.file,
        finding.document or "",
        finding.field or "",
        finding.rule,
        finding.message,
    )

"""Findings and step results shared by every validation step, and the report formats.

A run's results are rendered as text (:func:`render_text`: each step once, findings that differ
only by the object's name grouped on one line, root causes first), as JSON
(:func:`render_json`) or as GitHub Actions annotations (:func:`render_github`).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class Status(enum.Enum):
    """Outcome of one validation step."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"  # could not run here (e.g. chart repositories unreachable); never a pass


@dataclass(frozen=True)
class Finding:
    """One problem, located as precisely as the step can.

    Attributes:
        file: path of the file, relative to the validated tree where possible.
        rule: the check or policy that failed (e.g. ``kubeconform``, ``required-labels``).
        message: what is wrong and what is allowed, in one sentence.
        document: the object, as ``Kind/namespace/name`` (or ``Kind/name``), when known.
        field: the field path inside the document (e.g. ``spec.template.spec.containers[0]``).

    """

    file: str
    rule: str
    message: str
    document: str | None = None
    field: str | None = None
    root_cause: bool = False  # a missing input (tool, upstream data) other findings follow from

    def render(self) -> str:
        """One human-readable line: ``file [document] field: rule: message``."""
        where = self.file
        if self.document:
            where += f" [{self.document}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.rule}: {self.message}"


@dataclass
class StepResult:
    """What one step did."""

    name: str
    status: Status
    findings: list[Finding] = field(default_factory=list)
    detail: str = ""  # a short summary, e.g. "412 documents, 0 errors" or why it did not run
    seconds: float = 0.0
    skipped: bool = False  # left out on purpose (--steps, --no-freshness): not a gap in --strict

    @property
    def gap(self) -> bool:
        """Whether the step should have run and could not (a failure under ``--strict``)."""
        return self.status is Status.NOT_RUN and not self.skipped


@dataclass(frozen=True)
class Document:
    """One rendered Kubernetes object, with where it came from.

    Attributes:
        origin: where the object was read or rendered, relative to the validated tree where
            possible: a file (``infra/projects/argocd-project-platform.yaml``), or a command
            (``kustomize build infra/clusters/dev``, ``helm template <release> <chart>``).
        index: the position of the document in that origin (0-based).
        obj: the parsed object.
    """

    origin: str
    index: int
    obj: dict[str, Any]

    @property
    def ref(self) -> str:
        """``Kind/namespace/name`` (or ``Kind/name`` for objects without a namespace)."""
        meta = self.obj.get("metadata") or {}
        kind = self.obj.get("kind", "?")
        name = meta.get("name", "?")
        namespace = meta.get("namespace")
        return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


#: Findings shown per step in the text report.
MAX_GROUPS_SHOWN = 200
_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+)$")


def verdict_failed(results: Sequence[StepResult], strict: bool = False) -> bool:
    """Whether a run failed: a step failed, or (``strict``) a wanted step did not run."""
    return any(r.status is Status.FAILED or (strict and r.gap) for r in results)


def _name_of(document: str | None) -> str:
    return document.rsplit("/", 1)[-1] if document else ""


def group_findings(findings: Sequence[Finding]) -> list[list[Finding]]:
    """Group findings that differ only by the name of their object, root causes first.

    Two findings are grouped when file, rule, field, the object's kind (and namespace) and the
    message with the object's name taken out are equal.

    Args:
        findings: one step's findings.

    Returns:
        The groups, in first-seen order, groups of root causes first.

    """
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for finding in findings:
        name = _name_of(finding.document)
        kind = finding.document.rsplit("/", 1)[0] if finding.document else ""
        message = finding.message.replace(name, "\0") if name else finding.message
        key = (finding.root_cause, finding.file, finding.rule, finding.field, kind, message)
        groups.setdefault(key, []).append(finding)
    ordered = list(groups.values())
    return sorted(ordered, key=lambda group: not group[0].root_cause)


def _render_group(group: list[Finding]) -> str:
    line = group[0].render()
    if len(group) > 1:
        others = [_name_of(f.document) or f.file for f in group[1:]]
        shown = ", ".join(others[:10]) + (
            f", ... ({len(others) - 10} more)" if len(others) > 10 else ""
        )
        line += f" [and {len(others)} more objects alike: {shown}]"
    return line


def step_line(result: StepResult, number: str) -> str:
    """The step's heading line: number, name, status, time and detail."""
    status = {
        Status.PASSED: "passed",
        Status.FAILED: "FAILED",
        Status.NOT_RUN: "skipped" if result.skipped else "not run",
    }[result.status]
    detail = result.detail
    if result.status is Status.NOT_RUN:
        detail = f"{status}: {detail}"
    return f"[{number:>2}] {result.name:<12} {status:<7} {result.seconds:6.2f}s  {detail}"


def render_step(result: StepResult, number: str) -> list[str]:
    """One step as text lines: its heading, then its (grouped) findings."""
    lines = [step_line(result, number)]
    groups = group_findings(result.findings)
    for group in groups[:MAX_GROUPS_SHOWN]:
        lines.append("       " + _render_group(group).replace("\n", "\n       "))
    if len(groups) > MAX_GROUPS_SHOWN:
        lines.append(f"       ... and {len(groups) - MAX_GROUPS_SHOWN} more")
    return lines


def root_causes(results: Sequence[StepResult]) -> list[Finding]:
    """Every distinct root-cause finding of the run, in step order."""
    seen: dict[tuple[str, str], Finding] = {}
    for result in results:
        for finding in result.findings:
            if finding.root_cause:
                seen.setdefault((finding.file, finding.message), finding)
    return list(seen.values())


def summary(results: Sequence[StepResult], seconds: float, strict: bool = False) -> str:
    """The last line: the verdict and the counts."""
    failed = [r.name for r in results if r.status is Status.FAILED]
    gaps = [r.name for r in results if r.gap]
    if failed or (strict and gaps):
        named = failed + ([f"not run under --strict: {', '.join(gaps)}"] if strict and gaps else [])
        verdict = f"FAILED ({'; '.join(named)})"
    elif gaps:
        verdict = f"INCOMPLETE (not run: {', '.join(gaps)}; --strict fails this)"
    else:
        verdict = "passed"
    count = {s: sum(1 for r in results if r.status is s) for s in (Status.PASSED, Status.FAILED)}
    skipped = sum(1 for r in results if r.status is Status.NOT_RUN and r.skipped)
    return (
        f"validation {verdict}: {count[Status.PASSED]} passed, {count[Status.FAILED]} failed, "
        f"{len(gaps)} not run, {skipped} skipped, in {seconds:.1f}s"
    )


def render_text(
    results: Sequence[StepResult],
    numbers: dict[str, str],
    seconds: float,
    *,
    strict: bool = False,
    steps: bool = True,
) -> str:
    """The human-readable report: root causes first, then every step once, then the verdict.

    Args:
        results: the run's results.
        numbers: step name to number, in report order.
        seconds: the run's duration.
        strict: whether steps that did not run fail the run.
        steps: whether to include the steps (``False`` when they were printed as they ran).

    """
    lines: list[str] = []
    causes = root_causes(results)
    if causes:
        lines.append("root causes (fix these first; other findings may follow from them):")
        lines.extend(f"  {c.render()}" for c in causes)
    if steps:
        order = {name: i for i, name in enumerate(numbers)}
        for res in sorted(results, key=lambda r: order.get(r.name, len(order))):
            lines.extend(render_step(res, numbers.get(res.name, "-")))
    lines.append(summary(results, seconds, strict))
    return "\n".join(lines)


def render_json(
    results: Sequence[StepResult],
    numbers: dict[str, str],
    seconds: float,
    *,
    tree: str,
    strict: bool = False,
) -> str:
    """The report as one JSON document (for CI).

    Shape: ``{"tree", "strict", "failed", "seconds", "root_causes": [finding...], "steps":
    [{"number", "name", "status", "skipped", "detail", "seconds", "findings": [{"file",
    "rule", "message", "document", "field", "root_cause"}]}]}``; ``status`` is ``passed``,
    ``failed`` or ``not run``.
    """

    def finding(f: Finding) -> dict[str, Any]:
        return {
            "file": f.file,
            "rule": f.rule,
            "message": f.message,
            "document": f.document,
            "field": f.field,
            "root_cause": f.root_cause,
        }

    order = {name: i for i, name in enumerate(numbers)}
    document = {
        "tree": tree,
        "strict": strict,
        "failed": verdict_failed(results, strict),
        "seconds": seconds,
        "root_causes": [finding(f) for f in root_causes(results)],
        "steps": [
            {
                "number": numbers.get(r.name, "-"),
                "name": r.name,
                "status": r.status.value,
                "skipped": r.skipped,
                "detail": r.detail,
                "seconds": r.seconds,
                "findings": [finding(f) for f in r.findings],
            }
            for r in sorted(results, key=lambda r: order.get(r.name, len(order)))
        ],
    }
    return json.dumps(document, indent=2)


def _escape(text: str, property_: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def render_github(
    results: Sequence[StepResult],
    numbers: dict[str, str],
    seconds: float,
    *,
    prefix: str = "",
    strict: bool = False,
) -> str:
    """GitHub Actions workflow commands: one ``::error`` per finding group, then the text.

    Args:
        results: the run's results.
        numbers: step name to number.
        seconds: the run's duration.
        prefix: the tree's folder in the repository (``dist/``), so annotations land on files.
        strict: whether steps that did not run are errors (else warnings).

    """
    lines: list[str] = []
    for result in results:
        if result.gap:
            level = "error" if strict else "warning"
            title = _escape(f"{result.name}: not run", True)
            lines.append(f"::{level} title={title}::{_escape(result.detail)}")
        for group in group_findings(result.findings):
            first = group[0]
            match = _LINE.match(first.file)
            file, line = (match["file"], match["line"]) if match else (first.file, "")
            props = [f"file={_escape(prefix + file, True)}"] if "/" in file or "." in file else []
            if line:
                props.append(f"line={line}")
            props.append(f"title={_escape(f'{result.name}: {first.rule}', True)}")
            lines.append(f"::error {','.join(props)}::{_escape(_render_group(group))}")
    lines.append(render_text(results, numbers, seconds, strict=strict))
    return "\n".join(lines)

"""Findings and step results shared by every validation step."""

from __future__ import annotations

import enum
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

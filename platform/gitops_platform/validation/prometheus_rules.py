"""Every ``PrometheusRule`` checked with Prometheus' own ``promtool check rules``.

promtool reads plain rule files, so each object's ``spec`` (its ``groups``) is written to a
scratch file first; the PromQL is then parsed by Prometheus' real parser (promtool 3.16.0,
pinned in ``scripts/install_tools.sh``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import yaml

from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.tools import missing_tool

__all__ = ["STEP", "run_prometheus_rules"]

STEP: Final = "prometheus-rules"


def run_prometheus_rules(
    documents: Iterable[Document], promtool: Path | None, workdir: Path
) -> StepResult:
    """``promtool check rules`` on every PrometheusRule (tree and chart renders).

    Returns:
        ``FAILED`` with promtool's message per broken object; ``PASSED`` ("nothing to check")
        without rules.
    """
    rules = [d for d in documents if d.obj.get("kind") == "PrometheusRule"]
    if not rules:
        return StepResult(STEP, Status.PASSED, [], "nothing to check: no PrometheusRule objects")
    if promtool is None:
        return StepResult(
            STEP,
            Status.FAILED,
            [missing_tool("promtool", STEP)],
            "",
        )
    workdir.mkdir(parents=True, exist_ok=True)
    findings: list[Finding] = []
    seen: set[str] = set()
    count = 0
    for i, doc in enumerate(rules):
        text = yaml.safe_dump(doc.obj.get("spec") or {}, sort_keys=True)
        if text in seen:
            continue
        seen.add(text)
        path = workdir / f"rules-{i}.yaml"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [str(promtool), "check", "rules", str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        count += 1
        if proc.returncode != 0:
            message = (proc.stdout + proc.stderr).replace(str(path), "spec").strip()
            findings.append(Finding(doc.origin, STEP, message, document=doc.ref, field="spec"))
    detail = f"{count} distinct rule sets of {len(rules)} PrometheusRule objects (promtool)"
    return StepResult(STEP, Status.FAILED if findings else Status.PASSED, findings, detail)

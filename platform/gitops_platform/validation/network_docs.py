"""Regenerate the reachability section of ``docs/network.md`` from the rendered tree.

``python -m gitops_platform.validation.network_docs`` (from the repository root) renders the
charts, simulates the rendered NetworkPolicies with cyclonus as the ``network`` step does, and
writes the allowed pairs of every environment between the section's markers.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from gitops_platform.layout import ROOT_FILE
from gitops_platform.validation import network, server_dry_run
from gitops_platform.validation.pipeline import Context
from gitops_platform.validation.settings import Settings


def main() -> int:
    """Write the section; print the step's findings and return 1 if the step failed."""
    settings = Settings.make(Path("dist"))
    with tempfile.TemporaryDirectory(prefix="gitops-network-") as scratch:
        context = Context(settings, {network.STEP, "helm-render"}, Path(scratch))
        inventory = context.inventory
        roots = server_dry_run.root_documents(inventory, context.tree.documents_of(ROOT_FILE))
        clusters = server_dry_run.plan_clusters(inventory, roots, context.chart_renders.outputs)
        result, outcomes = network.check_clusters(
            clusters, context.tool("cyclonus"), Path(scratch) / "network"
        )
    if not outcomes:
        print(f"network: {result.detail}", file=sys.stderr)
        return 1
    network.write_docs(settings.repo_root, outcomes)
    print(f"wrote {network.DOCS_FILE}: {result.detail}")
    for finding in result.findings:
        print(f"  {finding.render()}", file=sys.stderr)
    return 1 if result.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The validation pipeline: every step on one tree, timed, with one readable report.

Steps (DESIGN.md section 6), reported in this order:

===  ==============  ===========================================================================
1    freshness       a fresh ``cdk8s synth`` equals the committed tree (own tree only)
2    yamllint        every YAML file, with the repository's ``.yamllint.yaml``
3    kustomize       ``kustomize build`` of every folder with a kustomization
4    kubeconform     ``kubeconform -strict`` on every manifest and rendered output, offline
5a   helm-values     merged values of every Application's chart against its values schema
5b   helm-charts     ``helm lint`` + ``helm template`` of the charts kept in the repository
5c   helm-render     every Application's chart rendered as Argo CD would (needs the repos)
6    policies        the Gatekeeper policy set evaluated by ``gator`` on every rendered object
7    argocd          what Argo CD would refuse: projects, repos, destinations, kinds, paths...
8    secrets         detect-secrets on the repository (or the foreign tree)
===  ==============  ===========================================================================

Steps run in dependency order (charts are rendered before schemas and policies see them) and
are reported in the order above. A step that could not run here is *not run*, with the reason,
and never counts as passed; the exit status is non-zero when any step failed.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gitops_platform.errors import UpstreamDataError
from gitops_platform.validation import chart_source, freshness, helm_charts, kustomize, yaml_lint
from gitops_platform.validation.argo_tree import ArgoWorld, RepoPaths, collect
from gitops_platform.validation.argocd import STEP as ARGOCD_STEP
from gitops_platform.validation.argocd import check_world
from gitops_platform.validation.helm_values import STEP as VALUES_STEP
from gitops_platform.validation.helm_values import run_helm_values
from gitops_platform.validation.kubeconform import STEP as KUBECONFORM_STEP
from gitops_platform.validation.kubeconform import Source, run_kubeconform
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.schemas import Scopes, build_store
from gitops_platform.validation.secret_scan import BASELINE_NAME, repository_files, run_secret_scan
from gitops_platform.validation.secret_scan import STEP as SECRETS_STEP
from gitops_platform.validation.settings import KUBERNETES_VERSION, Settings
from gitops_platform.validation.tools import find_tool
from gitops_platform.validation.tree import Tree, load_tree

__all__ = ["NUMBERS", "STEPS", "PipelineReport", "resolve_steps", "run_pipeline"]

POLICIES_STEP = "policies"
#: Step names in report order, with their numbers.
NUMBERS: dict[str, str] = {
    freshness.STEP: "1",
    yaml_lint.STEP: "2",
    kustomize.STEP: "3",
    KUBECONFORM_STEP: "4",
    VALUES_STEP: "5a",
    helm_charts.CHARTS_STEP: "5b",
    helm_charts.RENDER_STEP: "5c",
    POLICIES_STEP: "6",
    ARGOCD_STEP: "7",
    SECRETS_STEP: "8",
}
STEPS = tuple(NUMBERS)
MAX_FINDINGS_SHOWN = 200


def resolve_steps(selection: Iterable[str]) -> set[str]:
    """Turn ``--steps`` values (names, numbers, ``helm``/``5``, comma-separated) into names.

    Args:
        selection: what the user asked for; empty means every step.

    Returns:
        The selected step names.

    Raises:
        ValueError: for an unknown step.

    """
    chosen: set[str] = set()
    for item in selection:
        for word in (w.strip().lower() for w in item.split(",")):
            if not word:
                continue
            matches = {
                name
                for name, number in NUMBERS.items()
                if word in (name, number) or (word in ("5", "helm") and number.startswith("5"))
            }
            if not matches:
                raise ValueError(f"unknown step {word!r}; steps: {', '.join(STEPS)} (or 1-8)")
            chosen |= matches
    return chosen or set(STEPS)


@dataclass
class PipelineReport:
    """The results of one run, in report order."""

    tree: Path
    results: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """Whether any step failed."""
        return any(r.status is Status.FAILED for r in self.results)

    def render(self, heading: str = "") -> str:
        """The human-readable report."""
        lines = [heading] if heading else []
        order = {name: i for i, name in enumerate(STEPS)}
        for res in sorted(self.results, key=lambda r: order.get(r.name, len(order))):
            number = NUMBERS.get(res.name, "-")
            status = {Status.PASSED: "passed", Status.FAILED: "FAILED", Status.NOT_RUN: "not run"}[
                res.status
            ]
            detail = res.detail
            if res.status is Status.NOT_RUN:
                detail = f"not run: {detail}"
            lines.append(f"[{number:>2}] {res.name:<12} {status:<7} {res.seconds:6.2f}s  {detail}")
            for finding in res.findings[:MAX_FINDINGS_SHOWN]:
                rendered = finding.render().replace("\n", "\n       ")
                lines.append(f"       {rendered}")
            if len(res.findings) > MAX_FINDINGS_SHOWN:
                lines.append(f"       ... and {len(res.findings) - MAX_FINDINGS_SHOWN} more")
        counts = {s: sum(1 for r in self.results if r.status is s) for s in Status}
        failed = [r.name for r in self.results if r.status is Status.FAILED]
        verdict = f"FAILED ({', '.join(failed)})" if failed else "passed"
        lines.append(
            f"validation {verdict}: {counts[Status.PASSED]} passed, {counts[Status.FAILED]} "
            f"failed, {counts[Status.NOT_RUN]} not run, in {self.seconds:.1f}s"
        )
        return "\n".join(lines)


@dataclass
class _Run:
    settings: Settings
    selected: set[str]
    workdir: Path
    progress: Callable[[StepResult], None]
    results: list[StepResult] = field(default_factory=list)
    skipped: str = ""

    def record(self, result: StepResult) -> StepResult:
        self.results.append(result)
        self.progress(result)
        return result

    def wants(self, *names: str) -> bool:
        return any(n in self.selected for n in names)

    def tool(self, name: str) -> Path | None:
        return find_tool(name, self.settings.repo_root)


def run_pipeline(
    settings: Settings,
    steps: set[str] | None = None,
    progress: Callable[[StepResult], None] | None = None,
) -> PipelineReport:
    """Run the selected steps on ``settings.tree``.

    Args:
        settings: the run's inputs.
        steps: step names to run (default: all); the others are reported as not run.
        progress: called with each result as soon as its step ends.

    Returns:
        The report.

    """
    started = time.monotonic()
    selected = set(STEPS) if steps is None else steps
    with tempfile.TemporaryDirectory(prefix="gitops-validate-") as scratch:
        state = _Run(settings, selected, Path(scratch), progress or (lambda _: None))
        _execute(state)
        for name in STEPS:
            if name not in {r.name for r in state.results}:
                why = state.skipped if name in selected else "not selected (--steps)"
                state.record(StepResult(name, Status.NOT_RUN, [], why))
    return PipelineReport(settings.tree, state.results, round(time.monotonic() - started, 2))


def _execute(state: _Run) -> None:
    settings = state.settings
    if state.wants(freshness.STEP):
        if settings.freshness:
            state.record(
                freshness.run_freshness(
                    settings.repo_root,
                    settings.tree,
                    freshness.find_cdk8s(settings.repo_root),
                    state.workdir / "freshness",
                )
            )
        else:
            state.record(
                StepResult(
                    freshness.STEP,
                    Status.NOT_RUN,
                    [],
                    "a foreign tree (or --no-freshness): only the repository's own "
                    f"{settings.repo_prefix or 'tree'} is compared with a fresh synth",
                )
            )
    if not settings.tree.is_dir():
        state.record(
            StepResult(
                "tree",
                Status.FAILED,
                [Finding(str(settings.tree), "tree", "the tree to validate is not a folder")],
                "no tree",
            )
        )
        state.skipped = f"no tree at {settings.tree}"
        return
    tree = load_tree(settings.tree)
    if state.wants(yaml_lint.STEP):
        state.record(
            yaml_lint.run_yamllint(
                tree.root, tree.yaml_files, settings.repo_root / yaml_lint.CONFIG_NAME
            )
        )

    needs_builds = state.wants(
        kustomize.STEP, KUBECONFORM_STEP, VALUES_STEP, helm_charts.RENDER_STEP, POLICIES_STEP,
        ARGOCD_STEP,
    )  # fmt: skip
    builds: dict[str, kustomize.Build] = {}
    if needs_builds:
        began = time.monotonic()
        kustomize_bin = state.tool("kustomize")
        if kustomize_bin is not None:
            builds = kustomize.build_all(tree.root, tree.kustomization_dirs, kustomize_bin)
        if state.wants(kustomize.STEP):
            state.record(kustomize.step_result(builds, kustomize_bin, began))

    paths = RepoPaths(settings.repo_prefix)
    world = collect(tree, builds, paths) if needs_builds else ArgoWorld()
    rendered: list[helm_charts.Rendered] = []
    fetcher = chart_source.fetcher_for(settings, state.tool("helm"))
    if state.wants(VALUES_STEP):
        state.record(run_helm_values(world, tree, paths, fetcher))
    if state.wants(helm_charts.CHARTS_STEP):
        charts = helm_charts.find_repo_charts(settings.repo_root, tree, settings.repo_prefix)
        result, outputs = helm_charts.lint_charts(
            charts,
            state.tool("helm"),
            sorted(tree.environment_folders()),
            settings.cache,
            settings.relative,
        )
        state.record(result)
        rendered += outputs

    store = None
    store_problem: Finding | None = None
    store_began = time.monotonic()
    if state.wants(KUBECONFORM_STEP, helm_charts.RENDER_STEP, ARGOCD_STEP):
        objects = [d.obj for d in _all_documents(tree, builds, [])]
        try:
            store, _ = build_store(settings.cache, settings.upstream, objects)
        except UpstreamDataError as error:
            store_problem = Finding(str(settings.upstream), "upstream", str(error))
    store_seconds = time.monotonic() - store_began

    if state.wants(helm_charts.RENDER_STEP):
        result, outputs = helm_charts.render_platform_charts(
            world, tree, paths, fetcher, settings.cache, state.workdir / "helm"
        )
        state.record(result)
        rendered += outputs

    documents = _all_documents(tree, builds, rendered)
    if rendered and store is not None:
        # Charts may bring CRDs (and ConstraintTemplates) of their own: add their schemas.
        began = time.monotonic()
        store, _ = build_store(settings.cache, settings.upstream, [d.obj for d in documents])
        store_seconds += time.monotonic() - began
    if state.wants(KUBECONFORM_STEP):
        if store is None:
            state.record(
                StepResult(
                    KUBECONFORM_STEP,
                    Status.FAILED,
                    [store_problem] if store_problem else [],
                    "no schemas",
                )
            )
        else:
            began = time.monotonic()
            result = run_kubeconform(
                _sources(tree, builds, rendered), store, state.tool("kubeconform"),
                state.workdir / "kubeconform",
            )  # fmt: skip
            result.seconds = round(time.monotonic() - began + store_seconds, 3)
            result.detail += f" (Kubernetes {KUBERNETES_VERSION})"
            if tree.catalog_files:
                result.detail += (
                    f"; {len(tree.catalog_files)} Backstage catalog files skipped (not "
                    "Kubernetes objects)"
                )
            state.record(result)

    if state.wants(POLICIES_STEP):
        state.record(_policies(state, documents, tree))

    if state.wants(ARGOCD_STEP):
        began = time.monotonic()
        chart_objects: dict[str, list[Document]] = {}
        for output in rendered:
            if output.app:
                chart_objects.setdefault(output.app, []).extend(output.documents)
        scopes = store.scopes if store else Scopes()
        result = check_world(world, tree, paths, scopes, chart_objects, started=began)
        if store_problem:
            result.findings.append(store_problem)
            result.status = Status.FAILED
        state.record(result)

    if state.wants(SECRETS_STEP):
        baseline = settings.repo_root / BASELINE_NAME
        if settings.own_tree:
            scan_root, files = settings.repo_root, repository_files(settings.repo_root)
        else:
            scan_root = settings.tree
            files = sorted(
                p.relative_to(scan_root).as_posix() for p in scan_root.rglob("*") if p.is_file()
            )
        state.record(
            run_secret_scan(
                scan_root, files, baseline, settings.cache, use_baseline_results=settings.own_tree
            )
        )


def _policies(state: _Run, documents: list[Document], tree: Tree) -> StepResult:
    try:
        from gitops_platform.validation.policies import run_policies
    except ImportError as error:
        return StepResult(
            POLICIES_STEP, Status.NOT_RUN, [], f"the policy step is not available: {error}"
        )
    gator = state.tool("gator") or state.settings.repo_root / "bin" / "gator"
    return run_policies(
        documents, gator=gator, workdir=state.workdir / "gator", values_files=tree.values_files
    )


def _all_documents(
    tree: Tree, builds: dict[str, kustomize.Build], rendered: list[helm_charts.Rendered]
) -> list[Document]:
    documents = list(tree.documents)
    for build in builds.values():
        documents.extend(build.documents)
    for output in rendered:
        documents.extend(output.documents)
    return documents


def _sources(
    tree: Tree, builds: dict[str, kustomize.Build], rendered: list[helm_charts.Rendered]
) -> list[Source]:
    sources = [
        Source(relpath, tree.documents_of(relpath), path=tree.root / relpath)
        for relpath in tree.manifests
    ]
    for folder, build in sorted(builds.items()):
        if build.ok:
            sources.append(Source(kustomize.origin_of(folder), build.documents, text=build.text))
    for output in rendered:
        sources.append(Source(output.origin, output.documents, text=output.text))
    return sources

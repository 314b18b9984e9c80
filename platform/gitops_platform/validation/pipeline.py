"""The validation pipeline as data: each step one object, its inputs computed once on demand.

Steps, reported in this order:

===  ================  ===========================================================================
0    tree              every file of the tree reads and parses (always run: see below)
1    freshness         a fresh ``cdk8s synth`` equals the committed tree (own tree only)
2    yamllint          every YAML file, with the repository's ``.yamllint.yaml``
3    kustomize         ``kustomize build`` of every folder with a kustomization
4    kubeconform       ``kubeconform -strict`` on every manifest and rendered output, offline
5a   helm-values       merged values of every Application's chart against the chart's own files
5b   helm-charts       ``helm lint`` + ``helm template`` of the charts kept in the repository
5c   helm-render       every Application's chart rendered as Argo CD would (mirror/repos/tree)
6    policies          the policy set the tree delivers, evaluated by ``gator`` on every object
7    argocd            what Argo CD would refuse: projects, repos, destinations, kinds, paths...
8    secrets           detect-secrets on the repository (or the foreign tree)
9    references        every by-name reference resolves in its environment (charts included);
                       no object is deployed by two Applications, one default IngressClass
9b   backstage         Backstage: app-config ${VAR}s defined, entities valid and resolving, ids
10   dry-run           every environment created, dry-run, on a real API server (CEL, Pod Security)
11   vector-config     every rendered Vector configuration against Vector's config schema
12   telemetry-links   data source uids, trace-to-log labels and Backstage proxies resolve
13   prometheus-rules  ``promtool check rules`` on every PrometheusRule
14   network           NetworkPolicies vs the declared flows: structure, cyclonus truth tables, docs
===  ================  ===========================================================================

Each step is a :class:`Step`: a name, a number and a ``run(context)`` returning its
:class:`~gitops_platform.validation.report.StepResult`. The :class:`Context` holds what several
steps share (the loaded tree, the kustomize builds, the Argo CD inventory walked from the root,
the schema store, the Helm outputs) as lazily computed properties, so each is computed once, by
the first step that needs it, and never when no selected step needs it. :func:`timed` is the one
place a step's duration is measured.

Steps run in dependency order (charts are rendered before schemas and policies see them) and
are reported in the order above. The ``tree`` result is not selectable: every run reads the tree,
and a file that does not read or parse fails the run whatever ``--steps`` selects, because a
step given no documents from a broken file would otherwise pass. A step that could not run here
is *not run*, with the reason, and never counts as passed; the exit status is non-zero when any
step failed.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from gitops_platform.errors import UpstreamDataError
from gitops_platform.layout import ROOT_FILE, RepoPrefix
from gitops_platform.validation import (
    argo_sync,
    argo_tree,
    argocd,
    backstage,
    chart_source,
    freshness,
    helm_charts,
    helm_values,
    kubeconform,
    kustomize,
    network,
    policies,
    prometheus_rules,
    reference_sets,
    references,
    secret_scan,
    server_dry_run,
    telemetry_links,
    vector_config,
    yaml_lint,
)
from gitops_platform.validation.report import (
    Document,
    Finding,
    Status,
    StepResult,
    render_text,
    verdict_failed,
)
from gitops_platform.validation.schemas import (
    SchemaStore,
    Scopes,
    build_store,
    project_crds,
)
from gitops_platform.validation.settings import KUBERNETES_VERSION, Settings
from gitops_platform.validation.tools import find_tool
from gitops_platform.validation.tree import Tree, load_tree

__all__ = [
    "NUMBERS",
    "STEPS",
    "STEP_NAMES",
    "TREE_STEP",
    "Context",
    "HelmStepOutcome",
    "PipelineReport",
    "Step",
    "resolve_steps",
    "timed",
    "validate_tree",
]

TREE_STEP = "tree"
NO_TREE = "no tree"


@dataclass(frozen=True)
class HelmStepOutcome:
    """What a Helm step produced: its result and the outputs later steps validate.

    Attributes:
        result: the step's result.
        outputs: the ``helm template`` outputs (their objects go through steps 4, 6 and 7).

    """

    result: StepResult
    outputs: list[helm_charts.HelmOutput]


class Context:
    """The inputs of one run; each shared input is computed on first use, then kept.

    The shared inputs are the cached properties below: :attr:`tree`, :attr:`builds`,
    :attr:`inventory`, :attr:`base_schemas` / :attr:`schemas`, and the Helm outputs
    (:attr:`repo_charts` for step 5b, :attr:`chart_renders` for step 5c, joined in
    :attr:`helm_outputs`). Step 5c's renders are computed in :attr:`chart_renders` only; the
    steps that validate them (4, 6, 7) read :attr:`helm_outputs`.

    Args:
        settings: the run's inputs (tree, repository, upstream data, cache).
        selected: the names of the selected steps (decides which Helm outputs are validated).
        workdir: a scratch folder for the run.

    """

    def __init__(self, settings: Settings, selected: set[str], workdir: Path) -> None:
        self.settings = settings
        self.selected = selected
        self.workdir = workdir
        self._tools: dict[str, Path | None] = {}

    def unbuilt(self) -> str:
        """Why the kustomize builds later steps read could not be made (``""``: they were)."""
        if self.tree.kustomization_dirs and self.tool("kustomize") is None:
            return (
                f"its input was not built: kustomize is not installed, so "
                f"{len(self.tree.kustomization_dirs)} kustomizations were not rendered"
            )
        return ""

    def wants(self, *names: str) -> bool:
        """Whether any of the steps ``names`` is selected."""
        return any(n in self.selected for n in names)

    def tool(self, name: str) -> Path | None:
        """The executable ``name`` (see :func:`~gitops_platform.validation.tools.find_tool`)."""
        if name not in self._tools:
            self._tools[name] = find_tool(name, self.settings.repo_root)
        return self._tools[name]

    @cached_property
    def tree(self) -> Tree:
        """The tree's files, sorted by kind of content, every manifest parsed."""
        return load_tree(self.settings.tree)

    @cached_property
    def repo_prefix(self) -> RepoPrefix:
        """How repository paths (as Applications write them) map onto the tree."""
        return RepoPrefix(self.settings.repo_prefix)

    @cached_property
    def builds(self) -> dict[str, kustomize.Build]:
        """``kustomize build`` of every kustomization, by folder (empty without kustomize)."""
        binary = self.tool("kustomize")
        if binary is None:
            return {}
        return kustomize.build_all(self.tree.root, self.tree.kustomization_dirs, binary)

    @cached_property
    def inventory(self) -> argo_tree.ArgoInventory:
        """The Applications and AppProjects Argo CD would create, walked from the root."""
        return argo_tree.walk_from_root(self.tree, self.builds, self.repo_prefix)

    @cached_property
    def repo_charts(self) -> HelmStepOutcome:
        """Step 5b's lint and templates of the charts kept in the repository."""
        settings = self.settings
        charts = helm_charts.find_repo_charts(settings.repo_root, self.tree, settings.repo_prefix)
        result, outputs = helm_charts.lint_charts(
            charts,
            self.tool("helm"),
            sorted(self.tree.environment_folders()),
            settings.cache,
            settings.relative,
        )
        return HelmStepOutcome(result, outputs)

    @cached_property
    def chart_fetcher(self) -> chart_source.ChartFetcher:
        """Where steps 5a and 5c get chart archives: the chart mirror, else the repositories."""
        return chart_source.fetcher_for(self.settings, self.tool("helm"))

    @cached_property
    def chart_renders(self) -> HelmStepOutcome:
        """Step 5c's renders: every Application's chart as Argo CD would render it."""
        result, outputs = helm_charts.render_platform_charts(
            self.inventory,
            self.tree,
            self.repo_prefix,
            self.chart_fetcher,
            self.settings.cache,
            self.workdir / "helm",
        )
        return HelmStepOutcome(result, outputs)

    @cached_property
    def helm_outputs(self) -> list[helm_charts.HelmOutput]:
        """The outputs of the selected Helm steps (5b, 5c), validated by steps 4, 6 and 7."""
        outputs: list[helm_charts.HelmOutput] = []
        if self.wants(helm_charts.CHARTS_STEP):
            outputs += self.repo_charts.outputs
        if self.wants(helm_charts.RENDER_STEP):
            outputs += self.chart_renders.outputs
        return outputs

    @cached_property
    def rendered_documents(self) -> list[Document]:
        """The tree's objects and what kustomize renders (no Helm output)."""
        documents = list(self.tree.documents)
        for build in self.builds.values():
            documents.extend(build.documents)
        return documents

    @cached_property
    def documents(self) -> list[Document]:
        """Every object: the tree's, kustomize's and the selected Helm steps' outputs."""
        documents = list(self.rendered_documents)
        for output in self.helm_outputs:
            documents.extend(output.documents)
        return documents

    @cached_property
    def base_schemas(self) -> SchemaStore | Finding:
        """Schemas for the tree and its kustomize builds, or why they cannot be had."""
        return self._store(self.rendered_documents)

    @cached_property
    def schemas(self) -> SchemaStore | Finding:
        """Schemas for every object, CRDs and ConstraintTemplates rendered by charts included."""
        if not self.helm_outputs:
            return self.base_schemas
        return self._store(self.documents)

    def _store(self, documents: list[Document]) -> SchemaStore | Finding:
        settings = self.settings
        try:
            store, _ = build_store(settings.cache, settings.upstream, [d.obj for d in documents])
        except UpstreamDataError as error:
            return Finding(str(settings.upstream), "upstream", str(error), root_cause=True)
        return store


@dataclass(frozen=True)
class Step:
    """One validation step.

    Attributes:
        name: what ``--steps`` and the report call it (``kubeconform``).
        number: its place in the report (``4``, ``5a``); ``--steps`` accepts it too.
        run: computes the step's result from the run's context.
        needs_tree: whether it is *not run* when the tree is not a folder.
        needs_builds: whether it is *not run* when the kustomize builds cannot be made.

    """

    name: str
    number: str
    run: Callable[[Context], StepResult]
    needs_tree: bool = True
    needs_builds: bool = False


def timed(step: Step, context: Context, clock: Callable[[], float] = time.monotonic) -> StepResult:
    """Run one step and record how long it took (the only place durations are measured).

    Args:
        step: the step.
        context: the run's context.
        clock: seconds from a monotonic clock.

    Returns:
        The step's result, its ``seconds`` set (inputs it was first to need included).

    """
    began = clock()
    result = step.run(context)
    result.seconds = round(clock() - began, 3)
    return result


# -- the steps ------------------------------------------------------------------------------


def _tree(context: Context) -> StepResult:
    root = context.settings.tree
    if not root.is_dir():
        return StepResult(
            TREE_STEP,
            Status.FAILED,
            [Finding(str(root), TREE_STEP, "the tree to validate is not a folder")],
            NO_TREE,
        )
    loaded = context.tree
    if not loaded.documents and not loaded.problems:
        what = "no YAML file" if not loaded.yaml_files else "no Kubernetes object"
        return StepResult(
            TREE_STEP,
            Status.FAILED,
            [
                Finding(
                    str(root),
                    TREE_STEP,
                    f"not a rendered tree: {what} to validate (expected the folder "
                    f"PlatformApp.synth() writes, with {ROOT_FILE})",
                )
            ],
            NO_TREE,
        )
    detail = (
        f"{len(loaded.yaml_files)} YAML files: {len(loaded.manifests)} manifests "
        f"({len(loaded.documents)} objects), {len(loaded.values_files)} values files, "
        f"{len(loaded.kustomization_dirs)} kustomizations"
    )
    if loaded.problems:
        return StepResult(
            TREE_STEP,
            Status.FAILED,
            list(loaded.problems),
            f"{detail}; {len(loaded.problems)} files do not read or parse",
        )
    return StepResult(TREE_STEP, Status.PASSED, [], detail)


def _freshness(context: Context) -> StepResult:
    settings = context.settings
    if not settings.freshness:
        return StepResult(
            freshness.STEP,
            Status.NOT_RUN,
            [],
            "a foreign tree (or --no-freshness): only the repository's own "
            f"{settings.repo_prefix or 'tree'} is compared with a fresh synth",
            skipped=True,
        )
    return freshness.run_freshness(
        settings.repo_root,
        settings.tree,
        freshness.find_cdk8s(settings.repo_root),
        context.workdir / "freshness",
    )


def _yamllint(context: Context) -> StepResult:
    loaded = context.tree
    config = context.settings.yamllint_config
    return yaml_lint.run_yamllint(
        loaded.root, loaded.yaml_files, config, cache=context.settings.cache
    )


def _kustomize(context: Context) -> StepResult:
    return kustomize.step_result(context.builds, context.tool("kustomize"))


def _kubeconform(context: Context) -> StepResult:
    store = context.schemas
    if isinstance(store, Finding):
        return StepResult(kubeconform.STEP, Status.FAILED, [store], "no schemas")
    result = kubeconform.run_kubeconform(
        _sources(context), store, context.tool("kubeconform"), context.workdir / "kubeconform"
    )
    result.detail += f" (Kubernetes {KUBERNETES_VERSION})"
    catalog = context.tree.catalog_files
    if catalog:
        result.detail += (
            f"; {len(catalog)} Backstage catalog files skipped (not Kubernetes objects)"
        )
    return result


def _sources(context: Context) -> list[kubeconform.Source]:
    loaded = context.tree
    sources = [
        kubeconform.Source(relpath, loaded.documents_of(relpath), path=loaded.root / relpath)
        for relpath in loaded.manifests
    ]
    for folder, build in sorted(context.builds.items()):
        if build.ok:
            sources.append(
                kubeconform.Source(kustomize.origin_of(folder), build.documents, text=build.text)
            )
    for output in context.helm_outputs:
        sources.append(kubeconform.Source(output.origin, output.documents, text=output.text))
    return sources


def _helm_values(context: Context) -> StepResult:
    return helm_values.run_helm_values(
        context.inventory, context.tree, context.repo_prefix, context.chart_fetcher
    )


def _helm_charts(context: Context) -> StepResult:
    return context.repo_charts.result


def _helm_render(context: Context) -> StepResult:
    return context.chart_renders.result


def _policies(context: Context) -> StepResult:
    gator = context.tool("gator") or context.settings.repo_root / "bin" / "gator"
    documents = list(context.documents)
    if not context.wants(helm_charts.RENDER_STEP):
        # The chart renders are what Argo CD deploys (steps 9 and 10 always read them): the
        # policy set judges them whichever steps are selected.
        for output in context.chart_renders.outputs:
            documents.extend(output.documents)
    return policies.run_policies(
        documents,
        policies.delivered_policy(context.tree.documents),
        gator=gator,
        workdir=context.workdir / "gator",
        values_files=context.tree.values_files,
    )


def _argocd(context: Context) -> StepResult:
    chart_objects: dict[str, list[Document]] = {}
    for output in context.helm_outputs:
        if output.app:
            chart_objects.setdefault(output.app, []).extend(output.documents)
    store = context.schemas
    scopes = store.scopes if isinstance(store, SchemaStore) else Scopes()
    result = argocd.check_inventory(
        context.inventory, context.tree, context.repo_prefix, scopes, chart_objects
    )
    sync_time = argo_sync.check_sync_rules(context.inventory, chart_objects)
    if sync_time:
        result.findings.extend(sync_time)
        result.status = Status.FAILED
        result.detail += f", {len(sync_time)} refused at sync time"
    if isinstance(store, Finding):
        result.findings.append(store)
        result.status = Status.FAILED
    return result


def _secrets(context: Context) -> StepResult:
    settings = context.settings
    baseline = settings.secrets_baseline
    if settings.own_tree:
        scan_root, files = settings.repo_root, secret_scan.repository_files(settings.repo_root)
    else:
        scan_root = settings.tree
        files = sorted(
            p.relative_to(scan_root).as_posix() for p in scan_root.rglob("*") if p.is_file()
        )
    return secret_scan.run_secret_scan(
        scan_root,
        files,
        baseline,
        settings.cache,
        use_baseline_results=True,
        baseline_prefix="" if settings.own_tree else settings.repo_prefix,
    )


def _references(context: Context) -> StepResult:
    store = context.base_schemas
    scopes = store.scopes if isinstance(store, SchemaStore) else Scopes()
    sets = reference_sets.collect_sets(
        context.inventory,
        context.tree,
        context.builds,
        context.repo_prefix,
        context.chart_renders.outputs,
        scopes,
    )
    result = references.run_references(sets)
    if isinstance(store, Finding):
        result.findings.append(store)
        result.status = Status.FAILED
    return result


def _backstage(context: Context) -> StepResult:
    settings = context.settings
    entities = backstage.load_catalog(settings.tree, context.tree.catalog_files)
    node = find_tool("node", settings.repo_root, "node_modules/.bin")
    # the tree's objects, its charts' renders; of the repository's own charts, those the tree
    # carries (a foreign tree is not checked against this repository's catalog)
    tree_charts = []
    for folder in context.tree.chart_dirs:
        try:
            tree_charts.append((settings.tree / folder).relative_to(settings.repo_root).as_posix())
        except ValueError:
            tree_charts.append(folder)
    documents = list(context.rendered_documents)
    if context.wants(helm_charts.RENDER_STEP):
        documents += [d for o in context.chart_renders.outputs for d in o.documents]
    if context.wants(helm_charts.CHARTS_STEP):
        documents += [
            d
            for o in context.repo_charts.outputs
            if any(f"helm template {chart}" in o.origin for chart in tree_charts)
            for d in o.documents
        ]
    return backstage.run_backstage(documents, entities, node, settings.repo_root / "node_modules")


def _server_dry_run(context: Context) -> StepResult:
    apiserver, etcd = (context.tool(name) for name in server_dry_run.TOOLS)
    if apiserver is None or etcd is None:
        return server_dry_run.run_server_dry_run([], [], apiserver, etcd)
    settings = context.settings
    try:
        base_crds = server_dry_run.upstream_crds(settings.upstream, settings.cache)
    except UpstreamDataError as error:
        finding = Finding(str(settings.upstream), server_dry_run.STEP, str(error))
        return StepResult(server_dry_run.STEP, Status.FAILED, [finding], "no upstream CRDs")
    base_crds += [("validation/crds", crd) for crd in project_crds()]
    renders = context.chart_renders
    notes = []
    if renders.result.status is not Status.PASSED:
        notes.append(
            f"chart renders {renders.result.status.value}: only the objects rendered are checked"
        )
    inventory = context.inventory
    roots = server_dry_run.root_documents(inventory, context.tree.documents_of(ROOT_FILE))
    clusters = server_dry_run.plan_clusters(inventory, roots, renders.outputs)
    return server_dry_run.run_server_dry_run(clusters, base_crds, apiserver, etcd, notes=notes)


def _network(context: Context) -> StepResult:
    renders = context.chart_renders
    inventory = context.inventory
    roots = server_dry_run.root_documents(inventory, context.tree.documents_of(ROOT_FILE))
    clusters = server_dry_run.plan_clusters(inventory, roots, renders.outputs)
    result, outcomes = network.check_clusters(
        clusters, context.tool("cyclonus"), context.workdir / "network"
    )
    if renders.result.status is not Status.PASSED:
        result.detail += f"; chart renders {renders.result.status.value}: workloads may be missing"
    if context.settings.own_tree and outcomes and result.status is not Status.NOT_RUN:
        stale = network.docs_problem(context.settings.repo_root, outcomes)
        if stale is not None:
            result.findings.append(stale)
            result.status = Status.FAILED
    return result


def _number_key(number: str) -> tuple[int, str]:
    """Order step numbers naturally: ``5a`` after ``4``, ``10`` after ``9``."""
    digits = number.rstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits), number[len(digits) :]


def _render_triples(context: Context) -> list[tuple[str | None, str, Document]]:
    """``(env, chart name, document)`` of the tree's objects and step 5c's renders."""
    triples: list[tuple[str | None, str, Document]] = [
        (None, "", d) for d in context.rendered_documents
    ]
    for output in context.chart_renders.outputs:
        chart = output.chart.split(" ")[0]
        triples += [(output.env, chart, d) for d in output.documents]
    return triples


def _vector_config(context: Context) -> StepResult:
    return vector_config.run_vector_config(
        ((chart, doc) for _env, chart, doc in _render_triples(context)),
        context.settings.upstream,
    )


def _telemetry_links(context: Context) -> StepResult:
    return telemetry_links.run_telemetry_links(_render_triples(context), context.tool("vrl"))


def _prometheus_rules(context: Context) -> StepResult:
    documents = [doc for _env, _chart, doc in _render_triples(context)]
    return prometheus_rules.run_prometheus_rules(
        documents, context.tool("promtool"), context.workdir / "promtool"
    )


#: Every step, in the order they run (inputs before the steps that check them).
STEPS: tuple[Step, ...] = (
    Step(freshness.STEP, "1", _freshness, needs_tree=False),
    Step(TREE_STEP, "0", _tree, needs_tree=False),
    Step(yaml_lint.STEP, "2", _yamllint),
    Step(kustomize.STEP, "3", _kustomize),
    Step(helm_values.STEP, "5a", _helm_values, needs_builds=True),
    Step(helm_charts.CHARTS_STEP, "5b", _helm_charts),
    Step(helm_charts.RENDER_STEP, "5c", _helm_render, needs_builds=True),
    Step(kubeconform.STEP, "4", _kubeconform, needs_builds=True),
    Step(policies.STEP, "6", _policies, needs_builds=True),
    Step(argocd.STEP, "7", _argocd, needs_builds=True),
    Step(secret_scan.STEP, "8", _secrets),
    Step(references.STEP, "9", _references, needs_builds=True),
    Step(backstage.STEP, "9b", _backstage, needs_builds=True),
    Step(server_dry_run.STEP, "10", _server_dry_run, needs_builds=True),
    Step(vector_config.STEP, "11", _vector_config, needs_builds=True),
    Step(telemetry_links.STEP, "12", _telemetry_links, needs_builds=True),
    Step(prometheus_rules.STEP, "13", _prometheus_rules, needs_builds=True),
    Step(network.STEP, "14", _network, needs_builds=True),
)
#: Step name to number, in report order.
NUMBERS: dict[str, str] = {
    s.name: s.number for s in sorted(STEPS, key=lambda s: _number_key(s.number))
}
#: The steps ``--steps`` can select, in report order (the tree is always read).
STEP_NAMES: tuple[str, ...] = tuple(name for name in NUMBERS if name != TREE_STEP)


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
                for name in STEP_NAMES
                if word in (name, NUMBERS[name])
                or (word in ("5", "helm") and NUMBERS[name].startswith("5"))
            }
            if not matches:
                raise ValueError(
                    f"unknown step {word!r}; steps: {', '.join(STEP_NAMES)} (or their numbers: "
                    f"{', '.join(NUMBERS[n] for n in STEP_NAMES)}; 5 or helm for 5a-5c)"
                )
            chosen |= matches
    return chosen or set(STEP_NAMES)


@dataclass
class PipelineReport:
    """The results of one run, in report order."""

    tree: Path
    results: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0
    strict: bool = False

    @property
    def failed(self) -> bool:
        """Whether any step failed (or, ``strict``, a wanted step did not run)."""
        return verdict_failed(self.results, self.strict)

    def render(self, heading: str = "") -> str:
        """The human-readable report (see :func:`.report.render_text`)."""
        text = render_text(self.results, NUMBERS, self.seconds, strict=self.strict)
        return f"{heading}\n{text}" if heading else text


def validate_tree(
    settings: Settings,
    steps: set[str] | None = None,
    progress: Callable[[StepResult], None] | None = None,
) -> PipelineReport:
    """Run the selected steps on ``settings.tree`` (and always read the tree).

    Args:
        settings: the run's inputs.
        steps: step names to run (default: all); the others are reported as not run.
        progress: called with each result as soon as its step ends.

    Returns:
        The report: one result per step of :data:`STEPS`.

    """
    started = time.monotonic()
    selected = set(STEP_NAMES) if steps is None else set(steps)
    report = PipelineReport(settings.tree)
    no_tree = ""
    with tempfile.TemporaryDirectory(prefix="gitops-validate-") as scratch:
        context = Context(settings, selected, Path(scratch))
        for step in STEPS:
            if step.name != TREE_STEP and step.name not in selected:
                result = StepResult(
                    step.name, Status.NOT_RUN, [], "not selected (--steps)", skipped=True
                )
            elif step.needs_tree and no_tree:
                result = StepResult(step.name, Status.NOT_RUN, [], no_tree)
            elif step.needs_builds and context.unbuilt():
                result = StepResult(step.name, Status.NOT_RUN, [], context.unbuilt())
            else:
                result = timed(step, context)
                if step.name == TREE_STEP and result.detail == NO_TREE:
                    no_tree = f"no tree at {settings.tree}"
            report.results.append(result)
            if progress is not None:
                progress(result)
    report.seconds = round(time.monotonic() - started, 2)
    return report

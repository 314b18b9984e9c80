"""The ``validate`` command: the validation pipeline on a rendered tree, from the shell.

``gitops-platform validate [PATH]`` (and ``python -m gitops_platform.validation``) runs the
pipeline on the repository's own ``dist/`` by default (with the freshness check), or on any other
tree, e.g. one checked out from a pull request (without it)::

    gitops-platform validate --strict
    gitops-platform validate ../review/dist --repo-prefix dist/
    gitops-platform validate --steps kubeconform,argocd --format json

Every setting (flag, environment variable, ``[tool.gitops-platform]`` table) is described in
:mod:`gitops_platform.validation.settings`. It lives with the pipeline so that validation never
imports the command line above it; the ``gitops-platform`` group adds it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gitops_platform.errors import UpstreamDataError
from gitops_platform.layout import CACHE_ENV, UPSTREAM_ENV
from gitops_platform.validation.pipeline import (
    NUMBERS,
    STEP_NAMES,
    resolve_steps,
    validate_tree,
)
from gitops_platform.validation.report import (
    StepResult,
    render_github,
    render_json,
    render_step,
    render_text,
)
from gitops_platform.validation.settings import (
    KUBERNETES_VERSION,
    Settings,
    find_repo_root,
    project_table,
)
from gitops_platform.validation.tools import INSTALL_HINT, find_tool, node_problem, tool_names
from gitops_platform.validation.upstream_data import FETCH_COMMAND, fetch_upstream

__all__ = ["diff", "preflight", "upstream", "validate"]


def preflight(settings: Settings) -> list[str]:
    """Root causes known before any step runs: upstream data, tools, jsii's Node.js.

    Args:
        settings: the run's settings.

    Returns:
        One sentence per missing input, naming what to run or set.

    """
    causes = []
    if not settings.upstream.is_dir():
        causes.append(
            f"upstream data not found at {settings.upstream}: schemas and the chart mirror come "
            f"from it; point --upstream, ${UPSTREAM_ENV} or the `upstream` key of "
            "[tool.gitops-platform] in pyproject.toml at it (`gitops-platform upstream` shows "
            f"what is found where), or download it with `{FETCH_COMMAND}`"
        )
    node = node_problem() if settings.freshness else ""
    if node:
        causes.append(f"the freshness step renders with jsii: {node}")
    missing = [name for name in tool_names() if find_tool(name, settings.repo_root) is None]
    if missing:
        causes.append(f"not installed: {', '.join(missing)}; {INSTALL_HINT}")
    return causes


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--freshness/--no-freshness",
    default=None,
    help="Compare the tree with a fresh render of the app (default: only for the repository's "
    "own tree).",
)
@click.option(
    "--repo-prefix",
    default=None,
    help="The tree's folder in the Git repository Argo CD reads (Application paths start with "
    "it); default: `repo-prefix` of [tool.gitops-platform], else dist/.",
)
@click.option(
    "--steps",
    multiple=True,
    metavar="STEPS",
    help=(
        f"Only these steps, by name or number, comma-separated ({', '.join(STEP_NAMES)}; 1-10; "
        "helm). The tree is always read: a file that does not parse fails every run."
    ),
)
@click.option(
    "--repo-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The repository (pyproject.toml, cdk8s.yaml, .yamllint.yaml, .secrets.baseline, "
    "charts); default: the Git top level.",
)
@click.option(
    "--upstream",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=f"The upstream reference data (default: ${UPSTREAM_ENV}, else pyproject.toml, else "
    "../shared/upstream next to the repository).",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Generated schemas and pulled charts (default: $GITOPS_PLATFORM_CACHE, else "
    "pyproject.toml, else .build/validation-cache).",
)
@click.option(
    "--chart-mirror",
    default=None,
    metavar="PATH|none",
    help="The offline chart mirror (default: $GITOPS_PLATFORM_CHART_MIRROR, else "
    "pyproject.toml, else <upstream>/chart-repos); 'none' pulls every chart from its repository.",
)
@click.option(
    "--strict/--no-strict",
    default=None,
    help="A step that did not run fails the run (default: the `strict` key, else off).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text; json (one document on stdout); github (Actions annotations, then text).",
)
def validate(
    path: Path | None,
    freshness: bool | None,
    repo_prefix: str | None,
    steps: tuple[str, ...],
    repo_root: Path | None,
    upstream: Path | None,
    cache: Path | None,
    chart_mirror: str | None,
    strict: bool | None,
    output_format: str,
) -> None:
    """Validate a rendered GitOps tree (default: the repository's dist/).

    Exits 1 when a step fails, or with --strict when a step did not run.
    """
    root = (repo_root or find_repo_root(Path.cwd())).resolve()
    try:
        table = project_table(root)
        selected = resolve_steps(steps)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    prefix = repo_prefix if repo_prefix is not None else str(table.get("repo-prefix", "dist/"))
    if path is None and table.get("tree"):
        path = root / str(table["tree"])
    tree = path if path is not None else root / prefix.strip("/")
    try:
        settings = Settings.make(
            tree,
            repo_root=root,
            repo_prefix=prefix,
            freshness=freshness,
            upstream=upstream,
            cache=cache,
            chart_mirror=chart_mirror,
            strict=strict,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    _writable_cache(settings.cache)
    text = output_format == "text"
    causes = preflight(settings)
    if text:
        for cause in causes:
            click.echo(f"root cause: {cause}")
        click.echo(
            f"validating {settings.tree} (repository prefix '{settings.repo_prefix}', Kubernetes "
            f"{KUBERNETES_VERSION}, upstream data {settings.upstream}, chart mirror "
            f"{settings.describe_chart_mirror()}{', strict' if settings.strict else ''})"
        )
    else:
        for cause in causes:
            click.echo(f"root cause: {cause}", err=True)

    def progress(result: StepResult) -> None:
        if text:
            click.echo("\n".join(render_step(result, NUMBERS.get(result.name, "-"))))
        else:
            click.echo(f"  ... {result.name}: {result.status.value}", err=True)

    report = validate_tree(settings, selected, progress)
    report.strict = settings.strict
    if output_format == "json":
        click.echo(
            render_json(
                report.results,
                NUMBERS,
                report.seconds,
                tree=str(settings.tree),
                strict=settings.strict,
            )
        )
    elif output_format == "github":
        click.echo(
            render_github(
                report.results,
                NUMBERS,
                report.seconds,
                prefix=settings.repo_prefix,
                strict=settings.strict,
            )
        )
    else:
        click.echo(
            render_text(
                report.results, NUMBERS, report.seconds, strict=settings.strict, steps=False
            )
        )
    sys.exit(1 if report.failed else 0)


@click.command("diff")
@click.option("--env", "env", required=True, help="The environment whose Applications to compare.")
@click.argument("ref_a")
@click.argument("ref_b")
@click.option(
    "--repo-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The repository (default: the Git top level).",
)
@click.option(
    "--repo-prefix",
    default=None,
    help="The tree's folder in the repository (default: pyproject.toml, else dist/).",
)
@click.option("--upstream", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--cache", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--chart-mirror", default=None, metavar="PATH|none")
def diff(
    env: str,
    ref_a: str,
    ref_b: str,
    repo_root: Path | None,
    repo_prefix: str | None,
    upstream: Path | None,
    cache: Path | None,
    chart_mirror: str | None,
) -> None:
    """Preview a promotion: what changes for ENV's Applications from REF_A to REF_B.

    Per Application: the Application object, its merged values and every rendered object
    (charts included), as unified diffs; offline, from the trees committed at both revisions.
    """
    import tempfile

    from gitops_platform.validation.promotion import diff_views, environment_view, tree_at

    root = (repo_root or find_repo_root(Path.cwd())).resolve()
    try:
        table = project_table(root)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    prefix = repo_prefix if repo_prefix is not None else str(table.get("repo-prefix", "dist/"))
    views = []
    known: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="gitops-diff-") as scratch:
        for index, ref in enumerate((ref_a, ref_b)):
            work = Path(scratch) / str(index)
            try:
                tree = tree_at(root, ref, prefix, work / "repo")
                settings = Settings.make(
                    tree,
                    repo_root=root,
                    repo_prefix=prefix,
                    freshness=False,
                    upstream=upstream,
                    cache=cache,
                    chart_mirror=chart_mirror,
                )
            except ValueError as error:
                raise click.ClickException(str(error)) from error
            _writable_cache(settings.cache)
            known |= {p.name for p in (tree / "infra" / "clusters").glob("*") if p.is_dir()}
            views.append(environment_view(settings, env, work / "scratch"))
    if not views[0].apps and not views[1].apps:
        raise click.ClickException(
            f"no Application of environment {env!r} at {ref_a} or {ref_b}; the environments "
            f"of those trees: {', '.join(sorted(known)) or 'none'}"
        )
    click.echo(diff_views(views[0], views[1], ref_a, ref_b))


def _writable_cache(cache: Path) -> None:
    """Refuse a cache folder that cannot be created or written (a usage error, not a crash)."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        probe = cache / ".write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        raise click.UsageError(
            f"invalid cache folder {cache}: {error.strerror or error}; --cache, "
            f"${CACHE_ENV} or the `cache` key of [tool.gitops-platform] must name a folder "
            "this user can create and write"
        ) from error


#: What the pipeline reads from the upstream data folder, and which steps need it.
UPSTREAM_PARTS = (
    ("crds", "CRD schemas and scopes (steps 4, 7, 9, 10)"),
    ("chart-repos", "the offline chart mirror (steps 5a, 5c; else charts are pulled)"),
)


@click.command("upstream")
@click.option(
    "--repo-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The repository (default: the Git top level).",
)
@click.option("--upstream", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option(
    "--fetch",
    is_flag=True,
    help="Download the CRDs and the Vector schema at their pinned tags (sha256-checked) into "
    "the upstream folder first (needs raw.githubusercontent.com).",
)
def upstream(repo_root: Path | None, upstream: Path | None, fetch: bool) -> None:
    """Locate the upstream reference data (or --fetch it): where it is and what is there.

    Exits 1 when the folder or its CRDs are missing, or a download fails.
    """
    root = (repo_root or find_repo_root(Path.cwd())).resolve()
    settings = Settings.make(root, repo_root=root, freshness=False, upstream=upstream)
    if fetch:
        try:
            fetch_upstream(settings.upstream, echo=lambda line: click.echo(line, err=True))
        except UpstreamDataError as error:
            raise click.ClickException(str(error)) from error
    origin = (
        "--upstream"
        if upstream is not None
        else f"${UPSTREAM_ENV}"
        if os.environ.get(UPSTREAM_ENV)
        else "pyproject.toml"
        if project_table(root).get("upstream")
        else "default"
    )
    click.echo(f"upstream data: {settings.upstream} ({origin})")
    missing = False
    for name, role in UPSTREAM_PARTS:
        present = (settings.upstream / name).is_dir()
        missing |= not present and name == "crds"
        click.echo(f"  {name + '/':<13} {'present' if present else 'MISSING':<8} {role}")
    if missing:
        raise click.ClickException(
            f"no upstream data at {settings.upstream}: point --upstream, ${UPSTREAM_ENV} or the "
            "`upstream` key of [tool.gitops-platform] in pyproject.toml at it, or download it "
            f"with `{FETCH_COMMAND}`"
        )

"""The ``validate`` command: the validation pipeline on a rendered tree, from the shell.

``gitops-platform validate [PATH]`` (and ``python -m gitops_platform.validation``) runs the
pipeline on the repository's own ``dist/`` by default (with the freshness check), or on any other
tree, e.g. one checked out from a pull request (without it)::

    gitops-platform validate
    gitops-platform validate ../review/dist --repo-prefix dist/
    gitops-platform validate --steps kubeconform,argocd

It lives with the pipeline so that validation never imports the command line above it; the
``gitops-platform`` group adds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitops_platform.validation.pipeline import STEP_NAMES, resolve_steps, validate_tree
from gitops_platform.validation.report import StepResult
from gitops_platform.validation.settings import KUBERNETES_VERSION, Settings, find_repo_root

__all__ = ["validate"]


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--freshness/--no-freshness",
    default=None,
    help="Compare the tree with a fresh `cdk8s synth` (default: only for the repository's dist).",
)
@click.option(
    "--repo-prefix",
    default="dist/",
    show_default=True,
    help="The tree's folder in the Git repository Argo CD reads (Application paths start with it).",
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
    help="The repository (bin/, .yamllint.yaml, .secrets.baseline, charts); default: git root.",
)
@click.option(
    "--chart-mirror",
    default=None,
    metavar="PATH|none",
    help="The offline chart mirror (default: $GITOPS_PLATFORM_CHART_MIRROR, else "
    "<upstream>/chart-repos); 'none' pulls every chart from its repository.",
)
def validate(
    path: Path | None,
    freshness: bool | None,
    repo_prefix: str,
    steps: tuple[str, ...],
    repo_root: Path | None,
    chart_mirror: str | None,
) -> None:
    """Validate a rendered GitOps tree (default: the repository's dist/).

    Exits 1 when any step fails; steps that cannot run here are reported as not run.
    """
    root = (repo_root or find_repo_root(Path.cwd())).resolve()
    tree = path if path is not None else root / repo_prefix.strip("/")
    try:
        selected = resolve_steps(steps)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--steps") from error
    settings = Settings.make(
        tree,
        repo_root=root,
        repo_prefix=repo_prefix,
        freshness=freshness,
        chart_mirror=chart_mirror,
    )
    click.echo(
        f"validating {settings.tree} (repository prefix '{settings.repo_prefix}', Kubernetes "
        f"{KUBERNETES_VERSION}, upstream data {settings.upstream}, chart mirror "
        f"{settings.describe_chart_mirror()})"
    )

    def progress(result: StepResult) -> None:
        click.echo(f"  ... {result.name}: {result.status.value} ({result.seconds:.2f}s)", err=True)

    report = validate_tree(settings, selected, progress)
    click.echo(report.render())
    sys.exit(1 if report.failed else 0)

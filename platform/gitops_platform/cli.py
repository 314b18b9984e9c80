"""The ``gitops-platform`` command line.

``gitops-platform validate [PATH]`` runs the validation pipeline on a rendered tree (see
:mod:`gitops_platform.validation.command`; it needs the ``validate`` extra:
``pip install 'gitops-platform[validate]'``); ``gitops-platform diff --env prd A B`` previews
a promotion (:mod:`gitops_platform.validation.promotion`); ``gitops-platform tools install``
builds the pinned Go tools they run into the user cache; ``gitops-platform --version`` prints
the version.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from gitops_platform.validation.tools import install_tools, user_bin

__all__ = ["main"]


def _version() -> str:
    try:
        return version("gitops-platform")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"


class _Group(click.Group):
    """Adds ``validate`` lazily, so ``--help`` works without the ``validate`` extra."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _LAZY:
            return super().get_command(ctx, cmd_name)
        try:
            from gitops_platform.validation import command
        except ModuleNotFoundError as error:
            missing = error.name

            @click.command(cmd_name, help=f"{_LAZY[cmd_name]} (needs the `validate` extra).")
            def unavailable() -> None:
                raise click.ClickException(
                    f"the validator needs the `validate` extra ({missing} is not installed): "
                    "pip install 'gitops-platform[validate]'"
                )

            return unavailable
        found: click.Command = getattr(command, cmd_name)
        return found


#: Commands that need the ``validate`` extra, loaded on use.
_LAZY = {
    "validate": "Validate a rendered tree",
    "diff": "Preview a promotion between two revisions",
    "upstream": "Locate the upstream reference data",
}


@click.group(cls=_Group)
@click.version_option(_version(), prog_name="gitops-platform")
def main() -> None:
    """Typed cdk8s constructs for an Argo CD platform: tools for its GitOps tree."""


@main.group()
def tools() -> None:
    """The pinned Go tools the validator runs (helm, kubeconform, gator, kustomize)."""


@tools.command("install")
@click.option(
    "--bin",
    "target",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to put them (default: $GITOPS_PLATFORM_BIN, else ~/.cache/gitops-platform/bin).",
)
def install(target: Path | None) -> None:
    """Build the pinned tools with Go (`go install`); tools already there are kept."""
    folder = target or user_bin()
    try:
        built = install_tools(folder, echo=lambda line: click.echo(line, err=True))
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(
            f"cannot install the tools into {folder}: {error.strerror or error} (--bin or "
            "$GITOPS_PLATFORM_BIN names a folder this user can create and write)"
        ) from error
    click.echo(f"{len(built)} built, the tools are in {folder}")


@tools.command("list")
def list_tools() -> None:
    """The pinned tools and their versions."""
    from gitops_platform.validation.tools import pinned_tools

    for tool in pinned_tools():
        click.echo(f"{tool.name} {tool.module}@{tool.version}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

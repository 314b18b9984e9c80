"""The ``gitops-platform`` command line.

``gitops-platform validate [PATH]`` runs the validation pipeline on a rendered tree (see
:mod:`gitops_platform.validation.command`); ``python -m gitops_platform.validation`` is the same
``validate`` command.
"""

from __future__ import annotations

import click

from gitops_platform.validation.command import validate

__all__ = ["main", "validate"]


@click.group()
def main() -> None:
    """Typed cdk8s constructs for an Argo CD platform: tools for its GitOps tree."""


main.add_command(validate)

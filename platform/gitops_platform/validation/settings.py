"""Where the validation pipeline finds its inputs, tools and caches.

Everything configurable comes from one :class:`Settings` object, built by :meth:`Settings.make`
from the command line and a few environment variables:

``GITOPS_PLATFORM_UPSTREAM``
    the upstream reference data (CRDs, the chart mirror); default ``../shared/upstream``
    next to the repository.
``GITOPS_PLATFORM_BIN``
    a folder of tools that wins over the repository's ``bin/`` (then ``PATH`` is searched).
``GITOPS_PLATFORM_CACHE``
    where generated schemas and pulled charts are kept between runs; default
    ``<repository>/.build/validation-cache``.
``GITOPS_PLATFORM_CHART_MIRROR``
    the offline chart mirror (one static Helm repository per chart repository URL, see
    :mod:`~gitops_platform.validation.chart_source`); default ``<upstream>/chart-repos``;
    ``none`` turns it off, so every chart is pulled from its own repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gitops_platform.layout import (
    CACHE_ENV,
    CHART_MIRROR_ENV,
    CHART_MIRROR_NONE,
    DEFAULT_CHART_MIRROR,
    DEFAULT_UPSTREAM,
    UPSTREAM_ENV,
)
from gitops_platform.validation.tools import run_command

__all__ = [
    "KUBERNETES_VERSION",
    "Settings",
    "find_repo_root",
]

#: The Kubernetes version the tree is validated against (what Argo CD 3.5 supports): the
#: clusters' minor, 1.33. kubeconform's schemas (the ``kubernetes-validate`` package) and
#: ``helm --kube-version`` use its ``.0``; step 9's API server is the newest 1.33 patch the Go
#: module proxy serves, ``tools/kube/go.mod`` (v1.33.13), and must stay on this minor.
KUBERNETES_VERSION = "1.33.0"


def find_repo_root(start: Path) -> Path:
    """The repository holding ``start``: the Git top level, else ``start`` itself.

    Args:
        start: a folder inside the repository (usually the current directory).

    Returns:
        The absolute path of the repository root.

    """
    start = start.resolve()
    completed = run_command(["git", "rev-parse", "--show-toplevel"], cwd=start, timeout=30)
    top = completed.stdout.strip()
    return Path(top) if completed.ok and top else start


@dataclass(frozen=True)
class Settings:
    """Inputs of one validation run.

    Attributes:
        tree: the rendered tree to validate (absolute).
        repo_root: the repository the run belongs to (its ``bin/``, ``.yamllint.yaml``,
            ``.secrets.baseline``, charts and, for freshness, ``cdk8s.yaml``).
        repo_prefix: the path of the tree inside the Git repository Argo CD reads, as written
            in Applications (``dist/``); ``""`` when the tree is the repository root.
        upstream: the upstream reference data folder.
        cache: the folder for generated schemas and pulled charts.
        own_tree: whether ``tree`` is the repository's own rendered tree (then freshness runs
            and the secret scan covers the whole repository).
        freshness: whether to run the freshness step.
        chart_mirror: the offline chart mirror folder, or ``None`` when charts are pulled from
            their repositories.
        chart_mirror_origin: where the mirror setting came from (``--chart-mirror``,
            ``$GITOPS_PLATFORM_CHART_MIRROR`` or ``default``), as reports name it.

    """

    tree: Path
    repo_root: Path
    repo_prefix: str
    upstream: Path
    cache: Path
    own_tree: bool
    freshness: bool
    chart_mirror: Path | None = None
    chart_mirror_origin: str = "default"

    @classmethod
    def make(
        cls,
        tree: Path,
        *,
        repo_root: Path | None = None,
        repo_prefix: str = "dist/",
        freshness: bool | None = None,
        upstream: Path | None = None,
        cache: Path | None = None,
        chart_mirror: Path | str | None = None,
    ) -> Settings:
        """Build the settings of a run, filling in defaults.

        Args:
            tree: the tree to validate.
            repo_root: the repository; default: the Git top level of the current directory.
            repo_prefix: the tree's path in the Git repository Argo CD reads.
            freshness: force the freshness step on or off; default: on only for the
                repository's own tree (``<repo_root>/<repo_prefix>``).
            upstream: the upstream data folder; default ``$GITOPS_PLATFORM_UPSTREAM``, else
                ``<repo_root>/../shared/upstream`` (``layout.DEFAULT_UPSTREAM``).
            cache: the cache folder; default ``$GITOPS_PLATFORM_CACHE``, else
                ``<repo_root>/.build/validation-cache``.
            chart_mirror: the chart mirror folder, or ``"none"`` for no mirror; default
                ``$GITOPS_PLATFORM_CHART_MIRROR``, else ``<upstream>/chart-repos``.

        Returns:
            The settings.

        """
        root = (repo_root or find_repo_root(Path.cwd())).resolve()
        tree = tree.resolve()
        prefix = repo_prefix.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        own = bool(prefix) and tree == (root / prefix.rstrip("/")).resolve()
        env_upstream = os.environ.get(UPSTREAM_ENV)
        env_cache = os.environ.get(CACHE_ENV)
        resolved_upstream = (
            upstream or (Path(env_upstream) if env_upstream else root / DEFAULT_UPSTREAM)
        ).resolve()
        mirror, mirror_origin = _chart_mirror(chart_mirror, resolved_upstream)
        return cls(
            tree=tree,
            repo_root=root,
            repo_prefix=prefix,
            upstream=resolved_upstream,
            cache=(
                cache or (Path(env_cache) if env_cache else root / ".build" / "validation-cache")
            ),
            own_tree=own,
            freshness=own if freshness is None else freshness,
            chart_mirror=mirror,
            chart_mirror_origin=mirror_origin,
        )

    def describe_chart_mirror(self) -> str:
        """The mirror setting in one phrase, e.g. ``/x/chart-repos (default)``."""
        if self.chart_mirror is None:
            return f"none ({self.chart_mirror_origin}): charts come from their repositories"
        return f"{self.chart_mirror} ({self.chart_mirror_origin})"

    def relative(self, path: Path) -> str:
        """``path`` relative to the tree when inside it, else to the repository, else absolute."""
        for base in (self.tree, self.repo_root):
            try:
                return path.resolve().relative_to(base).as_posix()
            except ValueError:
                continue
        return path.as_posix()


def _chart_mirror(given: Path | str | None, upstream: Path) -> tuple[Path | None, str]:
    """The chart mirror folder and where the setting came from (flag, environment, default)."""
    if given is not None:
        value, origin = str(given), "--chart-mirror"
    elif os.environ.get(CHART_MIRROR_ENV) is not None:
        value, origin = os.environ[CHART_MIRROR_ENV], f"${CHART_MIRROR_ENV}"
    else:
        return (upstream / DEFAULT_CHART_MIRROR).resolve(), "default"
    if value.strip().lower() in (CHART_MIRROR_NONE, ""):
        return None, origin
    return Path(value).expanduser().resolve(), origin

"""Where the validation pipeline finds its inputs, tools and caches: every setting, one place.

Each setting is taken from the first of: the command-line flag, the environment variable, the
``[tool.gitops-platform]`` table of the repository's ``pyproject.toml``, the default.

``tree`` (flag: the ``PATH`` argument)
    the rendered tree; default ``<repository>/<repo-prefix>``.
``repo-prefix`` (``--repo-prefix``)
    the tree's folder in the Git repository Argo CD reads; default ``dist/``.
``upstream`` (``--upstream``, ``$GITOPS_PLATFORM_UPSTREAM``)
    the upstream reference data (CRDs, the chart mirror); default ``../shared/upstream``
    next to the repository.
``chart-mirror`` (``--chart-mirror``, ``$GITOPS_PLATFORM_CHART_MIRROR``)
    the offline chart mirror; default ``<upstream>/chart-repos``; ``none``: no mirror.
``cache`` (``--cache``, ``$GITOPS_PLATFORM_CACHE``)
    generated schemas and pulled charts; default ``<repository>/.build/validation-cache``.
``yamllint-config``
    default ``<repository>/.yamllint.yaml``, else the configuration shipped in the package.
``secrets-baseline``
    default ``<repository>/.secrets.baseline``, else an empty baseline (detect-secrets'
    default plugins; no finding accepted).
``strict`` (``--strict``)
    a step that did not run fails the run; default off (``make validate`` turns it on).
``$GITOPS_PLATFORM_BIN`` (environment only)
    the first folder searched for the tools.

Relative paths of the table are relative to the repository. The tools are looked up in
``$GITOPS_PLATFORM_BIN``, the repository's ``bin/``, the user cache that
``gitops-platform tools install`` fills (``~/.cache/gitops-platform/bin``), then ``PATH``.
The chart mirror holds one static Helm repository per chart repository URL (see
:mod:`~gitops_platform.validation.chart_source`); ``none`` pulls every chart from its repository.
Without a ``.yamllint.yaml`` the configuration shipped in the package is used; without a
``.secrets.baseline`` the scan uses detect-secrets' default plugins and accepts no finding.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

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
    "TABLE",
    "Settings",
    "default_file",
    "find_repo_root",
    "project_table",
]

#: The ``pyproject.toml`` table the settings are read from.
TABLE = "gitops-platform"
_KEYS = {
    "tree",
    "repo-prefix",
    "upstream",
    "chart-mirror",
    "cache",
    "yamllint-config",
    "secrets-baseline",
    "strict",
}


def project_table(repo_root: Path) -> dict[str, Any]:
    """The ``[tool.gitops-platform]`` table of ``<repo_root>/pyproject.toml`` (``{}`` if none).

    Raises:
        ValueError: the file does not parse, or the table has a key this module does not know.
    """
    path = repo_root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: does not parse: {error}") from error
    table = data.get("tool", {}).get(TABLE, {})
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ValueError(
            f"{path}: [tool.{TABLE}] has unknown keys {unknown}; known: {sorted(_KEYS)}"
        )
    return dict(table)


def default_file(name: str) -> Path:
    """A default shipped in the package (``yamllint.yaml``, ``secrets-baseline.json``)."""
    return Path(str(resources.files("gitops_platform.validation").joinpath("defaults", name)))


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
            ``$GITOPS_PLATFORM_CHART_MIRROR``, ``pyproject.toml`` or ``default``).
        yamllint_config: the yamllint configuration (the repository's, else the shipped one).
        secrets_baseline: the detect-secrets baseline (the repository's, else an empty one).
        strict: whether a step that did not run fails the run.

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
    yamllint_config: Path = Path()
    secrets_baseline: Path = Path()
    strict: bool = False

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
        yamllint_config: Path | None = None,
        secrets_baseline: Path | None = None,
        strict: bool | None = None,
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
            yamllint_config: the yamllint configuration file.
            secrets_baseline: the detect-secrets baseline file.
            strict: whether steps that did not run fail the run.

        Every default not given here comes from the environment, then the
        ``[tool.gitops-platform]`` table (see the module documentation).

        Returns:
            The settings.

        Raises:
            ValueError: the ``pyproject.toml`` table does not parse or has unknown keys, or
                ``repo_prefix`` leaves the repository.

        """
        root = (repo_root or find_repo_root(Path.cwd())).resolve()
        table = project_table(root)

        def from_table(key: str) -> Path | None:
            value = table.get(key)
            return (root / str(value)).expanduser() if value else None

        tree = tree.resolve()
        if ".." in repo_prefix.split("/") or "\\" in repo_prefix:
            raise ValueError(
                f"invalid repo-prefix {repo_prefix!r}: the tree's folder inside its repository, "
                "a relative path with forward slashes and no '..' (such as dist/)"
            )
        prefix = repo_prefix.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        own = bool(prefix) and tree == (root / prefix.rstrip("/")).resolve()
        env_upstream = os.environ.get(UPSTREAM_ENV)
        env_cache = os.environ.get(CACHE_ENV)
        resolved_upstream = (
            upstream
            or (Path(env_upstream) if env_upstream else None)
            or from_table("upstream")
            or root / DEFAULT_UPSTREAM
        ).resolve()
        from_pyproject = (
            chart_mirror is None
            and os.environ.get(CHART_MIRROR_ENV) is None
            and "chart-mirror" in table
        )
        if from_pyproject:
            value = str(table["chart-mirror"])
            chart_mirror = value if value.lower() == CHART_MIRROR_NONE else root / value
        mirror, mirror_origin = _chart_mirror(chart_mirror, resolved_upstream)
        if from_pyproject:
            mirror_origin = "pyproject.toml"
        lint = yamllint_config or from_table("yamllint-config") or root / ".yamllint.yaml"
        baseline = secrets_baseline or from_table("secrets-baseline") or root / ".secrets.baseline"
        return cls(
            tree=tree,
            repo_root=root,
            repo_prefix=prefix,
            upstream=resolved_upstream,
            cache=(
                cache
                or (Path(env_cache) if env_cache else None)
                or from_table("cache")
                or root / ".build" / "validation-cache"
            ),
            own_tree=own,
            freshness=own if freshness is None else freshness,
            chart_mirror=mirror,
            chart_mirror_origin=mirror_origin,
            yamllint_config=lint if lint.is_file() else default_file("yamllint.yaml"),
            secrets_baseline=(
                baseline if baseline.is_file() else default_file("secrets-baseline.json")
            ),
            strict=bool(table.get("strict", False)) if strict is None else strict,
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

"""Where step 5 gets each chart archive: the offline chart mirror, else the chart's repository.

The mirror (``Settings.chart_mirror``; default ``<upstream>/chart-repos``) holds one static Helm
repository per chart repository URL: the URL without its scheme names the folder
(``https://open-policy-agent.github.io/gatekeeper/charts`` ->
``open-policy-agent.github.io/gatekeeper/charts/``), which holds an ``index.yaml`` whose entries
list each archive by a relative URL and its sha256 ``digest``.

For a chart whose repository has a mirror folder, the archive comes from the mirror and nowhere
else: its sha256 must equal the index's ``digest``. A version the mirror lacks, an archive that
is missing, or a digest that differs is a problem naming the chart, the version and what the
mirror holds; the chart is then not rendered at all (never pulled from the network instead).
A chart whose repository has no mirror folder (or every chart, when the mirror is off) is
pulled with ``helm pull`` into the cache, once per repository, chart and version; a repository
that cannot be reached makes the chart *unreachable* (the step is then not run, never passed).

Every :class:`ChartArchive` says where it came from, for the report.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from gitops_platform.validation.settings import Settings
from gitops_platform.validation.tools import INSTALL_HINT, run_command

__all__ = [
    "PULL_TIMEOUT",
    "ChartArchive",
    "ChartFetcher",
    "ChartMirror",
    "ChartRef",
    "fetcher_for",
    "helm_env",
]

PULL_TIMEOUT = 60.0
_SCHEMES = ("oci://", "https://", "http://")


def helm_env(cache: Path) -> dict[str, str]:
    """Helm's home folders inside the cache, so that no user configuration leaks in."""
    base = cache / "helm"
    return {
        "HELM_CACHE_HOME": str(base / "cache"),
        "HELM_CONFIG_HOME": str(base / "config"),
        "HELM_DATA_HOME": str(base / "data"),
    }


@dataclass(frozen=True)
class ChartRef:
    """One pinned chart: repository URL, chart name and version, as an Application gives them.

    Attributes:
        repo_url: ``repoURL`` (``https://...``, ``oci://...`` or an OCI registry without scheme).
        chart: ``chart``.
        version: ``targetRevision`` (an exact version; step 7 refuses ranges).

    """

    repo_url: str
    chart: str
    version: str

    @property
    def label(self) -> str:
        """``cert-manager v1.21.1``."""
        return f"{self.chart} {self.version}"


@dataclass(frozen=True)
class ChartArchive:
    """The outcome of fetching one chart.

    Attributes:
        ref: the chart asked for.
        path: the ``.tgz`` archive, or ``None`` when it could not be had.
        origin: where it came from, e.g. ``mirror charts.jetstack.io/cert-manager-v1.21.1.tgz
            (sha256 matches index.yaml)`` or ``pulled from https://charts.jetstack.io``.
        problem: why there is no archive (``""`` when there is one).
        unreachable: whether the problem is only that the repository could not be reached
            (then the chart is *not run*, not failed).
        digest: the archive's sha256 (hex), when there is one.

    """

    ref: ChartRef
    path: Path | None
    origin: str
    problem: str = ""
    unreachable: bool = False
    digest: str = ""


def _repo_key(repo_url: str) -> str:
    """``https://Charts.Example.com/a/`` -> ``charts.example.com/a`` (the mirror's folder)."""
    url = repo_url.strip()
    lowered = url.lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            url = url[len(scheme) :]
            break
    host, _, path = url.partition("/")
    return "/".join(p for p in [host.lower(), *path.split("/")] if p)


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _plain_version(version: str) -> str:
    return version.strip().removeprefix("v")


class ChartMirror:
    """A folder of static Helm repositories, one per chart repository URL.

    Args:
        root: the mirror folder (``<upstream>/chart-repos`` by default).

    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._indexes: dict[Path, tuple[dict[str, Any] | None, str]] = {}
        self._lock = threading.Lock()

    def folder(self, repo_url: str) -> Path | None:
        """The mirror folder of a repository URL, or ``None`` when the mirror has none."""
        key = _repo_key(repo_url)
        if not key or ".." in key.split("/"):
            return None
        folder = self.root / key
        return folder if (folder / "index.yaml").is_file() else None

    def _index(self, folder: Path) -> tuple[dict[str, Any] | None, str]:
        with self._lock:
            if folder not in self._indexes:
                path = folder / "index.yaml"
                try:
                    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
                    self._indexes[folder] = (None, f"{path} cannot be read: {error}")
                else:
                    if isinstance(loaded, dict) and isinstance(loaded.get("entries"), dict):
                        self._indexes[folder] = (loaded["entries"], "")
                    else:
                        self._indexes[folder] = (None, f"{path} is not a Helm repository index")
            return self._indexes[folder]

    def holds(self, folder: Path, chart: str) -> list[str]:
        """The versions of ``chart`` the mirror folder holds (as its index lists them)."""
        entries, _ = self._index(folder)
        found = (entries or {}).get(chart) or []
        return [str(e.get("version")) for e in found if isinstance(e, dict)]

    def resolve(self, ref: ChartRef, folder: Path) -> ChartArchive:
        """The archive of ``ref`` in ``folder``, its digest checked against ``index.yaml``.

        Args:
            ref: the chart.
            folder: its repository's mirror folder (from :meth:`folder`).

        Returns:
            The archive, or a problem naming the chart, the version and what the mirror holds.

        """
        shown = self._shown(folder)
        index_file = f"{shown}/index.yaml"
        entries, error = self._index(folder)
        if entries is None:
            return ChartArchive(ref, None, f"mirror {shown}", f"the chart mirror's {error}")
        versions = entries.get(ref.chart)
        if not isinstance(versions, list) or not versions:
            held = ", ".join(sorted(str(name) for name in entries)) or "no chart"
            return ChartArchive(
                ref,
                None,
                f"mirror {shown}",
                f"chart {ref.chart} is not in the chart mirror ({index_file} holds: {held})",
            )
        candidates = [e for e in versions if isinstance(e, dict)]
        entry = next((e for e in candidates if str(e.get("version")) == ref.version), None)
        if entry is None:  # Helm matches versions as semver: "1.2.3" finds "v1.2.3"
            entry = next(
                (
                    e
                    for e in candidates
                    if _plain_version(str(e.get("version"))) == _plain_version(ref.version)
                ),
                None,
            )
        if entry is None:
            held = ", ".join(f"{ref.chart} {e.get('version')!s}" for e in candidates)
            return ChartArchive(
                ref,
                None,
                f"mirror {shown}",
                f"chart {ref.label} is not in the chart mirror ({index_file} holds: {held})",
            )
        urls = [str(u) for u in entry.get("urls") or []]
        relative = next((u for u in urls if "://" not in u and not u.startswith("/")), None)
        if relative is None:
            return ChartArchive(
                ref,
                None,
                f"mirror {shown}",
                f"chart {ref.label}: {index_file} gives no archive inside the mirror "
                f"(urls: {urls or 'none'})",
            )
        archive = (folder / PurePosixPath(relative)).resolve()
        if folder.resolve() not in archive.parents or not archive.is_file():
            return ChartArchive(
                ref,
                None,
                f"mirror {shown}",
                f"chart {ref.label}: {index_file} lists {relative}, which is not a file in the "
                "mirror",
            )
        raw_digest = entry.get("digest")
        expected = "" if raw_digest is None else str(raw_digest).strip().lower()
        expected = expected.removeprefix("sha256:")
        actual = _sha256(archive)
        origin = f"mirror {shown}/{relative}"
        if not expected:
            return ChartArchive(
                ref, None, origin, f"chart {ref.label}: {index_file} gives no digest to check"
            )
        if actual != expected:
            return ChartArchive(
                ref,
                None,
                origin,
                f"chart {ref.label}: the sha256 of {shown}/{relative} is {actual}, but "
                f"{index_file} says {expected} (a changed or corrupted archive)",
                digest=actual,
            )
        return ChartArchive(ref, archive, f"{origin} (sha256 matches index.yaml)", digest=actual)

    def _shown(self, folder: Path) -> str:
        try:
            return f"{self.root.name}/{folder.relative_to(self.root).as_posix()}"
        except ValueError:
            return folder.as_posix()


class ChartFetcher:
    """Fetches each chart once per run.

    From the mirror when it covers the repository, else with ``helm pull`` into the cache.

    Args:
        mirror: the mirror folder, or ``None`` for no mirror.
        helm: the helm executable (needed only to pull).
        cache: the cache root (pulled archives are kept under ``charts/``).
        setting: the mirror setting as reports name it (path and where it was set).

    """

    def __init__(
        self, mirror: Path | None, helm: Path | None, cache: Path, setting: str = ""
    ) -> None:
        self.mirror = ChartMirror(mirror) if mirror is not None else None
        self.mirror_root = mirror
        self.helm = helm
        self.cache = cache
        self.setting = setting or (str(mirror) if mirror else "none")
        self._done: dict[ChartRef, ChartArchive] = {}
        self._lock = threading.Lock()

    @property
    def mirror_missing(self) -> bool:
        """Whether a mirror is configured but its folder does not exist."""
        return self.mirror_root is not None and not self.mirror_root.is_dir()

    def fetch(self, ref: ChartRef) -> ChartArchive:
        """The archive of ``ref`` (see the module documentation); memoised per run."""
        with self._lock:
            known = self._done.get(ref)
        if known is not None:
            return known
        folder = self.mirror.folder(ref.repo_url) if self.mirror is not None else None
        if self.mirror_missing:
            found = ChartArchive(
                ref,
                None,
                f"chart mirror {self.setting}",
                f"the chart mirror {self.setting} is not a folder: point --chart-mirror (or "
                "$GITOPS_PLATFORM_CHART_MIRROR) at the mirror, or set it to 'none' to pull "
                "every chart from its repository",
            )
        elif self.mirror is not None and folder is not None:
            found = self.mirror.resolve(ref, folder)
        else:
            found = self._pull(ref)
        with self._lock:
            self._done[ref] = found
        return found

    def _pull(self, ref: ChartRef) -> ChartArchive:
        repo = ref.repo_url.strip().rstrip("/")
        source = f"pulled from {repo}"
        if self.helm is None:
            return ChartArchive(ref, None, source, f"helm is not installed: {INSTALL_HINT}")
        digest = hashlib.sha256(f"{repo}|{ref.chart}|{ref.version}".encode()).hexdigest()[:16]
        folder = self.cache / "charts" / digest
        existing = sorted(folder.glob("*.tgz")) if folder.is_dir() else []
        if existing:
            return ChartArchive(ref, existing[0], f"{source} (cached)", digest=_sha256(existing[0]))
        if repo.startswith("oci://") or "://" not in repo:
            reference = repo if repo.startswith("oci://") else f"oci://{repo}"
            command: list[str | Path] = [self.helm, "pull", f"{reference}/{ref.chart}"]
        else:
            command = [self.helm, "pull", ref.chart, "--repo", repo]
        staging = folder.with_name(f".{digest}.{os.getpid()}.{threading.get_ident()}")
        staging.mkdir(parents=True, exist_ok=True)
        pulled = run_command(
            [*command, "--version", ref.version, "--destination", staging],
            env=helm_env(self.cache),
            timeout=PULL_TIMEOUT,
        )
        archives = sorted(staging.glob("*.tgz"))
        if not pulled.ok or not archives:
            for leftover in staging.glob("*"):
                leftover.unlink()
            staging.rmdir()
            reason = _reason(pulled.output(600))
            return ChartArchive(
                ref, None, source, f"{repo}: {reason}", unreachable=_is_network(reason)
            )
        with contextlib.suppress(OSError):  # another run may have pulled it meanwhile
            staging.rename(folder)
        found = sorted(folder.glob("*.tgz")) or archives
        return ChartArchive(ref, found[0], source, digest=_sha256(found[0]))


def fetcher_for(settings: Settings, helm: Path | None) -> ChartFetcher:
    """The run's chart source: the configured mirror.

    A default mirror that does not exist beside the repository is no mirror: charts are then
    pulled, and reports say so.

    Args:
        settings: the run's settings (``chart_mirror``, its origin, ``cache``).
        helm: the helm executable (for pulls), or ``None``.

    Returns:
        The fetcher, shared by steps 5a and 5c.

    """
    mirror = settings.chart_mirror
    if mirror is not None and settings.chart_mirror_origin == "default" and not mirror.is_dir():
        mirror = None
    return ChartFetcher(mirror, helm, settings.cache, settings.describe_chart_mirror())


_NETWORK = re.compile(
    r"no such host|connection refused|i/o timeout|timed out|network is unreachable|"
    r"cannot be reached|TLS handshake|dial tcp|server misbehaving|temporary failure",
    re.IGNORECASE,
)


def _is_network(reason: str) -> bool:
    return bool(_NETWORK.search(reason))


def _reason(output: str) -> str:
    """The gist of a failed pull: the network error when there is one (``no such host``)."""
    first = output.splitlines()[0] if output else "pull failed"
    if "cannot be reached" in first and '": ' in first:
        return first.rsplit('": ', 1)[-1]
    return first

"""The Applications and AppProjects Argo CD would create from a tree, found the way it would.

The walk starts from ``infra/infra-root.yaml`` (the object applied by hand: its Applications
are the roots and its AppProjects exist), renders each root's Git ``path`` sources that point
into the tree (with Kustomize when the folder holds a kustomization, else as a plain directory),
collects the Applications and AppProjects found there, and recurses into those Applications.
Without ``infra/infra-root.yaml`` every Application of the tree is a root and every AppProject
of the tree exists.

Environments are the folders ``.../clusters/<env>``: an Application whose source path is such a
folder (an app-of-apps) belongs to that environment, and so does everything it renders. The
environment's pin is the revision its ``app-of-apps.yaml`` asks for that folder.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from gitops_platform.errors import InvalidValueError
from gitops_platform.layout import APP_OF_APPS_NAME, ARGOCD_NAMESPACE, ROOT_FILE, RepoPrefix
from gitops_platform.rules.argocd import normalize_git_url
from gitops_platform.validation.argo_project import Project
from gitops_platform.validation.kustomize import Build
from gitops_platform.validation.report import Document, Finding
from gitops_platform.validation.tree import KUSTOMIZATION_NAMES, Tree, load_documents

__all__ = [
    "AppSource",
    "ArgoApp",
    "ArgoInventory",
    "GitPathRender",
    "RepoPrefix",
    "source_field_location",
    "walk_from_root",
]

RULE = "argocd"
_ENV_FOLDER = re.compile(r"^(?:.*/)?clusters/([^/]+)$")


@dataclass(frozen=True)
class AppSource:
    """One entry of ``spec.sources`` (or ``spec.source``)."""

    field: str
    raw: dict[str, Any]

    @property
    def repo_url(self) -> str:
        """``repoURL``."""
        return str(self.raw.get("repoURL") or "")

    @property
    def path(self) -> str | None:
        """``path`` (a Git manifest source), if any."""
        value = self.raw.get("path")
        return None if value is None else str(value)

    @property
    def chart(self) -> str | None:
        """``chart`` (a Helm chart source), if any."""
        value = self.raw.get("chart")
        return None if value is None else str(value)

    @property
    def ref(self) -> str | None:
        """``ref`` (a source referenced from value files as ``$<ref>``), if any."""
        value = self.raw.get("ref")
        return None if value is None else str(value)

    @property
    def revision(self) -> str:
        """``targetRevision`` (``""`` when absent: Git then means ``HEAD``)."""
        return str(self.raw.get("targetRevision") or "")

    @property
    def helm(self) -> dict[str, Any]:
        """The ``helm`` block (empty when absent)."""
        value = self.raw.get("helm")
        return value if isinstance(value, dict) else {}


@dataclass
class ArgoApp:
    """An Application Argo CD would create, with where it was found.

    Attributes:
        document: the Application object and its origin.
        env: the environment it belongs to, if any.
        parent: the ``ref`` of the Application that renders it (``None`` for a root).
        created_in: the namespace it is created in when it names none: a root is applied in
            Argo CD's namespace (``kubectl apply -n argocd``); a child goes where its parent
            deploys (the parent's destination namespace).

    """

    document: Document
    env: str | None = None
    parent: str | None = None
    created_in: str = ARGOCD_NAMESPACE

    @property
    def obj(self) -> dict[str, Any]:
        """The Application object."""
        return self.document.obj

    @property
    def spec(self) -> dict[str, Any]:
        """``spec`` (empty when absent)."""
        value = self.obj.get("spec")
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return str((self.obj.get("metadata") or {}).get("name", ""))

    @property
    def key(self) -> tuple[str, str]:
        """``(namespace, name)``: what identifies it in the cluster."""
        meta = self.obj.get("metadata") or {}
        return str(meta.get("namespace") or self.created_in), str(meta.get("name", ""))

    @property
    def project(self) -> str:
        """``spec.project``."""
        return str(self.spec.get("project") or "")

    @property
    def multi_source(self) -> bool:
        """Whether it uses ``spec.sources`` (which then wins over ``spec.source``)."""
        return bool(self.spec.get("sources"))

    @property
    def sources(self) -> list[AppSource]:
        """Its sources, each with the field path that names it."""
        if self.multi_source:
            return [
                AppSource(f"spec.sources[{i}]", s)
                for i, s in enumerate(self.spec.get("sources") or [])
                if isinstance(s, dict)
            ]
        single = self.spec.get("source")
        return [AppSource("spec.source", single)] if isinstance(single, dict) else []

    @property
    def destination(self) -> dict[str, Any]:
        """``spec.destination`` (empty when absent)."""
        value = self.spec.get("destination")
        return value if isinstance(value, dict) else {}


@dataclass
class GitPathRender:
    """The objects one Git path source of an Application renders."""

    app: ArgoApp
    source: AppSource
    folder: str
    documents: list[Document]


@dataclass
class ArgoInventory:
    """Everything the walk found.

    Attributes:
        apps: the Applications, roots first.
        projects: AppProject objects by name.
        rendered: per Application ``ref``, what its Git path sources render.
        pins: environment to pinned revision.
        repo_urls: normalised URLs of the Git repository the tree lives in.
        findings: problems met while walking (missing paths, unbuildable folders,
            conflicting definitions).
        has_root: whether ``infra/infra-root.yaml`` exists.

    """

    apps: list[ArgoApp] = field(default_factory=list)
    projects: dict[str, Document] = field(default_factory=dict)
    rendered: dict[str, list[GitPathRender]] = field(default_factory=dict)
    pins: dict[str, str] = field(default_factory=dict)
    repo_urls: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    has_root: bool = False
    _read: dict[str, Project | InvalidValueError | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def project(self, name: str) -> Project | InvalidValueError | None:
        """The AppProject called ``name``, read once (every Application of a project shares it).

        Returns:
            The project; Argo CD's ``default`` project when the tree has none of that name;
            ``None`` when there is no such project; the error when its permission fields
            cannot be read.

        """
        if name not in self._read:
            document = self.projects.get(name)
            read: Project | InvalidValueError | None
            if document is not None:
                try:
                    read = Project.from_object(document.obj, document.origin)
                except InvalidValueError as error:
                    read = error
            else:
                read = Project.default() if name == "default" else None
            self._read[name] = read
        return self._read[name]

    def is_this_repo(self, repo_url: str) -> bool:
        """Whether a source's repository is the one holding the tree."""
        return normalize_git_url(repo_url) in self.repo_urls


def walk_from_root(tree: Tree, builds: dict[str, Build], paths: RepoPrefix) -> ArgoInventory:
    """Walk the tree as Argo CD would (see the module documentation).

    Args:
        tree: the loaded tree.
        builds: kustomize builds by folder (from step 3).
        paths: the mapping of repository paths onto the tree.

    Returns:
        The Applications, projects, renders and environment pins.

    """
    inventory = ArgoInventory(has_root=(tree.root / ROOT_FILE).is_file())
    if inventory.has_root:
        root_docs = tree.documents_of(ROOT_FILE)
        roots = [ArgoApp(d) for d in root_docs if _is(d.obj, "Application")]
        project_docs = [d for d in root_docs if _is(d.obj, "AppProject")]
        for app in roots:
            for source in app.sources:
                if source.chart is None:
                    inventory.repo_urls.add(normalize_git_url(source.repo_url))
    else:
        roots = [ArgoApp(d) for d in tree.documents if _is(d.obj, "Application")]
        project_docs = [d for d in tree.documents if _is(d.obj, "AppProject")]
        inventory.repo_urls = _guess_repo_urls(roots, paths)
    for document in project_docs:
        inventory.projects.setdefault(_name(document.obj), document)
    inventory.pins = _pins(tree, paths)

    queue = list(roots)
    seen: dict[tuple[str, str], ArgoApp] = {}
    while queue:
        app = queue.pop(0)
        if app.key in seen:
            earlier = seen[app.key]
            if (
                _spec_of(earlier) != _spec_of(app)
                and earlier.document.origin != app.document.origin
            ):
                inventory.findings.append(
                    Finding(
                        app.document.origin,
                        RULE,
                        f"Application {app.key[1]} is also defined by {earlier.document.origin}, "
                        "differently: Argo CD would flip between the two",
                        app.document.ref,
                    )
                )
            continue
        seen[app.key] = app
        inventory.apps.append(app)
        env = app.env
        for source in app.sources:
            if source.chart is not None or source.path is None:
                continue
            if not inventory.is_this_repo(source.repo_url):
                continue
            folder = paths.to_tree(source.path)
            if folder is None:
                inventory.findings.append(
                    Finding(
                        app.document.origin,
                        RULE,
                        f"{source.path}: path is outside the validated tree (repository prefix "
                        f"'{paths.prefix}')",
                        app.document.ref,
                        f"{source.field}.path",
                    )
                )
                continue
            if not tree.exists(folder) or not (tree.root / folder).is_dir():
                inventory.findings.append(
                    Finding(
                        app.document.origin,
                        RULE,
                        f"{source.path}: app path does not exist",
                        app.document.ref,
                        f"{source.field}.path",
                    )
                )
                continue
            match = _ENV_FOLDER.match(folder)
            child_env = match.group(1) if match else env
            if match and app.env is None:
                app.env = child_env
            documents = _render(tree, builds, folder, source)
            inventory.rendered.setdefault(app.document.ref, []).append(
                GitPathRender(app, source, folder, documents)
            )
            for document in documents:
                if _is(document.obj, "Application"):
                    queue.append(
                        ArgoApp(
                            document,
                            child_env,
                            app.document.ref,
                            str(app.destination.get("namespace") or app.key[0]),
                        )
                    )
                elif _is(document.obj, "AppProject"):
                    inventory.projects.setdefault(_name(document.obj), document)
    return inventory


def source_field_location(
    tree: Tree, app: ArgoApp, source: AppSource, key: str
) -> tuple[str, str, str]:
    """The file to edit for one field of an Application's source: ``(file, document, field)``.

    An Application rendered by kustomize (an environment's overlay of a shared Application) is
    reported by its build (``kustomize build infra/clusters/dev``), which nobody edits. When
    exactly one Application of the tree's own manifests has a source at the same field path
    with the same repository, chart, path and value of ``key``, that manifest is where the value
    is written, and it is returned instead. An overlay that changes the value (so no manifest
    holds it) keeps the build as the location.

    Args:
        tree: the tree.
        app: the Application as Argo CD would create it.
        source: one of its sources.
        key: the source's field (``targetRevision``).

    Returns:
        The file (tree-relative), the object (``Kind/namespace/name``) and the field path.

    """
    fallback = (app.document.origin, app.document.ref, f"{source.field}.{key}")
    if tree.documents_of(app.document.origin):
        return fallback
    value = source.raw.get(key)
    found: set[tuple[str, str, str]] = set()
    for document in tree.documents:
        if not _is(document.obj, "Application"):
            continue
        for candidate in ArgoApp(document).sources:
            if (
                candidate.field == source.field
                and candidate.repo_url == source.repo_url
                and candidate.chart == source.chart
                and candidate.path == source.path
                and candidate.raw.get(key) == value
            ):
                found.add((document.origin, document.ref, f"{candidate.field}.{key}"))
    return found.pop() if len(found) == 1 else fallback


def _render(tree: Tree, builds: dict[str, Build], folder: str, source: AppSource) -> list[Document]:
    if any((tree.root / folder / name).is_file() for name in KUSTOMIZATION_NAMES):
        build = builds.get(folder)
        return build.documents if build and build.ok else []
    if (tree.root / folder / "Chart.yaml").is_file():
        return []  # a chart kept in the tree: step 5 lints and renders it
    directory = source.raw.get("directory")
    options = directory if isinstance(directory, dict) else {}
    pattern = "**/*" if options.get("recurse") else "*"
    include = str(options.get("include") or "")
    exclude = str(options.get("exclude") or "")
    documents: list[Document] = []
    for path in sorted((tree.root / folder).glob(pattern)):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        rel_in_folder = path.relative_to(tree.root / folder).as_posix()
        if include and not _brace_match(rel_in_folder, include):
            continue
        if exclude and _brace_match(rel_in_folder, exclude):
            continue
        relpath = path.relative_to(tree.root).as_posix()
        known = tree.documents_of(relpath)
        if not known:
            known, _ = load_documents(path, relpath)
        documents.extend(known)
    return documents


def _brace_match(path: str, pattern: str) -> bool:
    inner = pattern.strip()
    options = inner[1:-1].split(",") if inner.startswith("{") and inner.endswith("}") else [inner]
    return any(fnmatch.fnmatchcase(path, option.strip()) for option in options)


def _pins(tree: Tree, paths: RepoPrefix) -> dict[str, str]:
    pins: dict[str, str] = {}
    for env, folder in tree.environment_folders().items():
        for document in tree.documents_of(f"{folder}/{APP_OF_APPS_NAME}.yaml"):
            if not _is(document.obj, "Application"):
                continue
            for source in ArgoApp(document).sources:
                if source.path is not None and paths.to_tree(source.path) == folder:
                    pins[env] = source.revision
    return pins


def _guess_repo_urls(apps: list[ArgoApp], paths: RepoPrefix) -> set[str]:
    """Without a root: the repositories whose Git sources name paths inside the tree."""
    urls: set[str] = set()
    for app in apps:
        for source in app.sources:
            if source.chart is None and source.path is not None and paths.to_tree(source.path):
                urls.add(normalize_git_url(source.repo_url))
            for value_file in source.helm.get("valueFiles") or []:
                ref, _, rest = str(value_file).partition("/")
                if not ref.startswith("$") or paths.to_tree(rest) is None:
                    continue
                for other in app.sources:
                    if other.ref == ref[1:]:
                        urls.add(normalize_git_url(other.repo_url))
    return urls


def _is(obj: dict[str, Any], kind: str) -> bool:
    return obj.get("kind") == kind and str(obj.get("apiVersion", "")).startswith("argoproj.io/")


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def _spec_of(app: ArgoApp) -> Any:
    return app.obj.get("spec")

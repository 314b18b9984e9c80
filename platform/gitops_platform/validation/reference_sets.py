"""The objects each environment will contain, for the reference step (step 9).

An environment's set is what its Applications deploy (see
:mod:`~gitops_platform.validation.argo_tree`): the objects of their Git path sources (the tree's
manifests, or the kustomize output of a folder with a kustomization) and the renders of their
Helm charts (step 5c: from chart repositories, and the chart folders of the tree that Git path
sources name). Applications outside any environment are grouped by destination cluster.
Each object is placed where Argo CD puts it: its own ``metadata.namespace``, else the
Application's destination namespace, and no namespace for cluster-scoped kinds. A tree without
Applications is one set: its manifests and kustomize outputs, as they are.

Where an Application's chart could not be rendered, its destination namespace and the cluster
scope are marked *unseen*, so references into them are reported as not verified rather than
missing. The Helm values files the Applications use come along (in-cluster URLs are checked in
them too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from gitops_platform.layout import RepoPrefix
from gitops_platform.validation.argo_tree import AppSource, ArgoApp, ArgoInventory
from gitops_platform.validation.kustomize import Build
from gitops_platform.validation.references import ObjectSet, Placed
from gitops_platform.validation.report import Document
from gitops_platform.validation.schemas import Scopes
from gitops_platform.validation.tree import Tree

__all__ = ["ChartRender", "collect_sets"]

TREE_SET = "tree"
DEFAULT_NAMESPACE = "default"


class ChartRender(Protocol):
    """A chart render of step 5c: its objects and the ``ref`` of its Application."""

    @property
    def documents(self) -> list[Document]:
        """The rendered objects."""

    @property
    def app(self) -> str | None:
        """The ``ref`` of the Application it was rendered for."""


def collect_sets(
    inventory: ArgoInventory,
    tree: Tree,
    builds: dict[str, Build],
    paths: RepoPrefix,
    renders: Sequence[ChartRender],
    scopes: Scopes,
) -> list[ObjectSet]:
    """Build each environment's set of objects (see the module documentation).

    Args:
        inventory: the Applications Argo CD would create.
        tree: the tree (its manifests and values files).
        builds: kustomize builds by folder.
        paths: how repository paths map onto the tree.
        renders: the chart renders of step 5c (possibly none).
        scopes: which kinds are namespaced (CRDs of the renders are added to a copy).

    Returns:
        One set per environment (then per destination cluster outside environments), in name
        order; a single ``tree`` set when the tree holds no Application.

    """
    scopes = Scopes(scopes.builtin, dict(scopes.namespaced), set(scopes.api_versions))
    for render in renders:
        for document in render.documents:
            if document.obj.get("kind") == "CustomResourceDefinition":
                scopes.add_crd(document.obj)
    if not inventory.apps:
        documents = list(tree.documents)
        for build in builds.values():
            documents.extend(build.documents)
        only = ObjectSet(TREE_SET, label="in the tree")
        only.objects = _placed(documents, DEFAULT_NAMESPACE, scopes)
        only.values = sorted(tree.values_files.items())
        return [only]
    by_app: dict[str, list[Document]] = {}
    for render in renders:
        if render.app:
            by_app.setdefault(render.app, []).extend(render.documents)
    sets: dict[str, ObjectSet] = {}
    for app in inventory.apps:
        label = app.env or f"cluster {_cluster(app)}"
        where = "" if app.env else f"on cluster {_cluster(app)}"
        objects = sets.setdefault(label, ObjectSet(label, label=where))
        namespace = str(app.destination.get("namespace") or DEFAULT_NAMESPACE)
        deployed: list[Document] = []
        for rendered in inventory.rendered.get(app.document.ref, []):
            deployed.extend(rendered.documents)
        charts = [s for s in app.sources if s.chart is not None or _chart_folder(s, tree, paths)]
        rendered_charts = by_app.get(app.document.ref)
        if charts and rendered_charts is None:
            shown = ", ".join(f"{s.chart or s.path} {s.revision}" for s in charts)
            why = f"chart {shown} of Application {app.name} not rendered"
            objects.unseen[namespace] = "; ".join(
                filter(None, [objects.unseen.get(namespace), why])
            )
            objects.unseen[""] = "; ".join(filter(None, [objects.unseen.get(""), why]))
        deployed.extend(rendered_charts or [])
        objects.objects.extend(_placed(deployed, namespace, scopes, app.name, _cluster(app)))
        objects.values.extend(_values(app, tree, paths, inventory))
    for objects in sets.values():
        objects.values = sorted(dict(objects.values).items())
    return [sets[name] for name in sorted(sets)]


def _cluster(app: ArgoApp) -> str:
    destination = app.destination
    return str(destination.get("name") or destination.get("server") or "?")


def _chart_folder(source: AppSource, tree: Tree, paths: RepoPrefix) -> bool:
    """Whether a Git path source of this tree's repository names a chart folder of the tree."""
    if source.chart is not None or source.path is None:
        return False
    folder = paths.to_tree(source.path)
    return folder is not None and (tree.root / folder / "Chart.yaml").is_file()


def _placed(
    documents: Iterable[Document], namespace: str, scopes: Scopes, app: str = "", cluster: str = ""
) -> list[Placed]:
    placed: list[Placed] = []
    seen: set[tuple[str, int]] = set()
    for document in documents:
        if (document.origin, document.index) in seen:
            continue
        seen.add((document.origin, document.index))
        obj = document.obj
        kind = str(obj.get("kind") or "")
        if not kind:
            continue
        group = str(obj.get("apiVersion") or "").rpartition("/")[0]
        meta = obj.get("metadata")
        own = str(meta.get("namespace") or "") if isinstance(meta, dict) else ""
        namespaced = scopes.is_namespaced(group, kind)
        if namespaced is None:  # an unknown kind: as written, namespaced unless it is Cluster*
            namespaced = bool(own) or not kind.startswith("Cluster")
        placed.append(Placed(document, (own or namespace) if namespaced else "", app, cluster))
    return placed


def _values(
    app: ArgoApp, tree: Tree, paths: RepoPrefix, inventory: ArgoInventory
) -> list[tuple[str, Any]]:
    """The values files of the tree an Application's chart sources read."""
    refs = {s.ref: s for s in app.sources if s.ref is not None}
    found: list[tuple[str, Any]] = []
    for source in app.sources:
        if source.chart is None:
            continue
        for entry in source.helm.get("valueFiles") or []:
            ref, _, rest = str(entry).partition("/")
            target = refs.get(ref[1:]) if ref.startswith("$") else None
            if target is None or not inventory.is_this_repo(target.repo_url):
                continue
            relpath = paths.to_tree(rest)
            if relpath is not None and relpath in tree.values_files:
                found.append((relpath, tree.values_files[relpath]))
    return found

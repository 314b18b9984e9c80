"""Reading a rendered tree: which files are manifests, kustomizations, Helm values, charts.

A tree holds several kinds of YAML, and each step must see the right ones:

* kustomization files (``kustomization.yaml``, ``kustomization.yml``, ``Kustomization``) are
  kustomize configuration: built by step 3, never validated as objects;
* Helm values files (any file under a folder named ``values``, or named ``values*.yaml``) are
  chart input: checked against chart schemas (step 5) and the policies (step 6);
* a folder with a ``Chart.yaml`` is a Helm chart: linted and templated by step 5;
* Backstage catalog entities (``apiVersion: backstage.io/...``) are not Kubernetes objects;
* every other YAML file is a manifest, and every document in it must be a Kubernetes object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from gitops_platform.validation.report import Document, Finding

__all__ = [
    "KUSTOMIZATION_NAMES",
    "Tree",
    "is_values_path",
    "load_documents",
    "load_tree",
    "parse_documents",
]

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
YAML_SUFFIXES = (".yaml", ".yml")
#: Folders never walked in a tree.
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__"})
CATALOG_API_PREFIX = "backstage.io/"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, reading YAML 1.1's ``=`` value key as the string ``=``.

    PyYAML resolves a plain ``=`` to ``tag:yaml.org,2002:value`` but constructs no such tag;
    prometheus-operator's CRDs list ``=`` among matcher operators (``enum: [..., =, ...]``).
    """


_Loader.add_constructor("tag:yaml.org,2002:value", yaml.SafeLoader.construct_yaml_str)


def is_values_path(relpath: str) -> bool:
    """Whether a tree path is a Helm values file (under ``values/`` or named ``values*``)."""
    path = PurePosixPath(relpath)
    return path.suffix in YAML_SUFFIXES and (
        "values" in path.parts[:-1] or path.name.startswith("values")
    )


def parse_documents(text: str, origin: str) -> tuple[list[Document], Finding | None]:
    """Parse a YAML stream into documents (empty documents are dropped).

    Args:
        text: the YAML stream.
        origin: where it came from, recorded on each document.

    Returns:
        The documents and, when the stream does not parse, a finding (with the documents read
        before the error).

    """
    documents: list[Document] = []
    try:
        for obj in yaml.load_all(text, Loader=_Loader):
            if obj is None:
                continue
            documents.append(Document(origin, len(documents), _as_object(obj)))
    except yaml.YAMLError as error:
        return documents, Finding(origin, "yaml", f"does not parse: {_one_line(str(error))}")
    return documents, None


def load_documents(path: Path, origin: str) -> tuple[list[Document], Finding | None]:
    """Read and parse one YAML file (see :func:`parse_documents`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [], Finding(origin, "yaml", f"cannot be read: {error}")
    return parse_documents(text, origin)


@dataclass
class Tree:
    """The files of a rendered tree, sorted by kind of content.

    Attributes:
        root: the tree's folder.
        yaml_files: every YAML file (relative POSIX paths), for yamllint.
        kustomization_dirs: folders holding a kustomization file (``.`` for the root).
        chart_dirs: folders holding a ``Chart.yaml``.
        manifests: YAML files whose documents are Kubernetes objects.
        values_files: Helm values files, path to parsed content.
        catalog_files: Backstage catalog files (not Kubernetes objects).
        documents: the objects of every manifest.
        problems: files that could not be read or parsed.

    """

    root: Path
    yaml_files: list[str] = field(default_factory=list)
    kustomization_dirs: list[str] = field(default_factory=list)
    chart_dirs: list[str] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    values_files: dict[str, Any] = field(default_factory=dict)
    catalog_files: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    _by_origin: tuple[int, dict[str, list[Document]]] | None = field(
        default=None, repr=False, compare=False
    )

    def documents_of(self, relpath: str) -> list[Document]:
        """The documents read from one manifest (a new list; looked up, not scanned)."""
        index = self._by_origin
        if index is None or index[0] != len(self.documents):
            grouped: dict[str, list[Document]] = {}
            for document in self.documents:
                grouped.setdefault(document.origin, []).append(document)
            index = self._by_origin = (len(self.documents), grouped)
        return list(index[1].get(relpath, ()))

    def environment_folders(self) -> dict[str, str]:
        """Environments: the folders ``.../clusters/<env>`` of the tree, by name."""
        return {
            path.name: path.relative_to(self.root).as_posix()
            for path in sorted(self.root.glob("**/clusters/*"))
            if path.is_dir()
        }

    def exists(self, relpath: str) -> bool:
        """Whether a relative path names a file or folder of the tree."""
        return (self.root / relpath).exists()


def load_tree(root: Path) -> Tree:
    """Walk ``root`` and sort its files (see the module documentation).

    Args:
        root: the tree's folder.

    Returns:
        The tree, with the documents of every manifest parsed.

    """
    tree = Tree(root=root)
    files = sorted(_walk(root))
    chart_dirs = sorted({f.parent.as_posix() for f in files if f.name == "Chart.yaml"})
    tree.chart_dirs = chart_dirs
    charts = set(chart_dirs)
    tree.kustomization_dirs = sorted(
        {f.parent.as_posix() for f in files if f.name in KUSTOMIZATION_NAMES}
    )
    for relpath in files:
        rel = relpath.as_posix()
        if _inside(relpath, charts):
            continue  # chart templates are Go templates, not YAML: helm lint checks them
        if relpath.suffix not in YAML_SUFFIXES and relpath.name != "Kustomization":
            continue
        tree.yaml_files.append(rel)
        if relpath.name in KUSTOMIZATION_NAMES:
            continue
        documents, problem = load_documents(root / relpath, rel)
        if problem:
            tree.problems.append(problem)
        if is_values_path(rel):
            tree.values_files[rel] = documents[0].obj if documents else {}
        elif documents and all(
            str(d.obj.get("apiVersion", "")).startswith(CATALOG_API_PREFIX) for d in documents
        ):
            tree.catalog_files.append(rel)
        else:
            tree.manifests.append(rel)
            tree.documents.extend(documents)
    return tree


def _walk(root: Path) -> list[PurePosixPath]:
    found: list[PurePosixPath] = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIPPED_DIRS for part in rel.parts) or not path.is_file():
            continue
        found.append(PurePosixPath(rel.as_posix()))
    return found


def _inside(relpath: PurePosixPath, folders: set[str]) -> bool:
    """Whether ``relpath`` lies in one of ``folders`` (``"."``: the root holds them all)."""
    return any(parent.as_posix() in folders for parent in relpath.parents)


def _as_object(obj: Any) -> dict[str, Any]:
    return obj if isinstance(obj, dict) else {"__not_an_object__": obj}


def _one_line(text: str) -> str:
    return " ".join(text.split())

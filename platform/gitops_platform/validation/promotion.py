"""A promotion preview: what changes for one environment's Applications between two revisions.

``gitops-platform diff --env prd <ref-a> <ref-b>`` takes the rendered tree (``dist/``) of the
repository at both Git revisions (``git archive``, so the working copy is never touched), walks
each from its root as Argo CD would, renders every chart of the environment's Applications from
the chart mirror (or the chart repositories), and prints, per Application of that environment,
unified diffs of:

* the Application object itself;
* its merged values: the value files of each chart source in order, then ``valuesObject``,
  merged the way Helm merges user values (chart defaults are not included);
* every object Argo CD would apply: chart renders (charts kept in the tree rendered with
  ``helm template`` and the merged values) and plain Git path sources, one diff per object
  (``Kind/namespace/name``), so a chart version bump shows object-level changes.

It is ``argocd app diff`` offline and before merge: no cluster is read; the live state is not
compared.
"""

from __future__ import annotations

import difflib
import io
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_platform.validation.helm_charts import RENDER_STEP
from gitops_platform.validation.helm_values import merge_values
from gitops_platform.validation.pipeline import Context
from gitops_platform.validation.settings import Settings
from gitops_platform.validation.tools import run_command

__all__ = ["AppView", "EnvironmentView", "diff_views", "environment_view", "tree_at"]


@dataclass
class AppView:
    """What one Application delivers, as text for diffing.

    Attributes:
        application: the Application object as YAML.
        values: per chart source (``<chart>`` or ``<repo path>``), the merged user values.
        objects: per ``Kind/namespace/name``, the object as YAML.

    """

    application: str
    values: dict[str, str] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)


@dataclass
class EnvironmentView:
    """Every Application of one environment, by name, and why any part is missing."""

    apps: dict[str, AppView] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def tree_at(repo_root: Path, ref: str, prefix: str, target: Path) -> Path:
    """Extract the tree ``prefix`` of revision ``ref`` into ``target``; return its folder.

    Raises:
        ValueError: ``ref`` is not a revision of the repository, or has no ``prefix``.
    """
    folder = prefix.strip("/")
    archived = subprocess.run(
        ["git", "archive", "--format=tar", ref, "--", folder or "."],
        cwd=repo_root,
        capture_output=True,
        check=False,
    )
    if archived.returncode != 0:
        message = archived.stderr.decode(errors="replace").strip()
        raise ValueError(f"{ref}: cannot read {folder or 'the tree'} at this revision: {message}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target / folder if folder else target


def _dump(obj: Any) -> str:
    return yaml.safe_dump(obj, sort_keys=True, default_flow_style=False)


def _ref_of(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    kind, name = obj.get("kind", "?"), meta.get("name", "?")
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def environment_view(settings: Settings, env: str, workdir: Path) -> EnvironmentView:
    """The Applications of ``env`` in ``settings.tree``, their values and rendered objects.

    Args:
        settings: the tree (and where charts, upstream data and the cache are).
        env: the environment (``prd``).
        workdir: a scratch folder.

    Returns:
        The view; ``notes`` say which charts could not be rendered.

    """
    context = Context(settings, {RENDER_STEP}, workdir)
    view = EnvironmentView()
    renders = context.chart_renders
    if renders.result.findings:
        view.notes += [f.render() for f in renders.result.findings]
    if renders.result.detail and renders.result.status.value != "passed":
        view.notes.append(f"chart renders {renders.result.status.value}: {renders.result.detail}")
    for app in context.inventory.apps:
        if app.env != env:
            continue
        item = AppView(_dump(app.obj))
        for source in app.sources:
            if source.chart is None and not source.helm:
                continue
            merged: dict[str, Any] = {}
            for value_file in source.helm.get("valueFiles") or []:
                ref, _, rest = str(value_file).partition("/")
                relpath = context.repo_prefix.to_tree(rest) if ref.startswith("$") else None
                if relpath is None:
                    continue
                path = context.tree.root / relpath
                loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
                merged = merge_values(merged, loaded if isinstance(loaded, dict) else {})
            inline = source.helm.get("valuesObject")
            if isinstance(inline, dict):
                merged = merge_values(merged, inline)
            item.values[source.chart or source.path or "?"] = _dump(merged)
            folder = context.repo_prefix.to_tree(source.path) if source.path else None
            if source.chart is None and folder is not None:
                local = _render_local(context, folder, app, source.helm, merged, workdir)
                if isinstance(local, str):
                    view.notes.append(local)
                else:
                    item.objects.update(local)
        for output in renders.outputs:
            if output.app == app.document.ref:
                for document in output.documents:
                    item.objects[_ref_of(document.obj)] = _dump(document.obj)
        for rendered in context.inventory.rendered.get(app.document.ref, []):
            for document in rendered.documents:
                item.objects[_ref_of(document.obj)] = _dump(document.obj)
        view.apps[app.name] = item
    return view


def _render_local(
    context: Context,
    folder: str,
    app: Any,
    helm: dict[str, Any],
    values: dict[str, Any],
    workdir: Path,
) -> dict[str, str] | str:
    """``helm template`` of a chart kept in the tree, with the merged values; or why not."""
    chart = context.tree.root / folder
    if not (chart / "Chart.yaml").is_file():
        return {}
    helm_binary = context.tool("helm")
    if helm_binary is None:
        return f"{folder}: not rendered: helm is not installed"
    workdir.mkdir(parents=True, exist_ok=True)
    values_file = workdir / f"values-{app.name}.yaml"
    values_file.write_text(_dump(values), encoding="utf-8")
    release = str(helm.get("releaseName") or app.name)
    namespace = str(app.destination.get("namespace") or "default")
    done = run_command(
        [helm_binary, "template", release, chart, "--namespace", namespace, "-f", values_file],
        timeout=300,
    )
    if not done.ok:
        return f"{folder}: helm template failed: {done.output()}"
    objects = [o for o in yaml.safe_load_all(done.stdout) if isinstance(o, dict)]
    return {_ref_of(o): _dump(o) for o in objects}


def _diff(old: str, new: str, label_a: str, label_b: str) -> list[str]:
    return list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), label_a, label_b, n=3, lineterm="")
    )


def diff_views(before: EnvironmentView, after: EnvironmentView, ref_a: str, ref_b: str) -> str:
    """The preview: per Application, the diffs of its object, values and rendered objects.

    Returns:
        Text; one ``=== Application <name>: ...`` heading per Application that changes, and a
        last line counting them (``no change`` when nothing does).

    """
    lines: list[str] = [*(f"note ({ref_a}): {n}" for n in before.notes)]
    lines += [f"note ({ref_b}): {n}" for n in after.notes]
    changed = 0
    for name in sorted(before.apps.keys() | after.apps.keys()):
        old, new = before.apps.get(name), after.apps.get(name)
        if old is None or new is None:
            changed += 1
            lines.append(f"=== Application {name}: {'added' if old is None else 'removed'}")
            continue
        parts: list[str] = []
        parts += _diff(
            old.application,
            new.application,
            f"{ref_a}:Application/{name}",
            f"{ref_b}:Application/{name}",
        )
        for key in sorted(old.values.keys() | new.values.keys()):
            parts += _diff(
                old.values.get(key, ""), new.values.get(key, ""),
                f"{ref_a}:values/{key}", f"{ref_b}:values/{key}",
            )  # fmt: skip
        for key in sorted(old.objects.keys() | new.objects.keys()):
            parts += _diff(
                old.objects.get(key, ""), new.objects.get(key, ""),
                f"{ref_a}:{key}", f"{ref_b}:{key}",
            )  # fmt: skip
        if parts:
            changed += 1
            lines.append(f"=== Application {name}: changed")
            lines += parts
    total = len(before.apps.keys() | after.apps.keys())
    lines.append(
        f"{changed} of {total} Applications change between {ref_a} and {ref_b}"
        if changed
        else f"no change between {ref_a} and {ref_b} ({total} Applications)"
    )
    return "\n".join(lines)

"""The platform app: composes projects, bootstrap and components into the rendered tree."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cdk8s import App, Chart
from constructs import Construct

from gitops_platform import layout
from gitops_platform.argocd.application import ApplicationProps, application_manifest
from gitops_platform.argocd.project import ProjectProps, project_manifest
from gitops_platform.bootstrap import (
    app_of_apps,
    apps_project,
    bootstrap_project,
    component_application,
    environment_kustomization,
    local_chart_folder,
    platform_project,
    root_application,
    values_file,
)
from gitops_platform.component import (
    APPS_PROJECT,
    PLATFORM_PROJECT,
    ComponentContext,
    LocalChart,
    PlatformComponent,
    Release,
    contract_problems,
    plain_values,
)
from gitops_platform.core.environment import Environment, PlatformSpec
from gitops_platform.core.objects import collect_plain, plain_objects, take_plain
from gitops_platform.errors import (
    ConfigurationError,
    DuplicateError,
    InvalidObjectError,
    InvalidValueError,
    SynthError,
    raise_all,
)
from gitops_platform.network.policies import (
    ApplicationNetwork,
    application_networks,
    emit_policies,
)
from gitops_platform.output.writer import write_tree
from gitops_platform.output.yaml_format import dump_documents, dump_values, dump_yaml
from gitops_platform.rules.credentials import check_no_secret_literals

__all__ = ["PlatformApp", "TreeLayout"]


def _file_name(obj: dict[str, Any]) -> str:
    kind = str(obj.get("kind", "object")).lower()
    name = str((obj.get("metadata") or {}).get("name", "unnamed"))
    return f"{kind}-{re.sub(r'[^a-z0-9.-]+', '-', name.lower())}.yaml"


def _kustomization(resources: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    }


class TreeLayout:
    """The tree being assembled: which file or folder holds what, by tree-relative path.

    Objects go into a multi-document file (:meth:`document` for plain objects, :meth:`file`
    for a chart's) or into a folder with one object per file (:meth:`folder`); Helm values and
    other text are kept as data until :meth:`render`. Paths come from
    :mod:`gitops_platform.layout`.

    A folder's chart keeps the objects :func:`~gitops_platform.core.objects.api_object` adds
    directly under it as plain documents (no jsii crossing); objects of other constructs
    (bindings, cdk8s-plus, custom constructs) are rendered by cdk8s as usual. One object per
    file, sorted by path, makes the two kinds' order irrelevant. :meth:`scope_for` and
    :meth:`close_folder` let one owner's folders share a chart while they hold plain objects
    only (one jsii crossing per folder instead of a chart each).
    """

    def __init__(self) -> None:
        self._app = App()
        self._files: dict[str, Chart] = {}
        self._documents: dict[str, list[dict[str, Any]]] = {}
        self._folders: dict[str, Chart] = {}
        self._constructed: set[str] = set()
        self._plain_folders: dict[str, list[dict[str, Any]]] = {}
        self._folder_plain: dict[str, list[dict[str, Any]]] = {}
        self._scratch: dict[str, tuple[Chart, Any]] = {}
        self._values: dict[str, dict[str, Any]] = {}
        self._texts: dict[str, str] = {}

    def document(self, relpath: str, obj: dict[str, Any]) -> None:
        """Append the plain object ``obj`` to the multi-document file ``relpath``."""
        self._documents.setdefault(relpath, []).append(obj)

    def file(self, relpath: str) -> Chart:
        """The chart whose objects are rendered into the one file ``relpath``."""
        if relpath not in self._files:
            self._files[relpath] = Chart(
                self._app, relpath.replace("/", "_"), disable_resource_name_hashes=True
            )
        return self._files[relpath]

    def folder(self, relpath: str) -> Chart:
        """A chart whose objects are rendered one per file into the folder ``relpath``."""
        if relpath in self._folders:
            raise DuplicateError("TreeLayout", "folder", relpath, "one chart per folder")
        chart = Chart(self._app, relpath.replace("/", "_"), disable_resource_name_hashes=True)
        collect_plain(chart)
        self._folders[relpath] = chart
        return chart

    def keep_if_filled(self, relpath: str) -> bool:
        """Keep the folder ``relpath`` if objects were added to it; drop it otherwise."""
        chart = self._folders[relpath]
        # a folder holding plain objects is read through cdk8s too (one crossing at render,
        # for whatever constructs sit next to them); asking which is another crossing
        if plain_objects(chart) or chart.node.children:
            self._constructed.add(relpath)
            return True
        del self._folders[relpath]
        return False

    def scope_for(self, owner: str, relpath: str) -> Chart:
        """The scope the objects of folder ``relpath`` are added under; then :meth:`close_folder`.

        ``owner``'s folders share one chart (named after the first folder it serves) as long
        as only plain objects are added; a folder given constructs keeps that chart as its own.
        """
        if relpath in self._folders or relpath in self._plain_folders:
            raise DuplicateError("TreeLayout", "folder", relpath, "one chart per folder")
        if owner not in self._scratch:
            chart = Chart(self._app, relpath.replace("/", "_"), disable_resource_name_hashes=True)
            collect_plain(chart)
            self._scratch[owner] = (chart, chart.node)
        chart = self._scratch[owner][0]
        take_plain(chart)
        return chart

    def close_folder(self, owner: str, relpath: str) -> bool:
        """Keep what was added under :meth:`scope_for`'s scope as folder ``relpath``.

        Returns whether the folder holds anything (an empty folder is dropped).
        """
        chart, node = self._scratch[owner]
        objects = take_plain(chart)
        if node.children:
            # constructs were added: this chart is the folder's now, plain objects included
            del self._scratch[owner]
            self._folder_plain[relpath] = objects
            self._folders[relpath] = chart
            self._constructed.add(relpath)
            return True
        if objects:
            self._plain_folders[relpath] = objects
            return True
        return False

    def values(self, relpath: str, values: dict[str, Any]) -> None:
        """Add a Helm values file."""
        self._values[relpath] = values

    def text(self, relpath: str, text: str) -> None:
        """Add a text file."""
        self._texts[relpath] = text

    def has_text(self, relpath: str) -> bool:
        """Whether a text file ``relpath`` was added."""
        return relpath in self._texts

    def text_of(self, relpath: str) -> str:
        """The text file ``relpath``."""
        return self._texts[relpath]

    def render(self) -> dict[str, str]:
        """Return the tree: tree-relative path -> file content, sorted by path."""
        files: dict[str, str] = dict(self._texts)
        for relpath, values in self._values.items():
            files[relpath] = dump_values(values)
        for relpath, documents in self._documents.items():
            files[relpath] = dump_documents(documents)
        for relpath, chart in self._files.items():
            files[relpath] = dump_documents(chart.to_json())
        folders: list[tuple[str, list[dict[str, Any]]]] = list(self._plain_folders.items())
        for folder, chart in self._folders.items():
            objects = self._folder_plain.get(folder) or plain_objects(chart)
            if folder in self._constructed:
                objects = [*objects, *chart.to_json()]
            folders.append((folder, objects))
        for folder, objects in folders:
            for obj in objects:
                relpath = f"{folder}/{_file_name(obj)}"
                if relpath in files:
                    raise DuplicateError(
                        folder, "objects", relpath, "one object per kind and name in a folder"
                    )
                files[relpath] = dump_documents([obj])
        return dict(sorted(files.items()))


def _check_components(
    spec: PlatformSpec, components: Sequence[PlatformComponent]
) -> list[InvalidValueError]:
    """Every problem of the component list: contract, duplicates, namespaces, settings."""
    if not components:
        return [
            ConfigurationError(
                "PlatformApp",
                "components",
                [],
                "at least one component (for example CertManager(...), Traefik()); a platform "
                "without components has nothing for Argo CD to deliver",
            )
        ]
    problems: list[InvalidValueError] = []
    names: set[str] = set()
    by_namespace: dict[str, PlatformComponent] = {}
    releases: dict[tuple[str, str], str] = {}
    for component in components:
        path = f"PlatformApp/{getattr(component, 'name', None) or type(component).__name__}"
        found = contract_problems(component, path)
        problems += found
        if found:
            continue
        if component.name in names:
            problems.append(
                DuplicateError(
                    path,
                    "components",
                    component.name,
                    "unique component names; this component is given twice",
                )
            )
        names.add(component.name)
        for release in component.charts:
            key = (component.namespace, release.release_name)
            owner = releases.setdefault(key, component.name)
            if owner != component.name:
                problems.append(
                    DuplicateError(
                        path,
                        "charts",
                        release.release_name,
                        f"a Helm release name of its own in namespace {component.namespace!r}; "
                        f"{owner!r} releases one with this name there already",
                    )
                )
        other = by_namespace.setdefault(component.namespace, component)
        if other is not component:
            mine, theirs = component.delivery, other.delivery
            if mine.pod_security != theirs.pod_security:
                problems.append(
                    ConfigurationError(
                        path,
                        "delivery.pod_security",
                        mine.pod_security.value,
                        f"the level of namespace {component.namespace!r} that {other.name!r} "
                        f"also uses ({theirs.pod_security.value}): components sharing a "
                        "namespace share its Pod Security level",
                    )
                )
            if dict(mine.namespace_labels) != dict(theirs.namespace_labels):
                problems.append(
                    ConfigurationError(
                        path,
                        "delivery.namespace_labels",
                        dict(mine.namespace_labels),
                        f"the labels {other.name!r} gives namespace {component.namespace!r} "
                        f"({dict(theirs.namespace_labels)}): components sharing a namespace "
                        "share its labels",
                    )
                )
        for used in component.uses():
            if used not in components:
                problems.append(
                    ConfigurationError(
                        path,
                        "uses",
                        getattr(used, "name", used),
                        "components of this platform: it reads the outputs of this component, "
                        "which the platform does not deliver (add it to the components)",
                    )
                )
        try:
            component.validate(spec)
        except InvalidObjectError as group:
            problems += [e for e in group.exceptions if isinstance(e, InvalidValueError)]
        except InvalidValueError as error:
            problems.append(error)
    return problems


class PlatformApp:
    """A whole platform: its environments, projects, bootstrap objects and components.

    ``render()`` returns the tree as text (relative path -> YAML); ``synth()`` writes it
    atomically. Construction validates everything, so bad input fails before any file is
    written, with a :class:`~gitops_platform.errors.PlatformError` naming the problem; the
    problems of the component list are reported together
    (:class:`~gitops_platform.errors.InvalidObjectError` when there are several).

    Each component becomes one Argo CD Application in its project: an environment-neutral one
    in ``infra/platform/apps/`` and, per environment, the overlay patch that turns it into the
    environment's (``infra/clusters/<env>/kustomization.yaml``).

    Example:
        >>> traefik = Traefik()
        >>> app = PlatformApp(spec, [CertManager(issuers=...), traefik, Gatekeeper()])
        >>> app.synth()  # the spec's tree_prefix, dist/
    """

    def __init__(self, spec: PlatformSpec, components: Sequence[PlatformComponent]) -> None:
        if not isinstance(spec, PlatformSpec):
            raise InvalidValueError("PlatformApp", "spec", spec, "a PlatformSpec")
        if isinstance(components, str | bytes | Mapping) or not isinstance(components, Iterable):
            raise InvalidValueError(
                "PlatformApp",
                "components",
                components,
                "a list or tuple of PlatformComponent objects, e.g. [CertManager(...), Traefik()]",
            )
        # the platform delivers the NetworkPolicies of application teams' namespaces: derived
        # from the teams' components every time (those of a previous app.components included)
        components = tuple(c for c in components if not isinstance(c, ApplicationNetwork))
        components = (*components, *application_networks(components))
        raise_all("PlatformApp", _check_components(spec, components))
        self.spec = spec
        self.components = components
        self._tree = TreeLayout()
        self._applications: dict[tuple[str, str | None], ApplicationProps] = {}
        self._build()

    def application(self, component: str, env: str | None = None) -> ApplicationProps:
        """The Application of ``component``: environment-neutral, or as it runs in ``env``."""
        try:
            return self._applications[(component, env)]
        except KeyError:
            raise InvalidValueError(
                "PlatformApp",
                "application",
                (component, env),
                "a component name and an environment name (or None)",
            ) from None

    # -- construction -------------------------------------------------------------------

    def _build(self) -> None:
        projects = self._projects()
        shared = {c.name: self._component(c, projects[c.project]) for c in self.components}
        for env in self.spec.environments:
            self._environment(env, projects, shared)
        self._tree.text(
            layout.PLATFORM_KUSTOMIZATION,
            dump_yaml(
                _kustomization(sorted(f"apps/{c.name}-application.yaml" for c in self.components))
            ),
        )
        self._tree.text(
            layout.INFRA_KUSTOMIZATION,
            dump_yaml(
                _kustomization(
                    [
                        "infra-root.yaml",
                        *(
                            f"projects/argocd-project-{name}.yaml"
                            for name in (APPS_PROJECT, PLATFORM_PROJECT)
                            if name in projects
                        ),
                        *(f"clusters/{e.name}/app-of-apps.yaml" for e in self.spec.environments),
                    ]
                )
            ),
        )

    def _add_application(
        self, relpath: str, construct_id: str, props: ApplicationProps, *, check: bool = True
    ) -> None:
        """Add the Application as plain data (what ``ArgoApplication`` renders, checked alike)."""
        if check:
            props.check_permissions(f"{relpath.replace('/', '_')}/{construct_id}")
        self._tree.document(
            relpath,
            application_manifest(
                props, namespace=self.spec.argocd_namespace, part_of=self.spec.name
            ),
        )

    def _projects(self) -> dict[str, ProjectProps]:
        """The bootstrap project and root, and the projects the components use."""
        spec = self.spec
        bootstrap = bootstrap_project(spec)
        self._add_project(layout.ROOT_FILE, bootstrap)
        self._add_application(layout.ROOT_FILE, "root", root_application(spec, bootstrap))
        projects = {APPS_PROJECT: apps_project(spec, self.components)}
        if any(c.project == PLATFORM_PROJECT for c in self.components):
            projects[PLATFORM_PROJECT] = platform_project(spec, self.components)
        for name in (PLATFORM_PROJECT, APPS_PROJECT):
            if name in projects:
                self._add_project(layout.project_file(name), projects[name])
        projects["bootstrap"] = bootstrap
        return projects

    def _add_project(self, relpath: str, props: ProjectProps) -> None:
        self._tree.document(
            relpath,
            project_manifest(props, namespace=self.spec.argocd_namespace, part_of=self.spec.name),
        )

    def _values(
        self, component: PlatformComponent, release: Release, ctx: ComponentContext
    ) -> None:
        overlay = ctx.env.name if ctx.env else "base"
        field = overlay if len(component.charts) == 1 else f"{release.release_name}.{overlay}"
        where = f"{component.name}/values"
        values = plain_values(where, field, component.values(release, ctx))
        check_no_secret_literals(where, field, values)
        self._tree.values(values_file(component, release, overlay), values)

    def _files(self, component: PlatformComponent, ctx: ComponentContext) -> None:
        """Add the component's plain files (catalog entities...), outside Argo CD's sources."""
        for relpath, text in component.files(ctx).items():
            top = relpath.split("/", 1)[0]
            if top not in (layout.CATALOG_FOLDER,) or ".." in relpath.split("/"):
                raise InvalidValueError(
                    f"{component.name}/files",
                    "path",
                    relpath,
                    f"a path under {layout.CATALOG_FOLDER}/",
                )
            if self._tree.has_text(relpath) and self._tree.text_of(relpath) != text:
                raise DuplicateError(
                    f"{component.name}/files", "path", relpath, "one content per file"
                )
            self._tree.text(relpath, text)

    def _manifests(self, component: PlatformComponent, ctx: ComponentContext) -> list[str]:
        """Render the component's manifests for ``ctx``; return the folder if any was emitted."""
        folder = layout.addons_folder(component.name, ctx.env.name if ctx.env else None)
        hook: Callable[[Construct, ComponentContext], object] = component.manifests
        scope = self._tree.scope_for(component.name, folder)
        result = hook(scope, ctx)
        if result is not None:
            raise InvalidValueError(
                f"{component.name}/manifests",
                "return value",
                result,
                "None: manifests() adds objects under its scope and returns nothing",
            )
        # the namespace's NetworkPolicies for this environment, from the declared flows
        emit_policies(scope, component, ctx)
        return [folder] if self._tree.close_folder(component.name, folder) else []

    def _component(self, component: PlatformComponent, project: ProjectProps) -> list[str]:
        """Shared values, shared manifests and the environment-neutral Application."""
        ctx = ComponentContext(self.spec, None, self.components)
        for release in component.charts:
            self._values(component, release, ctx)
            if isinstance(release, LocalChart):
                folder = local_chart_folder(component, release)
                for relpath, text in release.files().items():
                    self._tree.text(f"{folder}/{relpath}", text)
        self._files(component, ctx)
        folders = self._manifests(component, ctx)
        if not component.charts and not folders:
            raise ConfigurationError(
                f"PlatformApp/{component.name}",
                "charts/manifests",
                (),
                "a chart release or manifests shared by every environment: the "
                "environment-neutral Application needs at least one source",
            )
        props = component_application(self.spec, component, project, manifests=folders)
        self._applications[(component.name, None)] = props
        # The neutral Application is never deployed as is (only through an environment's
        # overlay), so its project fit is checked on the per-environment form.
        self._add_application(
            layout.application_file(component.name), component.name, props, check=False
        )
        return folders

    def _environment(
        self,
        env: Environment,
        projects: Mapping[str, ProjectProps],
        shared: Mapping[str, list[str]],
    ) -> None:
        """One environment: its values and manifests, its Applications' overlay, its parent."""
        spec = self.spec
        ctx = ComponentContext(spec, env, self.components)
        pairs: list[tuple[ApplicationProps, ApplicationProps]] = []
        for component in self.components:
            for release in component.charts:
                self._values(component, release, ctx)
            folders = [*shared[component.name], *self._manifests(component, ctx)]
            props = component_application(
                spec, component, projects[component.project], env=env, manifests=folders
            )
            props.check_permissions(f"{layout.cluster_folder(env.name)}/{component.name}")
            self._applications[(component.name, env.name)] = props
            pairs.append((self._applications[(component.name, None)], props))
        self._add_application(
            layout.app_of_apps_file(env.name),
            layout.APP_OF_APPS_NAME,
            app_of_apps(spec, projects["bootstrap"], env),
        )
        self._tree.text(
            f"{layout.cluster_folder(env.name)}/kustomization.yaml",
            dump_yaml(environment_kustomization(spec, pairs, env)),
        )

    # -- output ---------------------------------------------------------------------------

    def render(self) -> dict[str, str]:
        """Return the tree: tree-relative path -> file content."""
        return self._tree.render()

    def synth(self, outdir: str | os.PathLike[str] | None = None) -> Path:
        """Render and atomically replace ``outdir``; a failure leaves the old tree untouched.

        ``outdir`` defaults to ``$GITOPS_PLATFORM_DIST``, else ``PlatformSpec.tree_prefix``
        (``dist``). ``$GITOPS_PLATFORM_RENDER_INTO``, set by the validator's freshness step,
        wins over every folder, ``outdir`` included: a re-render never touches the tree it
        checks. Under ``cdk8s synth`` (``$CDK8S_OUTDIR`` set) the same files are also written
        to the CLI's staging folder, which the CLI empties before each run.

        Raises:
            SynthError: the tree could not be written (the message names the folder and the
                file system's error); the previous tree is untouched.
        """
        files = self.render()
        target = Path(
            os.environ.get(layout.RENDER_INTO_ENV)
            or outdir
            or os.environ.get(layout.DIST_ENV)
            or self.spec.tree_prefix
        )
        written = _write(files, target)
        staging = os.environ.get("CDK8S_OUTDIR")
        if staging and Path(staging).resolve() != written:
            _write(files, Path(staging))
        return written


def _write(files: Mapping[str, str], target: Path) -> Path:
    try:
        return write_tree(files, target)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise SynthError(
            f"{target}: could not write the tree: {error.strerror or error}{where}; "
            "the previous tree is untouched"
        ) from error

"""The contract of the rendered tree (DESIGN section 3) on the committed ``dist/``."""

from __future__ import annotations

import functools
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from gitops_platform import PlatformApp, PlatformComponent
from gitops_platform.argocd.project import Destination, GroupKind, ProjectProps
from gitops_platform.layout import values_file
from gitops_platform.validation.schemas import Scopes, build_store
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT
from tests.tree.conftest import kustomize_build

UPSTREAM = Settings.make(ROOT, repo_root=ROOT).upstream


def load_docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def git_sources(app: dict[str, Any]) -> list[dict[str, Any]]:
    spec = app["spec"]
    sources = spec.get("sources") or [spec["source"]]
    return [s for s in sources if "chart" not in s]


def test_layout(
    dist: Path, main_module: ModuleType, components: tuple[PlatformComponent, ...]
) -> None:
    files = {str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file()}
    envs = [e.name for e in main_module.SPEC.environments]
    expected = {
        "infra/infra-root.yaml",
        "infra/kustomization.yaml",
        "infra/projects/argocd-project-platform.yaml",
        "infra/projects/argocd-project-apps.yaml",
        "infra/platform/kustomization.yaml",
        *(
            f"infra/clusters/{e}/{f}"
            for e in envs
            for f in ("app-of-apps.yaml", "kustomization.yaml")
        ),
    }
    for component in components:
        expected.add(f"infra/platform/apps/{component.name}-application.yaml")
        if component.project == "apps":
            # an application team's service: its chart, values and catalog entity
            expected.update(
                f"apps/{component.name}/values/values-{o}.yaml" for o in ("base", *envs)
            )
            expected.add(f"apps/{component.name}/chart/Chart.yaml")
            expected.add(f"catalog/{component.name}/catalog-info.yaml")
            continue
        charts = component.charts
        if not charts:
            continue  # manifests only (the NetworkPolicies of a team's namespace): no values
        # a component with several charts keeps each release's values in a folder of its own
        releases = [c.release_name for c in charts] if len(charts) > 1 else [None]
        expected.update(
            values_file(component.name, o, release) for release in releases for o in ("base", *envs)
        )
    assert expected <= files, sorted(expected - files)
    extra = files - expected
    # the rest is real content under infra/base, the services' charts and the catalog
    assert all(f.startswith(("infra/base/", "apps/", "catalog/")) for f in extra), sorted(extra)
    for folder in (dist / "infra" / "base").rglob("*"):
        if folder.is_dir():
            assert any(folder.iterdir()), f"empty folder {folder}"


def test_fresh(dist: Path, rendered: dict[str, str]) -> None:
    committed = {str(p.relative_to(dist)): p.read_text() for p in dist.rglob("*") if p.is_file()}
    assert committed.keys() == rendered.keys(), "dist/ is stale: run `make synth` and commit"
    stale = [path for path, text in rendered.items() if committed[path] != text]
    assert not stale, f"dist/ is stale in {stale}: run `make synth` and commit"


def test_deterministic(main_module: ModuleType, rendered: dict[str, str]) -> None:
    again = main_module.build().render()
    assert list(again) == list(rendered)
    assert again == rendered
    text = "".join(rendered.values())
    assert "creationTimestamp" not in text
    assert "c8" not in "".join(rendered)  # no cdk8s name hashes in file names


def test_buildable_and_pinned(
    env_builds: dict[str, list[dict[str, Any]]],
    main_module: ModuleType,
    components: tuple[PlatformComponent, ...],
    dist: Path,
) -> None:
    for env in main_module.SPEC.environments:
        apps = env_builds[env.name]
        assert apps, env.name
        names = {a["metadata"]["name"] for a in apps}
        assert names == {f"{c.name}-{env.name}" for c in components}
        for app in apps:
            assert app["kind"] == "Application"
            for source in git_sources(app):
                assert source["targetRevision"] == env.revision, (app["metadata"]["name"], source)
            charts = [s for s in app["spec"]["sources"] if "helm" in s]
            if charts:  # a manifests-only Application (a team namespace's policies) has none
                overlay = charts[0]["helm"]["valueFiles"][-1]
                assert overlay.endswith((f"/{env.name}.yaml", f"/values-{env.name}.yaml"))
            assert app["spec"]["destination"]["name"] == env.cluster.name
        [parent] = load_docs(dist / "infra" / "clusters" / env.name / "app-of-apps.yaml")
        assert parent["spec"]["source"]["targetRevision"] == env.revision
        assert parent["spec"]["source"]["path"] == f"dist/infra/clusters/{env.name}"


def test_overlays_equal_the_per_environment_applications(
    env_builds: dict[str, list[dict[str, Any]]],
    main_module: ModuleType,
    platform_app: PlatformApp,
    components: tuple[PlatformComponent, ...],
) -> None:
    """kustomize's patched output is exactly the Application the library means per env."""
    platform = main_module.SPEC
    for env in platform.environments:
        built = {a["metadata"]["name"]: a for a in env_builds[env.name]}
        for component in components:
            props = platform_app.application(component.name, env.name)
            assert _normal(built[props.name]["spec"]) == _normal(props.spec())


def _normal(data: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(data, sort_keys=True))


@functools.cache
def _scopes() -> Scopes:
    """Kubernetes' own kinds and every upstream or project CRD (the pipeline's cached store)."""
    store, _ = build_store(ROOT / ".build" / "validation-cache", UPSTREAM, [])
    return store.scopes


def _namespaced(group: str, kind: str) -> bool:
    """Return True if the kind is namespaced."""
    if group == "constraints.gatekeeper.sh":  # CRDs Gatekeeper creates from the templates
        return False
    namespaced = _scopes().is_namespaced(group, kind)
    assert namespaced is not None, f"unknown kind {group}/{kind}"
    return namespaced


def _project(doc: dict[str, Any]) -> ProjectProps:
    spec = doc["spec"]

    def kinds(key: str) -> tuple[GroupKind, ...]:
        return tuple(GroupKind(**k) for k in spec.get(key) or [])

    return ProjectProps(
        name=doc["metadata"]["name"],
        description=spec.get("description", ""),
        source_repos=tuple(spec["sourceRepos"]),
        destinations=tuple(Destination(**d) for d in spec["destinations"]),
        cluster_resource_whitelist=kinds("clusterResourceWhitelist"),
        namespace_resource_whitelist=kinds("namespaceResourceWhitelist")
        if "namespaceResourceWhitelist" in spec
        else None,
        namespace_resource_blacklist=kinds("namespaceResourceBlacklist"),
    )


def test_closed(
    dist: Path,
    root_build: list[dict[str, Any]],
    env_builds: dict[str, list[dict[str, Any]]],
) -> None:
    """Every referenced path exists; every Application fits its project (read from the tree)."""
    projects = {d["metadata"]["name"]: _project(d) for d in root_build if d["kind"] == "AppProject"}
    assert set(projects) == {"apps", "bootstrap", "platform"}
    apps = [d for d in root_build if d["kind"] == "Application"]
    apps += [a for build in env_builds.values() for a in build]
    assert len(apps) > 3
    repo_root = dist.parent
    for app in apps:
        name = app["metadata"]["name"]
        spec = app["spec"]
        project = projects[spec["project"]]
        sources = spec.get("sources") or [spec["source"]]
        refs = {s["ref"] for s in sources if "ref" in s}
        destination = spec["destination"]
        assert project.permits_destination(
            destination["namespace"], name=destination.get("name"), server=destination.get("server")
        ), name
        for source in sources:
            assert project.permits_repo(source["repoURL"]), (name, source["repoURL"])
            for value_file in source.get("helm", {}).get("valueFiles", []):
                ref, _, path = value_file.partition("/")
                assert ref[1:] in refs, (name, value_file)
                assert (repo_root / path).is_file(), (name, value_file)
            if "path" in source:
                folder = repo_root / source["path"]
                assert folder.is_dir(), (name, source["path"])
                if (folder / "Chart.yaml").exists():
                    objects = []  # a chart kept in the repository: step 5b renders it
                elif (folder / "kustomization.yaml").exists():
                    objects = kustomize_build(folder)
                else:
                    objects = [o for m in sorted(folder.glob("*.yaml")) for o in load_docs(m)]
                for obj in objects:
                    group = obj["apiVersion"].rpartition("/")[0]
                    namespaced = _namespaced(group, obj["kind"])
                    assert project.permits_kind(
                        group, obj["kind"], namespaced=namespaced, name=obj["metadata"]["name"]
                    ), (name, obj["kind"])
        if (
            spec["syncPolicy"].get("syncOptions")
            and "CreateNamespace=true" in spec["syncPolicy"]["syncOptions"]
        ):
            assert project.permits_kind(
                "", "Namespace", namespaced=False, name=destination["namespace"]
            ), name


def test_root_owns_projects_and_every_environment(
    root_build: list[dict[str, Any]], main_module: ModuleType
) -> None:
    by_kind: dict[str, set[str]] = {}
    for doc in root_build:
        by_kind.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
    envs = {f"platform-{e.name}" for e in main_module.SPEC.environments}
    assert by_kind["Application"] == {"infra-root", *envs}
    assert by_kind["AppProject"] == {"apps", "bootstrap", "platform"}
    [root] = [d for d in root_build if d["metadata"]["name"] == "infra-root"]
    assert root["spec"]["source"]["targetRevision"] == main_module.SPEC.root_revision
    assert "finalizers" not in root["metadata"], "deleting the root must not cascade"


def test_every_object_carries_the_standard_labels(
    root_build: list[dict[str, Any]], dist: Path
) -> None:
    objects = list(root_build)
    for manifest in (dist / "infra" / "base").rglob("*.yaml"):
        objects.extend(load_docs(manifest))
    for path in (dist / "infra" / "platform" / "apps").glob("*.yaml"):
        objects.extend(load_docs(path))
    for obj in objects:
        labels = obj["metadata"].get("labels", {})
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/part-of"):
            assert key in labels, (obj["kind"], obj["metadata"]["name"], key)


def test_ci_evaluates_the_policy_set_the_tree_delivers(dist: Path, tmp_path: Path) -> None:
    """Step 6 reads its policy from the policy folder, and Argo CD delivers exactly that folder.

    So whatever policy set the platform is composed with (customised parameters, extra
    constraints) is what CI evaluates and what the clusters enforce.
    """
    from gitops_platform import layout
    from gitops_platform.validation.pipeline import Context
    from gitops_platform.validation.policies import delivered_policy

    context = Context(Settings.make(dist, repo_root=ROOT, freshness=False), set(), tmp_path)
    policy = delivered_policy(context.tree.documents)
    templates = {
        d.obj["spec"]["crd"]["spec"]["names"]["kind"]
        for d in policy
        if d.obj["kind"] == "ConstraintTemplate"
    }
    constraints = [
        d for d in policy if d.obj["apiVersion"].startswith("constraints.gatekeeper.sh/")
    ]
    assert templates, f"no ConstraintTemplate under {layout.POLICY_FOLDER}"
    assert constraints, f"no constraint under {layout.POLICY_FOLDER}"
    assert {c.obj["kind"] for c in constraints} <= templates
    # Every policy object step 6 loads is deployed by an Application of the Argo CD inventory.
    deployed = {
        (d.origin, d.index)
        for renders in context.inventory.rendered.values()
        for render in renders
        for d in render.documents
    }
    assert {(d.origin, d.index) for d in policy} <= deployed

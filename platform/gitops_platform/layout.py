"""The rendered tree's layout and the names both its producer and its validator rely on.

One module, imported by the constructs (which write the tree) and by the validation pipeline
(which reads any tree): file paths relative to the tree root, environment-variable names and
Argo CD constants. Pure data and string functions; importing it never starts jsii.

Tree layout (relative to the tree root, ``dist/`` in this repository)::

    infra/infra-root.yaml                          ROOT_FILE
    infra/kustomization.yaml                       INFRA_KUSTOMIZATION
    infra/projects/argocd-project-<project>.yaml   project_file(project)
    infra/platform/kustomization.yaml              PLATFORM_KUSTOMIZATION
    infra/platform/apps/<component>-application.yaml   application_file(component)
    infra/platform/values/<component>/[<release>/]<overlay>.yaml
                                                   values_file(component, overlay, release)
    infra/base/addons/<component>[/<env>]/         addons_folder(component, env)
    charts/<component>/<release>/                  chart_folder(component, release)
    apps/<service>/chart/                          app_chart_folder(service)
    apps/<service>/values/values-<overlay>.yaml    app_values_file(service, overlay)
    catalog/<entity>/catalog-info.yaml             catalog_file(entity)
    infra/clusters/<env>/app-of-apps.yaml          app_of_apps_file(env)
    infra/clusters/<env>/kustomization.yaml        cluster_folder(env) + "/kustomization.yaml"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "ADDONS_FOLDER",
    "APPS_FOLDER",
    "APP_OF_APPS_NAME",
    "ARGOCD_NAMESPACE",
    "BIN_ENV",
    "CACHE_ENV",
    "CATALOG_FOLDER",
    "CHART_MIRROR_ENV",
    "CHART_MIRROR_NONE",
    "CLUSTERS_FOLDER",
    "CLUSTER_DNS_LABELS",
    "CLUSTER_DNS_NAMESPACE",
    "DEFAULT_CHART_MIRROR",
    "DEFAULT_UPSTREAM",
    "DIST_ENV",
    "HELM_VALUES_API_VERSION",
    "HELM_VALUES_KIND",
    "HTTP01_SOLVER_LABELS",
    "HTTP01_SOLVER_PORT",
    "INFRA_FOLDER",
    "INFRA_KUSTOMIZATION",
    "IN_CLUSTER_SERVER",
    "NETWORK_FLOW_ANNOTATION",
    "NETWORK_ROLE_ANNOTATION",
    "PLATFORM_KUSTOMIZATION",
    "POLICY_FOLDER",
    "RENDER_INTO_ENV",
    "RESOURCES_FINALIZER",
    "ROOT_FILE",
    "UPSTREAM_ENV",
    "VALUES_REF",
    "RepoPrefix",
    "addons_folder",
    "app_chart_folder",
    "app_of_apps_file",
    "app_values_file",
    "application_file",
    "catalog_file",
    "chart_folder",
    "cluster_folder",
    "helm_values_object",
    "project_file",
    "values_file",
]

# -- environment variables ----------------------------------------------------------------

#: Where ``PlatformApp.synth()`` writes when no folder is given (``cdk8s synth`` uses it).
DIST_ENV = "GITOPS_PLATFORM_DIST"
#: Where ``PlatformApp.synth()`` writes whatever folder it is given: set only by the validator's
#: freshness step, so a re-render never writes into the tree under validation.
RENDER_INTO_ENV = "GITOPS_PLATFORM_RENDER_INTO"
#: The upstream reference data folder (CRDs, chart value schemas, the chart mirror).
UPSTREAM_ENV = "GITOPS_PLATFORM_UPSTREAM"
#: Where the validation tools (helm, kubeconform, gator, kustomize) are looked up first.
BIN_ENV = "GITOPS_PLATFORM_BIN"
#: The validation cache folder (generated schemas, scan results, chart archives).
CACHE_ENV = "GITOPS_PLATFORM_CACHE"
#: The upstream data's default location, relative to the repository root.
DEFAULT_UPSTREAM = "../shared/upstream"
#: The offline chart mirror (one static Helm repository per chart repository URL).
CHART_MIRROR_ENV = "GITOPS_PLATFORM_CHART_MIRROR"
#: The chart mirror's default location, relative to the upstream data folder.
DEFAULT_CHART_MIRROR = "chart-repos"
#: The value of ``GITOPS_PLATFORM_CHART_MIRROR`` (or ``--chart-mirror``) that turns the mirror
#: off: every chart is then pulled from its own repository.
CHART_MIRROR_NONE = "none"

# -- policy ---------------------------------------------------------------------------------

#: The CI-only kind a Helm values file is wrapped in for the policy step: the inline-secrets
#: constraint matches it, and the pipeline wraps each values file of the tree in it.
HELM_VALUES_API_VERSION = "validation.gitops-platform.io/v1"
HELM_VALUES_KIND = "HelmValues"

# -- network -------------------------------------------------------------------------------

#: The annotation of each generated allow NetworkPolicy: the declared flow it implements, as
#: JSON (``name``, ``from``, ``to``, ``ports``, ``reason``); the pipeline compares the simulated
#: reachability of the rendered policies with these flows.
NETWORK_FLOW_ANNOTATION = "network.gitops-platform.io/flow"
#: The annotation naming a generated policy's role: ``default-deny``, ``dns`` or ``flow``.
NETWORK_ROLE_ANNOTATION = "network.gitops-platform.io/role"
#: Where the cluster DNS runs and the labels of its pods (CoreDNS keeps kube-dns's label).
CLUSTER_DNS_NAMESPACE = "kube-system"
CLUSTER_DNS_LABELS = {"k8s-app": "kube-dns"}
#: The label cert-manager puts on the pods it creates to answer ACME HTTP-01 challenges, in the
#: namespace of the Certificate, and the port they serve (cert-manager
#: ``pkg/issuer/acme/http/pod.go``: ``acmeSolverListenPort``).
HTTP01_SOLVER_LABELS = {"acme.cert-manager.io/http01-solver": "true"}
HTTP01_SOLVER_PORT = 8089

# -- Argo CD --------------------------------------------------------------------------------

#: The namespace Argo CD runs in by default (``PlatformSpec.argocd_namespace``).
ARGOCD_NAMESPACE = "argocd"
#: The finalizer that makes Argo CD delete an Application's (or project's) resources with it.
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
#: The API server of the cluster Argo CD runs in.
IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
#: The ``ref`` name of the Git source that Helm sources read ``$values/...`` files from.
VALUES_REF = "values"
#: The name of each environment's parent Application file (without ``.yaml``).
APP_OF_APPS_NAME = "app-of-apps"

# -- tree layout ----------------------------------------------------------------------------

INFRA_FOLDER = "infra"
ROOT_FILE = f"{INFRA_FOLDER}/infra-root.yaml"
INFRA_KUSTOMIZATION = f"{INFRA_FOLDER}/kustomization.yaml"
PLATFORM_KUSTOMIZATION = f"{INFRA_FOLDER}/platform/kustomization.yaml"
CLUSTERS_FOLDER = f"{INFRA_FOLDER}/clusters"
ADDONS_FOLDER = f"{INFRA_FOLDER}/base/addons"
#: Where the policy component's objects (templates, constraints, sync config) are rendered.
POLICY_FOLDER = f"{ADDONS_FOLDER}/policy"


def project_file(project: str) -> str:
    """Return the file of an AppProject (``infra/projects/argocd-project-<project>.yaml``)."""
    return f"{INFRA_FOLDER}/projects/argocd-project-{project}.yaml"


def application_file(component: str) -> str:
    """Return the environment-neutral Application file of ``component``."""
    return f"{INFRA_FOLDER}/platform/apps/{component}-application.yaml"


def values_file(component: str, overlay: str, release: str | None = None) -> str:
    """Return the values file of ``component`` (``overlay``: ``base`` or an environment).

    A component with several charts keeps each release's files in a folder of its own
    (``values/<component>/<release>/<overlay>.yaml``).
    """
    folder = f"{component}/{release}" if release else component
    return f"{INFRA_FOLDER}/platform/values/{folder}/{overlay}.yaml"


def chart_folder(component: str, release: str) -> str:
    """Return the folder a chart kept in the repository is copied to (a Git path source)."""
    return f"charts/{component}/{release}"


#: Where application teams' services keep their chart and values (the ``apps`` project).
APPS_FOLDER = "apps"
#: Where Backstage catalog entities are rendered (read by Backstage at the environment's pin).
CATALOG_FOLDER = "catalog"


def app_chart_folder(service: str) -> str:
    """Return the folder of an application team's chart (``apps/<service>/chart``)."""
    return f"{APPS_FOLDER}/{service}/chart"


def app_values_file(service: str, overlay: str) -> str:
    """Return a service's values file (``apps/<service>/values/values-<overlay>.yaml``)."""
    return f"{APPS_FOLDER}/{service}/values/values-{overlay}.yaml"


def catalog_file(entity: str) -> str:
    """Return the catalog file of an entity (``catalog/<entity>/catalog-info.yaml``)."""
    return f"{CATALOG_FOLDER}/{entity}/catalog-info.yaml"


def addons_folder(component: str, env: str | None = None) -> str:
    """Return the manifests folder of ``component`` (shared, or for one environment)."""
    return f"{ADDONS_FOLDER}/{component}" + (f"/{env}" if env else "")


def cluster_folder(env: str) -> str:
    """Return the folder of an environment (its app-of-apps and overlay)."""
    return f"{CLUSTERS_FOLDER}/{env}"


def app_of_apps_file(env: str) -> str:
    """Return the app-of-apps file of an environment."""
    return f"{cluster_folder(env)}/{APP_OF_APPS_NAME}.yaml"


@dataclass(frozen=True)
class RepoPrefix:
    """The tree's folder in its Git repository: maps repository paths onto tree paths.

    Applications name Git paths from the repository root (``dist/infra/clusters/dev``); the
    tree is read from its own root (``infra/clusters/dev``).

    Attributes:
        prefix: the folder with a trailing ``/`` (``dist/``, ``PlatformSpec.tree_prefix``), or
            ``""`` when the tree is the repository root.

    """

    prefix: str

    def to_tree(self, repo_path: str) -> str | None:
        """``dist/infra/x`` -> ``infra/x``; ``.`` for the folder itself; ``None`` outside it."""
        path = PurePosixPath("/" + repo_path.strip()).as_posix().lstrip("/")
        if not self.prefix:
            return path or "."
        folder = self.prefix.rstrip("/")
        if path == folder:
            return "."
        if path.startswith(self.prefix):
            return path[len(self.prefix) :]
        return None

    def to_repo(self, tree_path: str) -> str:
        """``infra/x`` -> ``dist/infra/x`` (the path an Application names)."""
        path = PurePosixPath("/" + tree_path.strip()).as_posix().lstrip("/")
        if path in ("", "."):
            return self.prefix.rstrip("/") or "."
        return f"{self.prefix}{path}"


def helm_values_object(name: str, values: Any) -> dict[str, Any]:
    """Wrap a Helm values file as the CI-only ``HelmValues`` object gator can evaluate.

    Args:
        name: the object name, ``<component>-<file>`` (made DNS-safe here).
        values: the parsed values file (``None`` for an empty file).

    Returns:
        A ``validation.gitops-platform.io/v1`` ``HelmValues`` object
        (:data:`gitops_platform.layout.HELM_VALUES_KIND`). It is never applied to a cluster;
        the inline-secrets constraint matches it.

    """
    safe = re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-.") or "values"
    return {
        "apiVersion": HELM_VALUES_API_VERSION,
        "kind": HELM_VALUES_KIND,
        "metadata": {
            "name": safe,
            "labels": {
                "app.kubernetes.io/name": safe,
                "app.kubernetes.io/part-of": "gitops-platform",
                "app.kubernetes.io/managed-by": "gitops-platform",
            },
        },
        "spec": {"values": {} if values is None else values},
    }

"""Step 9 (``dry-run``): every environment applied to a real Kubernetes API server, dry-run.

kubeconform checks shapes. The API server also runs what a schema cannot express: the CEL rules
(``x-kubernetes-validations``) of the CRDs, the Go-coded validation of built-in kinds (a
Deployment whose selector does not match its template, a name that is not a DNS label...) and
Pod Security admission. For each destination cluster the tree delivers to (an environment such
as ``dev``, or ``in-cluster``, Argo CD's own cluster, which receives the Applications and
AppProjects), a fresh :class:`~gitops_platform.validation.kube_server.LocalServer` (etcd and
``kube-apiserver`` v1.33, built by ``make tools`` from ``tools/kube/``) is started on loopback,
and then:

1. the CRDs are created for real: those the cluster's objects carry (chart renders with
   ``--include-crds``, manifests), the constraint CRDs Gatekeeper would create from the
   ConstraintTemplates, and, for each other custom kind the cluster uses, its CRD from the
   upstream data (``<upstream>/crds``) or the project (``validation/crds``). A conversion webhook
   is replaced by ``strategy: None``, as no webhook runs here; objects are validated against the
   schema of the version they are written in either way. A refused CRD is a finding;
2. the namespaces are applied for real: those the Applications create (``CreateNamespace=true``)
   with the labels and annotations of their ``managedNamespaceMetadata`` (the Pod Security
   labels among them), every Namespace object of the cluster, and ``argocd`` in Argo CD's
   cluster (installed by hand there);
3. every other object is applied server-side (as a ``ServerSideApply=true`` sync does; a create
   for an object with only ``generateName``) with ``dryRun=All`` and ``fieldValidation=Strict``,
   one HTTP request each, on :data:`WORKERS` kept-alive connections; built-in kinds go first,
   while the CRDs are being established. A namespaced object without a namespace goes to its
   Application's destination namespace, as Argo CD puts it. A refusal is a finding per cause
   (with its field); so is every warning the server returns (a Pod Security ``would violate``
   warning on a workload, a deprecated API...): warnings count as errors, except those listed
   with their reason in :data:`ACCEPTED_WARNINGS`.

Which objects a cluster receives comes from the Argo CD walk (step 7's inventory): what each
Application's Git path sources render, plus its chart renders (step 5c), go to the Application's
destination cluster; the root file (applied by hand) goes to Argo CD's cluster. Admission
webhooks (Gatekeeper, cert-manager, External Secrets) are not exercised: step 6 evaluates the
policies.

Where ``kube-apiserver`` or ``etcd`` is not installed the step is *not run*, with the reason.
Each server is stopped, and its data folder removed, whatever happens (see
:mod:`~gitops_platform.validation.kube_server`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gitops_platform.layout import ARGOCD_NAMESPACE, IN_CLUSTER_SERVER
from gitops_platform.validation.argo_tree import ArgoApp, ArgoInventory
from gitops_platform.validation.kube_server import (
    ApiClient,
    ApiResponse,
    LocalServer,
    ServerError,
    sigterm_raises,
)
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.schemas import constraint_crd, load_upstream_crds
from gitops_platform.validation.settings import KUBERNETES_VERSION
from gitops_platform.validation.tools import INSTALL_HINT

__all__ = [
    "ACCEPTED_WARNINGS",
    "FIELD_MANAGER",
    "IN_CLUSTER",
    "POD_SPEC_PATHS",
    "STEP",
    "TOOLS",
    "Cluster",
    "ManagedNamespace",
    "Placed",
    "cluster_name",
    "plan_clusters",
    "pod_security_field",
    "root_documents",
    "run_server_dry_run",
    "upstream_crds",
]

STEP = "dry-run"
#: The name Argo CD gives the cluster it runs in (``https://kubernetes.default.svc``).
IN_CLUSTER = "in-cluster"
#: The executables the step needs (built by ``make tools``).
TOOLS = ("kube-apiserver", "etcd")
FIELD_MANAGER = "gitops-platform-validation"
#: Seconds the whole step may take (every cluster); checked between requests.
STEP_TIMEOUT = 900.0
#: Connections used at once for independent requests.
WORKERS = 4
#: Seconds a CRD is given to be established.
CRD_TIMEOUT = 60.0
CRD_KIND = "CustomResourceDefinition"
CRD_API = "apiextensions.k8s.io/v1"
_CREATE_NAMESPACE = "CreateNamespace=true"
#: How server-side apply words a field its schema lacks (it gives no structured cause).
_TYPED_PATCH = re.compile(r"failed to create typed patch object \([^)]*\): \.([^:\s]+): ")
#: Warnings that are no problem of the tree, each with why: every other warning is an error.
ACCEPTED_WARNINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r'^metadata\.finalizers: "[a-z-]+\.argocd\.argoproj\.io": prefer a domain-qualified '
            r"finalizer name"
        ),
        "Argo CD's own finalizer names, which it matches exactly (Argo CD 3.5 "
        "docs/user-guide/app_deletion.md: resources-finalizer.argocd.argoproj.io)",
    ),
)


class _Rendered(Protocol):
    """What the step reads of a chart render: its objects and the Application it is for."""

    @property
    def documents(self) -> list[Document]: ...

    @property
    def app(self) -> str | None: ...


@dataclass(frozen=True)
class Placed:
    """One object of a cluster.

    Attributes:
        document: the object and where it came from.
        namespace: where it goes when it is namespaced and names none (its Application's
            destination namespace; ``""`` when there is none).

    """

    document: Document
    namespace: str = ""


@dataclass(frozen=True)
class ManagedNamespace:
    """A namespace an Application creates (``CreateNamespace=true``).

    Attributes:
        name: the namespace.
        labels: from ``spec.syncPolicy.managedNamespaceMetadata.labels``.
        annotations: from ``spec.syncPolicy.managedNamespaceMetadata.annotations``.
        app: the Application's document (where a refusal is reported).

    """

    name: str
    labels: dict[str, str]
    annotations: dict[str, str]
    app: Document | None = None


@dataclass
class Cluster:
    """Everything one destination cluster receives.

    Attributes:
        name: the destination's ``name`` (an environment: ``dev``), its ``server`` URL, or
            :data:`IN_CLUSTER`.
        objects: its objects, each once, in the order found.
        namespaces: the namespaces its Applications create, by name.

    """

    name: str
    objects: dict[tuple[str, int], Placed] = field(default_factory=dict)
    namespaces: dict[str, ManagedNamespace] = field(default_factory=dict)

    def add(self, documents: Iterable[Document], namespace: str = "") -> None:
        """Add objects (an object already placed here keeps its first placement)."""
        for document in documents:
            self.objects.setdefault((document.origin, document.index), Placed(document, namespace))

    @property
    def placed(self) -> list[Placed]:
        """The objects, in the order found."""
        return list(self.objects.values())


def cluster_name(destination: dict[str, Any]) -> str:
    """The cluster an Application deploys to: ``destination.name``, else its server.

    ``https://kubernetes.default.svc`` (and no destination) is :data:`IN_CLUSTER`, as Argo CD
    names it.
    """
    name = destination.get("name")
    if name:
        return str(name)
    server = str(destination.get("server") or "").rstrip("/")
    return IN_CLUSTER if server in ("", IN_CLUSTER_SERVER) else server


def plan_clusters(
    inventory: ArgoInventory, root_documents: Sequence[Document], renders: Iterable[_Rendered]
) -> list[Cluster]:
    """Sort every object the tree delivers by the cluster it lands in.

    Args:
        inventory: the Applications Argo CD would create and what their Git paths render.
        root_documents: the objects applied by hand in Argo CD's namespace of its own cluster
            (the root file's; without one, every root Application).
        renders: the chart renders (their ``app`` names the Application by ``ref``).

    Returns:
        The clusters, Argo CD's own first, then by name.

    """
    clusters: dict[str, Cluster] = {IN_CLUSTER: Cluster(IN_CLUSTER)}

    def cluster(name: str) -> Cluster:
        return clusters.setdefault(name, Cluster(name))

    home = clusters[IN_CLUSTER]
    home.add(root_documents, ARGOCD_NAMESPACE)
    home.namespaces[ARGOCD_NAMESPACE] = ManagedNamespace(ARGOCD_NAMESPACE, {}, {})
    by_app: dict[str, list[Document]] = {}
    for render in renders:
        if render.app:
            by_app.setdefault(render.app, []).extend(render.documents)
    for app in inventory.apps:
        target = cluster(cluster_name(app.destination))
        namespace = str(app.destination.get("namespace") or "")
        for path_render in inventory.rendered.get(app.document.ref, []):
            target.add(path_render.documents, namespace)
        target.add(by_app.get(app.document.ref, []), namespace)
        managed = _managed_namespace(app, namespace)
        if managed is not None and managed.name not in target.namespaces:
            target.namespaces[managed.name] = managed
    ordered = [clusters.pop(IN_CLUSTER)]
    return ordered + [clusters[name] for name in sorted(clusters)]


def root_documents(inventory: ArgoInventory, documents_of_root: list[Document]) -> list[Document]:
    """The objects applied by hand: the root file's, else every root Application."""
    if inventory.has_root:
        return documents_of_root
    return [app.document for app in inventory.apps if app.parent is None]


def upstream_crds(upstream: Path, cache: Path) -> list[tuple[str, dict[str, Any]]]:
    """The upstream data's CRDs, parsed once and kept as JSON keyed by the files' contents.

    Args:
        upstream: the upstream reference data folder.
        cache: the cache root (``<cache>/dry-run/`` is used).

    Returns:
        ``(path relative to upstream, CRD)`` pairs (see
        :func:`~gitops_platform.validation.schemas.load_upstream_crds`).

    Raises:
        UpstreamDataError: when the upstream CRDs are missing.

    """
    folder = upstream / "crds"
    hasher = hashlib.sha256()
    for path in sorted(folder.glob("**/*.yaml")) if folder.is_dir() else []:
        hasher.update(path.relative_to(upstream).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    target = cache / STEP / f"upstream-crds-{hasher.hexdigest()[:16]}.json"
    if target.is_file():
        return [(str(o), c) for o, c in json.loads(target.read_text(encoding="utf-8"))]
    crds = load_upstream_crds(upstream)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json.dumps(crds, default=str))
    Path(staging).replace(target)
    return crds


def _managed_namespace(app: ArgoApp, namespace: str) -> ManagedNamespace | None:
    sync = app.spec.get("syncPolicy")
    sync = sync if isinstance(sync, dict) else {}
    options = [str(o).replace(" ", "") for o in sync.get("syncOptions") or []]
    if not namespace or _CREATE_NAMESPACE not in options:
        return None
    meta = sync.get("managedNamespaceMetadata")
    meta = meta if isinstance(meta, dict) else {}
    return ManagedNamespace(
        namespace,
        {str(k): str(v) for k, v in (meta.get("labels") or {}).items()},
        {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
        app.document,
    )


# -- the run ---------------------------------------------------------------------------------


def run_server_dry_run(
    clusters: list[Cluster],
    base_crds: list[tuple[str, dict[str, Any]]],
    apiserver: Path | None,
    etcd: Path | None,
    *,
    timeout: float = STEP_TIMEOUT,
    notes: Sequence[str] = (),
) -> StepResult:
    """Dry-run every cluster's objects on its own throwaway API server.

    Args:
        clusters: from :func:`plan_clusters`.
        base_crds: ``(origin, CRD)`` pairs applied to every cluster first (the upstream data's
            and the project's).
        apiserver: the ``kube-apiserver`` executable (``None``: not installed).
        etcd: the ``etcd`` executable (``None``: not installed).
        timeout: seconds the whole step may take.
        notes: what the step's detail should add (inputs that were not available).

    Returns:
        The step's result: failed with a finding per refusal or warning, *not run* when the
        tools are missing.

    """
    missing = [name for name, path in zip(TOOLS, (apiserver, etcd), strict=True) if path is None]
    if missing or apiserver is None or etcd is None:
        return StepResult(
            STEP,
            Status.NOT_RUN,
            [],
            f"{' and '.join(missing)} not installed: {INSTALL_HINT}",
        )
    with sigterm_raises():  # between two servers too: the pipeline's folder is removed
        return _run_clusters(clusters, base_crds, apiserver, etcd, timeout, notes)


def _run_clusters(
    clusters: list[Cluster],
    base_crds: list[tuple[str, dict[str, Any]]],
    apiserver: Path,
    etcd: Path,
    timeout: float,
    notes: Sequence[str],
) -> StepResult:
    deadline = time.monotonic() + timeout
    version = ""
    findings: list[Finding] = []
    counts: list[str] = []
    for cluster in clusters:
        if not cluster.objects:
            counts.append(f"{cluster.name}: nothing to check")
            continue
        try:
            with LocalServer(apiserver, etcd) as server:
                session = _Session(cluster, server, deadline)
                if not version:
                    version = str(session.client.request("GET", "/version").body.get("gitVersion"))
                    if not _same_minor(version, KUBERNETES_VERSION):
                        findings.append(
                            Finding(
                                str(apiserver),
                                STEP,
                                f"kube-apiserver {version} is not Kubernetes "
                                f"{'.'.join(KUBERNETES_VERSION.split('.')[:2])}, the clusters' "
                                f"version: {INSTALL_HINT}",
                            )
                        )
                session.run(base_crds)
        except ServerError as error:
            findings.append(
                Finding(
                    str(apiserver),
                    STEP,
                    f"{cluster.name}: the API server did not start: {error}",
                )
            )
            counts.append(f"{cluster.name}: not started")
            continue
        except _TimedOut:
            findings.append(
                Finding(
                    "-",
                    STEP,
                    f"{cluster.name}: the step took longer than {timeout:g}s and was stopped",
                )
            )
            counts.append(f"{cluster.name}: timed out")
            break
        findings.extend(session.findings)
        line = (
            f"{cluster.name}: {session.checked} objects, {session.crds} CRDs, "
            f"{session.namespaces} namespaces"
        )
        if session.accepted:
            line += f", {session.accepted} accepted warnings"
        counts.append(line)
    detail = "; ".join(counts) + f" (kube-apiserver {version or '?'}, dry-run, strict fields)"
    if notes:
        detail += "; " + "; ".join(notes)
    status = Status.FAILED if findings else Status.PASSED
    return StepResult(STEP, status, findings, detail)


class _TimedOut(Exception):
    pass


@dataclass(frozen=True)
class _Resource:
    plural: str
    namespaced: bool


@dataclass(frozen=True)
class _Call:
    """One request to send, with what a refusal is reported on."""

    method: str
    path: str
    body: dict[str, Any]
    query: dict[str, str]
    document: Document | None
    ref: str | None = None
    content_type: str = "application/json"


def _apply_call(path: str, obj: dict[str, Any]) -> _Call:
    """A server-side apply, for real (namespaces): strict fields, this step's field manager."""
    return _Call(
        "PATCH",
        path,
        obj,
        {"fieldManager": FIELD_MANAGER, "force": "true", "fieldValidation": "Strict"},
        None,
        content_type="application/apply-patch+yaml",
    )


@dataclass(frozen=True)
class _Outcome:
    """What became of one object: the call and its response, or why nothing was sent."""

    call: _Call | None
    response: ApiResponse | None
    problem: str = ""


class _Session:
    """One cluster on one server: CRDs, namespaces, then every object dry-run.

    Independent requests (the CRDs, the dry-runs) go out on :data:`WORKERS` connections at once;
    findings are reported in the order the objects were found.
    """

    def __init__(self, cluster: Cluster, server: LocalServer, deadline: float) -> None:
        self.cluster = cluster
        self.server = server
        self.client = server.api
        self.deadline = deadline
        self.findings: list[Finding] = []
        self.checked = 0
        self.crds = 0
        self.namespaces = 0
        self.accepted = 0
        self._discovery: dict[str, dict[str, _Resource] | None] = {}
        self._local = threading.local()
        self._clients: list[ApiClient] = []
        self._lock = threading.Lock()

    def run(self, base_crds: list[tuple[str, dict[str, Any]]]) -> None:
        try:
            placed = self.cluster.placed
            pending = self._apply_crds(base_crds, placed)
            self._apply_namespaces(placed)
            rest = [
                item
                for item in placed
                if not _is_crd(item.document.obj) and not _is_namespace(item.document.obj)
            ]
            # Built-in kinds first, while the CRDs get established.
            builtin = [i for i in rest if _object_kind(i.document.obj) not in pending]
            custom = [i for i in rest if _object_kind(i.document.obj) in pending]
            outcomes = self._dry_run_all(builtin)
            self._wait_established(pending)
            outcomes.update(self._dry_run_all(custom))
            for item in rest:
                self._report(item, outcomes[id(item)])
        finally:
            for client in self._clients:
                client.close()

    # -- requests ---------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> ApiResponse:
        if time.monotonic() > self.deadline:
            raise _TimedOut
        return self.client.request(method, path, body, query, content_type)

    def _send(self, call: _Call) -> ApiResponse:
        """Send one call on this thread's own connection."""
        if time.monotonic() > self.deadline:
            raise _TimedOut
        client: ApiClient | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.server.new_client()
            with self._lock:
                self._clients.append(client)
        return client.request(call.method, call.path, call.body, call.query, call.content_type)

    def _send_all(self, calls: list[_Call]) -> list[ApiResponse]:
        if len(calls) <= 1:
            return [self._send(call) for call in calls]
        pool = ThreadPoolExecutor(max_workers=WORKERS)
        try:
            return list(pool.map(self._send, calls))
        finally:
            # On a timeout, an error or SIGTERM, the calls not yet sent are dropped.
            pool.shutdown(wait=True, cancel_futures=True)

    def _finding(
        self,
        document: Document | None,
        message: str,
        where: str | None = None,
        ref: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                document.origin if document else "-",
                STEP,
                f"{self.cluster.name}: {message}",
                ref or (document.ref if document else None),
                where,
            )
        )

    def _refused(
        self,
        document: Document | None,
        response: ApiResponse,
        prefix: str = "",
        ref: str | None = None,
    ) -> None:
        body = response.body
        details = body.get("details") or {}
        causes = details.get("causes") or []
        message = str(body.get("message") or f"HTTP {response.status}")
        if body.get("reason") == "NotFound" and details.get("kind") == "namespaces":
            message += (
                ": no Application of this cluster creates it (CreateNamespace=true) and no "
                "Namespace object of the cluster does"
            )
        if not causes:
            # Server-side apply names the field only in its message.
            typed = _TYPED_PATCH.search(message)
            self._finding(document, prefix + message, typed.group(1) if typed else None, ref)
            return
        for cause in causes:
            text = str(cause.get("message") or cause.get("reason") or message)
            self._finding(document, prefix + text, str(cause.get("field") or "") or None, ref)

    # -- CRDs -------------------------------------------------------------------------------

    def _apply_crds(
        self, base_crds: list[tuple[str, dict[str, Any]]], placed: list[Placed]
    ) -> dict[tuple[str, str], tuple[str, dict[str, Any], Document | None]]:
        """Create the CRDs; returns the created ones by (group, kind): (name, CRD, document)."""
        chosen: dict[str, tuple[Document | None, dict[str, Any]]] = {}
        for item in placed:
            obj = item.document.obj
            if _is_crd(obj):
                chosen.setdefault(_name(obj), (item.document, obj))
        for item in placed:
            derived = _constraint_crd(item.document.obj)
            if derived is not None:
                chosen.setdefault(_name(derived), (item.document, derived))
        # A base CRD only for a kind the cluster uses and does not install itself.
        provided = {_crd_kind(crd) for _, crd in chosen.values()}
        used = {_object_kind(item.document.obj) for item in placed} - provided
        for _origin, crd in base_crds:
            if _crd_kind(crd) in used:
                chosen.setdefault(_name(crd), (None, crd))
        calls = [
            _Call(
                "POST",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                _for_apply(crd),
                {"fieldManager": FIELD_MANAGER, "fieldValidation": "Strict"},
                document,
            )
            for document, crd in chosen.values()
        ]
        created: dict[tuple[str, str], tuple[str, dict[str, Any], Document | None]] = {}
        for call, response in zip(calls, self._send_all(calls), strict=True):
            if response.ok:
                created[_crd_kind(call.body)] = (_name(call.body), call.body, call.document)
                if call.document is not None:
                    self._warned(call.document, response)
            else:
                self._refused(call.document, response, "CRD refused: ")
        self.crds = len(created)
        return created

    def _wait_established(
        self, pending: dict[tuple[str, str], tuple[str, dict[str, Any], Document | None]]
    ) -> None:
        """Wait until discovery lists every created CRD's kind (it does once established)."""
        limit = time.monotonic() + CRD_TIMEOUT
        waiting = {
            (f"{group}/{version}", kind)
            for (group, kind), (_, crd, _) in pending.items()
            for version in _served_versions(crd)[:1]
        }
        while waiting:
            for api_version in sorted({a for a, _ in waiting}):
                self._discovery.pop(api_version, None)
                served = self._resources(api_version) or {}
                waiting -= {(a, k) for a, k in waiting if a == api_version and k in served}
            if not waiting:
                break
            if time.monotonic() > limit:
                for api_version, kind in sorted(waiting):
                    name, _, document = pending[(api_version.rpartition("/")[0], kind)]
                    response = self._request(
                        "GET", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"
                    )
                    conditions = (response.body.get("status") or {}).get("conditions") or []
                    states = "; ".join(
                        f"{c.get('type')}={c.get('status')} {c.get('message') or ''}".strip()
                        for c in conditions
                    )
                    self._finding(
                        document,
                        f"CRD {name} not established in {CRD_TIMEOUT:g}s ({states or 'no status'})",
                    )
                return
            time.sleep(0.05)

    # -- namespaces -------------------------------------------------------------------------

    def _apply_namespaces(self, placed: list[Placed]) -> None:
        """Create the namespaces: those Applications create first, then the Namespace objects.

        Each phase's applies are independent of one another and go out on :data:`WORKERS`
        connections; the findings keep the order of the namespaces.
        """
        managed = list(self.cluster.namespaces.values())
        managed_calls = []
        for namespace in managed:
            metadata: dict[str, Any] = {"name": namespace.name}
            if namespace.labels:
                metadata["labels"] = namespace.labels
            if namespace.annotations:
                metadata["annotations"] = namespace.annotations
            body = {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}
            managed_calls.append(_apply_call(f"/api/v1/namespaces/{namespace.name}", body))
        for namespace, response in zip(managed, self._send_all(managed_calls), strict=True):
            if response.ok:
                self.namespaces += 1
            else:
                self._refused(
                    namespace.app,
                    response,
                    f"the namespace {namespace.name} it creates is refused: ",
                )
        objects = [item for item in placed if _is_namespace(item.document.obj)]
        calls = [
            _apply_call(
                f"/api/v1/namespaces/{_name(item.document.obj)}", _for_apply(item.document.obj)
            )
            for item in objects
        ]
        for item, response in zip(objects, self._send_all(calls), strict=True):
            self.checked += 1
            if response.ok:
                self.namespaces += 1
                self._warned(item.document, response)
            else:
                self._refused(item.document, response)

    # -- every other object -----------------------------------------------------------------

    def _resources(self, api_version: str) -> dict[str, _Resource] | None:
        if api_version not in self._discovery:
            path = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
            response = self._request("GET", path)
            found: dict[str, _Resource] | None = None
            if response.ok:
                found = {}
                for resource in response.body.get("resources") or []:
                    name = str(resource.get("name", ""))
                    if "/" not in name and resource.get("kind"):
                        found[str(resource["kind"])] = _Resource(
                            name, bool(resource.get("namespaced"))
                        )
            self._discovery[api_version] = found
        return self._discovery[api_version]

    def _dry_run_all(self, items: list[Placed]) -> dict[int, _Outcome]:
        """Dry-run the objects; their outcomes by ``id(item)``."""
        outcomes: dict[int, _Outcome] = {}
        calls: list[tuple[int, _Call]] = []
        for item in items:
            planned = self._plan(item)
            if isinstance(planned, str):
                outcomes[id(item)] = _Outcome(None, None, planned)
            else:
                calls.append((id(item), planned))
        responses = self._send_all([call for _, call in calls])
        for (key, call), response in zip(calls, responses, strict=True):
            outcomes[key] = _Outcome(call, response)
        return outcomes

    def _plan(self, item: Placed) -> _Call | str:
        document = item.document
        obj = document.obj
        api_version, kind = str(obj.get("apiVersion") or ""), str(obj.get("kind") or "")
        if not api_version or not kind:
            return "not a Kubernetes object: apiVersion and kind are required"
        resources = self._resources(api_version)
        resource = (resources or {}).get(kind)
        if resource is None:
            served = "is not served" if resources is None else f"serves no kind {kind}"
            return (
                f"{api_version} {served} here (Kubernetes 1.33, the upstream CRDs and those the "
                "environment installs)"
            )
        body, ref = obj, document.ref
        base = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
        meta = obj.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        if resource.namespaced:
            namespace = str(meta.get("namespace") or item.namespace or "default")
            if not meta.get("namespace"):
                # Where Argo CD puts it: the Application's destination namespace.
                body = copy.deepcopy(obj)
                body.setdefault("metadata", {})["namespace"] = namespace
                ref = Document(document.origin, document.index, body).ref
            path = f"{base}/namespaces/{namespace}/{resource.plural}"
        else:
            path = f"{base}/{resource.plural}"
        query = {"dryRun": "All", "fieldValidation": "Strict", "fieldManager": FIELD_MANAGER}
        name = meta.get("name")
        if not name:  # generateName: only a create can name it
            return _Call("POST", path, body, query, document, ref)
        # Server-side apply, as Argo CD's ServerSideApply=true sync does; it creates the object
        # (dry-run) when it does not exist, through the same validation and admission.
        query["force"] = "true"
        return _Call(
            "PATCH", f"{path}/{name}", body, query, document, ref, "application/apply-patch+yaml"
        )

    def _report(self, item: Placed, outcome: _Outcome) -> None:
        document = item.document
        if outcome.call is None or outcome.response is None:
            self._finding(document, outcome.problem, "kind" if "serve" in outcome.problem else None)
            return
        self.checked += 1
        if outcome.response.ok:
            self._warned(document, outcome.response, outcome.call.ref)
        else:
            self._refused(document, outcome.response, ref=outcome.call.ref)

    def _warned(self, document: Document, response: ApiResponse, ref: str | None = None) -> None:
        for warning in response.warnings:
            if any(pattern.search(warning) for pattern, _ in ACCEPTED_WARNINGS):
                self.accepted += 1
                continue
            self._finding(
                document,
                f"warning (counted as an error): {warning}",
                pod_security_field(document.obj, warning),
                ref,
            )


#: Where each workload kind keeps its Pod spec (Kubernetes' Pod Security admission reads the
#: same places: ``k8s.io/pod-security-admission/admission``, ``PodSpecExtractor``).
POD_SPEC_PATHS = {
    "Pod": "spec",
    "Deployment": "spec.template.spec",
    "StatefulSet": "spec.template.spec",
    "DaemonSet": "spec.template.spec",
    "ReplicaSet": "spec.template.spec",
    "ReplicationController": "spec.template.spec",
    "Job": "spec.template.spec",
    "PodTemplate": "template.spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
}
_PSA_CONTAINER = re.compile(r'containers? "([^"]+)"')


def pod_security_field(obj: dict[str, Any], warning: str) -> str | None:
    """The field a Pod Security ``would violate`` warning is about, in the object's pod spec.

    The warning names the containers at fault (``container "api" must set
    securityContext.allowPrivilegeEscalation=false``): the first one named is located as
    ``<pod spec>.containers[<i>].securityContext`` (``initContainers``, ``ephemeralContainers``
    alike); a warning about volumes points at ``<pod spec>.volumes``; any other at the pod's
    ``securityContext``.

    Args:
        obj: the object the warning was returned for.
        warning: the warning's text.

    Returns:
        The dotted field path, or ``None`` for another warning or a kind without a pod spec.

    """
    if "would violate PodSecurity" not in warning:
        return None
    pod = POD_SPEC_PATHS.get(str(obj.get("kind") or ""))
    if pod is None:
        return None
    node: Any = obj
    for part in pod.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    spec = node if isinstance(node, dict) else {}
    violations = warning.split(":", 2)[-1]
    named = _PSA_CONTAINER.search(violations)
    if named:
        for group in ("initContainers", "containers", "ephemeralContainers"):
            containers = spec.get(group)
            for index, container in enumerate(containers if isinstance(containers, list) else []):
                if isinstance(container, dict) and container.get("name") == named.group(1):
                    return f"{pod}.{group}[{index}].securityContext"
    if "volume" in violations.split("(", 1)[0]:
        return f"{pod}.volumes"
    return f"{pod}.securityContext"


def _is_crd(obj: dict[str, Any]) -> bool:
    return obj.get("kind") == CRD_KIND and obj.get("apiVersion") == CRD_API


def _is_namespace(obj: dict[str, Any]) -> bool:
    return obj.get("kind") == "Namespace" and obj.get("apiVersion") == "v1"


def _crd_kind(crd: dict[str, Any]) -> tuple[str, str]:
    spec = crd.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    names = spec.get("names")
    names = names if isinstance(names, dict) else {}
    return str(spec.get("group") or ""), str(names.get("kind") or "")


def _object_kind(obj: dict[str, Any]) -> tuple[str, str]:
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    return group, str(obj.get("kind") or "")


def _same_minor(version: str, expected: str) -> bool:
    """Whether ``v1.33.13`` and ``1.33.0`` share major and minor."""
    return version.lstrip("v").split(".")[:2] == expected.lstrip("v").split(".")[:2]


def _served_versions(crd: dict[str, Any]) -> list[str]:
    spec = crd.get("spec")
    versions = spec.get("versions") if isinstance(spec, dict) else None
    return [
        str(v["name"])
        for v in versions or []
        if isinstance(v, dict) and v.get("name") and v.get("served", True)
    ]


def _name(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata")
    return str((meta if isinstance(meta, dict) else {}).get("name") or "")


def _for_apply(obj: dict[str, Any]) -> dict[str, Any]:
    """An object as sent for real: no status; a conversion webhook becomes ``None``."""
    body = {k: v for k, v in obj.items() if k != "status"}
    spec = body.get("spec")
    if _is_crd(obj) and isinstance(spec, dict):
        conversion = spec.get("conversion")
        if isinstance(conversion, dict) and conversion.get("strategy") == "Webhook":
            body["spec"] = {**spec, "conversion": {"strategy": "None"}}
    return body


def _constraint_crd(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The CRD Gatekeeper creates for a ConstraintTemplate, complete enough to be served.

    :func:`~gitops_platform.validation.schemas.constraint_crd` gives the kind and schema; the
    names, the storage version and the root fields' types a served CRD needs are added here.
    """
    if obj.get("kind") != "ConstraintTemplate" or not str(obj.get("apiVersion", "")).startswith(
        "templates.gatekeeper.sh/"
    ):
        return None
    crd = constraint_crd(obj)
    if crd is None:
        return None
    spec = crd["spec"]
    kind = str(spec["names"]["kind"])
    spec["names"] = {
        "kind": kind,
        "listKind": f"{kind}List",
        "plural": kind.lower(),
        "singular": kind.lower(),
        "categories": ["constraint", "constraints"],
    }
    for i, version in enumerate(spec["versions"]):
        version["storage"] = i == 0
        schema = version["schema"]["openAPIV3Schema"]
        props = schema.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        meta = props.setdefault("metadata", {})
        meta.setdefault("type", "object")
        status = props.get("status")
        if isinstance(status, dict):
            status.setdefault("type", "object")
    return crd

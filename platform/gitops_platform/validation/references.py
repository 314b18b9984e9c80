"""Step 9 (``references``): every by-name reference resolves in what its environment contains.

A controller that meets a reference to an object that does not exist does not fail the sync: the
Pod waits for its Secret, the ExternalSecret never creates its target, cert-manager never issues
the certificate. This step finds those references before merge. For each environment it takes
the set of objects the environment will contain (see
:mod:`~gitops_platform.validation.reference_sets`: the tree's manifests and kustomize outputs
each Application deploys, and its chart renders), reads every reference with the defaults the
consumer applies (the kind a ``secretStoreRef`` without ``kind`` means, the namespace of the
referring object) and looks the target up.

The rules are data (:data:`RULES`): each names the referring kinds and field, the target's
default kind and scope, where the reference may override the kind or namespace, and the kinds a
near miss is looked for in. Three rules need more than a lookup and have their own code:
Ingress backends (a Service with the port), ServiceMonitor/PodMonitor selectors (at least one
Service/Pod, with the named port) and in-cluster URLs (a Service with the port).

Targets are produced by:

* objects of the environment (a Secret, ConfigMap, Service... rendered there);
* the objects controllers create from them: an ``ExternalSecret``'s target Secret
  (``spec.target.name``, else its own name), a cert-manager ``Certificate``'s ``secretName``,
  the TLS Secrets of an Ingress carrying a cert-manager issuer annotation (cert-manager's
  ingress-shim creates their Certificates);
* a short reviewed list of objects created outside the tree (:data:`EXTERNAL_OBJECTS`, each
  with its reason, per environment), e.g. the ``default`` ServiceAccount of every namespace.

A reference whose target namespace (or the cluster scope) receives a chart that could not be
rendered cannot be checked: it is *not verified*, named in the step's detail, and never a pass
in disguise. A missing target is a finding naming the referring object, the field, the missing
target and a near miss when there is one: the same name under the other kind the field can name
(``no SecretStore external-secrets/platform-secrets; a ClusterSecretStore of that name exists:
set kind: ClusterSecretStore``), the same name in another namespace, or a similar name. A near
miss under the other kind is reported even when the namespace could not be seen whole.

Ownership (:func:`check_ownership`): an object two Applications of one destination cluster
deploy (Argo CD's ``SharedResourceWarning``) is a finding naming both, and so is a cluster with
more than one default IngressClass.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_platform.validation.report import Document, Finding, Status, StepResult

__all__ = [
    "EXTERNAL_OBJECTS",
    "RULES",
    "STEP",
    "ExternalObject",
    "Kind",
    "ObjectSet",
    "Placed",
    "Rule",
    "check_references",
    "run_references",
]

STEP = "references"
CERT_MANAGER_GROUP = "cert-manager.io"


@dataclass(frozen=True)
class Kind:
    """A kind of Kubernetes object, with its scope.

    Attributes:
        group: the API group (``""`` for the core group).
        kind: the kind (``Secret``).
        namespaced: whether objects of the kind live in a namespace.

    """

    group: str
    kind: str
    namespaced: bool = True

    def key(self, namespace: str, name: str) -> tuple[str, str, str, str]:
        """The lookup key of an object of this kind (namespace dropped when cluster-scoped)."""
        return (self.group, self.kind, namespace if self.namespaced else "", name)

    def show(self, namespace: str, name: str) -> str:
        """``Secret shop/db`` or ``ClusterIssuer platform-tls``."""
        return f"{self.kind} {namespace}/{name}" if self.namespaced else f"{self.kind} {name}"


SECRET = Kind("", "Secret")
CONFIG_MAP = Kind("", "ConfigMap")
SERVICE_ACCOUNT = Kind("", "ServiceAccount")
SERVICE = Kind("", "Service")
PVC = Kind("", "PersistentVolumeClaim")
STORAGE_CLASS = Kind("storage.k8s.io", "StorageClass", namespaced=False)
PRIORITY_CLASS = Kind("scheduling.k8s.io", "PriorityClass", namespaced=False)
INGRESS_CLASS = Kind("networking.k8s.io", "IngressClass", namespaced=False)
SECRET_STORE = Kind("external-secrets.io", "SecretStore")
CLUSTER_SECRET_STORE = Kind("external-secrets.io", "ClusterSecretStore", namespaced=False)
ISSUER = Kind(CERT_MANAGER_GROUP, "Issuer")
CLUSTER_ISSUER = Kind(CERT_MANAGER_GROUP, "ClusterIssuer", namespaced=False)

#: Where each workload kind keeps its pod spec.
POD_SPECS: dict[str, str] = {
    "Pod": "spec",
    "PodTemplate": "template.spec",
    "Deployment": "spec.template.spec",
    "ReplicaSet": "spec.template.spec",
    "ReplicationController": "spec.template.spec",
    "StatefulSet": "spec.template.spec",
    "DaemonSet": "spec.template.spec",
    "Job": "spec.template.spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
}
POD = tuple(POD_SPECS)
_CONTAINERS = "containers|initContainers|ephemeralContainers[*]"
_BINDINGS = ("RoleBinding", "ClusterRoleBinding")


@dataclass(frozen=True)
class Rule:
    """One kind of by-name reference, as data.

    Attributes:
        id: the rule's name in findings (``references/<id>``).
        summary: one line for the documentation.
        referrers: the referring kinds.
        path: where the reference sits: dotted keys, ``[*]`` for every list item, ``a|b`` for
            either key; relative to the pod spec for the workload kinds of :data:`POD_SPECS`.
        target: the kind the consumer assumes when the reference names none.
        name_key: the key holding the target's name in the value at ``path`` (``None``: the
            value is the name).
        kind_key: a key of the reference that names the target's kind (``kind``).
        kinds: the kinds ``kind_key`` may name; the others of them are the near misses.
        namespace_key: a key of the reference naming the target's namespace (else the
            referrer's namespace applies).
        optional_key: a key that, when ``true``, makes a missing target acceptable.
        group_key: a key naming the target's API group; a group other than the target's means
            a kind this step cannot know (an external cert-manager issuer) and is skipped.
        when: keys the reference must have with these values (``kind: ServiceAccount``).
        annotation: the reference is this annotation of the referrer (then ``path`` is unused).
        kind_annotation: an annotation that names the target's kind.
        group_annotation: an annotation that names the target's group.
        fixes: how to switch to a near miss's kind, by kind (else ``set <kind_key>: <kind>``).

    """

    id: str
    summary: str
    referrers: tuple[str, ...]
    path: str
    target: Kind
    name_key: str | None = "name"
    kind_key: str | None = None
    kinds: tuple[Kind, ...] = ()
    namespace_key: str | None = None
    optional_key: str | None = None
    group_key: str | None = None
    when: tuple[tuple[str, str], ...] = ()
    annotation: str | None = None
    kind_annotation: str | None = None
    group_annotation: str | None = None
    fixes: tuple[tuple[str, str], ...] = ()

    @property
    def pod_spec(self) -> bool:
        """Whether ``path`` is relative to a pod spec."""
        return self.referrers == POD


def _secret_rules() -> tuple[Rule, ...]:
    summary = "Secrets named by pods exist (rendered, an ExternalSecret target or a Certificate)"
    return (
        Rule("secret", summary, POD, f"{_CONTAINERS}.env[*].valueFrom.secretKeyRef", SECRET,
             optional_key="optional"),
        Rule("secret", summary, POD, f"{_CONTAINERS}.envFrom[*].secretRef", SECRET,
             optional_key="optional"),
        Rule("secret", summary, POD, "volumes[*].secret", SECRET, name_key="secretName",
             optional_key="optional"),
        Rule("secret", summary, POD, "volumes[*].projected.sources[*].secret", SECRET,
             optional_key="optional"),
        Rule("secret", summary, POD, "imagePullSecrets[*]", SECRET),
        Rule("secret", summary, ("ServiceAccount",), "imagePullSecrets[*]", SECRET),
        Rule("secret", "Ingress TLS Secrets exist (or a cert-manager annotation creates them)",
             ("Ingress",), "spec.tls[*]", SECRET, name_key="secretName"),
    )  # fmt: skip


def _config_map_rules() -> tuple[Rule, ...]:
    summary = "ConfigMaps named by pods exist (rendered, or kube-root-ca.crt)"
    return (
        Rule("configmap", summary, POD, f"{_CONTAINERS}.env[*].valueFrom.configMapKeyRef",
             CONFIG_MAP, optional_key="optional"),
        Rule("configmap", summary, POD, f"{_CONTAINERS}.envFrom[*].configMapRef", CONFIG_MAP,
             optional_key="optional"),
        Rule("configmap", summary, POD, "volumes[*].configMap", CONFIG_MAP,
             optional_key="optional"),
        Rule("configmap", summary, POD, "volumes[*].projected.sources[*].configMap", CONFIG_MAP,
             optional_key="optional"),
    )  # fmt: skip


_STORE_KINDS = (SECRET_STORE, CLUSTER_SECRET_STORE)
_ISSUER_KINDS = (ISSUER, CLUSTER_ISSUER)
_ISSUER_ANNOTATION_FIXES = (
    ("ClusterIssuer", "use the annotation cert-manager.io/cluster-issuer"),
    ("Issuer", "use the annotation cert-manager.io/issuer"),
)

#: Every lookup rule (the three rules with their own code are in :data:`CHECKS`).
RULES: tuple[Rule, ...] = (
    *_secret_rules(),
    *_config_map_rules(),
    Rule("serviceaccount", "ServiceAccounts named by pods, bindings and Vault stores exist",
         POD, "serviceAccountName", SERVICE_ACCOUNT, name_key=None),
    Rule("serviceaccount", "ServiceAccounts named by pods, bindings and Vault stores exist",
         _BINDINGS, "subjects[*]", SERVICE_ACCOUNT, namespace_key="namespace",
         when=(("kind", "ServiceAccount"),)),
    Rule("serviceaccount", "ServiceAccounts named by pods, bindings and Vault stores exist",
         ("SecretStore", "ClusterSecretStore"),
         "spec.provider.vault.auth.kubernetes.serviceAccountRef", SERVICE_ACCOUNT,
         namespace_key="namespace"),
    Rule("pvc", "PersistentVolumeClaims named by pod volumes exist", POD,
         "volumes[*].persistentVolumeClaim", PVC, name_key="claimName"),
    Rule("storageclass", "StorageClasses named by claims and claim templates exist",
         ("PersistentVolumeClaim",), "spec.storageClassName", STORAGE_CLASS, name_key=None),
    Rule("storageclass", "StorageClasses named by claims and claim templates exist",
         ("StatefulSet",), "spec.volumeClaimTemplates[*].spec.storageClassName", STORAGE_CLASS,
         name_key=None),
    Rule("secretstore", "secretStoreRef names an existing store (kind defaults to SecretStore)",
         ("ExternalSecret",), "spec.secretStoreRef", SECRET_STORE, kind_key="kind",
         kinds=_STORE_KINDS),
    Rule("secretstore", "secretStoreRef names an existing store (kind defaults to SecretStore)",
         ("ExternalSecret",), "spec.data|dataFrom[*].sourceRef.storeRef", SECRET_STORE,
         kind_key="kind", kinds=_STORE_KINDS),
    Rule("secretstore", "secretStoreRef names an existing store (kind defaults to SecretStore)",
         ("PushSecret",), "spec.secretStoreRefs[*]", SECRET_STORE, kind_key="kind",
         kinds=_STORE_KINDS),
    Rule("issuer", "issuerRef names an existing cert-manager issuer (kind defaults to Issuer)",
         ("Certificate", "CertificateRequest"), "spec.issuerRef", ISSUER, kind_key="kind",
         kinds=_ISSUER_KINDS, group_key="group"),
    Rule("issuer", "the cert-manager.io/issuer and cluster-issuer annotations name an issuer",
         ("Ingress", "Gateway"), "", ISSUER, kinds=_ISSUER_KINDS,
         annotation="cert-manager.io/issuer", kind_annotation="cert-manager.io/issuer-kind",
         group_annotation="cert-manager.io/issuer-group", fixes=_ISSUER_ANNOTATION_FIXES),
    Rule("issuer", "the cert-manager.io/issuer and cluster-issuer annotations name an issuer",
         ("Ingress", "Gateway"), "", CLUSTER_ISSUER, kinds=_ISSUER_KINDS,
         annotation="cert-manager.io/cluster-issuer", fixes=_ISSUER_ANNOTATION_FIXES),
    Rule("ingressclass", "ingressClassName names an existing IngressClass", ("Ingress",),
         "spec.ingressClassName", INGRESS_CLASS, name_key=None),
    Rule("priorityclass", "priorityClassName names a PriorityClass (or a built-in one)", POD,
         "priorityClassName", PRIORITY_CLASS, name_key=None),
)  # fmt: skip

#: The rules with their own code: id and one line for the documentation.
CHECKS: tuple[tuple[str, str], ...] = (
    ("service", "Ingress backends name an existing Service and one of its ports"),
    ("monitor", "ServiceMonitors/PodMonitors select at least one Service/Pod with the named port"),
    ("url", "in-cluster URLs (http(s)://<service>.<namespace>.svc[.cluster.local][:port]) in "
     "objects and values name an existing Service with that port"),
)  # fmt: skip


@dataclass(frozen=True)
class ExternalObject:
    """An object the tree does not contain but the cluster will (reviewed, with its reason).

    Attributes:
        kind: its kind.
        name: its name.
        reason: who creates it.
        namespace: its namespace; ``*`` for every namespace; ``""`` when cluster-scoped.
        environments: the environments it exists in (globs; ``*`` for all).
        labels: its labels, for a Service a ServiceMonitor selects (``(key, value)`` pairs).
        ports: the names of its ports, for a Service a ServiceMonitor scrapes.

    """

    kind: Kind
    name: str
    reason: str
    namespace: str = ""
    environments: tuple[str, ...] = ("*",)
    labels: tuple[tuple[str, str], ...] = ()
    ports: tuple[str, ...] = ()

    def matches(self, environment: str, kind: Kind, namespace: str, name: str) -> bool:
        """Whether this entry is the target ``kind namespace/name`` in ``environment``."""
        return (
            (self.kind.group, self.kind.kind) == (kind.group, kind.kind)
            and self.name == name
            and (not kind.namespaced or self.namespace in ("*", namespace))
            and any(fnmatch.fnmatchcase(environment, e) for e in self.environments)
        )


#: The reviewed objects created outside the tree, per environment.
EXTERNAL_OBJECTS: tuple[ExternalObject, ...] = (
    ExternalObject(CONFIG_MAP, "kube-root-ca.crt", "published into every namespace by "
                   "kube-controller-manager (root CA certificate publisher)", "*"),
    ExternalObject(SERVICE_ACCOUNT, "default", "created in every namespace by the "
                   "ServiceAccount controller", "*"),
    ExternalObject(SERVICE, "kubernetes", "the API server's own Service", "default"),
    ExternalObject(PRIORITY_CLASS, "system-cluster-critical", "built into Kubernetes"),
    ExternalObject(PRIORITY_CLASS, "system-node-critical", "built into Kubernetes"),
)  # fmt: skip


# -- the objects of one environment ----------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """An object as its environment will contain it.

    Attributes:
        document: the object and where it was read or rendered.
        namespace: the namespace it lands in (the Application's destination namespace when it
            names none); ``""`` when cluster-scoped.
        app: the name of the Application deploying it (``""`` in a tree without Applications).
        cluster: that Application's destination cluster (``spec.destination.name`` or
            ``server``; ``""`` when unknown).

    """

    document: Document
    namespace: str
    app: str = ""
    cluster: str = ""

    @property
    def obj(self) -> dict[str, Any]:
        """The object."""
        return self.document.obj

    @property
    def group(self) -> str:
        """Its API group."""
        return str(self.obj.get("apiVersion") or "").rpartition("/")[0]

    @property
    def kind(self) -> str:
        """Its kind."""
        return str(self.obj.get("kind") or "")

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return str(_meta(self.obj).get("name") or "")

    @property
    def labels(self) -> dict[str, str]:
        """``metadata.labels``."""
        labels = _meta(self.obj).get("labels")
        return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict[str, str]:
        """``metadata.annotations``."""
        found = _meta(self.obj).get("annotations")
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    @property
    def ref(self) -> str:
        """``Kind/namespace/name`` with the namespace it lands in."""
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"


@dataclass
class ObjectSet:
    """What one environment will contain.

    Attributes:
        name: the environment (``dev``), or a label for a set outside any environment.
        objects: every object, placed in its namespace.
        values: the Helm values files its Applications use: ``(file, content)``.
        unseen: namespaces (``""``: the cluster scope) holding objects this step cannot see, with
            why (a chart that was not rendered).
        label: how messages name the set when it is not an environment (``in the tree``).

    """

    name: str
    objects: list[Placed] = field(default_factory=list)
    values: list[tuple[str, Any]] = field(default_factory=list)
    unseen: dict[str, str] = field(default_factory=dict)
    label: str = ""

    @property
    def where(self) -> str:
        """How messages name the set: ``in environment dev`` (or the label given)."""
        return self.label or f"in environment {self.name}"


# -- resolution ------------------------------------------------------------------------------

_Key = tuple[str, str, str, str]


@dataclass
class _Index:
    """The targets of one environment: objects and what controllers create from them."""

    objects: dict[_Key, Placed] = field(default_factory=dict)
    by_name: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def add(self, kind: Kind, namespace: str, name: str, source: Placed) -> None:
        key = kind.key(namespace, name)
        if key not in self.objects:
            self.objects[key] = source
            self.by_name.setdefault((kind.group, kind.kind, name), []).append(key[2])

    def has(self, kind: Kind, namespace: str, name: str) -> bool:
        return kind.key(namespace, name) in self.objects

    def namespaces_of(self, kind: Kind, name: str) -> list[str]:
        return sorted(self.by_name.get((kind.group, kind.kind, name), []))

    def names_in(self, kind: Kind, namespace: str) -> list[str]:
        ns = namespace if kind.namespaced else ""
        return sorted(key[3] for key in self.objects if key[:3] == (kind.group, kind.kind, ns))


def _index(objects: list[Placed]) -> _Index:
    index = _Index()
    for placed in objects:
        kind = Kind(placed.group, placed.kind, bool(placed.namespace))
        index.add(kind, placed.namespace, placed.name, placed)
        spec = _dict(placed.obj.get("spec"))
        if (placed.group, placed.kind) == ("external-secrets.io", "ExternalSecret"):
            target = _dict(spec.get("target"))
            policy = str(target.get("creationPolicy") or "Owner")
            if policy != "None":
                index.add(SECRET, placed.namespace, str(target.get("name") or placed.name), placed)
        elif (placed.group, placed.kind) == (CERT_MANAGER_GROUP, "Certificate"):
            if spec.get("secretName"):
                index.add(SECRET, placed.namespace, str(spec["secretName"]), placed)
        elif placed.kind == "Ingress" and _cert_manager_annotated(placed):
            for _, tls in _select(spec, "tls[*]"):
                if isinstance(tls, dict) and tls.get("secretName"):
                    index.add(SECRET, placed.namespace, str(tls["secretName"]), placed)
    return index


def _cert_manager_annotated(placed: Placed) -> bool:
    annotations = placed.annotations
    return any(annotations.get(f"cert-manager.io/{a}") for a in ("issuer", "cluster-issuer"))


@dataclass
class _Outcome:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    external: Counter[str] = field(default_factory=Counter)
    unverified: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Reference:
    rule: str
    referrer: Placed
    field: str
    kind: Kind
    namespace: str
    name: str
    alternatives: tuple[Kind, ...]
    fix: Mapping[str, str]
    origin: str = ""  # a values file, when the referrer is not an object
    context: str = ""  # appended to the messages (the URL a Service was read from)


class _Resolver:
    def __init__(
        self, objects: ObjectSet, externals: tuple[ExternalObject, ...], outcome: _Outcome
    ) -> None:
        self.set = objects
        self.externals = externals
        self.outcome = outcome
        self.index = _index(objects.objects)
        self.by_namespace: dict[str, list[tuple[int, Placed]]] = {}
        for position, placed in enumerate(objects.objects):
            self.by_namespace.setdefault(placed.namespace, []).append((position, placed))

    def in_namespaces(self, namespaces: set[str] | None) -> list[Placed]:
        """The set's objects placed in ``namespaces`` (``None``: all), in the set's order."""
        if namespaces is None:
            return list(self.set.objects)
        found = [item for name in namespaces for item in self.by_namespace.get(name, ())]
        return [placed for _, placed in sorted(found, key=lambda item: item[0])]

    def external(self, kind: Kind, namespace: str, name: str) -> ExternalObject | None:
        return next(
            (e for e in self.externals if e.matches(self.set.name, kind, namespace, name)), None
        )

    def unseen(self, kind: Kind, namespace: str) -> str | None:
        return self.set.unseen.get(namespace if kind.namespaced else "")

    def report(self, ref: _Reference, message: str) -> None:
        file = ref.origin or ref.referrer.document.origin
        document = None if ref.origin else ref.referrer.ref
        self.outcome.findings.append(
            Finding(file, f"{STEP}/{ref.rule}", message, document, ref.field)
        )

    def resolve(self, ref: _Reference) -> None:
        self.outcome.checked += 1
        kind, namespace, name = ref.kind, ref.namespace, ref.name
        if self.index.has(kind, namespace, name):
            return
        external = self.external(kind, namespace, name)
        if external is not None:
            self.outcome.external[f"{kind.show(external.namespace, name)} ({external.reason})"] += 1
            return
        near = self._near_miss(ref)
        why = self.unseen(kind, namespace)
        if why is not None and not near[1]:
            self.outcome.unverified[f"{kind.show(namespace, name)} ({why})"] += 1
            return
        message = f"no {kind.show(namespace, name)} {self.set.where}{ref.context}"
        if near[0]:
            message += f"; {near[0]}"
        self.report(ref, message)

    def _near_miss(self, ref: _Reference) -> tuple[str, bool]:
        """A hint, and whether it is a near miss under another kind."""
        for other in ref.alternatives:
            if other == ref.kind:
                continue
            if self.index.has(other, ref.namespace, ref.name):
                fix = ref.fix.get(other.kind, f"set kind: {other.kind}")
                where = "" if not other.namespaced else f" in namespace {ref.namespace}"
                return (
                    f"{_article(other.kind)} {other.kind} of that name exists{where}: {fix}",
                    True,
                )
        if ref.kind.namespaced:
            others = [n for n in self.index.namespaces_of(ref.kind, ref.name) if n != ref.namespace]
            if others:
                return (
                    f"{_article(ref.kind.kind)} {ref.kind.kind} of that name exists in namespace "
                    f"{', '.join(others)}, not in {ref.namespace}",
                    False,
                )
        close = difflib.get_close_matches(
            ref.name, self.index.names_in(ref.kind, ref.namespace), n=1, cutoff=0.8
        )
        if close:
            return f"did you mean {close[0]}?", False
        return "", False


def check_references(
    objects: ObjectSet, externals: tuple[ExternalObject, ...] = EXTERNAL_OBJECTS
) -> tuple[list[Finding], int, Counter[str], Counter[str]]:
    """Resolve every reference of one environment.

    Args:
        objects: what the environment will contain.
        externals: the reviewed objects created outside the tree.

    Returns:
        The findings, how many references were checked, the reviewed external objects they
        resolved to (with counts), and the references that could not be verified (with counts).

    """
    outcome = _Outcome()
    resolver = _Resolver(objects, externals, outcome)
    for placed in objects.objects:
        for rule in RULES:
            if placed.kind not in rule.referrers:
                continue
            for ref in _references_of(rule, placed):
                resolver.resolve(ref)
        if placed.kind == "Ingress":
            _ingress_backends(resolver, placed)
        if placed.group == "monitoring.coreos.com" and placed.kind in (
            "ServiceMonitor",
            "PodMonitor",
        ):
            _monitor(resolver, placed)
        if placed.kind not in DOCUMENTATION_KINDS:
            _urls(resolver, placed, placed.obj, "", "")
    for file, content in objects.values:
        _urls(resolver, None, content, "", file)
    return outcome.findings, outcome.checked, outcome.external, outcome.unverified


def _references_of(rule: Rule, placed: Placed) -> Iterator[_Reference]:
    fixes = dict(rule.fixes)
    if rule.annotation is not None:
        annotations = placed.annotations
        name = annotations.get(rule.annotation)
        if not name:
            return
        named: Kind | None = rule.target
        if rule.kind_annotation and annotations.get(rule.kind_annotation):
            named = _named_kind(rule, annotations[rule.kind_annotation])
        group = annotations.get(rule.group_annotation or "", "") or rule.target.group
        if named is None or group != rule.target.group:
            return  # an issuer kind of another group: an external issuer this step cannot know
        yield _Reference(rule.id, placed, f"metadata.annotations.{rule.annotation}", named,
                         placed.namespace, name, rule.kinds, fixes)  # fmt: skip
        return
    base = POD_SPECS[placed.kind] if rule.pod_spec else ""
    root = _get(placed.obj, base) if base else placed.obj
    for at, value in _select(root, rule.path, base):
        if rule.name_key is None:
            if isinstance(value, str) and value:
                yield _Reference(rule.id, placed, at, rule.target, placed.namespace, value,
                                 rule.kinds, fixes)  # fmt: skip
            continue
        if not isinstance(value, dict):
            continue
        if any(str(value.get(k)) != v for k, v in rule.when):
            continue
        name = value.get(rule.name_key)
        if not isinstance(name, str) or not name:
            continue
        if rule.optional_key and value.get(rule.optional_key) is True:
            continue
        kind: Kind | None = rule.target
        if rule.kind_key and value.get(rule.kind_key):
            kind = _named_kind(rule, str(value[rule.kind_key]))
        if rule.group_key and value.get(rule.group_key) not in (None, "", rule.target.group):
            continue  # an issuer of another API group (an external issuer)
        if kind is None:
            continue
        namespace = placed.namespace
        if rule.namespace_key and value.get(rule.namespace_key):
            namespace = str(value[rule.namespace_key])
        elif kind.namespaced and not namespace:
            continue  # a cluster-scoped referrer naming a namespaced target without namespace
        field_at = f"{at}.{rule.name_key}"
        yield _Reference(rule.id, placed, field_at, kind, namespace, name, rule.kinds, fixes)


def _named_kind(rule: Rule, named: str) -> Kind | None:
    for kind in rule.kinds or (rule.target,):
        if kind.kind == named:
            return kind
    return None


# -- Ingress backends, monitors, URLs --------------------------------------------------------


def _service_ports(placed: Placed) -> list[dict[str, Any]]:
    spec = placed.obj.get("spec")
    ports = spec.get("ports") if isinstance(spec, dict) else None
    return [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []


def _service_port_check(
    resolver: _Resolver,
    ref: _Reference,
    number: int | None,
    port_name: str | None,
) -> None:
    resolver.resolve(ref)
    service = resolver.index.objects.get(SERVICE.key(ref.namespace, ref.name))
    if service is None:
        return
    ports = _service_ports(service)
    if number is not None and any(p.get("port") == number for p in ports):
        return
    if port_name is not None and any(p.get("name") == port_name for p in ports):
        return
    if number is None and port_name is None:
        return
    shown = ", ".join(
        f"{p.get('name')}:{p.get('port')}" if p.get("name") else str(p.get("port")) for p in ports
    )
    wanted = f"port {number}" if number is not None else f"port named {port_name}"
    resolver.report(
        ref,
        f"Service {ref.namespace}/{ref.name} {resolver.set.where} has no "
        f"{wanted}{ref.context} (its ports: {shown or 'none'})",
    )


def _ingress_backends(resolver: _Resolver, placed: Placed) -> None:
    spec = placed.obj.get("spec")
    if not isinstance(spec, dict):
        return
    backends = list(_select(spec, "defaultBackend.service", "spec"))
    backends += list(_select(spec, "rules[*].http.paths[*].backend.service", "spec"))
    for at, service in backends:
        if not isinstance(service, dict) or not service.get("name"):
            continue
        port = _dict(service.get("port"))
        number = port.get("number") if isinstance(port.get("number"), int) else None
        name = str(port["name"]) if port.get("name") else None
        ref = _Reference("service", placed, f"{at}.name", SERVICE, placed.namespace,
                         str(service["name"]), (), {})  # fmt: skip
        _service_port_check(resolver, ref, number, name)


def _selects(selector: Any, labels: Mapping[str, str]) -> bool:
    if not isinstance(selector, dict):
        return False
    match = selector.get("matchLabels") or {}
    if isinstance(match, dict) and any(labels.get(str(k)) != str(v) for k, v in match.items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        if not isinstance(expression, dict):
            continue
        key, operator = str(expression.get("key")), str(expression.get("operator"))
        values = [str(v) for v in expression.get("values") or []]
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels[key] in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


def _monitor(resolver: _Resolver, placed: Placed) -> None:
    spec = placed.obj.get("spec")
    if not isinstance(spec, dict):
        return
    service_monitor = placed.kind == "ServiceMonitor"
    selector = spec.get("selector")
    scope = _dict(spec.get("namespaceSelector"))
    names = [str(n) for n in scope.get("matchNames") or []]
    namespaces = None if scope.get("any") else set(names or [placed.namespace])
    target = SERVICE if service_monitor else Kind("", "Pod")
    candidates: list[tuple[Placed, dict[str, str], set[str]]] = []
    for other in resolver.in_namespaces(namespaces):
        if service_monitor and (other.group, other.kind) == ("", "Service"):
            ports = {str(p.get("name")) for p in _service_ports(other) if p.get("name")}
            candidates.append((other, other.labels, ports))
        elif not service_monitor and other.kind in POD_SPECS:
            pod = _get(other.obj, POD_SPECS[other.kind])
            template = (
                _get(other.obj, POD_SPECS[other.kind].rpartition(".")[0])
                if (other.kind != "Pod")
                else other.obj
            )
            meta = template.get("metadata") if isinstance(template, dict) else None
            labels = meta.get("labels") if isinstance(meta, dict) else None
            ports = {
                str(p.get("name"))
                for _, p in _select(pod, f"{_CONTAINERS}.ports[*]")
                if isinstance(p, dict) and p.get("name")
            }
            pod_labels = (
                {str(k): str(v) for k, v in (labels or {}).items()}
                if isinstance(labels, dict)
                else {}
            )
            candidates.append((other, pod_labels, ports))
    if service_monitor:
        for external in resolver.externals:
            if (
                external.kind == SERVICE
                and external.namespace != "*"
                and (namespaces is None or external.namespace in namespaces)
                and any(fnmatch.fnmatchcase(resolver.set.name, e) for e in external.environments)
            ):
                stand_in = Placed(
                    Document(f"reviewed external object ({external.reason})", 0, {
                        "kind": "Service",
                        "metadata": {"name": external.name, "namespace": external.namespace},
                    }),
                    external.namespace,
                )  # fmt: skip
                candidates.append((stand_in, dict(external.labels), set(external.ports)))
    selected = [c for c in candidates if _selects(selector, c[1])]
    where = "any namespace" if namespaces is None else f"namespace {', '.join(sorted(namespaces))}"
    ref = _Reference("monitor", placed, "spec.selector", target, placed.namespace, "", (), {})
    resolver.outcome.checked += 1
    if not selected:
        hidden = sorted(
            n for n in resolver.set.unseen if n and (namespaces is None or n in namespaces)
        )
        if hidden:
            resolver.outcome.unverified[
                f"{placed.kind} {placed.namespace}/{placed.name} spec.selector "
                f"({resolver.set.unseen[hidden[0]]})"
            ] += 1
            return
        noun = "Service" if service_monitor else "Pod (of a workload)"
        resolver.report(
            ref,
            f"spec.selector {_show_selector(selector)} selects no {noun} in {where} "
            f"{resolver.set.where}: Prometheus scrapes nothing",
        )
        return
    endpoints = "endpoints" if service_monitor else "podMetricsEndpoints"
    offered = set().union(*(c[2] for c in selected))
    for at, endpoint in _select(spec, f"{endpoints}[*]", "spec"):
        if not isinstance(endpoint, dict) or not endpoint.get("port"):
            continue
        resolver.outcome.checked += 1
        port = str(endpoint["port"])
        if port in offered:
            continue
        shown = ", ".join(sorted(f"{c[0].kind}/{c[0].namespace}/{c[0].name}" for c in selected))
        resolver.report(
            _Reference("monitor", placed, f"{at}.port", target, placed.namespace, "", (), {}),
            f"no selected {target.kind} has a port named {port} {resolver.set.where} "
            f"(selected: {shown}; named ports: "
            f"{', '.join(sorted(offered)) or 'none'})",
        )


def _show_selector(selector: Any) -> str:
    if not isinstance(selector, dict) or not selector:
        return "{}"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    parts += [
        f"{e.get('key')} {e.get('operator')} {e.get('values') or ''}".strip()
        for e in selector.get("matchExpressions") or []
        if isinstance(e, dict)
    ]
    return "{" + ", ".join(parts) + "}"


#: Kinds whose strings are schemas and code, not configuration: their URLs are examples.
DOCUMENTATION_KINDS = frozenset({"CustomResourceDefinition", "ConstraintTemplate"})

#: ``http(s)://<service>.<namespace>.svc[.cluster.local][:port]``, not followed by more of a
#: host name.
IN_CLUSTER_URL = re.compile(
    r"\b(?P<scheme>https?)://(?P<service>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\."
    r"(?P<namespace>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?"
    r"(?::(?P<port>\d+))?(?![-\w]|\.[-\w])"
)


def _urls(resolver: _Resolver, placed: Placed | None, value: Any, at: str, file: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _urls(resolver, placed, item, f"{at}.{key}" if at else str(key), file)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _urls(resolver, placed, item, f"{at}[{number}]", file)
    elif isinstance(value, str) and "://" in value:
        for match in IN_CLUSTER_URL.finditer(value):
            port = (
                int(match["port"]) if match["port"] else (443 if match["scheme"] == "https" else 80)
            )
            referrer = placed or Placed(Document(file, 0, {}), "")
            ref = _Reference("url", referrer, at, SERVICE, match["namespace"], match["service"],
                             (), {}, origin=file, context=f" (URL {match[0]})")  # fmt: skip
            _service_port_check(resolver, ref, port, None)


# -- the step --------------------------------------------------------------------------------


def run_references(
    sets: list[ObjectSet], externals: tuple[ExternalObject, ...] = EXTERNAL_OBJECTS
) -> StepResult:
    """Resolve the references of every environment.

    Args:
        sets: what each environment will contain.
        externals: the reviewed objects created outside the tree.

    Returns:
        ``FAILED`` with one finding per unresolved reference; else ``NOT_RUN`` when some
        references could not be verified (a chart was not rendered), else ``PASSED``. The
        detail says how many references were checked, how many resolved to reviewed external
        objects, and which could not be verified and why.

    """
    findings: list[Finding] = []
    checked = 0
    external: Counter[str] = Counter()
    unverified: Counter[str] = Counter()
    for objects in sets:
        found, count, outside, unseen = check_references(objects, externals)
        findings.extend(found)
        findings.extend(check_ownership(objects))
        checked += count
        external.update({f"{objects.name}: {k}": v for k, v in outside.items()})
        unverified.update({f"{objects.name}: {k}": v for k, v in unseen.items()})
    findings = sorted(set(findings), key=lambda f: (f.file, f.document or "", f.field or "",
                                                   f.message))  # fmt: skip
    names = ", ".join(s.name for s in sets) or "none"
    placed = sum(len(s.objects) for s in sets)
    detail = f"{checked} references among {placed} objects in {len(sets)} object sets ({names})"
    if external:
        targets = sorted({key.split(": ", 1)[1].split(" (", 1)[0] for key in external})
        detail += (
            f"; {sum(external.values())} resolved to reviewed external objects "
            f"({', '.join(targets)})"
        )
    if unverified:
        shown = "; ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(unverified.items()))
        detail += f"; {sum(unverified.values())} not verified: {shown}"
    if findings:
        return StepResult(STEP, Status.FAILED, findings, f"{detail}; {len(findings)} unresolved")
    if unverified:  # partly run: never a pass
        return StepResult(STEP, Status.NOT_RUN, [], detail)
    return StepResult(STEP, Status.PASSED, [], detail)


#: The annotation marking the cluster's default IngressClass (Kubernetes ``networking/v1``).
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


def check_ownership(objects: ObjectSet) -> list[Finding]:
    """Objects two Applications of one cluster deploy, and competing default IngressClasses.

    Argo CD tracks each object by one Application: when two Applications of a destination
    cluster render the same object (same group, kind, namespace and name), it reports
    ``SharedResourceWarning`` and the two keep overwriting (and, with pruning, deleting) it
    (Argo CD 3.5 ``docs/user-guide/resource_tracking.md``). More than one IngressClass annotated
    ``ingressclass.kubernetes.io/is-default-class: "true"`` makes the API server reject every
    Ingress without ``ingressClassName`` (Kubernetes ``docs/concepts/services-networking/
    ingress.md``, "Default IngressClass").

    Args:
        objects: one environment's objects, each with the Application deploying it.

    Returns:
        One finding per shared object (naming both Applications) and one per cluster with
        several default IngressClasses.

    """
    findings: list[Finding] = []
    owners: dict[tuple[str, str, str, str, str], dict[str, Placed]] = {}
    defaults: dict[str, dict[str, Placed]] = {}
    for placed in objects.objects:
        if not placed.app or not placed.kind or not placed.name:
            continue
        key = (placed.cluster, placed.group, placed.kind, placed.namespace, placed.name)
        owners.setdefault(key, {}).setdefault(placed.app, placed)
        if (
            placed.group == "networking.k8s.io"
            and placed.kind == "IngressClass"
            and placed.annotations.get(DEFAULT_CLASS_ANNOTATION, "").lower() == "true"
        ):
            defaults.setdefault(placed.cluster, {}).setdefault(placed.name, placed)
    for (cluster, _, _, _, _), by_app in owners.items():
        if len(by_app) < 2:
            continue
        apps = sorted(by_app)
        first = by_app[apps[0]]
        findings.append(
            Finding(
                first.document.origin,
                f"{STEP}/shared-object",
                f"{first.ref} is deployed by the Applications {', '.join(apps)} "
                f"{objects.where} (cluster {cluster or '?'}): Argo CD reports "
                "SharedResourceWarning and they keep overwriting and pruning each other's copy; "
                "let exactly one Application render it",
                first.ref,
            )
        )
    for cluster, classes in defaults.items():
        if len(classes) < 2:
            continue
        names = sorted(classes)
        first = classes[names[0]]
        shown = ", ".join(f"{n} (Application {classes[n].app})" for n in names)
        findings.append(
            Finding(
                first.document.origin,
                f"{STEP}/default-ingress-class",
                f"{len(names)} IngressClasses are annotated {DEFAULT_CLASS_ANNOTATION}: "
                f'"true" {objects.where} (cluster {cluster or "?"}): {shown}; the API server '
                "then rejects every Ingress without spec.ingressClassName: keep one default",
                first.ref,
                f"metadata.annotations.{DEFAULT_CLASS_ANNOTATION}",
            )
        )
    return findings


# -- helpers ---------------------------------------------------------------------------------


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return _dict(obj.get("metadata"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _get(value: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


_SEGMENT = re.compile(r"^(?P<keys>[^\[]+)(?P<each>\[\*\])?$")


def _select(value: Any, path: str, at: str = "") -> Iterator[tuple[str, Any]]:
    """Every value at ``path`` (``a.b[*].c``, ``a|b`` for either key), with its field path."""
    if not path:
        yield at, value
        return
    head, _, rest = path.partition(".")
    match = _SEGMENT.match(head)
    if match is None or not isinstance(value, dict):
        return
    for key in match["keys"].split("|"):
        if key not in value:
            continue
        child = value[key]
        here = f"{at}.{key}" if at else key
        if match["each"]:
            if isinstance(child, list):
                for number, item in enumerate(child):
                    yield from _select(item, rest, f"{here}[{number}]")
        else:
            yield from _select(child, rest, here)

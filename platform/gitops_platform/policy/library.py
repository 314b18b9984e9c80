"""The platform's policy set as plain, typed data: Gatekeeper ConstraintTemplates and constraints.

One policy set, written once in Rego (``rego/*.rego``, shipped inside the package) and enforced in
two places: rendered into the GitOps tree for Gatekeeper in the clusters, and evaluated in CI by
the Gatekeeper CLI ``gator`` on every rendered manifest. Both use the very same objects, built
here: :func:`constraint_templates`, :func:`constraints` and :func:`sync_config`.

Example:
    >>> from gitops_platform.policy import PolicySet, constraint_templates, constraints
    >>> policy_set = PolicySet(catalog_namespaces=("chat-api",))
    >>> [t["metadata"]["name"] for t in constraint_templates()][:2]
    ['platformapplicationproject', 'platformcontainerresources']
    >>> constraints(policy_set)[0]["kind"]
    'PlatformApplicationProject'
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from gitops_platform.core.naming import DNS_LABEL
from gitops_platform.errors import ConfigurationError, DuplicateError, InvalidValueError
from gitops_platform.layout import (
    ARGOCD_NAMESPACE,
    HELM_VALUES_API_VERSION,
    HELM_VALUES_KIND,
    helm_values_object,
)
from gitops_platform.rules.credentials import CREDENTIAL_KEYS, CredentialKeys

__all__ = [
    "CATALOG_LABEL",
    "CLUSTER_ACTIONS",
    "DEFAULT_EXEMPTIONS",
    "HELM_VALUES_API_VERSION",
    "HELM_VALUES_KIND",
    "POLICIES",
    "Exemption",
    "PolicyDefinition",
    "PolicySet",
    "constraint_schemas",
    "constraint_templates",
    "constraints",
    "helm_values_object",
    "policy_objects",
    "sync_config",
]

TEMPLATE_API_VERSION: Final = "templates.gatekeeper.sh/v1"
CONSTRAINT_GROUP: Final = "constraints.gatekeeper.sh"
CONSTRAINT_VERSION: Final = "v1beta1"
CONFIG_API_VERSION: Final = "config.gatekeeper.sh/v1alpha1"
TARGET: Final = "admission.k8s.gatekeeper.sh"

#: The CI-only kind wrapping a Helm values file so that gator can evaluate it. It never exists in
#: a cluster (no CRD defines it); only the ``no-inline-secrets`` constraint matches it.

CATALOG_LABEL: Final = "backstage.io/kubernetes-id"

#: Argo CD ordering of the policy objects, inside the Application that also installs Gatekeeper's
#: chart (whose objects, its CRDs among them, sit in wave 0): templates (which make Gatekeeper
#: create the constraint CRDs) and the sync Config in wave 1, constraints in wave 2.
TEMPLATE_SYNC_WAVE: Final = "1"
CONSTRAINT_SYNC_WAVE: Final = "2"

#: What a constraint does at admission and in the audit when it is violated in a cluster. In CI
#: (gator) every constraint denies.
CLUSTER_ACTIONS: Final = ("deny", "warn", "dryrun")

#: The default ``app.kubernetes.io/part-of`` label (a platform passes its own name).
PART_OF: Final = "gitops-platform"

_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "app.kubernetes.io/managed-by": "gitops-platform",
        "app.kubernetes.io/component": "policy",
    }
)

_WORKLOAD_MATCH: Final = (
    {"apiGroups": [""], "kinds": ["Pod"]},
    {"apiGroups": ["apps"], "kinds": ["DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]},
    {"apiGroups": ["batch"], "kinds": ["CronJob", "Job"]},
)


@dataclass(frozen=True)
class PolicyDefinition:
    """One policy of the set: a ConstraintTemplate and its single constraint.

    Attributes:
        name: the policy name, also the constraint's name (e.g. ``container-security``).
        kind: the constraint kind the template defines (e.g. ``PlatformContainerSecurity``).
        summary: one sentence saying what the policy requires.
        checks: the check ids its violations carry; exemptions can waive single checks.
        rego: the file under ``rego/`` holding the policy.
        match: the ``spec.match.kinds`` of the constraint.
        parameters: the OpenAPI schema of the constraint's own parameters (``exemptions`` is
            added to every policy).
        sync: the ``group/version/kind`` objects the policy reads from ``data.inventory``.
        cluster_action: the default action in clusters (see :data:`CLUSTER_ACTIONS`).

    """

    name: str
    kind: str
    summary: str
    checks: tuple[str, ...]
    rego: str
    match: tuple[Mapping[str, Any], ...]
    parameters: Mapping[str, Any]
    sync: tuple[tuple[str, str, str], ...] = ()
    cluster_action: str = "deny"

    @property
    def template_name(self) -> str:
        """The ConstraintTemplate's name: the constraint kind in lower case."""
        return self.kind.lower()


def _string_list() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}}


POLICIES: Final[tuple[PolicyDefinition, ...]] = (
    PolicyDefinition(
        name="required-labels",
        kind="PlatformRequiredLabels",
        summary=(
            "Every object (and the pod template of every workload) carries the platform's "
            "labels; workloads that belong to a catalog entity carry backstage.io/kubernetes-id "
            "on the object and on its pod template, with the same value."
        ),
        checks=(
            "missing-label",
            "missing-pod-template-label",
            "missing-catalog-label",
            "catalog-label-mismatch",
        ),
        rego="required_labels.rego",
        match=({"apiGroups": ["*"], "kinds": ["*"]},),
        parameters={
            "labels": _string_list(),
            "podTemplates": {"type": "boolean"},
            "catalogLabel": {"type": "string"},
            "catalogNamespaces": _string_list(),
        },
        # Kubernetes and controllers create objects that carry no platform labels
        # (kube-root-ca.crt, Events, Leases, EndpointSlices): warn in clusters, deny in CI.
        cluster_action="warn",
    ),
    PolicyDefinition(
        name="container-security",
        kind="PlatformContainerSecurity",
        summary=(
            "Every container, initContainer and ephemeralContainer runs as non-root, without "
            "privilege escalation, with all capabilities dropped and the RuntimeDefault seccomp "
            "profile, unprivileged; pods do not share the node's network, PID or IPC namespace."
        ),
        checks=(
            "run-as-non-root",
            "allow-privilege-escalation",
            "capabilities-drop-all",
            "seccomp-runtime-default",
            "privileged",
            "host-network",
            "host-pid",
            "host-ipc",
        ),
        rego="container_security.rego",
        match=_WORKLOAD_MATCH,
        parameters={},
    ),
    PolicyDefinition(
        name="no-inline-secrets",
        kind="PlatformNoInlineSecrets",
        summary=(
            "No Secret carries data or stringData; no container env value, Argo CD Helm value "
            "or parameter, or Helm values file holds a literal under a credential-like name."
        ),
        checks=(
            "secret-data",
            "env-literal",
            "helm-values-literal",
            "helm-values-unparsable",
            "helm-parameter-literal",
            "values-file-literal",
        ),
        rego="no_inline_secrets.rego",
        # the credential-key definition (gitops_platform.rules.credentials), as parameters
        match=(
            {"apiGroups": [""], "kinds": ["Pod", "Secret"]},
            *_WORKLOAD_MATCH[1:],
            {"apiGroups": ["argoproj.io"], "kinds": ["Application"]},
            {
                "apiGroups": [HELM_VALUES_API_VERSION.split("/")[0]],
                "kinds": [HELM_VALUES_KIND],
            },
        ),
        parameters=CredentialKeys.parameters_schema(),
    ),
    PolicyDefinition(
        name="pinned-images",
        kind="PlatformPinnedImages",
        summary="Every container image names a tag other than latest, or a digest.",
        checks=("missing-tag", "latest-tag"),
        rego="pinned_images.rego",
        match=_WORKLOAD_MATCH,
        parameters={},
    ),
    PolicyDefinition(
        name="container-resources",
        kind="PlatformContainerResources",
        summary=(
            "Every container and initContainer requests CPU and memory and limits memory "
            "(no CPU limit is required: it throttles without protecting the node)."
        ),
        checks=("missing-request", "missing-limit"),
        rego="container_resources.rego",
        match=_WORKLOAD_MATCH,
        parameters={"requests": _string_list(), "limits": _string_list()},
        # Workloads installed outside the tree (Argo CD's own manifests) set no requests;
        # denying their Pods would stop them restarting. CI denies.
        cluster_action="warn",
    ),
    PolicyDefinition(
        name="application-project",
        kind="PlatformApplicationProject",
        summary="Every Argo CD Application refers to an AppProject that exists.",
        checks=("unknown-project",),
        rego="application_project.rego",
        match=({"apiGroups": ["argoproj.io"], "kinds": ["Application"]},),
        parameters={"projectNamespace": {"type": "string"}},
        sync=(("argoproj.io", "v1alpha1", "AppProject"),),
    ),
)

_BY_NAME: Final[Mapping[str, PolicyDefinition]] = MappingProxyType({p.name: p for p in POLICIES})

_GLOB = re.compile(r"^[A-Za-z0-9*?.\-_]+$")
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
)
_RESOURCE = re.compile(r"^([a-z0-9.-]+/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_MIN_REASON = 20


def _policy(name: str, path: str) -> PolicyDefinition:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidValueError(path, "policy", name, f"one of {sorted(_BY_NAME)}") from None


@dataclass(frozen=True)
class Exemption:
    """A reviewed exception to one policy, for named objects only.

    An exemption matches an object when its kind, namespace and name match the globs (``*`` and
    ``?``; ``*`` also matches the empty namespace of cluster-scoped objects). It also matches the
    objects a matching workload controls: the Pods of a DaemonSet, StatefulSet or Job, the
    ReplicaSets and Pods of a Deployment, the Jobs and Pods of a CronJob.

    Attributes:
        policy: the policy it waives (see :data:`POLICIES`).
        kind: glob on the object kind (e.g. ``DaemonSet``).
        namespace: glob on the namespace (e.g. ``monitoring``).
        name: glob on the object name (e.g. ``*prometheus-node-exporter``).
        reason: why the exception is needed and safe; mandatory, reviewed with the change.
        checks: the checks of the policy it waives (e.g. ``("host-network",)``); empty waives
            the whole policy, so prefer naming them.

    Raises:
        InvalidValueError: on an unknown policy or check, an empty or too short reason, or a
            malformed glob.
        ConfigurationError: when kind, namespace and name are all ``*`` (not an exemption but
            switching the policy off).

    """

    policy: str
    kind: str
    namespace: str
    name: str
    reason: str
    checks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", tuple(self.checks))
        where = f"Exemption({self.policy}: {self.kind}/{self.namespace}/{self.name})"
        definition = _policy(self.policy, where)
        for attr in ("kind", "namespace", "name"):
            value = getattr(self, attr)
            if not isinstance(value, str) or not _GLOB.match(value):
                raise InvalidValueError(
                    where, attr, value, "a non-empty glob of letters, digits, '.-_', '*' and '?'"
                )
        if (self.kind, self.namespace, self.name) == ("*", "*", "*"):
            raise ConfigurationError(
                where,
                "kind/namespace/name",
                "*/*/*",
                "an exemption names the objects it applies to; it cannot match everything",
            )
        if not isinstance(self.reason, str) or len(self.reason.strip()) < _MIN_REASON:
            raise InvalidValueError(
                where,
                "reason",
                self.reason,
                f"a reason of at least {_MIN_REASON} characters saying why it is needed and safe",
            )
        for check in self.checks:
            if check not in definition.checks:
                raise InvalidValueError(
                    where, "checks", check, f"checks of {self.policy}: {list(definition.checks)}"
                )
        if len(set(self.checks)) != len(self.checks):
            raise DuplicateError(where, "checks", list(self.checks), "each check at most once")

    def parameters(self) -> dict[str, Any]:
        """The exemption as it appears in the constraint's ``parameters.exemptions``."""
        return {
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "checks": sorted(self.checks),
            "reason": " ".join(self.reason.split()),
        }


#: The reviewed exemptions of the platform's default policy set.
DEFAULT_EXEMPTIONS: Final[tuple[Exemption, ...]] = (
    # Charts ship their CRDs verbatim in crds/ folders, which Helm never templates: no value
    # can label them. Only the label check is waived, only for CRDs. Exemptions that belong to
    # one component are declared by it (``PlatformComponent.policy_exemptions``).
    Exemption(
        policy="required-labels",
        kind="CustomResourceDefinition",
        namespace="*",
        name="*",
        checks=("missing-label",),
        reason=(
            "Charts ship their CustomResourceDefinitions verbatim in crds/ folders, which Helm "
            "does not template, so no chart value can add the platform's labels to them."
        ),
    ),
)

_DEFAULT_CLUSTER_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {p.name: p.cluster_action for p in POLICIES}
)


@dataclass(frozen=True)
class PolicySet:
    """The policy set's parameters and its reviewed exemptions.

    Attributes:
        required_labels: labels every object must carry.
        pod_template_labels: also require them on the pod templates of workloads (their Pods
            are objects too).
        catalog_label: the label naming the Backstage catalog entity of a workload.
        catalog_namespaces: namespaces whose Deployments, StatefulSets and DaemonSets all belong
            to a catalog entity. A workload outside them belongs to one when it (or its pod
            template) carries :attr:`catalog_label`; then both must carry it, with one value.
        resource_requests: resources every container must request.
        resource_limits: resources every container must limit.
        argocd_namespace: the namespace holding the AppProjects; empty means the namespace of
            each Application; ``None`` (the default) means the platform's
            (``PlatformSpec.argocd_namespace``, given to :func:`policy_objects`).
        excluded_namespaces: namespaces no constraint looks at (managed by the cluster provider).
        credential_keys: which keys hold credentials, with the reviewed allow-list of keys that
            look like credential names but are not; ``no-inline-secrets`` receives it as its
            parameters (the definition the constructs apply, :data:`CREDENTIAL_KEYS`).
        cluster_actions: per policy, ``deny``, ``warn`` or ``dryrun`` at admission and in the
            audit of a cluster; policies not named keep their default. CI always denies.
        exemptions: reviewed exemptions (see :class:`Exemption`).

    Raises:
        InvalidValueError: on a malformed label key, namespace, resource name, action or policy.
        DuplicateError: on a repeated entry or exemption.

    """

    required_labels: tuple[str, ...] = ("app.kubernetes.io/name", "app.kubernetes.io/part-of")
    pod_template_labels: bool = True
    catalog_label: str = CATALOG_LABEL
    catalog_namespaces: tuple[str, ...] = ()
    resource_requests: tuple[str, ...] = ("cpu", "memory")
    resource_limits: tuple[str, ...] = ("memory",)
    argocd_namespace: str | None = None
    excluded_namespaces: tuple[str, ...] = ("kube-node-lease", "kube-public", "kube-system")
    cluster_actions: Mapping[str, str] = field(default_factory=dict)
    exemptions: tuple[Exemption, ...] = DEFAULT_EXEMPTIONS
    credential_keys: CredentialKeys = CREDENTIAL_KEYS

    def __post_init__(self) -> None:
        for attr in (
            "required_labels",
            "catalog_namespaces",
            "resource_requests",
            "resource_limits",
            "excluded_namespaces",
            "exemptions",
        ):
            object.__setattr__(self, attr, tuple(getattr(self, attr)))
        self._check_all("required_labels", self.required_labels, _LABEL_KEY, "a label key")
        if not _LABEL_KEY.match(self.catalog_label):
            raise InvalidValueError("PolicySet", "catalog_label", self.catalog_label, "a label key")
        for attr in ("catalog_namespaces", "excluded_namespaces"):
            self._check_all(attr, getattr(self, attr), DNS_LABEL, "a namespace name")
        for attr in ("resource_requests", "resource_limits"):
            self._check_all(attr, getattr(self, attr), _RESOURCE, "a resource name, e.g. cpu")
        if self.argocd_namespace is not None and not (
            isinstance(self.argocd_namespace, str)
            and (self.argocd_namespace == "" or DNS_LABEL.match(self.argocd_namespace))
        ):
            raise InvalidValueError(
                "PolicySet", "argocd_namespace", self.argocd_namespace, "a namespace name or ''"
            )
        if not isinstance(self.credential_keys, CredentialKeys):
            raise InvalidValueError(
                "PolicySet", "credential_keys", self.credential_keys, "a CredentialKeys"
            )
        actions = dict(_DEFAULT_CLUSTER_ACTIONS)
        for policy, action in dict(self.cluster_actions).items():
            _policy(policy, "PolicySet.cluster_actions")
            if action not in CLUSTER_ACTIONS:
                raise InvalidValueError(
                    "PolicySet", f"cluster_actions[{policy}]", action, f"one of {CLUSTER_ACTIONS}"
                )
            actions[policy] = action
        object.__setattr__(self, "cluster_actions", MappingProxyType(actions))
        seen: set[tuple[str, str, str, str]] = set()
        for index, exemption in enumerate(self.exemptions):
            if not isinstance(exemption, Exemption):
                raise InvalidValueError(
                    "PolicySet", f"exemptions[{index}]", exemption, "an Exemption"
                )
            key = (exemption.policy, exemption.kind, exemption.namespace, exemption.name)
            if key in seen:
                raise DuplicateError(
                    "PolicySet",
                    f"exemptions[{index}]",
                    "/".join(key),
                    "one exemption per policy and kind/namespace/name (list its checks)",
                )
            seen.add(key)

    @staticmethod
    def _check_all(attr: str, values: Iterable[str], pattern: re.Pattern[str], what: str) -> None:
        seen: set[str] = set()
        for value in values:
            if not isinstance(value, str) or not pattern.match(value):
                raise InvalidValueError("PolicySet", attr, value, what)
            if value in seen:
                raise DuplicateError("PolicySet", attr, value, "each entry at most once")
            seen.add(value)

    def exemptions_for(self, policy: str) -> list[Exemption]:
        """The exemptions of one policy, in a stable order."""
        _policy(policy, "PolicySet.exemptions_for")
        found = [e for e in self.exemptions if e.policy == policy]
        return sorted(found, key=lambda e: (e.kind, e.namespace, e.name))

    def parameters(
        self, policy: str, *, argocd_namespace: str = ARGOCD_NAMESPACE
    ) -> dict[str, Any]:
        """The ``spec.parameters`` of the policy's constraint.

        Args:
            policy: the policy's name.
            argocd_namespace: the platform's Argo CD namespace, used when
                :attr:`argocd_namespace` is ``None``.

        """
        own: dict[str, Any]
        if policy == "required-labels":
            own = {
                "labels": list(self.required_labels),
                "podTemplates": self.pod_template_labels,
                "catalogLabel": self.catalog_label,
                "catalogNamespaces": sorted(self.catalog_namespaces),
            }
        elif policy == "container-resources":
            own = {
                "requests": list(self.resource_requests),
                "limits": list(self.resource_limits),
            }
        elif policy == "no-inline-secrets":
            own = self.credential_keys.parameters()
        elif policy == "application-project":
            own = {
                "projectNamespace": argocd_namespace
                if self.argocd_namespace is None
                else self.argocd_namespace
            }
        else:
            _policy(policy, "PolicySet.parameters")
            own = {}
        own["exemptions"] = [e.parameters() for e in self.exemptions_for(policy)]
        return own


@cache
def _rego(filename: str) -> str:
    return resources.files(__package__).joinpath("rego", filename).read_text(encoding="utf-8")


def _metadata(
    name: str,
    *,
    wave: str,
    part_of: str,
    extra_annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    annotations = {"argocd.argoproj.io/sync-wave": wave, **(extra_annotations or {})}
    labels = {"app.kubernetes.io/name": name, **_LABELS, "app.kubernetes.io/part-of": part_of}
    return {
        "name": name,
        "labels": dict(sorted(labels.items())),
        "annotations": dict(sorted(annotations.items())),
    }


def _parameters_schema(policy: PolicyDefinition) -> dict[str, Any]:
    exemption = {
        "type": "object",
        "properties": {
            "kind": {"type": "string"},
            "namespace": {"type": "string"},
            "name": {"type": "string"},
            "checks": _string_list(),
            "reason": {"type": "string"},
        },
    }
    properties = {**copy.deepcopy(dict(policy.parameters))}
    properties["exemptions"] = {"type": "array", "items": exemption}
    return {"type": "object", "properties": dict(sorted(properties.items()))}


def constraint_templates(*, part_of: str = PART_OF) -> list[dict[str, Any]]:
    """The ConstraintTemplates of the policy set (``templates.gatekeeper.sh/v1``, Rego v1).

    Args:
        part_of: the ``app.kubernetes.io/part-of`` label (the platform's name).

    Returns:
        One new dict per policy, sorted by name, carrying the platform labels and the Argo CD
        sync wave ``1`` (:data:`TEMPLATE_SYNC_WAVE`: templates create the constraint CRDs, so
        they come before the constraints).

    """
    library = _rego("lib.rego")
    templates = []
    for policy in POLICIES:
        templates.append(
            {
                "apiVersion": TEMPLATE_API_VERSION,
                "kind": "ConstraintTemplate",
                "metadata": _metadata(
                    policy.template_name,
                    wave=TEMPLATE_SYNC_WAVE,
                    part_of=part_of,
                    extra_annotations={"description": policy.summary},
                ),
                "spec": {
                    "crd": {
                        "spec": {
                            "names": {"kind": policy.kind},
                            "validation": {"openAPIV3Schema": _parameters_schema(policy)},
                        }
                    },
                    "targets": [
                        {
                            "target": TARGET,
                            "code": [
                                {
                                    "engine": "Rego",
                                    "source": {
                                        "version": "v1",
                                        "rego": _rego(policy.rego),
                                        "libs": [library],
                                    },
                                }
                            ],
                        }
                    ],
                },
            }
        )
    return sorted(templates, key=lambda t: str(t["metadata"]["name"]))


def constraints(
    policy_set: PolicySet,
    *,
    argocd_namespace: str = ARGOCD_NAMESPACE,
    part_of: str = PART_OF,
) -> list[dict[str, Any]]:
    """The constraints of the policy set, one per policy, configured by ``policy_set``.

    Every constraint denies in CI (the ``gator.gatekeeper.sh`` enforcement point) and applies the
    policy set's cluster action at admission and in the audit.

    Args:
        policy_set: parameters and exemptions (``PolicySet()`` for the platform defaults).
        argocd_namespace: the platform's Argo CD namespace (``PlatformSpec.argocd_namespace``),
            where ``application-project`` looks for AppProjects unless the policy set names one.
        part_of: the ``app.kubernetes.io/part-of`` label (the platform's name).

    Returns:
        New dicts sorted by kind, carrying the platform labels, the Argo CD sync wave ``2``
        (:data:`CONSTRAINT_SYNC_WAVE`) and ``SkipDryRunOnMissingResource=true`` (their CRDs
        appear only once the templates exist).

    """
    result = []
    for policy in POLICIES:
        match: dict[str, Any] = {"kinds": copy.deepcopy(list(policy.match))}
        if policy_set.excluded_namespaces:
            match["excludedNamespaces"] = sorted(policy_set.excluded_namespaces)
        result.append(
            {
                "apiVersion": f"{CONSTRAINT_GROUP}/{CONSTRAINT_VERSION}",
                "kind": policy.kind,
                "metadata": _metadata(
                    policy.name,
                    wave=CONSTRAINT_SYNC_WAVE,
                    part_of=part_of,
                    extra_annotations={
                        "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true",
                        "description": policy.summary,
                    },
                ),
                "spec": {
                    "enforcementAction": "scoped",
                    "scopedEnforcementActions": [
                        {"action": "deny", "enforcementPoints": [{"name": "gator.gatekeeper.sh"}]},
                        {
                            "action": policy_set.cluster_actions[policy.name],
                            "enforcementPoints": [
                                {"name": "audit.gatekeeper.sh"},
                                {"name": "validation.gatekeeper.sh"},
                            ],
                        },
                    ],
                    "match": match,
                    "parameters": policy_set.parameters(
                        policy.name, argocd_namespace=argocd_namespace
                    ),
                },
            }
        )
    return sorted(result, key=lambda c: (str(c["kind"]), str(c["metadata"]["name"])))


def sync_config(namespace: str = "gatekeeper-system", *, part_of: str = PART_OF) -> dict[str, Any]:
    """Gatekeeper's ``Config``: the objects referential policies read from ``data.inventory``.

    ``application-project`` needs the AppProjects; Gatekeeper only replicates the kinds listed
    here into its cache. Gatekeeper reads a single Config, named ``config``, in its own
    namespace.

    Args:
        namespace: the namespace Gatekeeper runs in.
        part_of: the ``app.kubernetes.io/part-of`` label (the platform's name).

    Returns:
        A new ``config.gatekeeper.sh/v1alpha1`` Config (Argo CD sync wave ``1``, with the
        templates).

    """
    if not DNS_LABEL.match(namespace):
        raise InvalidValueError("sync_config", "namespace", namespace, "a namespace name")
    kinds = sorted({gvk for policy in POLICIES for gvk in policy.sync})
    metadata = _metadata("config", wave=TEMPLATE_SYNC_WAVE, part_of=part_of)
    metadata["labels"]["app.kubernetes.io/name"] = "gatekeeper-config"
    return {
        "apiVersion": CONFIG_API_VERSION,
        "kind": "Config",
        "metadata": {**metadata, "namespace": namespace},
        "spec": {
            "sync": {
                "syncOnly": [{"group": g, "version": v, "kind": k} for g, v, k in kinds],
            }
        },
    }


def policy_objects(
    policy_set: PolicySet,
    *,
    gatekeeper_namespace: str = "gatekeeper-system",
    argocd_namespace: str = ARGOCD_NAMESPACE,
    part_of: str = PART_OF,
) -> list[dict[str, Any]]:
    """Everything to deliver into a cluster: templates, constraints and the sync Config.

    These are the objects as rendered into the tree, waves and labels included.

    Args:
        policy_set: parameters and exemptions.
        gatekeeper_namespace: the namespace Gatekeeper runs in (its sync Config goes there).
        argocd_namespace: the platform's Argo CD namespace (see :func:`constraints`).
        part_of: the ``app.kubernetes.io/part-of`` label (the platform's name).

    """
    return [
        *constraint_templates(part_of=part_of),
        *constraints(policy_set, argocd_namespace=argocd_namespace, part_of=part_of),
        sync_config(gatekeeper_namespace, part_of=part_of),
    ]


def constraint_schemas() -> dict[str, dict[str, Any]]:
    """JSON schemas of the constraint kinds, keyed ``<kind>`` (for offline schema validation).

    Gatekeeper creates a CRD per template at run time, so no upstream schema exists for the
    constraints; this is the shape of those CRDs: Gatekeeper's constraint fields plus the
    template's parameter schema. ``match`` is left open (Gatekeeper validates it itself).
    """
    schemas: dict[str, dict[str, Any]] = {}
    for policy in POLICIES:
        schemas[policy.kind] = {
            "type": "object",
            "required": ["apiVersion", "kind", "metadata"],
            "properties": {
                "apiVersion": {"type": "string", "enum": [f"{CONSTRAINT_GROUP}/v1beta1"]},
                "kind": {"type": "string", "enum": [policy.kind]},
                "metadata": {"type": "object"},
                "spec": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "enforcementAction": {"type": "string"},
                        "scopedEnforcementActions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    "action": {"type": "string"},
                                    "enforcementPoints": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "additionalProperties": False,
                                            "properties": {"name": {"type": "string"}},
                                        },
                                    },
                                },
                            },
                        },
                        "match": {"type": "object"},
                        "parameters": _closed(_parameters_schema(policy)),
                    },
                },
                "status": {"type": "object"},
            },
        }
    return schemas


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of an OpenAPI schema where objects with properties reject unknown fields."""
    result = copy.deepcopy(schema)
    if result.get("type") == "object" and "properties" in result:
        result["additionalProperties"] = False
        result["properties"] = {k: _closed(v) for k, v in result["properties"].items()}
    if "items" in result:
        result["items"] = _closed(result["items"])
    return result

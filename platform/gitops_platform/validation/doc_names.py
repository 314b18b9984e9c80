"""Names a runbook mentions, checked against what the rendered tree deploys.

A runbook names things in defined forms, so that they can be checked (``docs/runbooks/index.md``
explains them to readers):

inline code spans (the whole span):
    ``dist/<path>``
        a file or folder of the repository;
    ``<Kind>/<namespace>/<name>`` or ``<Kind>/<name>`` (cluster-scoped)
        an object an environment deploys;
    ``alertname=<Alert>``
        an alert of a ``PrometheusRule`` an environment deploys (the form Alertmanager filters
        take);
    ``<label key>=<value>``
        a label of a deployed object, of a pod template, or of an alerting rule;
    ``/d/<uid>``
        a Grafana dashboard uid (the path after Grafana's host);
    ``<name>-<env>``
        an Application (only Applications carry the environment as a suffix).

fenced code blocks (the commands):
    ``-n <namespace>``, ``--namespace <namespace>``, ``--namespace=<namespace>``
        a namespace holding deployed objects;
    ``argocd app <verb> <name>``
        an Application;
    ``argocd cluster add <context> --name <name>``
        a cluster an Application's destination names;
    ``argocd repo add <url>``
        a repository an Application's source reads;
    ``<type>/<name>`` after ``kubectl`` (``deploy/``, ``sts/``, ``ds/``, ``svc/``,
    ``externalsecret/``, ``certificate/``...), or ``<type> <name>`` with a type of
    :data:`KUBECTL_TYPES`
        an object of that kind in the command's namespace;
    ``-c <container>``, ``--container <container>``, ``--container=<container>``
        a container (or init container) of the command's object's pod template;
    ``-l <key>=<value>[,...]``
        labels of deployed objects.

    Everything after a ``--`` (the command run inside a container) is not read.

inline code spans that are commands (``kubectl ...``, ``argocd ...``) are read as the fenced
ones are.

Objects of the Argo CD installation itself (:data:`ARGOCD_INSTALLATION`: ``argocd-cm``, the
application controller) are known too: a runbook configures them, the tree does not render them.

``<env>`` stands for every environment: ``backstage-<env>`` must exist as ``backstage-dev`` in
``dev`` and ``backstage-prd`` in ``prd``. A name holding any other ``<placeholder>`` (a commit,
a key the reader chooses) is not checked. Objects a controller creates at run time from a
deployed one are known too: the ``Certificate`` and ``Secret`` cert-manager creates for an
annotated ``Ingress``'s TLS entry, the ``Secret`` an ``ExternalSecret`` targets, and the
``StatefulSet`` the Prometheus operator creates for a ``Prometheus`` (``prometheus-<name>``) or
an ``Alertmanager`` (``alertmanager-<name>``), with the containers the operator gives it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from gitops_platform.validation.references import ObjectSet

__all__ = [
    "ARGOCD_INSTALLATION",
    "KUBECTL_TYPES",
    "Mention",
    "NameIndex",
    "mentions",
    "unknown_names",
]

#: ``kubectl`` resource types (and short names) the fenced-block form knows, to their kind.
KUBECTL_TYPES: Final = {
    "deploy": "Deployment",
    "deployment": "Deployment",
    "sts": "StatefulSet",
    "statefulset": "StatefulSet",
    "ds": "DaemonSet",
    "daemonset": "DaemonSet",
    "svc": "Service",
    "service": "Service",
    "ing": "Ingress",
    "ingress": "Ingress",
    "cm": "ConfigMap",
    "configmap": "ConfigMap",
    "secret": "Secret",  # pragma: allowlist secret
    "pdb": "PodDisruptionBudget",
    "hpa": "HorizontalPodAutoscaler",
    "externalsecret": "ExternalSecret",  # pragma: allowlist secret
    "es": "ExternalSecret",  # pragma: allowlist secret
    "clustersecretstore": "ClusterSecretStore",  # pragma: allowlist secret
    "certificate": "Certificate",
    "cert": "Certificate",
    "clusterissuer": "ClusterIssuer",
    "prometheusrule": "PrometheusRule",
    "servicemonitor": "ServiceMonitor",
    "podmonitor": "PodMonitor",
    "application": "Application",
    "app": "Application",
    "applications.argoproj.io": "Application",
    "prometheus": "Prometheus",
    "alertmanager": "Alertmanager",
}
#: Objects of Argo CD's own installation a runbook acts on: (kind, namespace, name). Source:
#: argo-cd ``manifests/install.yaml`` (v3.5), installed in namespace ``argocd``.
ARGOCD_INSTALLATION: Final = frozenset(
    {
        ("ConfigMap", "argocd", "argocd-cm"),
        ("StatefulSet", "argocd", "argocd-application-controller"),
    }
)
#: Containers of the StatefulSets the Prometheus operator creates, by the kind that owns them.
#: Source: prometheus-operator ``pkg/prometheus/statefulset.go`` and
#: ``pkg/alertmanager/statefulset.go``.
_OPERATOR_CONTAINERS: Final = {
    "Prometheus": ("prometheus", "config-reloader", "init-config-reloader"),
    "Alertmanager": ("alertmanager", "config-reloader", "init-config-reloader"),
}
_CLUSTER_KINDS: Final = {
    "ClusterIssuer",
    "ClusterSecretStore",
    "ClusterRole",
    "ClusterRoleBinding",
    "Namespace",
    "IngressClass",
    "CustomResourceDefinition",
    "ConstraintTemplate",
}

_LABEL_KEY = r"(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"
_LABEL = re.compile(rf"^({_LABEL_KEY})=([-A-Za-z0-9_.<>]*)$")
_OBJECT = re.compile(r"^([A-Z][A-Za-z]+)/([-a-z0-9.<>]+)(?:/([-a-z0-9.<>]+))?$")
_DASHBOARD = re.compile(r"^/d/([-A-Za-z0-9_<>]+)$")
_FENCE = re.compile(r"^```")
_SPAN = re.compile(r"`([^`\n]+)`")
_PLACEHOLDER = re.compile(r"<[^>]+>")
_ENV = "<env>"
_TYPE = re.compile(r"^[a-z]+(\.[a-z]+)*$")
#: kubectl flags whose value is not a ``<type>/<name>``.
_VALUE_FLAGS: Final = {"-f", "--filename", "-l", "--selector", "-o", "--output", "-p", "--patch"}
#: kubectl flags taking a value that is a name checked on its own.
_NAME_FLAGS: Final = {"-n", "--namespace", "-c", "--container"}
#: words following ``secret`` in ``kubectl create secret <word>``: a sub-command, not a name.
_SUBCOMMANDS: Final = {"generic", "tls", "docker-registry"}
_COMMAND_SPAN = re.compile(r"^(kubectl|argocd) ")
_APPLICATION = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?-<env>$")


@dataclass(frozen=True)
class Mention:
    """One checked name of a document.

    Attributes:
        line: the 1-based line it is on.
        form: ``path``, ``object``, ``container``, ``alert``, ``label``, ``dashboard``,
            ``namespace``, ``application``, ``cluster`` or ``repository``.
        text: the name as written (with ``<env>`` unexpanded).
        kind / namespace / name: for ``object`` and ``container``: the object that must exist
            (``namespace`` ``""``: cluster-scoped, ``"*"``: any namespace, the form gave none).
        container: for ``container``: the container its pod template must have.
    """

    line: int
    form: str
    text: str
    kind: str = ""
    namespace: str = ""
    name: str = ""
    container: str = ""


@dataclass
class _EnvNames:
    objects: set[tuple[str, str, str]] = field(default_factory=set)
    containers: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    namespaces: set[str] = field(default_factory=set)
    labels: set[tuple[str, str]] = field(default_factory=set)
    alerts: set[str] = field(default_factory=set)
    dashboards: set[str] = field(default_factory=set)
    clusters: set[str] = field(default_factory=set)
    repositories: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)


def _labels_of(obj: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for where in (obj.get("metadata"), obj.get("spec", {}).get("template", {}).get("metadata")):
        if isinstance(where, dict) and isinstance(where.get("labels"), dict):
            yield from ((str(k), str(v)) for k, v in where["labels"].items())


def _containers_of(obj: dict[str, Any]) -> set[str]:
    pod = obj.get("spec", {}).get("template", {}).get("spec") or {}
    if obj.get("kind") == "CronJob":
        job = obj.get("spec", {}).get("jobTemplate", {}).get("spec", {})
        pod = job.get("template", {}).get("spec") or {}
    return {
        str(c.get("name"))
        for key in ("containers", "initContainers")
        for c in pod.get(key) or []
        if isinstance(c, dict)
    }


def _derived(obj: dict[str, Any], namespace: str) -> Iterator[tuple[str, str, str]]:
    """Objects controllers create from ``obj`` at run time: (kind, namespace, name)."""
    kind = obj.get("kind")
    meta = obj.get("metadata", {})
    name = str(meta.get("name", ""))
    if kind == "Ingress":
        annotations = meta.get("annotations") or {}
        if any(k.startswith("cert-manager.io/") and "issuer" in k for k in annotations):
            for tls in obj.get("spec", {}).get("tls") or []:
                if tls.get("secretName"):
                    yield ("Certificate", namespace, tls["secretName"])
                    yield ("Secret", namespace, tls["secretName"])
    elif kind == "ExternalSecret":
        target = obj.get("spec", {}).get("target", {}).get("name") or name
        yield ("Secret", namespace, str(target))
    elif kind == "Prometheus":
        yield ("StatefulSet", namespace, f"prometheus-{name}")
    elif kind == "Alertmanager":
        yield ("StatefulSet", namespace, f"alertmanager-{name}")


class NameIndex:
    """What each environment deploys, by the forms of :func:`mentions`.

    Args:
        sets: the per-environment object sets (validation step 9's, chart renders included).
        repo_root: the repository root (``dist/...`` paths are read from it).
    """

    def __init__(self, sets: Sequence[ObjectSet], repo_root: Path) -> None:
        self.repo_root = repo_root
        self.envs: dict[str, _EnvNames] = {}
        for objects in sets:
            names = self.envs.setdefault(objects.name, _EnvNames())
            for placed in objects.objects:
                obj = placed.document.obj
                kind = str(obj.get("kind", ""))
                name = str(obj.get("metadata", {}).get("name", ""))
                namespace = "" if kind in _CLUSTER_KINDS else placed.namespace
                names.objects.add((kind, namespace, name))
                names.objects.update(_derived(obj, namespace))
                if containers := _containers_of(obj):
                    names.containers[(kind, namespace, name)] = containers
                if kind in _OPERATOR_CONTAINERS:
                    created = ("StatefulSet", namespace, f"{kind.lower()}-{name}")
                    names.containers[created] = set(_OPERATOR_CONTAINERS[kind])
                if namespace:
                    names.namespaces.add(namespace)
                if kind == "Namespace":
                    names.namespaces.add(name)
                names.labels.update(_labels_of(obj))
                if kind == "PrometheusRule":
                    for group in obj.get("spec", {}).get("groups") or []:
                        for rule in group.get("rules") or []:
                            if "alert" in rule:
                                names.alerts.add(str(rule["alert"]))
                                names.labels.update(
                                    (str(k), str(v)) for k, v in (rule.get("labels") or {}).items()
                                )
                if kind == "ConfigMap":
                    names.dashboards.update(_dashboard_uids(obj))
                if kind == "Ingress":
                    names.hosts.update(
                        str(r["host"])
                        for r in obj.get("spec", {}).get("rules") or []
                        if "host" in r
                    )
                if kind == "Application":
                    spec = obj.get("spec") or {}
                    if destination := (spec.get("destination") or {}).get("name"):
                        names.clusters.add(str(destination))
                    for source in [spec.get("source") or {}, *(spec.get("sources") or [])]:
                        if source.get("repoURL"):
                            names.repositories.add(str(source["repoURL"]))

    def hosts(self, env: str) -> set[str]:
        """The hosts ``env``'s Ingresses serve (``spec.rules[].host``)."""
        return set(self.envs[env].hosts) if env in self.envs else set()

    @property
    def environments(self) -> list[str]:
        """The environments (sets named like an environment, not ``cluster ...``)."""
        return sorted(e for e in self.envs if not e.startswith("cluster "))

    def exists(self, mention: Mention, env: str | None) -> bool:
        """Whether ``mention`` (``<env>`` expanded for ``env``) names something deployed.

        ``env`` ``None``: in any set. Otherwise in ``env``'s set or one outside every
        environment (the Argo CD cluster's: the root and each environment's app-of-apps).
        """
        sets = [
            names
            for name, names in self.envs.items()
            if env is None or name == env or name not in self.environments
        ]

        def expand(text: str) -> str:
            return text.replace(_ENV, env) if env is not None else text

        form = mention.form
        if form == "path":
            return (self.repo_root / expand(mention.text)).exists()
        kind, name, namespace = mention.kind, expand(mention.name), expand(mention.namespace)

        def same(key: tuple[str, str, str]) -> bool:
            k, ns, n = key
            return (
                kind in (k, k.lower())
                and n == name
                and (ns == namespace or namespace == "*" or (not ns and not kind.istitle()))
            )

        if form == "object" and any(same(key) for key in ARGOCD_INSTALLATION):
            return True
        for names in sets:
            if form == "object":
                if any(same(key) for key in names.objects):
                    return True
            elif form == "container":
                if any(
                    mention.container in containers
                    for key, containers in names.containers.items()
                    if same(key)
                ):
                    return True
            elif form == "alert" and expand(mention.name) in names.alerts:
                return True
            elif form == "label":
                key, _, value = expand(mention.text).partition("=")
                if (key, value) in names.labels:
                    return True
            elif (
                (form == "dashboard" and expand(mention.name) in names.dashboards)
                or (form == "namespace" and expand(mention.name) in names.namespaces)
                or (form == "cluster" and expand(mention.name) in names.clusters)
                or (form == "repository" and mention.name in names.repositories)
                or (
                    form == "application"
                    and (("Application", "argocd", expand(mention.name)) in names.objects)
                )
            ):
                return True
        return False


def _dashboard_uids(obj: dict[str, Any]) -> Iterator[str]:
    for text in (obj.get("data") or {}).values():
        if not isinstance(text, str) or not text.lstrip().startswith("{"):
            continue
        try:
            board = json.loads(text)
        except ValueError:
            continue
        if isinstance(board, dict) and "panels" in board and board.get("uid"):
            yield str(board["uid"])


def _inline(text: str, line: int) -> Mention | None:
    if text.startswith("dist/"):
        return Mention(line, "path", text)
    if text.startswith("alertname="):
        return Mention(line, "alert", text, name=text.removeprefix("alertname="))
    if _APPLICATION.fullmatch(text):
        return Mention(line, "application", text, name=text)
    if match := _DASHBOARD.fullmatch(text):
        return Mention(line, "dashboard", text, name=match.group(1))
    if match := _OBJECT.fullmatch(text):
        kind, first, second = match.groups()
        if second is None:
            namespace = "" if kind in _CLUSTER_KINDS else "*"
            return Mention(line, "object", text, kind, namespace, first)
        return Mention(line, "object", text, kind, first, second)
    if _LABEL.fullmatch(text):
        return Mention(line, "label", text)
    return None


def _commands(line_text: str, line: int) -> Iterator[Mention]:
    words = line_text.split()
    if "--" in words:  # what follows runs inside a container
        words = words[: words.index("--")]
    namespace = ""
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in ("-n", "--namespace") and following:
            namespace = following
            yield Mention(line, "namespace", following, name=following)
        elif word.startswith("--namespace="):
            namespace = word.split("=", 1)[1]
            yield Mention(line, "namespace", namespace, name=namespace)
        elif word in ("-l", "--selector") and following:
            for part in following.strip("'\"").split(","):
                if "=" in part and "!" not in part:
                    yield Mention(line, "label", part)
    if len(words) > 3 and words[0] == "argocd" and words[1] == "app" and words[2] != "list":
        target = words[3]
        if not target.startswith("-"):
            yield Mention(line, "application", target, name=target)
    if words[:3] == ["argocd", "cluster", "add"] and "--name" in words[:-1]:
        cluster = words[words.index("--name") + 1]
        yield Mention(line, "cluster", cluster, name=cluster)
    if words[:3] == ["argocd", "repo", "add"] and len(words) > 3:
        yield Mention(line, "repository", words[3], name=words[3])
    if words and words[0] == "kubectl":
        subject: Mention | None = None
        containers: list[str] = []
        for i, (before, word) in enumerate(itertools.pairwise(words), start=1):
            following = words[i + 1] if i + 1 < len(words) else ""
            if before in ("-c", "--container"):
                containers.append(word)
                continue
            if word.startswith("--container="):
                containers.append(word.split("=", 1)[1])
                continue
            if before in _VALUE_FLAGS or before in _NAME_FLAGS or "=" in word or ":" in word:
                continue
            head, sep, name = word.partition("/")
            text = word
            if not sep and head in KUBECTL_TYPES and following and not following.startswith("-"):
                # the space form: kubectl <verb> <type> <name>
                if following in _SUBCOMMANDS or "/" in following or "=" in following:
                    continue
                name, text = following, f"{word} {following}"
            elif not (sep and name and "/" not in name and _TYPE.fullmatch(head)):
                continue
            # a known short name, else the kind itself in lower case (a constraint kind)
            kind = KUBECTL_TYPES.get(head, head)
            scope = "" if kind in _CLUSTER_KINDS else (namespace or "*")
            subject = Mention(line, "object", text, kind, scope, name)
            yield subject
        for container in containers:
            if subject is not None:
                yield Mention(
                    line,
                    "container",
                    f"{subject.text} -c {container}",
                    subject.kind,
                    subject.namespace,
                    subject.name,
                    container,
                )


def mentions(markdown: str) -> list[Mention]:
    """Every checked name of ``markdown``, in the forms of this module's documentation."""
    found: list[Mention] = []
    fenced = False
    for number, text in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(text.strip()):
            fenced = not fenced
            continue
        if fenced:
            found.extend(_commands(text.split(" #", 1)[0], number))
            continue
        for span in _SPAN.findall(text):
            if _COMMAND_SPAN.match(span.strip()):
                found.extend(_commands(span.strip(), number))
                continue
            mention = _inline(span.strip(), number)
            if mention is not None:
                found.append(mention)
    # a name with a placeholder other than <env> is the reader's to fill in: not checked
    return [m for m in found if not _PLACEHOLDER.search(m.text.replace(_ENV, ""))]


def unknown_names(documents: Iterable[tuple[str, str]], index: NameIndex) -> tuple[list[str], int]:
    """Check every mention of ``documents`` against ``index``.

    Args:
        documents: ``(file, markdown)`` pairs.
        index: what the environments deploy.

    Returns:
        The messages (``file:line: <form> <text> ...``), one per name that does not exist
        (per environment for ``<env>`` names), and how many names were checked.
    """
    problems: list[str] = []
    checked = 0
    for file, markdown in documents:
        for mention in mentions(markdown):
            checked += 1
            if _ENV in mention.text:
                missing = [e for e in index.environments if not index.exists(mention, e)]
                if missing:
                    problems.append(
                        f"{file}:{mention.line}: {mention.form} {mention.text} does not exist "
                        f"in {', '.join(missing)}"
                    )
            elif not index.exists(mention, None):
                where = "the repository" if mention.form == "path" else "any environment"
                problems.append(
                    f"{file}:{mention.line}: {mention.form} {mention.text} does not exist in "
                    f"{where}"
                )
    return problems, checked

"""Argo CD's AppProject rules, re-implemented for offline checks.

The semantics follow Argo CD 3.5 (``pkg/apis/application/v1alpha1/app_project_types.go``,
``util/glob``, ``util/git``):

* source repositories are globs over normalised Git URLs, ``/`` being a separator for ``*``;
  ``!pattern`` denies, and a source is allowed when an allow entry matches and no deny entry
  rejects it;
* a destination matches an entry when (its server glob or its name glob) and its namespace glob
  match; an entry whose ``!`` pattern does not match denies;
* cluster-scoped kinds need a ``clusterResourceWhitelist`` match (``name`` globs allowed since
  3.3) and no blacklist match; namespaced kinds are allowed unless a non-nil
  ``namespaceResourceWhitelist`` misses them or ``namespaceResourceBlacklist`` lists them.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "IN_CLUSTER_NAME",
    "IN_CLUSTER_SERVER",
    "Project",
    "glob_match",
    "normalize_git_url",
]

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
IN_CLUSTER_NAME = "in-cluster"


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str, separators: str) -> re.Pattern[str]:
    return re.compile(_translate(pattern, separators) + r"\Z", re.DOTALL)


def _translate(pattern: str, separators: str) -> str:
    """gobwas/glob syntax -> regular expression: ``*``, ``**``, ``?``, ``[...]``, ``{a,b}``."""
    not_sep = f"[^{re.escape(separators)}]" if separators else "."
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif char == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
            else:
                out.append(f"{not_sep}*")
                i += 1
        elif char == "?":
            out.append(not_sep)
            i += 1
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
                i += 1
                continue
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        elif char == "{":
            end, alternatives = _alternatives(pattern, i)
            if end == -1:
                out.append(re.escape(char))
                i += 1
                continue
            out.append("(?:" + "|".join(_translate(a, separators) for a in alternatives) + ")")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def _alternatives(pattern: str, start: int) -> tuple[int, list[str]]:
    depth = 0
    parts: list[str] = []
    current = ""
    for j in range(start, len(pattern)):
        char = pattern[j]
        if char == "{":
            depth += 1
            if depth == 1:
                continue
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(current)
                return j, parts
        elif char == "," and depth == 1:
            parts.append(current)
            current = ""
            continue
        current += char
    return -1, []


def glob_match(pattern: str, value: str, *, negation: bool = True, separators: str = "") -> bool:
    """Argo CD's ``globMatch``: ``*`` matches everything; ``!pattern`` inverts.

    Args:
        pattern: a gobwas/glob pattern, optionally prefixed with ``!``.
        value: the string to test.
        negation: whether a leading ``!`` inverts the match.
        separators: characters ``*`` and ``?`` do not cross (``/`` for repository URLs).

    Returns:
        Whether ``value`` matches.

    """
    if negation and pattern.startswith("!"):
        return not _compile(pattern[1:], separators).match(value)
    if pattern == "*":
        return True
    return bool(_compile(pattern, separators).match(value))


def normalize_git_url(url: str) -> str:
    """Argo CD's ``NormalizeGitURL``: lower case, SSH form unified, ``.git`` suffix dropped."""
    repo = url.strip().lower()
    if re.match(r"^(ssh://)?([^/:]*?)@[^@]+$", repo) and not repo.startswith("ssh://"):
        repo = "ssh://" + repo.replace(":", "/", 1)
    repo = repo.removesuffix(".git")
    return repo.removeprefix("ssh://")


def _is_deny(pattern: str) -> bool:
    return pattern.startswith("!")


@dataclass(frozen=True)
class Project:
    """The permission fields of one AppProject.

    ``None`` for a whitelist means the field is absent (nil in Argo CD), which differs from an
    empty list for ``namespaceResourceWhitelist``.
    """

    name: str
    source_repos: tuple[str, ...] = ()
    destinations: tuple[dict[str, Any], ...] = ()
    cluster_whitelist: tuple[dict[str, Any], ...] = ()
    cluster_blacklist: tuple[dict[str, Any], ...] = ()
    namespace_whitelist: tuple[dict[str, Any], ...] | None = None
    namespace_blacklist: tuple[dict[str, Any], ...] = ()
    origin: str = ""
    ref: str = field(default="", compare=False)

    @classmethod
    def from_object(cls, obj: dict[str, Any], origin: str = "") -> Project:
        """Read an AppProject object."""
        spec = obj.get("spec") or {}

        def entries(key: str) -> tuple[dict[str, Any], ...]:
            return tuple(e for e in spec.get(key) or [] if isinstance(e, dict))

        whitelist = spec.get("namespaceResourceWhitelist")
        meta = obj.get("metadata") or {}
        return cls(
            name=str(meta.get("name", "")),
            source_repos=tuple(str(r) for r in spec.get("sourceRepos") or []),
            destinations=entries("destinations"),
            cluster_whitelist=entries("clusterResourceWhitelist"),
            cluster_blacklist=entries("clusterResourceBlacklist"),
            namespace_whitelist=None
            if whitelist is None
            else entries("namespaceResourceWhitelist"),
            namespace_blacklist=entries("namespaceResourceBlacklist"),
            origin=origin,
            ref=f"AppProject/{meta.get('namespace')}/{meta.get('name')}"
            if meta.get("namespace")
            else f"AppProject/{meta.get('name')}",
        )

    @classmethod
    def default(cls) -> Project:
        """The ``default`` project every Argo CD installation creates: everything allowed."""
        return cls(
            name="default",
            source_repos=("*",),
            destinations=({"server": "*", "name": "*", "namespace": "*"},),
            cluster_whitelist=({"group": "*", "kind": "*"},),
            origin="<the default project of Argo CD>",
            ref="AppProject/argocd/default",
        )

    def source_permitted(self, repo_url: str) -> bool:
        """``IsSourcePermitted``."""
        source = normalize_git_url(repo_url)
        allowed = False
        for entry in self.source_repos:
            if _is_deny(entry):
                pattern = "!" + normalize_git_url(entry[1:])
            else:
                pattern = normalize_git_url(entry)
            if glob_match(pattern, source, separators="/"):
                allowed = True
            elif _is_deny(pattern):
                return False
        return allowed

    def destination_permitted(self, server: str, name: str, namespace: str) -> bool:
        """``isDestinationMatched``: server or name, and namespace, with ``!`` denials."""
        any_match = False
        no_deny = True
        for item in self.destinations:
            item_name = str(item.get("name") or "")
            item_server = str(item.get("server") or "")
            item_ns = str(item.get("namespace") or "")
            name_ok = bool(name) and glob_match(item_name, name)
            server_ok = bool(server) and glob_match(item_server, server)
            ns_ok = glob_match(item_ns, namespace)
            if (server_ok or name_ok) and ns_ok:
                any_match = True
            elif (
                (not name_ok and _is_deny(item_name))
                or (not server_ok and _is_deny(item_server))
                or (not ns_ok and _is_deny(item_ns))
            ):
                no_deny = False
        return any_match and no_deny

    def kind_permitted(self, group: str, kind: str, name: str, *, namespaced: bool) -> bool:
        """``IsGroupKindNamePermitted``: white/black lists for the object's scope."""
        if namespaced:
            whitelisted = self.namespace_whitelist is None or (
                len(self.namespace_whitelist) > 0
                and _in_list(group, kind, name, self.namespace_whitelist, named=False)
            )
            blacklisted = _in_list(group, kind, name, self.namespace_blacklist, named=False)
            return whitelisted and not blacklisted
        whitelisted = _in_list(group, kind, name, self.cluster_whitelist, named=True)
        blacklisted = _in_list(group, kind, name, self.cluster_blacklist, named=True)
        return whitelisted and not blacklisted


def _in_list(
    group: str, kind: str, name: str, entries: tuple[dict[str, Any], ...], *, named: bool
) -> bool:
    for entry in entries:
        if not fnmatch.fnmatchcase(kind, str(entry.get("kind", ""))):
            continue
        if not fnmatch.fnmatchcase(group, str(entry.get("group", ""))):
            continue
        pattern = str(entry.get("name") or "")
        if named and pattern and not glob_match(pattern, name, negation=False):
            continue
        return True
    return False

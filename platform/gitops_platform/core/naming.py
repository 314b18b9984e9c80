"""Name rules shared by every construct (Kubernetes, Git and Helm naming)."""

from __future__ import annotations

import re

from constructs import Construct

from gitops_platform.errors import DuplicateError, InvalidValueError
from gitops_platform.rules.versions import is_exact_version

__all__ = [
    "DNS_LABEL",
    "check_chart_repo_url",
    "check_construct_scope",
    "check_dns_label",
    "check_exact_version",
    "check_git_revision",
    "check_git_url",
    "check_https_url",
    "check_source_repo_url",
    "is_commit_sha",
]

#: RFC 1123 label (Kubernetes names of namespaces, labels values...), 63 characters at most.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
#: A full commit id: SHA-1 (40 hex digits) or SHA-256 (64). Shorter hex strings are tags or
#: branches (CalVer ``20241129``, build numbers ``1234567``), as Argo CD reads them.
_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
_PATH = r"(?:/[A-Za-z0-9._~%/-]*)?"
_URL = re.compile(rf"^https://{_HOST}(?::\d+)?{_PATH}$")
#: ``ssh://[user@]host[:port]/path`` (Argo CD's SSH repository URLs).
_SSH = re.compile(rf"^ssh://(?:[A-Za-z0-9._-]+@)?{_HOST}(?::\d+)?/[A-Za-z0-9._~%/-]+$")
#: ``user@host:path`` (the scp-like form Git and Argo CD accept, e.g. git@github.com:org/r.git).
_SCP = re.compile(rf"^[A-Za-z0-9._-]+@{_HOST}:(?!/)[A-Za-z0-9._~%/-]+$")
#: ``oci://registry[:port]/path`` and Argo CD's scheme-less Helm OCI form ``registry/path``
#: (the host must hold a dot or a port, or be ``localhost``, as OCI references require).
_OCI = re.compile(
    rf"^(?:oci://)?(?:{_HOST}\.[A-Za-z]{{2,}}|localhost|{_HOST})(?::\d+)?/[A-Za-z0-9._~%/-]+$"
)


def check_dns_label(path: str, field: str, value: object, max_length: int = 63) -> str:
    """Return ``value`` if it is an RFC 1123 DNS label of at most ``max_length`` characters."""
    if not isinstance(value, str) or len(value) > max_length or not DNS_LABEL.fullmatch(value):
        raise InvalidValueError(
            path,
            field,
            value,
            f"a DNS label: 1 to {max_length} characters of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit",
        )
    return value


def check_exact_version(path: str, field: str, value: object) -> str:
    """Return ``value`` if it is one exact semantic version (``1.2.3`` or ``v1.2.3``).

    The rule is :func:`gitops_platform.rules.versions.is_exact_version`, which the validation
    pipeline applies to every rendered Helm ``targetRevision``.

    Raises:
        InvalidValueError: ``value`` is a range, a partial version or not a string.
    """
    if not isinstance(value, str) or not is_exact_version(value):
        raise InvalidValueError(
            path,
            field,
            value,
            "an exact chart version such as 1.2.3 or v1.2.3; ranges (^, ~, >=, *, x, ||) "
            "would let the cluster drift from what was reviewed",
        )
    return value


def is_commit_sha(value: str) -> bool:
    """Whether ``value`` is a full commit id (40 or 64 hex digits); ``20241129`` is not."""
    return bool(_SHA.fullmatch(value))


def check_git_revision(path: str, field: str, value: object) -> str:
    """Return ``value`` if it is a branch or tag name usable as an environment pin.

    A commit SHA is refused: the tree rendered at a commit cannot name that same commit, so
    children pinned to a SHA would always run an older tree than their parent. Pin a branch
    (moved only by reviewed merges) or a tag instead.
    """
    allowed = (
        "a branch or tag name (letters, digits, '.', '_', '-', '/'; no '..', no leading "
        "or trailing '/' or '.', not HEAD); commit SHAs cannot pin the tree that contains them"
    )
    if not isinstance(value, str) or not value or value == "HEAD" or is_commit_sha(value):
        raise InvalidValueError(path, field, value, allowed)
    if (
        not re.fullmatch(r"[A-Za-z0-9._/-]+", value)
        or ".." in value
        or "//" in value
        or value.startswith(("/", ".", "-"))
        or value.endswith(("/", ".", ".lock"))
        or "/." in value
    ):
        raise InvalidValueError(path, field, value, allowed)
    return value


def check_https_url(path: str, field: str, value: object) -> str:
    """Return ``value`` if it is an ``https://`` URL without credentials, query or fragment."""
    if not isinstance(value, str) or not _URL.fullmatch(value):
        raise InvalidValueError(
            path, field, value, "an https:// URL without credentials, query or fragment"
        )
    return value


def check_construct_scope(kind: str, scope: object, construct_id: object) -> None:
    """Check that a construct of ``kind`` can be added to ``scope`` under ``construct_id``.

    Run before the construct is created, so that the user sees the library's error rather
    than the one raised across the jsii boundary.

    Args:
        kind: the construct class being created (for the message), e.g. ``AppProject``.
        scope: the parent construct (a chart, usually).
        construct_id: the id the new construct takes in ``scope``.

    Raises:
        InvalidValueError: ``scope`` is not a construct, or ``construct_id`` is not a
            non-empty string.
        DuplicateError: ``scope`` already has a child called ``construct_id``.
    """
    if not isinstance(scope, Construct):
        raise InvalidValueError(
            f"{kind}({construct_id!s})", "scope", scope, "a construct, such as a cdk8s Chart"
        )
    if not isinstance(construct_id, str) or not construct_id:
        raise InvalidValueError(
            f"{scope.node.path}/{kind}", "id", construct_id, "a non-empty string"
        )
    if scope.node.try_find_child(construct_id) is not None:
        raise DuplicateError(
            f"{scope.node.path}/{construct_id}",
            "id",
            construct_id,
            f"an id not yet used in {scope.node.path or 'the app'} "
            "(construct ids are unique among siblings)",
        )


def _is_oci(value: str) -> bool:
    if value.startswith("oci://"):
        return bool(_OCI.fullmatch(value))
    if "://" in value or "@" in value:
        return False
    host = value.split("/", 1)[0]
    return bool(_OCI.fullmatch(value)) and ("." in host or ":" in host or host == "localhost")


def _is_git(value: str) -> bool:
    return bool(_URL.fullmatch(value) or _SSH.fullmatch(value) or _SCP.fullmatch(value))


def check_git_url(path: str, field: str, value: object) -> str:
    """Return ``value`` if it is a Git repository URL Argo CD reads without credentials in it.

    Accepted: ``https://host/path``, ``ssh://[user@]host[:port]/path`` and the scp-like
    ``user@host:path`` (``git@github.com:org/repo.git``); the SSH key lives in Argo CD's
    repository Secret, never in the URL. Source: Argo CD's ``IsSSHURL`` and
    ``NormalizeGitURL`` (``util/git/git.go``).

    Raises:
        InvalidValueError: any other value (a password in the URL, ``http://``, a query).
    """
    if not isinstance(value, str) or not _is_git(value):
        raise InvalidValueError(
            path,
            field,
            value,
            "a Git URL: https://host/path, ssh://[user@]host/path or user@host:path, "
            "without a password, query or fragment",
        )
    return value


def check_chart_repo_url(path: str, field: str, value: object) -> str:
    """Return ``value`` if it is a Helm chart repository Argo CD pulls from.

    Accepted: an HTTPS chart repository (``https://charts.example.com``), an OCI registry
    path as ``oci://ghcr.io/org/charts`` or as Argo CD's scheme-less Helm OCI form
    ``ghcr.io/org/charts`` (the repository Secret sets ``enableOCI``). Source: Argo CD's Helm
    OCI documentation (``user-guide/helm``) and ``IsHelmOciRepo``.

    Raises:
        InvalidValueError: any other value.
    """
    if not isinstance(value, str) or not (_URL.fullmatch(value) or _is_oci(value)):
        raise InvalidValueError(
            path,
            field,
            value,
            "a chart repository: https://host/path, oci://registry/path or registry/path "
            "(OCI without scheme), without credentials, query or fragment",
        )
    return value


def check_source_repo_url(path: str, field: str, value: object) -> str:
    """Return ``value`` if it is a Git URL or a chart repository (an AppProject source repo).

    Raises:
        InvalidValueError: neither (see :func:`check_git_url`, :func:`check_chart_repo_url`).
    """
    if not isinstance(value, str) or not (_is_git(value) or _is_oci(value)):
        raise InvalidValueError(
            path,
            field,
            value,
            "a Git URL (https://, ssh://, user@host:path) or an OCI chart repository "
            "(oci://registry/path or registry/path)",
        )
    return value

"""Name rules shared by every construct (Kubernetes, Git and Helm naming)."""

from __future__ import annotations

import re

from constructs import Construct

from gitops_platform.errors import DuplicateError, InvalidValueError
from gitops_platform.rules.versions import is_exact_version

__all__ = [
    "DNS_LABEL",
    "check_construct_scope",
    "check_dns_label",
    "check_exact_version",
    "check_git_revision",
    "check_https_url",
]

#: RFC 1123 label (Kubernetes names of namespaces, labels values...), 63 characters at most.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_SHA = re.compile(r"^[0-9a-f]{7,40}$")
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%/-]*)?$")


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
    if not isinstance(value, str) or not value or value == "HEAD" or _SHA.fullmatch(value):
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

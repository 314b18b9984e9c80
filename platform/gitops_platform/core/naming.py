"""Name rules shared by every construct (Kubernetes, Git and Helm naming)."""

from __future__ import annotations

import re

from gitops_platform.errors import InvalidValueError
from gitops_platform.rules.versions import is_exact_version

__all__ = [
    "DNS_LABEL",
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

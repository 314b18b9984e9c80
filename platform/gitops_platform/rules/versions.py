"""The one exact-version rule: a chart version pins one release, never a range.

Used by the constructs (:func:`gitops_platform.core.naming.check_exact_version`, when a chart
source is built) and by the validation pipeline (step ``argocd`` checks every Helm
``targetRevision`` of a tree). Argo CD resolves a Helm ``targetRevision`` that is a semver
constraint (``^1.2``, ``1.2.*``, ``>=1.2.0 <1.3.0``) to the newest matching chart
(``docs/user-guide/tracking_strategies.md``, Argo CD 3.5.1), which lets a cluster drift from
what was reviewed; an exact version does not.
"""

from __future__ import annotations

import re

__all__ = ["EXACT_VERSION", "is_exact_version"]

#: A Semantic Versioning 2.0.0 version (the regular expression of https://semver.org, section
#: "Is there a suggested regular expression"), optionally prefixed with ``v`` (cert-manager's
#: chart versions are ``v1.21.1``). No surrounding blanks.
EXACT_VERSION = re.compile(
    r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)


def is_exact_version(version: object) -> bool:
    """Whether ``version`` is one exact semantic version (``1.2.3``, ``v1.2.3-rc.1+b.5``).

    Args:
        version: a chart version or Helm ``targetRevision`` (anything; only a string can be).

    Returns:
        ``False`` for a range (``^``, ``~``, ``>=``, ``*``, ``x``, ``||``), a partial
        version (``1.2``), an empty string, blanks around the version, or a non-string.

    """
    return isinstance(version, str) and EXACT_VERSION.fullmatch(version) is not None

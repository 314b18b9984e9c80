"""Detection of literal secret values where only references to Secrets are allowed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gitops_platform.errors import SecretLiteralError

__all__ = ["CREDENTIAL_KEY", "check_no_secret_literals", "secret_literals"]

# Keys that hold credentials. Keys that name a Secret (``existingSecret``, ``secretName``,
# ``passwordSecretRef``...) are references, not values, and are accepted.
CREDENTIAL_KEY = re.compile(
    r"(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key)",
    re.IGNORECASE,
)
# Suffixes of keys whose value names a Secret (or a key inside one, or a file) instead of
# holding the credential itself.
_REFERENCE_SUFFIXES = (
    "secretname",
    "secretref",
    "secretrefs",
    "secretkeyref",
    "keyref",
    "existingsecret",
    "secretkeyname",
    "passwordkey",
    "tokenkey",
    "keyname",
    "file",
    "path",
    "enabled",
    "secretsname",
)
_PLACEHOLDER = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


def _is_credential_key(key: str) -> bool:
    lowered = key.lower().replace("_", "").replace("-", "")
    return bool(CREDENTIAL_KEY.search(key)) and not lowered.endswith(_REFERENCE_SUFFIXES)


def secret_literals(data: Any, prefix: str = "") -> Iterator[str]:
    """Yield the dotted paths of literal values stored under credential-like keys."""
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if (
                isinstance(key, str)
                and _is_credential_key(key)
                and isinstance(value, str | int | float)
                and not isinstance(value, bool)
                and value != ""
                and not (isinstance(value, str) and _PLACEHOLDER.match(value))
            ):
                yield path
            else:
                yield from secret_literals(value, path)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from secret_literals(item, f"{prefix}[{i}]")


def check_no_secret_literals(where: str, field: str, data: Any) -> None:
    """Raise :class:`SecretLiteralError` if ``data`` holds a literal credential."""
    for path in secret_literals(data):
        raise SecretLiteralError(
            where,
            f"{field}.{path}",
            "<literal value>",
            "a reference to a Kubernetes Secret (for example existingSecret or secretKeyRef) "
            "materialised by an ExternalSecret, or a ${VAR} placeholder; never the value itself",
        )

"""The library's exception hierarchy.

Every error raised for bad input is a :class:`PlatformError`. Messages name where the problem is
(the construct path, or the object being described), the field, the bad value and what is
allowed, so that a user can fix the input without reading a stack trace.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigurationError",
    "DuplicateError",
    "PermissionDeniedError",
    "PlatformError",
    "SecretLiteralError",
    "SynthError",
    "UpstreamDataError",
    "ValidationError",
]


class PlatformError(Exception):
    """Base class of every error the library raises on purpose."""


class ValidationError(PlatformError, ValueError):
    """A field holds a value that is not allowed.

    Attributes:
        path: the construct path or object the field belongs to (e.g. ``platform/dev``).
        field: the field name (e.g. ``revision``).
        value: the offending value.
        allowed: a short description of what is allowed.

    """

    def __init__(self, path: str, field: str, value: Any, allowed: str) -> None:
        self.path = path
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{path}: invalid {field} {value!r}: {allowed}")


class ConfigurationError(ValidationError):
    """Fields that are valid one by one but do not fit together."""


class DuplicateError(ValidationError):
    """Two objects claim the same name where names must be unique."""


class PermissionDeniedError(ValidationError):
    """An Argo CD Application asks for something its AppProject does not permit.

    Argo CD would refuse the same Application at sync time; the library refuses it at synth time.
    """


class SecretLiteralError(ValidationError):
    """A literal secret value was given where only a reference to a Secret is allowed."""


class SynthError(PlatformError):
    """Rendering the GitOps tree failed; the previous tree was left untouched."""


class UpstreamDataError(PlatformError):
    """Upstream reference data (CRDs, chart value schemas) could not be found."""

"""The library's exception hierarchy.

Every error raised for bad input is a :class:`PlatformError`. Messages name where the problem is
(the construct path, or the object being described), the field, the bad value and what is
allowed, so that a user can fix the input without reading a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "ConfigurationError",
    "DuplicateError",
    "InvalidObjectError",
    "InvalidValueError",
    "PermissionDeniedError",
    "PlatformError",
    "SecretLiteralError",
    "SynthError",
    "UpstreamDataError",
]


class PlatformError(Exception):
    """Base class of every error the library raises on purpose."""


class InvalidValueError(PlatformError, ValueError):
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


class ConfigurationError(InvalidValueError):
    """Fields that are valid one by one but do not fit together."""


class DuplicateError(InvalidValueError):
    """Two objects claim the same name where names must be unique."""


class PermissionDeniedError(InvalidValueError):
    """An Argo CD Application asks for something its AppProject does not permit.

    Argo CD would refuse the same Application at sync time; the library refuses it at synth time.
    """


class SecretLiteralError(InvalidValueError):
    """A literal secret value was given where only a reference to a Secret is allowed."""


class SynthError(PlatformError):
    """Rendering the GitOps tree failed; the previous tree was left untouched."""


class UpstreamDataError(PlatformError):
    """Upstream reference data (CRDs, chart value schemas) could not be found."""


class InvalidObjectError(ExceptionGroup[InvalidValueError], PlatformError):
    """Every problem found in one object, reported at once.

    Raised instead of the first :class:`InvalidValueError` when an object (a values map, a
    component, a project) has several problems, so that one run shows them all. Each problem
    is in :attr:`exceptions` with its own path, field, value and what is allowed; ``except*
    InvalidValueError`` and ``except PlatformError`` both catch it.

    Attributes:
        path: the construct path or object the problems belong to.

    """

    path: str

    def __new__(cls, path: str, errors: Sequence[InvalidValueError]) -> InvalidObjectError:
        """Build the group from the object's path and its problems."""
        self = super().__new__(cls, _summary(path, errors), list(errors))
        self.path = path
        return self

    def __init__(self, path: str, errors: Sequence[InvalidValueError]) -> None:
        super().__init__(_summary(path, errors), list(errors))

    def __str__(self) -> str:
        return _summary(self.path, self.exceptions)

    def derive(  # type: ignore[override]
        self, excs: Sequence[InvalidValueError]
    ) -> InvalidObjectError:
        """Keep the path when ``except*`` splits the group."""
        return InvalidObjectError(self.path, excs)


def _summary(path: str, errors: Sequence[BaseException]) -> str:
    lines = "".join(f"\n  - {error}" for error in errors)
    return f"{path}: {len(errors)} problem{'s' if len(errors) != 1 else ''}:{lines}"


def raise_all(path: str, errors: Sequence[InvalidValueError]) -> None:
    """Raise nothing, the one error, or an :class:`InvalidObjectError` carrying them all.

    Args:
        path: the object the errors belong to (used when there are several).
        errors: every problem found, in the order found.

    Raises:
        InvalidValueError: when exactly one problem was found.
        InvalidObjectError: when several were found.

    """
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InvalidObjectError(path, errors)


def collect(
    problems: list[InvalidValueError], check: Callable[..., object], *args: Any, **kwargs: Any
) -> None:
    """Run one check, appending its :class:`InvalidValueError` to ``problems`` instead of raising.

    Objects call it once per field, then :func:`raise_all` with the list, so that one run
    reports every problem of the object.

    Args:
        problems: the list the error is appended to.
        check: a ``check_*`` function (or any callable raising :class:`InvalidValueError`).
        *args: positional arguments of ``check``.
        **kwargs: keyword arguments of ``check``.
    """
    try:
        check(*args, **kwargs)
    except InvalidValueError as error:
        problems.append(error)

"""Checks of the sizes and durations that sizing objects hold (shared by the components).

Each check appends an :class:`~gitops_platform.errors.InvalidValueError` to ``problems`` instead
of raising, so that an object reports every bad field at once (``errors.raise_all``).
"""

from __future__ import annotations

import re
from typing import Final

from gitops_platform.errors import InvalidValueError

__all__ = [
    "GO_DURATION",
    "GO_DURATION_ALLOWED",
    "PROMETHEUS_DURATION",
    "PROMETHEUS_DURATION_ALLOWED",
    "QUANTITY",
    "QUANTITY_ALLOWED",
    "check_count",
    "check_pattern",
]

#: A Kubernetes resource quantity as the platform writes them (``100m``, ``0.5``, ``128Mi``).
QUANTITY: Final = re.compile(r"^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
QUANTITY_ALLOWED: Final = "a Kubernetes quantity such as 100m, 0.5, 128Mi or 10Gi"
#: A Prometheus duration (``model.Duration``: Prometheus' and Loki's retention): ``15d``, ``1w2d``.
PROMETHEUS_DURATION: Final = re.compile(r"^([0-9]+(y|w|d|h|m|s|ms))+$")
PROMETHEUS_DURATION_ALLOWED: Final = (
    "a Prometheus duration such as 72h, 15d or 2w (units ms s m h d w y)"
)
#: A Go ``time.Duration`` (Tempo's block retention): no days.
GO_DURATION: Final = re.compile(r"^([0-9]+(\.[0-9]+)?(h|m|s|ms))+$")
GO_DURATION_ALLOWED: Final = "a Go duration such as 48h or 90m (units ms s m h; no days)"


def check_pattern(
    problems: list[InvalidValueError],
    where: str,
    field: str,
    value: object,
    pattern: re.Pattern[str],
    allowed: str,
) -> None:
    """Append a problem when ``value`` is not a string matching ``pattern``."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        problems.append(InvalidValueError(where, field, value, allowed))


def check_count(
    problems: list[InvalidValueError], where: str, field: str, value: object, low: int, high: int
) -> None:
    """Append a problem when ``value`` is not an ``int`` (not a ``bool``) in ``low..high``."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        problems.append(InvalidValueError(where, field, value, f"an integer from {low} to {high}"))

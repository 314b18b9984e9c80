"""The telemetry labels the gateway sets and every consumer (Grafana, SLOs, tests) reads.

Loki label names match ``[a-zA-Z_][a-zA-Z0-9_]*`` (Loki's label-name rule, the Vector ``loki``
sink's ``labels`` key check in ``src/sinks/loki/config.rs``), so the Kubernetes recommended
label ``app.kubernetes.io/name`` becomes ``app_kubernetes_io_name``: every character outside
``[0-9A-Za-z_]`` is replaced by ``_`` (the slug rule of Vector's label expansion,
``src/common/expansion.rs``).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

__all__ = [
    "LOKI_LABELS",
    "LOKI_STRUCTURED_METADATA",
    "TRACE_TO_LOG_TAGS",
    "loki_label_name",
]

_NOT_LABEL = re.compile(r"[^0-9A-Za-z_]")


def loki_label_name(attribute: str) -> str:
    """The Loki label name of a resource attribute or Kubernetes label key.

    Args:
        attribute: an OpenTelemetry attribute or label key (``app.kubernetes.io/name``).

    Returns:
        The key with every character outside ``[0-9A-Za-z_]`` replaced by ``_``
        (``app_kubernetes_io_name``).
    """
    return _NOT_LABEL.sub("_", attribute)


#: Loki label -> the OTLP resource attributes it is read from, first present wins (the gateway's
#: VRL falls back to ``service.name`` for the app name and to ``unknown`` otherwise).
LOKI_LABELS: Final = MappingProxyType(
    {
        "service_name": ("service.name",),
        "namespace": ("k8s.namespace.name",),
        loki_label_name("app.kubernetes.io/name"): (
            "app.kubernetes.io/name",
            "k8s.pod.label.app.kubernetes.io/name",
            "service.name",
        ),
    }
)

#: Per-record fields kept as Loki structured metadata (never labels: unbounded cardinality).
LOKI_STRUCTURED_METADATA: Final = ("trace_id", "span_id", "severity_text")

#: Span resource attribute -> Loki label, for Grafana's Tempo ``tracesToLogsV2.tags``.
TRACE_TO_LOG_TAGS: Final = MappingProxyType(
    {"service.name": "service_name", "k8s.namespace.name": "namespace"}
)

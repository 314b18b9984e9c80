"""Observability: the OTLP gateway (Vector) and the stack (Loki, Tempo, Prometheus, Grafana)."""

from gitops_platform.observability.gateway import GatewaySizing, VectorGateway
from gitops_platform.observability.slo import SLO, BurnWindow
from gitops_platform.observability.stack import NodeExporter, ObservabilityStack, StackSizing

__all__ = [
    "SLO",
    "BurnWindow",
    "GatewaySizing",
    "NodeExporter",
    "ObservabilityStack",
    "StackSizing",
    "VectorGateway",
]

"""The OTLP gateway: Vector (``vector`` chart 0.56.0, Vector 0.56.0) fanning telemetry out.

Applications send OTLP (gRPC 4317 or HTTP 4318) to :attr:`VectorGateway.otlp_grpc` /
:attr:`VectorGateway.otlp_http`; logs go to Loki with the labels of
:data:`~gitops_platform.observability.labels.LOKI_LABELS`, traces to Tempo's OTLP/HTTP
receiver, metrics to Prometheus' remote-write receiver. The Vector configuration is generated
here as data (:func:`vector_config`) for the pinned Vector version; its keys follow Vector
0.56.0 (``vectordotdev/vector`` tag ``v0.56.0``):

* ``sources.otlp.use_otlp_decoding`` takes the per-signal form (0.55.0+): traces stay raw OTLP
  so the ``opentelemetry`` sink's ``otlp`` codec forwards them unchanged (it refuses native
  Vector traces), logs and metrics are decoded to native events for the ``remap`` transforms;
* ``api`` has only ``enabled`` and ``address`` (gRPC since 0.55.0, with ``GET /health``);
* no gRPC ``keepalive.max_connection_age_secs`` (0.57.0) and no
  ``dangerously_allow_unconfined_template_resolution`` (0.57.0): 0.56.0 refuses unknown keys.

Metrics use Prometheus' remote-write receiver rather than its OTLP receiver: Vector decodes
OTLP metrics to native metrics that the ``remap`` transform normalises (dots in names and tags
are not Prometheus names), and the same receiver already takes Tempo's metrics-generator
series, so one receiver is enabled, not two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from gitops_platform.argocd.project import GroupKind
from gitops_platform.component import (
    ChartRelease,
    ComponentContext,
    Delivery,
    PlatformComponent,
    Release,
    ServiceEndpoint,
)
from gitops_platform.core.environment import PlatformSpec
from gitops_platform.errors import ConfigurationError, InvalidValueError
from gitops_platform.network.flows import Backend, Flow, Port, Workload, service_flow
from gitops_platform.observability.labels import LOKI_LABELS, LOKI_STRUCTURED_METADATA
from gitops_platform.observability.stack import CONTAINER_SECURITY, ObservabilityStack

__all__ = [
    "GATEWAY_WAVE",
    "VECTOR_VERSION",
    "GatewaySizing",
    "VectorGateway",
    "helm_escape",
    "logs_program",
    "metrics_program",
    "vector_config",
]

#: The Vector version of the chart's image (``vector`` chart 0.56.0, appVersion 0.56.0).
VECTOR_VERSION: Final = "0.56.0"
#: After the stack (-1), whose prometheus-operator CRDs its PodMonitor needs.
GATEWAY_WAVE: Final = 0
#: Smallest disk buffer Vector accepts (``lib/vector-buffers/src/config.rs``).
MIN_DISK_BUFFER: Final = 268_435_488

OTLP_GRPC_PORT: Final = 4317
OTLP_HTTP_PORT: Final = 4318
METRICS_PORT: Final = 9598
API_PORT: Final = 8686
DATA_DIR: Final = "/vector-data-dir"

_MI = 1024 * 1024
_DELIVERY = Delivery(sync_wave=GATEWAY_WAVE)


@dataclass(frozen=True)
class GatewaySizing:
    """The gateway's size in one environment.

    Attributes:
        replicas: StatefulSet replicas (the autoscaler's minimum when ``max_replicas`` is set).
        max_replicas: the autoscaler's maximum; ``None``: no autoscaler.
        buffer_mib: each sink's disk buffer, in MiB (at least 257 MiB: Vector's minimum).
        cpu_request / memory_request / memory_limit: the container's resources.
    """

    replicas: int = 1
    max_replicas: int | None = None
    buffer_mib: int = 256 + 1
    cpu_request: str = "100m"
    memory_request: str = "256Mi"
    memory_limit: str = "1Gi"

    def __post_init__(self) -> None:
        if self.buffer_mib * _MI < MIN_DISK_BUFFER:
            raise InvalidValueError(
                "GatewaySizing", "buffer_mib", self.buffer_mib, "at least 257 (Vector's minimum)"
            )
        if self.max_replicas is not None and self.max_replicas < self.replicas:
            raise InvalidValueError(
                "GatewaySizing", "max_replicas", self.max_replicas, f">= replicas ({self.replicas})"
            )

    @property
    def buffer_bytes(self) -> int:
        """Each sink's disk buffer in bytes."""
        return self.buffer_mib * _MI

    def volume_gib(self, sinks: int) -> int:
        """The data volume (GiB): the buffers' sum plus a quarter, rounded up."""
        total = sinks * self.buffer_bytes * 5 // 4
        return -(-total // (1024 * _MI))


def helm_escape(text: str) -> str:
    """Escape Vector's ``{{ field }}`` templates from the chart's ``tpl`` of ``customConfig``.

    The ``vector`` chart renders ``customConfig`` through ``tpl`` (``templates/configmap.yaml``),
    so ``{{`` is written ``{{ "{{" }}``, which Helm prints as ``{{``.
    """
    return text.replace("{{", '{{ "{{" }}')


def _first_string(var: str, keys: tuple[str, ...], fallback: str) -> str:
    reads = " ??\n  ".join(f'string(res."{k}")' for k in keys)
    return f"{var} = {reads} ??\n  {fallback}"


def logs_program() -> str:
    """The VRL of ``logs_for_loki``: Loki labels and structured metadata of an OTLP log.

    Sets ``._loki_labels`` (exactly the keys of ``LOKI_LABELS``) and ``._loki_sm`` (the present
    ones of ``trace_id``, ``span_id``, ``severity_text``); the sink turns them into labels and
    structured metadata and removes them from the line. ``trace_id``/``span_id`` stay fields.
    """
    lines = ["res = object(.resources) ?? {}"]
    for i, keys in enumerate(LOKI_LABELS.values()):
        lines.append(_first_string(f"label_{i}", keys, '"unknown"'))
    pairs = ", ".join(f'"{label}": label_{i}' for i, label in enumerate(LOKI_LABELS))
    lines.append(f"._loki_labels = {{{pairs}}}")
    lines.append("sm = {}")
    for key in LOKI_STRUCTURED_METADATA:
        lines.append(f'if is_string(.{key}) && .{key} != "" {{ sm.{key} = .{key} }}')
    lines.append("._loki_sm = sm")
    return "\n".join(lines) + "\n"


def metrics_program() -> str:
    """The VRL of ``metrics_for_prometheus``: Prometheus names and labels of an OTLP metric.

    Dots become underscores in the name and tag keys; ``resource.service.name`` and
    ``resource.k8s.namespace.name`` become ``service_name`` and ``namespace``; other resource
    and scope tags are dropped (cardinality).
    """
    return (
        'name = string(.name) ?? ""\n'
        '.name = replace(name, ".", "_")\n'
        "tags = object(.tags) ?? {}\n"
        'svc = tags."resource.service.name"\n'
        'ns = tags."resource.k8s.namespace.name"\n'
        "tags = filter(tags) -> |k, _v| {\n"
        '  !starts_with(k, "resource.") && !starts_with(k, "scope.")\n'
        "}\n"
        "if svc != null { tags.service_name = svc }\n"
        "if ns != null { tags.namespace = ns }\n"
        '.tags = map_keys(tags) -> |k| { replace(k, ".", "_") }\n'
    )


def _buffer(sizing: GatewaySizing) -> dict[str, Any]:
    return {"type": "disk", "max_size": sizing.buffer_bytes, "when_full": "block"}


def vector_config(stack: ObservabilityStack, sizing: GatewaySizing) -> dict[str, Any]:
    """The whole Vector 0.56.0 configuration of the gateway (the chart's ``customConfig``).

    Args:
        stack: the stack whose endpoints the sinks write to.
        sizing: the environment's buffer sizes.

    Returns:
        The configuration as plain data (unescaped; see :func:`helm_escape`).
    """
    return {
        "data_dir": DATA_DIR,
        "api": {"enabled": True, "address": f"0.0.0.0:{API_PORT}"},
        "acknowledgements": {"enabled": True},
        "sources": {
            "otlp": {
                "type": "opentelemetry",
                "grpc": {"address": f"0.0.0.0:{OTLP_GRPC_PORT}"},
                "http": {"address": f"0.0.0.0:{OTLP_HTTP_PORT}"},
                "use_otlp_decoding": {"logs": False, "metrics": False, "traces": True},
            },
            "vector_metrics": {"type": "internal_metrics", "scrape_interval_secs": 15},
        },
        "transforms": {
            "logs_for_loki": {
                "type": "remap",
                "inputs": ["otlp.logs"],
                "source": logs_program(),
            },
            "metrics_for_prometheus": {
                "type": "remap",
                "inputs": ["otlp.metrics"],
                "source": metrics_program(),
            },
        },
        "sinks": {
            "loki": {
                "type": "loki",
                "inputs": ["logs_for_loki"],
                "endpoint": stack.loki_push.url,
                "encoding": {"codec": "json", "except_fields": ["resources"]},
                "labels": {"*": "{{ _loki_labels }}"},
                "remove_label_fields": True,
                "structured_metadata": {"*": "{{ _loki_sm }}"},
                "remove_structured_metadata_fields": True,
                "out_of_order_action": "accept",
                "compression": "snappy",
                "buffer": _buffer(sizing),
            },
            "tempo": {
                "type": "opentelemetry",
                "inputs": ["otlp.traces"],
                "protocol": {
                    "type": "http",
                    "uri": stack.tempo_otlp_http.url,
                    "method": "post",
                    "encoding": {"codec": "otlp"},
                },
                "buffer": _buffer(sizing),
            },
            "prometheus": {
                "type": "prometheus_remote_write",
                "inputs": ["metrics_for_prometheus"],
                "endpoint": stack.prometheus_write.url,
                "healthcheck": {"uri": f"{stack.prometheus.url}/-/ready"},
                "buffer": _buffer(sizing),
            },
            "prom_exporter": {
                "type": "prometheus_exporter",
                "inputs": ["vector_metrics"],
                "address": f"0.0.0.0:{METRICS_PORT}",
                "acknowledgements": {"enabled": False},
            },
        },
    }


#: Sinks with a disk buffer (the data volume holds their sum).
BUFFERED_SINKS: Final = 3


def _escaped(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, str):
        return helm_escape(value)
    return value


@dataclass(frozen=True, kw_only=True)
class VectorGateway(PlatformComponent):
    """The OTLP gateway applications export to; it writes to the stack's backends.

    Attributes:
        stack: the observability stack (its typed endpoints are the sinks).
        sizing: :class:`GatewaySizing` per environment name (default: one small replica).
        version: the ``vector`` chart version (its image is Vector :data:`VECTOR_VERSION`).
    """

    cluster_kinds: ClassVar[tuple[GroupKind, ...]] = ()

    stack: ObservabilityStack
    sizing: Mapping[str, GatewaySizing] = field(default_factory=dict)
    version: str = VECTOR_VERSION
    name: str = "otlp-gateway"
    namespace: str = "observability"
    delivery: Delivery = _DELIVERY

    SERVICE: ClassVar[str] = "otlp-gateway"

    def validate(self, platform: PlatformSpec) -> None:
        """Every ``sizing`` key names an environment.

        Raises:
            ConfigurationError: for a key that is no environment.
        """
        names = [e.name for e in platform.environments]
        for key in self.sizing:
            if key not in names:
                raise ConfigurationError("VectorGateway", "sizing", key, f"one of {names}")

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The stack whose endpoints it writes to."""
        return (self.stack,)

    @property
    def otlp_grpc(self) -> ServiceEndpoint:
        """Where applications send OTLP over gRPC (``OTEL_EXPORTER_OTLP_ENDPOINT``, grpc)."""
        return ServiceEndpoint(self.SERVICE, self.namespace, OTLP_GRPC_PORT)

    @property
    def otlp_http(self) -> ServiceEndpoint:
        """Where applications send OTLP over HTTP (exporters append ``/v1/<signal>``)."""
        return ServiceEndpoint(self.SERVICE, self.namespace, OTLP_HTTP_PORT)

    @property
    def pods(self) -> Workload:
        """The gateway's StatefulSet (the chart's selector labels for the Aggregator role)."""
        return Workload(
            self,
            self.SERVICE,
            {
                "app.kubernetes.io/name": "vector",
                "app.kubernetes.io/instance": self.SERVICE,
                "app.kubernetes.io/component": "Aggregator",
            },
            (
                Port(OTLP_GRPC_PORT, name="otlp-grpc"),
                Port(OTLP_HTTP_PORT, name="otlp-http"),
                Port(METRICS_PORT, name="prom-exporter", metrics=True),
                Port(API_PORT, name="api"),
            ),
        )

    def workloads(self) -> tuple[Workload, ...]:
        """The gateway."""
        return (self.pods,)

    def backends(self) -> tuple[Backend, ...]:
        """OTLP/gRPC and OTLP/HTTP, same container ports as the Service's."""
        return (
            Backend(self.otlp_grpc, self.pods, OTLP_GRPC_PORT),
            Backend(self.otlp_http, self.pods, OTLP_HTTP_PORT),
        )

    def flows(self, ctx: ComponentContext) -> tuple[Flow, ...]:
        """The sinks: Loki push, Tempo OTLP/HTTP, Prometheus remote write (and its health check).

        Senders declare their own flow to :attr:`otlp_grpc` or :attr:`otlp_http`.
        """
        stack, components = self.stack, ctx.components
        return (
            service_flow(self.pods, components, stack.loki_push, "the loki sink (logs)"),
            service_flow(self.pods, components, stack.tempo_otlp_http, "the tempo sink (traces)"),
            service_flow(
                self.pods, components, stack.prometheus_write, "the prometheus sink (metrics)"
            ),
        )

    @property
    def chart(self) -> ChartRelease:
        """The ``vector`` chart release."""
        return ChartRelease(
            "https://helm.vector.dev", "vector", self.version, release_name=self.SERVICE
        )

    @property
    def charts(self) -> tuple[Release, ...]:
        """The ``vector`` chart."""
        return (self.chart,)

    def sizing_of(self, env: str) -> GatewaySizing:
        """The sizing of environment ``env``."""
        return self.sizing.get(env, GatewaySizing())

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Shared: role, ports, hardening; per environment: config, size, PDB, autoscaler."""
        if ctx.env is None:
            return self._base(ctx.platform.name)
        size = self.sizing_of(ctx.env.name)
        values: dict[str, Any] = {
            "replicas": size.replicas,
            "customConfig": _escaped(vector_config(self.stack, size)),
            "persistence": {
                "enabled": True,
                "accessModes": ["ReadWriteOnce"],
                "size": f"{size.volume_gib(BUFFERED_SINKS)}Gi",
            },
            "resources": {
                "requests": {"cpu": size.cpu_request, "memory": size.memory_request},
                "limits": {"memory": size.memory_limit},
            },
            "podDisruptionBudget": {"enabled": size.replicas > 1, "minAvailable": 1},
        }
        if size.max_replicas is not None:
            values["autoscaling"] = {
                "enabled": True,
                "minReplicas": size.replicas,
                "maxReplicas": size.max_replicas,
                "targetCPUUtilizationPercentage": 70,
            }
        return values

    def _base(self, part_of: str) -> dict[str, Any]:
        ports = [
            ("otlp-grpc", OTLP_GRPC_PORT),
            ("otlp-http", OTLP_HTTP_PORT),
            ("prom-exporter", METRICS_PORT),
        ]
        return {
            "role": "Aggregator",
            "fullnameOverride": self.SERVICE,
            "podManagementPolicy": "Parallel",
            "commonLabels": {"app.kubernetes.io/part-of": part_of},
            "podLabels": {"app.kubernetes.io/part-of": part_of, "vector.dev/exclude": "true"},
            "podSecurityContext": {
                "runAsNonRoot": True,
                "runAsUser": 65532,
                "runAsGroup": 65532,
                "fsGroup": 65532,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "securityContext": {
                k: v for k, v in CONTAINER_SECURITY.items() if k != "seccompProfile"
            },
            # the API (health, gRPC control) is for probes only: a container port, never a
            # Service port
            "containerPorts": [
                *({"name": n, "containerPort": p, "protocol": "TCP"} for n, p in ports),
                {"name": "api", "containerPort": API_PORT, "protocol": "TCP"},
            ],
            "service": {
                "ports": [
                    {"name": n, "port": p, "targetPort": p, "protocol": "TCP"} for n, p in ports
                ],
            },
            "readinessProbe": {"httpGet": {"path": "/health", "port": API_PORT}},
            "livenessProbe": {
                "httpGet": {"path": "/health", "port": API_PORT},
                "initialDelaySeconds": 10,
            },
            "podMonitor": {"enabled": True, "port": "prom-exporter", "path": "/metrics"},
        }

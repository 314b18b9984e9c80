"""An application team's service in the ``apps`` project, from a chart kept in the repository.

The chart is kept in the repository (here written by :func:`write_chart`); the synth copies it
into the rendered tree, and Argo CD reads it as a Git path source at the environment's pin,
with the component's values files. The service
takes the platform's ingress and certificate components and reads their typed outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_platform import (
    CertManager,
    ComponentContext,
    LocalChart,
    PlatformComponent,
    Release,
    Traefik,
)


@dataclass(frozen=True, kw_only=True)
class ChatApi(PlatformComponent):
    """chat-api: a Deployment, its Service and an Ingress with a certificate.

    Attributes:
        ingress: the ingress component serving the Ingress.
        tls: the certificates component whose issuer signs the Ingress's certificate.
        chart_folder: the chart kept in the repository.
        image_tag: the pinned image tag.
    """

    ingress: Traefik
    tls: CertManager
    chart_folder: Path
    image_tag: str = "1.4.2"
    name: str = "chat-api"
    namespace: str = "chat-api"
    project: str = "apps"

    @property
    def charts(self) -> tuple[Release, ...]:
        """The chart kept in this repository."""
        return (LocalChart(self.chart_folder, release_name="chat-api"),)

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The ingress and certificates components whose outputs the values read."""
        return (self.ingress, self.tls)

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        """Image, ingress class and issuer (shared); host, replicas, resources (per env)."""
        if ctx.env is None:
            return {
                "partOf": ctx.platform.name,
                "image": {"repository": "ghcr.io/example-org/chat-api", "tag": self.image_tag},
                "ingress": {
                    "className": self.ingress.ingress_class.name,
                    "annotations": self.tls.issuer.annotations(),
                },
            }
        return {
            "replicas": ctx.env.sizing.replicas,
            "host": ctx.env.host("chat"),
            "resources": ctx.env.sizing.resources(),
        }


_LABELS = """{{- define "chat-api.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: {{ .Values.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
"""

_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "chat-api.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Release.Name }}
  template:
    metadata:
      labels:
        {{- include "chat-api.labels" . | nindent 8 }}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - name: http
              containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            runAsNonRoot: true
            capabilities:
              drop: ["ALL"]
            seccompProfile:
              type: RuntimeDefault
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"""

_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "chat-api.labels" . | nindent 4 }}
spec:
  selector:
    app.kubernetes.io/name: {{ .Release.Name }}
  ports:
    - name: http
      port: 80
      targetPort: http
"""

_INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "chat-api.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  tls:
    - hosts: [{{ .Values.host | quote }}]
      secretName: {{ .Release.Name }}-tls
  rules:
    - host: {{ .Values.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ .Release.Name }}
                port:
                  name: http
"""

#: The chart's files, relative to its folder.
CHART_FILES = {
    "Chart.yaml": (
        "apiVersion: v2\nname: chat-api\ndescription: The chat API\ntype: application\n"
        "version: 0.1.0\nappVersion: 1.4.2\n"
    ),
    "values.yaml": (
        "partOf: chat\nreplicas: 1\nhost: chat.example.com\n"
        "image:\n  repository: ghcr.io/example-org/chat-api\n  tag: 1.4.2\n"
        "ingress:\n  className: traefik\n  annotations: {}\n"
        "resources:\n  requests:\n    cpu: 50m\n    memory: 64Mi\n  limits:\n    memory: 256Mi\n"
    ),
    "templates/_helpers.tpl": _LABELS,
    "templates/deployment.yaml": _DEPLOYMENT,
    "templates/service.yaml": _SERVICE,
    "templates/ingress.yaml": _INGRESS,
}


def write_chart(folder: Path) -> Path:
    """Write the chart into ``folder``; return it."""
    for relpath, text in CHART_FILES.items():
        target = folder / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder

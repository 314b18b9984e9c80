{{- define "chat-api.selector" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "chat-api.labels" -}}
{{ include "chat-api.selector" . }}
app.kubernetes.io/part-of: {{ .Values.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
backstage.io/kubernetes-id: {{ .Values.kubernetesId }}
{{- end -}}

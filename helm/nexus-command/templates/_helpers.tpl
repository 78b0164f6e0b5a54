{{/*
Chart name, truncated to 63 characters (the DNS label limit of some Kubernetes name fields).
*/}}
{{- define "nexus-command.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: <release>-<chart>, or just the release name when it already contains the
chart name. Truncated to 63 characters.
*/}}
{{- define "nexus-command.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "nexus-command.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "nexus-command.labels" -}}
helm.sh/chart: {{ include "nexus-command.chart" . }}
{{ include "nexus-command.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/part-of: nexus-command
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels. These must never change between releases of the chart.
*/}}
{{- define "nexus-command.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nexus-command.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount the pods run as.
*/}}
{{- define "nexus-command.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nexus-command.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Application image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "nexus-command.image" -}}
{{- $repository := required "image.repository is required" .Values.image.repository }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}

{{/*
Name of the ConfigMap holding the application configuration.
*/}}
{{- define "nexus-command.configMapName" -}}
{{- printf "%s-config" (include "nexus-command.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of the Secret the application reads its secret configuration from: secret.existingSecret, or the
one this chart creates.
*/}}
{{- define "nexus-command.secretName" -}}
{{- if .Values.secret.existingSecret }}
{{- .Values.secret.existingSecret }}
{{- else }}
{{- printf "%s-secret" (include "nexus-command.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Name of the bundled PostgreSQL Service and Secret. The bitnami subchart names them after the release
(<release>-postgresql, or just the release name when it already contains "postgresql"), honouring
postgresql.fullnameOverride and postgresql.nameOverride.
*/}}
{{- define "nexus-command.postgresql.fullname" -}}
{{- if .Values.postgresql.fullnameOverride }}
{{- .Values.postgresql.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default "postgresql" .Values.postgresql.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
True ("true") when a datasource is configured: the bundled PostgreSQL or an external host.
*/}}
{{- define "nexus-command.database.enabled" -}}
{{- if or .Values.postgresql.enabled .Values.externalDatabase.host }}true{{ end }}
{{- end }}

{{/*
JDBC URL of the database: the bundled PostgreSQL Service when postgresql.enabled, else
externalDatabase.*.
*/}}
{{- define "nexus-command.database.url" -}}
{{- if .Values.postgresql.enabled }}
{{- $port := default 5432 (((.Values.postgresql.primary).service).ports).postgresql }}
{{- printf "jdbc:postgresql://%s:%v/%s" (include "nexus-command.postgresql.fullname" .) $port (required "postgresql.auth.database is required" .Values.postgresql.auth.database) }}
{{- else }}
{{- $db := .Values.externalDatabase }}
{{- printf "jdbc:postgresql://%s:%v/%s" $db.host (default 5432 $db.port) (required "externalDatabase.database is required" $db.database) }}
{{- if $db.jdbcParams }}?{{ $db.jdbcParams }}{{ end }}
{{- end }}
{{- end }}

{{/*
Database user name.
*/}}
{{- define "nexus-command.database.username" -}}
{{- if .Values.postgresql.enabled }}
{{- required "postgresql.auth.username is required" .Values.postgresql.auth.username }}
{{- else }}
{{- required "externalDatabase.username is required" .Values.externalDatabase.username }}
{{- end }}
{{- end }}

{{/*
Secret holding the database password, and its key: the bundled PostgreSQL's Secret (or
postgresql.auth.existingSecret), or externalDatabase.existingSecret. Empty for an external database whose
password comes from values (it is then in this chart's Secret as SPRING_DATASOURCE_PASSWORD).
*/}}
{{- define "nexus-command.database.passwordSecretName" -}}
{{- if .Values.postgresql.enabled }}
{{- default (include "nexus-command.postgresql.fullname" .) .Values.postgresql.auth.existingSecret }}
{{- else if .Values.externalDatabase.existingSecret }}
{{- .Values.externalDatabase.existingSecret }}
{{- end }}
{{- end }}

{{- define "nexus-command.database.passwordSecretKey" -}}
{{- if .Values.postgresql.enabled }}
{{- default "password" ((.Values.postgresql.auth).secretKeys).userPasswordKey }}
{{- else }}
{{- default "password" .Values.externalDatabase.existingSecretPasswordKey }}
{{- end }}
{{- end }}

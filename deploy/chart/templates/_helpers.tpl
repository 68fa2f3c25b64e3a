{{/* The name of every object: the release name when it already says dataaction-operator. */}}
{{- define "dataaction-operator.fullname" -}}
{{- if contains "dataaction-operator" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-dataaction-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object: deploy/'s own, and Helm's. */}}
{{- define "dataaction-operator.labels" -}}
app.kubernetes.io/part-of: dataaction-operator
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* The Pods' selector: the same as deploy/, so a kubectl install can be taken over by the chart. */}}
{{- define "dataaction-operator.selector" -}}
app.kubernetes.io/name: dataaction-operator
app.kubernetes.io/component: controller
{{- end -}}

{{- define "dataaction-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The rules on the three kinds, their Secrets, ConfigMaps and Events: cluster-wide, or per watched namespace. */}}
{{- define "dataaction-operator.namespacedRules" -}}
# Watch the three kinds; patch adds and removes the finalizer and the integration-id and action-id annotations.
- apiGroups: ["dataactions.dev"]
  resources: ["dataactionintegrations", "genesyscloudorganizations", "dataactions"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["dataactions.dev"]
  resources: ["dataactionintegrations/status", "genesyscloudorganizations/status", "dataactions/status"]
  verbs: ["get", "patch"]
# Secrets are watched as metadata only (a change re-queues its users); only referenced ones are read.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
# A DataAction's templates may come from a ConfigMap key: ConfigMaps are watched as metadata only (an edited
# template re-queues the actions using it); only referenced ones are read.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
# The event recorder writes events.k8s.io/v1 or, on fallback, core v1 Events.
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}

{{- define "dataaction-operator.crdRule" -}}
# Uninstall safety: a DataActionIntegration or DataAction deleted while its CRD is being deleted is orphaned, not
# deleted on the platform. Only these two CRDs, and only read.
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["dataactionintegrations.dataactions.dev", "dataactions.dataactions.dev"]
  verbs: ["get"]
{{- end -}}

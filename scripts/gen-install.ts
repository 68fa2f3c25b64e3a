// Renders deploy/ to deploy/install.yaml (one file for `kubectl apply -f`), crds/ to deploy/crds.yaml, and the Lua health checks to
// deploy/argocd/argocd-cm-health.yaml. Kustomize is not a dependency, so this implements the subset of a
// Kustomization that deploy/ uses, and refuses any other field rather than silently ignoring it.
// The kube test suite checks the result against `kubectl kustomize deploy/`.
//
// Run: npx tsx scripts/gen-install.ts
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parse, parseAllDocuments } from 'yaml';

export type KustomizeErrorCode =
  'KustomizationNotFound' | 'ResourceNotFound' | 'UnsupportedField' | 'InvalidManifest' | 'DuplicateResource';

export class KustomizeError extends Error {
  readonly code: KustomizeErrorCode;
  constructor(code: KustomizeErrorCode, message: string) {
    super(message);
    this.name = 'KustomizeError';
    this.code = code;
  }
}

type Fields = Record<string, unknown>;

export interface Manifest extends Fields {
  apiVersion: string;
  kind: string;
  metadata: Fields & { name: string; namespace?: string };
}

export interface GeneratedFile {
  /** Path relative to the repository root. */
  path: string;
  content: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kustomizationNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const supportedFields = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'commonAnnotations', 'resources', 'images']);

// Kinds the namespace transformer leaves alone (kustomize knows these as cluster-scoped).
const clusterScopedKinds = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'IngressClass',
  'RuntimeClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

// kustomize's legacy apply order: what others depend on first, webhooks last.
const kindsFirst = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const kindsLast = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const podTemplateKinds = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicationController']);

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readStringMap(value: unknown, where: string): Record<string, string> {
  if (!isFields(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new KustomizeError('InvalidManifest', `${where} must map strings to strings`);
  }
  return value as Record<string, string>;
}

function findKustomization(dir: string): string {
  const found = kustomizationNames.map((name) => path.join(dir, name)).find((file) => existsSync(file));
  if (found === undefined) {
    throw new KustomizeError('KustomizationNotFound', `No kustomization file in ${path.relative(repoRoot, dir) || '.'}`);
  }
  return found;
}

function readManifests(file: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) {
      throw new KustomizeError('InvalidManifest', `${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (
      !isFields(value) ||
      typeof value['apiVersion'] !== 'string' ||
      typeof value['kind'] !== 'string' ||
      !isFields(value['metadata']) ||
      typeof value['metadata']['name'] !== 'string'
    ) {
      throw new KustomizeError('InvalidManifest', `${file}: every document needs apiVersion, kind and metadata.name`);
    }
    manifests.push(value as Manifest);
  }
  return manifests;
}

function mergeInto(target: Fields, key: string, entries: Record<string, string>): void {
  const existing = target[key];
  target[key] = { ...(isFields(existing) ? existing : {}), ...entries };
}

function podTemplateMetadata(manifest: Manifest): Fields[] {
  const spec = manifest['spec'];
  if (!isFields(spec)) return [];
  const templates: unknown[] = [];
  if (podTemplateKinds.has(manifest.kind)) templates.push(spec['template']);
  if (manifest.kind === 'CronJob' && isFields(spec['jobTemplate'])) {
    const jobTemplate = spec['jobTemplate'];
    templates.push(jobTemplate);
    if (isFields(jobTemplate['spec'])) templates.push(jobTemplate['spec']['template']);
  }
  return templates.filter(isFields).map((template) => {
    if (!isFields(template['metadata'])) template['metadata'] = {};
    return template['metadata'] as Fields;
  });
}

function podSpecs(manifest: Manifest): Fields[] {
  const spec = manifest['spec'];
  if (!isFields(spec)) return [];
  if (manifest.kind === 'Pod') return [spec];
  const template = spec['template'];
  if (podTemplateKinds.has(manifest.kind) && isFields(template) && isFields(template['spec'])) return [template['spec']];
  const jobSpec = isFields(spec['jobTemplate']) ? spec['jobTemplate']['spec'] : undefined;
  if (manifest.kind === 'CronJob' && isFields(jobSpec) && isFields(jobSpec['template']) && isFields(jobSpec['template']['spec'])) {
    return [jobSpec['template']['spec']];
  }
  return [];
}

/** Splits `registry/name:tag` or `registry/name@digest` into the name and the rest (':tag', '@digest' or ''). */
function splitImage(image: string): { name: string; suffix: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), suffix: image.slice(at) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), suffix: image.slice(colon) };
  return { name: image, suffix: '' };
}

interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function readImages(value: unknown, where: string): ImageOverride[] {
  if (!Array.isArray(value)) throw new KustomizeError('InvalidManifest', `${where}: images must be a list`);
  return value.map((entry: unknown) => {
    if (!isFields(entry) || typeof entry['name'] !== 'string') {
      throw new KustomizeError('InvalidManifest', `${where}: every image needs a name`);
    }
    const unknownKeys = Object.keys(entry).filter((key) => !['name', 'newName', 'newTag', 'digest'].includes(key));
    if (unknownKeys.length > 0)
      throw new KustomizeError('UnsupportedField', `${where}: images[].${unknownKeys.join(', ')} is not supported`);
    return readStringMap(entry, `${where}: images[]`) as unknown as ImageOverride;
  });
}

function overrideImages(manifest: Manifest, overrides: ImageOverride[]): void {
  for (const podSpec of podSpecs(manifest)) {
    for (const key of ['initContainers', 'containers']) {
      const containers = podSpec[key];
      if (!Array.isArray(containers)) continue;
      for (const container of containers) {
        if (!isFields(container) || typeof container['image'] !== 'string') continue;
        const { name, suffix } = splitImage(container['image']);
        const override = overrides.find((o) => o.name === name);
        if (override === undefined) continue;
        let newSuffix = suffix;
        if (override.newTag !== undefined) newSuffix = `:${override.newTag}`;
        if (override.digest !== undefined) newSuffix = `@${override.digest}`;
        container['image'] = `${override.newName ?? name}${newSuffix}`;
      }
    }
  }
}

function readLabels(value: unknown, where: string): Record<string, string> {
  if (!Array.isArray(value)) throw new KustomizeError('InvalidManifest', `${where}: labels must be a list`);
  const labels: Record<string, string> = {};
  for (const entry of value) {
    if (!isFields(entry)) throw new KustomizeError('InvalidManifest', `${where}: labels[] must be objects`);
    // Selectors are immutable on Deployments and templates carry their own labels: only metadata.labels.
    for (const key of Object.keys(entry)) {
      const allowed = key === 'pairs' || ((key === 'includeSelectors' || key === 'includeTemplates') && entry[key] === false);
      if (!allowed) throw new KustomizeError('UnsupportedField', `${where}: labels[].${key} is not supported`);
    }
    Object.assign(labels, readStringMap(entry['pairs'], `${where}: labels[].pairs`));
  }
  return labels;
}

/** Renders a kustomization directory the way `kustomize build` does, for the fields deploy/ uses. */
export function renderKustomization(dir: string): Manifest[] {
  const file = findKustomization(dir);
  const where = path.relative(repoRoot, file);
  const kustomization: unknown = parse(readFileSync(file, 'utf8'));
  if (!isFields(kustomization)) throw new KustomizeError('InvalidManifest', `${where} is not a mapping`);
  const unsupported = Object.keys(kustomization).filter((key) => !supportedFields.has(key));
  if (unsupported.length > 0) {
    throw new KustomizeError('UnsupportedField', `${where}: ${unsupported.join(', ')} not supported by scripts/gen-install.ts`);
  }

  const manifests: Manifest[] = [];
  const resources = kustomization['resources'] ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    throw new KustomizeError('InvalidManifest', `${where}: resources must be a list of paths`);
  }
  for (const resource of resources) {
    const target = path.resolve(dir, resource);
    if (!existsSync(target)) throw new KustomizeError('ResourceNotFound', `${where}: resource ${resource} not found`);
    manifests.push(...(statSync(target).isDirectory() ? renderKustomization(target) : readManifests(target)));
  }

  const namespace = kustomization['namespace'];
  const labels = kustomization['labels'] === undefined ? {} : readLabels(kustomization['labels'], where);
  const annotations =
    kustomization['commonAnnotations'] === undefined
      ? {}
      : readStringMap(kustomization['commonAnnotations'], `${where}: commonAnnotations`);
  const images = kustomization['images'] === undefined ? [] : readImages(kustomization['images'], where);
  for (const manifest of manifests) {
    if (typeof namespace === 'string' && !clusterScopedKinds.has(manifest.kind)) manifest.metadata.namespace = namespace;
    if (Object.keys(labels).length > 0) mergeInto(manifest.metadata, 'labels', labels);
    if (Object.keys(annotations).length > 0) {
      mergeInto(manifest.metadata, 'annotations', annotations);
      for (const metadata of podTemplateMetadata(manifest)) mergeInto(metadata, 'annotations', annotations);
    }
    overrideImages(manifest, images);
  }
  return manifests;
}

function kindRank(kind: string): number {
  const first = kindsFirst.indexOf(kind);
  if (first >= 0) return first;
  const last = kindsLast.indexOf(kind);
  return last >= 0 ? kindsFirst.length + 1 + last : kindsFirst.length;
}

/** An object's identity, as kubectl names it: `group/version Kind namespace/name`. */
export function identify(manifest: Manifest): string {
  return `${manifest.apiVersion} ${manifest.kind} ${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`;
}

/** Puts manifests in apply order (namespaces and CRDs before what lives in them), then by identity. */
export function sortForApply(manifests: Manifest[]): Manifest[] {
  const sorted = [...manifests].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || identify(a).localeCompare(identify(b), 'en'));
  for (let i = 1; i < sorted.length; i++) {
    if (identify(sorted[i]!) === identify(sorted[i - 1]!)) {
      throw new KustomizeError('DuplicateResource', `${identify(sorted[i]!)} is defined twice`);
    }
  }
  return sorted;
}

function generatedHeader(from: string): string {
  return `# Generated by scripts/gen-install.ts from ${from}. Do not edit: run \`npx tsx scripts/gen-install.ts\`.\n`;
}

function toYaml(value: unknown): string {
  return new Document(value).toString({ lineWidth: 0, blockQuote: 'literal' });
}

/** deploy/install.yaml: the whole deploy/ kustomization (the operator, no CRDs) as one multi-document file. */
export function renderInstall(root: string = repoRoot): string {
  const manifests = sortForApply(renderKustomization(path.join(root, 'deploy')));
  return generatedHeader('deploy/kustomization.yaml') + manifests.map((m) => `---\n${toYaml(m)}`).join('');
}

/** deploy/crds.yaml: the CRDs alone, applied before install.yaml and never deleted with it. */
export function renderCrds(root: string = repoRoot): string {
  const manifests = sortForApply(renderKustomization(path.join(root, 'crds')));
  return generatedHeader('crds/kustomization.yaml') + manifests.map((m) => `---\n${toYaml(m)}`).join('');
}

/** The part every health check starts with: Argo CD runs each check as one script that cannot load another. */
const HEALTH_COMMON = 'deploy/argocd/health/common.lua';

/** The health checks, keyed as Argo CD's argocd-cm expects them, with the .lua file of each kind's own part. */
export const healthChecks = [
  { key: 'resource.customizations.health.dataactions.dev_DataActionIntegration', script: 'deploy/argocd/health/dataactionintegration.lua' },
  {
    key: 'resource.customizations.health.dataactions.dev_GenesysCloudOrganization',
    script: 'deploy/argocd/health/genesyscloudorganization.lua',
  },
  { key: 'resource.customizations.health.dataactions.dev_DataAction', script: 'deploy/argocd/health/dataaction.lua' },
] as const;

/** A kind's whole health check, as Argo CD runs it: the shared part, then the kind's own. */
export function healthScript(script: string, root: string = repoRoot): string {
  return `${readFileSync(path.join(root, HEALTH_COMMON), 'utf8')}\n${readFileSync(path.join(root, script), 'utf8')}`;
}

/** deploy/argocd/argocd-cm-health.yaml: the Lua health checks as an argocd-cm ConfigMap to merge. */
export function renderArgoCdHealthConfigMap(root: string = repoRoot): string {
  const data = Object.fromEntries(healthChecks.map(({ key, script }) => [key, healthScript(script, root)]));
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'argocd-cm',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
    },
    data,
  };
  const usage =
    "# Merge into Argo CD's argocd-cm: kubectl -n argocd patch configmap argocd-cm --type merge --patch-file deploy/argocd/argocd-cm-health.yaml\n";
  return generatedHeader('deploy/argocd/health/*.lua') + usage + toYaml(configMap);
}

/** deploy/monitoring/prometheus-rule.yaml: the alerts of alerts.rules.yaml as a Prometheus Operator PrometheusRule. */
export function renderPrometheusRule(root: string = repoRoot): string {
  const rules = parse(readFileSync(path.join(root, 'deploy/monitoring/alerts.rules.yaml'), 'utf8')) as { groups: unknown };
  const manifest = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'dataaction-operator',
      namespace: 'dataaction-operator-system',
      labels: { 'app.kubernetes.io/name': 'dataaction-operator', 'app.kubernetes.io/part-of': 'dataaction-operator' },
    },
    spec: { groups: rules.groups },
  };
  return generatedHeader('deploy/monitoring/alerts.rules.yaml') + toYaml(manifest);
}

/** The chart's copies of crds/ (a chart cannot read files outside its directory). */
export function chartCrdFiles(root: string = repoRoot): GeneratedFile[] {
  return readdirSync(path.join(root, 'crds'))
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
    .sort()
    .map((name) => ({ path: `deploy/chart/files/crds/${name}`, content: readFileSync(path.join(root, 'crds', name), 'utf8') }));
}

/** Everything this script writes, rendered from the current sources. */
export function renderGenerated(root: string = repoRoot): GeneratedFile[] {
  return [
    { path: 'deploy/install.yaml', content: renderInstall(root) },
    { path: 'deploy/crds.yaml', content: renderCrds(root) },
    ...chartCrdFiles(root),
    { path: 'deploy/monitoring/prometheus-rule.yaml', content: renderPrometheusRule(root) },
    { path: 'deploy/chart/files/alerts.rules.yaml', content: readFileSync(path.join(root, 'deploy/monitoring/alerts.rules.yaml'), 'utf8') },
    { path: 'deploy/argocd/argocd-cm-health.yaml', content: renderArgoCdHealthConfigMap(root) },
  ];
}

function main(): void {
  for (const file of renderGenerated()) {
    mkdirSync(path.dirname(path.join(repoRoot, file.path)), { recursive: true });
    writeFileSync(path.join(repoRoot, file.path), file.content);
    console.log(`Wrote ${file.path}`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof KustomizeError ? `${error.code}: ${error.message}` : error);
    process.exitCode = 1;
  }
}

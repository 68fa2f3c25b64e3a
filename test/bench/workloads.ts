// What the benchmark applies: one organization filled to its install limits (docs/platform-facts.md §9),
// each integration a copy of a deploy/samples manifest with its own Secret, plus the organization that
// points at an emulator with the figure's budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Json = Record<string, any>;

export interface Workload {
  /** The GenesysCloudOrganization every integration names. */
  readonly orgName: string;
  /** Secrets first, then DataActionIntegrations (the organization comes from organizationObjects). */
  readonly objects: readonly Json[];
  /** The DataActionIntegrations' names. */
  readonly integrationNames: readonly string[];
  /** Web services BasicAuth integrations, with the Secret whose `password` a rotation changes. */
  readonly rotationTargets: readonly { readonly integration: string; readonly secret: string }[];
}

const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * The org at its install limits: 10 each of Adobe, AWS Lambda, Dynamics 365, Genesys Cloud and
 * Zendesk, 50 each of Salesforce and Web services, 100 Google (half service account, half G Suite).
 * `--quick` takes a tenth of each.
 */
export const INSTALL_LIMIT_MIX: readonly { readonly files: readonly string[]; readonly count: number }[] = [
  { files: ['adobe.yaml'], count: 10 },
  { files: ['aws-lambda.yaml'], count: 10 },
  { files: ['microsoft-dynamics-365.yaml'], count: 10 },
  { files: ['genesys-cloud.yaml'], count: 10 },
  { files: ['zendesk.yaml'], count: 10 },
  { files: ['salesforce.yaml'], count: 50 },
  { files: ['web-services.yaml'], count: 50 },
  { files: ['google.yaml', 'google-gsuite.yaml'], count: 100 },
];

/** The install-limit mix for `orgName`, every object name prefixed with `prefix`, at `scale` (1 or 0.1). */
export function installLimitWorkload(orgName: string, prefix: string, scale: number): Workload {
  const objects: Json[] = [];
  const names: string[] = [];
  const rotationTargets: { integration: string; secret: string }[] = [];
  for (const { files, count } of INSTALL_LIMIT_MIX) {
    const templates = files.map(readSample);
    const n = Math.max(1, Math.round(count * scale));
    for (let i = 0; i < n; i += 1) {
      const template = templates[i % templates.length] ?? [];
      const suffix = `-${String(i + 1).padStart(3, '0')}`;
      for (const object of template) {
        const o = structuredClone(object);
        o.metadata.name = `${prefix}${o.metadata.name as string}${suffix}`;
        if (o.kind === 'DataActionIntegration') {
          o.spec.organizationRef.name = orgName;
          o.spec.credentials.secretRef.name = `${prefix}${o.spec.credentials.secretRef.name as string}${suffix}`;
          // Each its own display name, so that the numbering of duplicate names is not what is measured.
          o.spec.displayName = `${prefix}${(o.spec.displayName as string | undefined) ?? object.metadata.name}${suffix}`;
          names.push(o.metadata.name as string);
          if (o.spec.type === 'WebServices' && o.spec.webServices?.credentialType === 'BasicAuth')
            rotationTargets.push({ integration: o.metadata.name as string, secret: o.spec.credentials.secretRef.name as string });
        }
        objects.push(o);
      }
    }
  }
  return { orgName, objects: sortSecretsFirst(objects), integrationNames: names, rotationTargets };
}

/** The objects of `workload` that belong to these integrations (their Secrets first), and the rest. */
export function splitWorkload(workload: Workload, integrations: ReadonlySet<string>): [Json[], Json[]] {
  const secrets = new Set(
    workload.objects
      .filter((o) => o.kind === 'DataActionIntegration' && integrations.has(o.metadata.name as string))
      .map((o) => o.spec.credentials?.secretRef?.name as string),
  );
  const chosen = (o: Json): boolean =>
    o.kind === 'Secret' ? secrets.has(o.metadata.name as string) : integrations.has(o.metadata.name as string);
  return [workload.objects.filter(chosen), workload.objects.filter((o) => !chosen(o))];
}

/** The organization's OAuth Secret and GenesysCloudOrganization, pointing at an emulator. */
export function organizationObjects(orgName: string, baseUrl: string, requestsPerMinute: number): Json[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${orgName}-oauth` },
      stringData: { clientId: 'emulator-client', clientSecret: 'emulator-secret' },
    },
    {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'GenesysCloudOrganization',
      metadata: { name: orgName },
      spec: {
        region: 'us-east-1',
        oauthClientSecretRef: { name: `${orgName}-oauth` },
        endpoints: { apiBaseUrl: baseUrl, loginBaseUrl: baseUrl },
        requestsPerMinute,
      },
    },
  ];
}

/** The Secret's values as the operator reads them (stringData or base64 data). */
export function secretValues(secret: Json): Record<string, string> {
  const decoded = Object.fromEntries(
    Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return { ...decoded, ...((secret.stringData ?? {}) as Record<string, string>) };
}

function readSample(file: string): Json[] {
  return parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'samples', file), 'utf8'))
    .map((d) => d.toJSON() as Json | null)
    .filter((o): o is Json => o !== null);
}

// Secrets before the integrations that read them, so that no first reconcile fails on a missing Secret.
function sortSecretsFirst(objects: Json[]): Json[] {
  return [...objects.filter((o) => o.kind === 'Secret'), ...objects.filter((o) => o.kind !== 'Secret')];
}

/** B5's org: one Web services integration (the sample, with its Secret) and `count` DataActions on it. */
export interface ActionWorkload {
  readonly orgName: string;
  /** The integration's Secret, then the integration. */
  readonly integrationObjects: readonly Json[];
  readonly integrationName: string;
  /** The success templates' ConfigMap, then the DataActions. */
  readonly actionObjects: readonly Json[];
  readonly actionNames: readonly string[];
}

/**
 * One Web services integration and `count` copies of the Web services action sample (order-status.yaml) on
 * it, each with its own name and display name and an inline request template; they share the sample's
 * success-template ConfigMap, as actions of one service usually do.
 */
export function actionWorkload(orgName: string, count: number): ActionWorkload {
  const [integration, secret] = readSample('web-services.yaml').map((o) => structuredClone(o));
  if (integration?.kind !== 'DataActionIntegration' || secret?.kind !== 'Secret') throw new Error('web-services.yaml changed its shape');
  integration.spec.organizationRef.name = orgName;
  const [action, configMap] = readSample(join('actions', 'order-status.yaml'));
  if (action?.kind !== 'DataAction' || configMap?.kind !== 'ConfigMap') throw new Error('actions/order-status.yaml changed its shape');
  const actions: Json[] = [];
  for (let i = 1; i <= count; i += 1) {
    const suffix = `-${String(i).padStart(3, '0')}`;
    const copy = structuredClone(action);
    copy.metadata.name = `${action.metadata.name as string}${suffix}`;
    copy.spec.integrationRef.name = integration.metadata.name;
    copy.spec.displayName = `${action.spec.displayName as string}${suffix}`;
    copy.spec.request.requestTemplate = '${input.rawRequest}';
    actions.push(copy);
  }
  return {
    orgName,
    integrationObjects: [secret, integration],
    integrationName: integration.metadata.name as string,
    actionObjects: [configMap, ...actions],
    actionNames: actions.map((a) => a.metadata.name as string),
  };
}

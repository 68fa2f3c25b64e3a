// What the benchmark applies: the samples (cycled to reach N) or N Web services integrations, each with
// its own Secret, plus the organization that points at the emulator with the scenario's budget.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Json = Record<string, any>;

export const ORG_NAME = 'bench-org';

export interface Workload {
  /** `samples` or `web-services`. */
  readonly name: string;
  /** Secrets first, then DataActionIntegrations (the organization comes from organizationObjects). */
  readonly objects: readonly Json[];
  /** The DataActionIntegrations' names. */
  readonly integrationNames: readonly string[];
  /** A Web services BasicAuth integration whose Secret `password` the rotation measure changes. */
  readonly rotationTarget: { readonly integration: string; readonly secret: string } | undefined;
}

const repoRoot = join(import.meta.dirname, '..', '..');

/** The eight samples of deploy/samples (organization.yaml aside), cycled until there are `n`. */
export function samplesWorkload(n: number): Workload {
  const dir = join(repoRoot, 'deploy', 'samples');
  const templates = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'organization.yaml')
    .sort()
    .map((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map((d) => d.toJSON() as Json | null)
        .filter((o): o is Json => o !== null),
    );
  const objects: Json[] = [];
  const names: string[] = [];
  let rotationTarget: Workload['rotationTarget'];
  for (let i = 0; i < n; i += 1) {
    const template = templates[i % templates.length] ?? [];
    const copy = Math.floor(i / templates.length) + 1;
    const rename = (name: string): string => (copy === 1 ? name : `${name}-${copy}`);
    for (const object of template) {
      const o = structuredClone(object);
      o.metadata.name = rename(o.metadata.name as string);
      if (o.kind === 'DataActionIntegration') {
        o.spec.organizationRef.name = ORG_NAME;
        if (o.spec.credentials?.secretRef?.name !== undefined)
          o.spec.credentials.secretRef.name = rename(o.spec.credentials.secretRef.name as string);
        // Copies carry their own names, so the numbering of duplicate names is not what is measured.
        if (copy > 1) o.spec.displayName = `${(o.spec.displayName as string | undefined) ?? object.metadata.name} (${copy})`;
        names.push(o.metadata.name as string);
        if (
          rotationTarget === undefined &&
          o.spec.type === 'WebServices' &&
          (o.spec.webServices?.credentialType ?? 'BasicAuth') === 'BasicAuth'
        ) {
          rotationTarget = { integration: o.metadata.name as string, secret: o.spec.credentials.secretRef.name as string };
        }
      }
      objects.push(o);
    }
  }
  return { name: 'samples', objects: sortSecretsFirst(objects), integrationNames: names, rotationTarget };
}

/** `n` Web services integrations with basic authentication, each its own display name and Secret. */
export function webServicesWorkload(n: number): Workload {
  const objects: Json[] = [];
  const names: string[] = [];
  const width = String(n).length;
  for (let i = 1; i <= n; i += 1) {
    const name = `bench-ws-${String(i).padStart(width, '0')}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-credentials` },
      stringData: { userName: `svc-${name}`, password: randomBytes(12).toString('hex') },
    });
    objects.push({
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'DataActionIntegration',
      metadata: { name },
      spec: {
        organizationRef: { name: ORG_NAME },
        type: 'WebServices',
        displayName: `Bench Service ${String(i).padStart(width, '0')}`,
        notes: 'Created by the benchmark.',
        active: true,
        webServices: { credentialType: 'BasicAuth', clientCertificateAuthority: 'GenesysCloud' },
        credentials: { secretRef: { name: `${name}-credentials` } },
      },
    });
    names.push(name);
  }
  const first = names[0];
  return {
    name: 'web-services',
    objects: sortSecretsFirst(objects),
    integrationNames: names,
    rotationTarget: first === undefined ? undefined : { integration: first, secret: `${first}-credentials` },
  };
}

/** The organization's Secret and GenesysCloudOrganization, pointing at the emulator. */
export function organizationObjects(baseUrl: string, requestsPerMinute: number): Json[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${ORG_NAME}-oauth` },
      stringData: { clientId: 'emulator-client', clientSecret: 'emulator-secret' },
    },
    {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'GenesysCloudOrganization',
      metadata: { name: ORG_NAME },
      spec: {
        region: 'us-east-1',
        oauthClientSecretRef: { name: `${ORG_NAME}-oauth` },
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

// Secrets before the integrations that read them, so that no first reconcile fails on a missing Secret.
function sortSecretsFirst(objects: Json[]): Json[] {
  return [...objects.filter((o) => o.kind === 'Secret'), ...objects.filter((o) => o.kind !== 'Secret')];
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DataActionIntegrationSchema, GenesysCloudOrganizationSchema } from '../../src/api/index.ts';
import { INTEGRATION_TYPES, kindOf } from '../../src/integrations/index.ts';

const SAMPLES = join(import.meta.dirname, '../../deploy/samples');

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
  readonly stringData?: Record<string, string>;
}

function readSample(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(SAMPLES, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as Manifest;
  });
}

const FILES = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const INTEGRATION_FILES = FILES.filter((f) => f !== 'organization.yaml');

function secretNamed(manifests: readonly Manifest[], name: string): Record<string, string> {
  const secret = manifests.find((m) => m.kind === 'Secret' && m.metadata.name === name);
  expect(secret, `Secret ${name}`).toBeDefined();
  return secret!.stringData ?? {};
}

describe('the samples in deploy/samples', () => {
  it('hold the organization and one integration of every type', () => {
    expect(FILES).toContain('organization.yaml');
    const types = INTEGRATION_FILES.flatMap((f) => readSample(f))
      .filter((m) => m.kind === 'DataActionIntegration')
      .map((m) => m.spec?.type);
    expect(new Set(types)).toEqual(new Set(INTEGRATION_TYPES));
  });

  it.each(FILES)('%s carries no namespace, so it applies with -n', (file) => {
    for (const manifest of readSample(file)) expect(manifest.metadata.namespace).toBeUndefined();
  });

  it('describes example-org in us-east-1 with its OAuth Secret', () => {
    const manifests = readSample('organization.yaml');
    const org = GenesysCloudOrganizationSchema.parse(manifests.find((m) => m.kind === 'GenesysCloudOrganization'));
    expect(org.metadata.name).toBe('example-org');
    expect(org.spec.region).toBe('us-east-1');
    const secret = secretNamed(manifests, org.spec.oauthClientSecretRef.name);
    expect(Object.keys(secret).sort()).toEqual(['clientId', 'clientSecret']);
  });

  it.each(INTEGRATION_FILES)('%s parses and its Secret maps cleanly through its type', (file) => {
    const manifests = readSample(file);
    const integrations = manifests.filter((m) => m.kind === 'DataActionIntegration');
    expect(integrations).toHaveLength(1);
    const dai = DataActionIntegrationSchema.parse(integrations[0]);
    expect(dai.spec.organizationRef.name).toBe('example-org');
    expect(dai.spec.active).toBe(true);
    expect(dai.spec.displayName).toMatch(/\S/);
    expect(dai.spec.notes).toMatch(/\S/);

    const kind = kindOf(dai.spec.type);
    const settings = kind.settings === undefined ? undefined : (dai.spec as Record<string, unknown>)[kind.settings.key];
    const plan = kind.credentials(settings);
    expect(plan, 'this sample type needs a credential').toBeDefined();
    expect(dai.spec.credentials?.secretRef.name).toBeDefined();
    const secret = secretNamed(manifests, dai.spec.credentials!.secretRef.name);
    expect(plan!.map(secret)).toMatchObject({ ok: true });
  });
});

// The CRDs' own admission rules (OpenAPI schema and CEL), checked by a real kube-apiserver: what a user
// applying a manifest sees, before any operator runs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { isManifestFile } from '../testbed/crds.ts';
import { kubectlOrThrow, runKubectl, type KubectlResult } from '../testbed/kubectl.ts';
import { createTestNamespace } from '../testbed/namespace.ts';

const kubectlPath = inject('kubectlPath');
const kubeconfigPath = inject('kubeconfigPath');
const samplesDir = join(import.meta.dirname, '..', '..', 'deploy', 'samples');
const sampleFiles = readdirSync(samplesDir).filter(isManifestFile).sort();

type Manifest = Record<string, unknown>;

async function kubectl(args: string[], input?: Manifest): Promise<KubectlResult> {
  return runKubectl(kubectlPath, kubeconfigPath, args, input === undefined ? {} : { input: JSON.stringify(input) });
}

/** Server-side apply, as Argo CD and `kubectl apply --server-side` do; updates go through the same call. */
async function apply(ns: string, manifest: Manifest): Promise<KubectlResult> {
  return kubectl(['apply', '--server-side', '--field-manager=admission-test', '-n', ns, '-f', '-'], manifest);
}

function integration(name: string, spec: Manifest): Manifest {
  return { apiVersion: 'dataactions.dev/v1alpha1', kind: 'DataActionIntegration', metadata: { name }, spec };
}

const salesforce = { organizationRef: { name: 'org' }, type: 'Salesforce', credentials: { secretRef: { name: 'sf' } } };
const webServices = {
  organizationRef: { name: 'org' },
  type: 'WebServices',
  webServices: { credentialType: 'BasicAuth' },
  credentials: { secretRef: { name: 'ws' } },
};
function action(name: string, spec: Manifest): Manifest {
  return { apiVersion: 'dataactions.dev/v1alpha1', kind: 'DataAction', metadata: { name }, spec };
}
const lookup = {
  integrationRef: { name: 'orders' },
  category: 'Orders',
  contract: {
    input: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    output: { type: 'object', properties: { status: { type: 'string' } } },
  },
  request: { urlTemplate: 'https://orders.example.com/orders/${input.orderId}', method: 'GET' },
  response: { translationMap: { status: '$.status' } },
};
const organization = (region: string): Manifest => ({
  apiVersion: 'dataactions.dev/v1alpha1',
  kind: 'GenesysCloudOrganization',
  metadata: { name: 'org' },
  spec: { region, oauthClientSecretRef: { name: 'oauth' } },
});

describe('the CRD admission rules', () => {
  let ns = '';
  beforeAll(async () => {
    ns = await createTestNamespace('admission');
  });

  it.each(sampleFiles)('accepts the sample deploy/samples/%s', async (file) => {
    const result = await kubectl(['apply', '--dry-run=server', '-n', ns, '-f', join(samplesDir, file)]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  // Each invalid manifest is a valid base with one thing changed, and the bases themselves are accepted
  // below, so a rejection can only come from the change.
  it.each([
    ['a DataActionIntegration on Salesforce', integration('base-salesforce', salesforce)],
    ['a DataActionIntegration on WebServices', integration('base-web-services', webServices)],
    [
      'a WebServices integration with credentialType None and no credentials',
      integration('base-none', { ...webServices, webServices: { credentialType: 'None' }, credentials: undefined }),
    ],
    ['a GenesysCloudOrganization in us-east-1', organization('us-east-1')],
    ['a DataAction with object contracts', action('base-action', lookup)],
    [
      'a DataAction whose output is an array with items',
      action('base-array', { ...lookup, contract: { ...lookup.contract, output: { type: 'array', items: { type: 'object' } } } }),
    ],
    [
      'a DataAction with its success template from a ConfigMap',
      action('base-configmap', { ...lookup, response: { successTemplateFrom: { configMapKeyRef: { name: 'tpl', key: 'success.vm' } } } }),
    ],
  ])('accepts %s', async (_, manifest) => {
    const result = await kubectl(['create', '--dry-run=server', '-n', ns, '-f', '-'], manifest);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it.each([
    {
      case: 'an unknown spec.type',
      manifest: integration('bad-type', { ...salesforce, type: 'SharePoint' }),
      field: 'spec.type',
      error: /spec\.type: Unsupported value: "SharePoint"/,
    },
    {
      case: 'a webServices block on a Salesforce integration',
      manifest: integration('bad-block', { ...salesforce, webServices: { credentialType: 'BasicAuth' } }),
      field: 'spec.webServices',
      error: /spec\.webServices: Forbidden: .*only be set when spec\.type is WebServices/,
    },
    {
      case: 'no spec.credentials on a type that needs them',
      manifest: integration('no-credentials', { ...salesforce, credentials: undefined }),
      field: 'spec.credentials',
      error: /spec\.credentials: Required value/,
    },
    {
      case: 'no spec.credentials on WebServices with BasicAuth',
      manifest: integration('no-basic-credentials', { ...webServices, credentials: undefined }),
      field: 'spec.credentials',
      error: /spec\.credentials: Required value/,
    },
    {
      case: 'a spec.displayName over 200 characters',
      manifest: integration('long-name', { ...salesforce, displayName: 'x'.repeat(201) }),
      field: 'spec.displayName',
      error: /spec\.displayName: Too long: may not be (more than|longer than) 200/,
    },
    {
      case: 'a namespace in spec.credentials.secretRef',
      manifest: integration('cross-namespace', { ...salesforce, credentials: { secretRef: { name: 'sf', namespace: 'kube-system' } } }),
      field: 'spec.credentials.secretRef.namespace',
      error: /unknown field "spec\.credentials\.secretRef\.namespace"/,
    },
    {
      case: 'a DataAction whose input contract is not a JSON Schema object',
      manifest: action('bad-input', { ...lookup, contract: { ...lookup.contract, input: { type: 'string' } } }),
      field: 'spec.contract.input.type',
      error: /spec\.contract\.input\.type: Unsupported value: "string"/,
    },
    {
      case: 'a DataAction whose input contract has no type',
      manifest: action('untyped-input', { ...lookup, contract: { ...lookup.contract, input: { properties: {} } } }),
      field: 'spec.contract.input.type',
      error: /spec\.contract\.input\.type: Required value/,
    },
    {
      case: 'a DataAction whose output contract properties are not an object',
      manifest: action('bad-output', { ...lookup, contract: { ...lookup.contract, output: { type: 'object', properties: 'status' } } }),
      field: 'spec.contract.output.properties',
      error: /spec\.contract\.output\.properties: Invalid value: "string"/,
    },
    {
      case: 'a DataAction whose output is an array without items',
      manifest: action('itemless', { ...lookup, contract: { ...lookup.contract, output: { type: 'array' } } }),
      field: 'spec.contract.output',
      error: /spec\.contract\.output: Required value: spec\.contract\.output is an array schema without items/,
    },
    {
      case: 'a DataAction with both an inline and a ConfigMap request template',
      manifest: action('two-templates', {
        ...lookup,
        request: { ...lookup.request, requestTemplate: '{}', requestTemplateFrom: { configMapKeyRef: { name: 'tpl', key: 'k' } } },
      }),
      field: 'spec.request',
      error: /spec\.request: Forbidden: set either requestTemplate or requestTemplateFrom, not both/,
    },
    {
      case: 'a DataAction with a timeout over 60 seconds',
      manifest: action('slow', { ...lookup, timeoutSeconds: 61 }),
      field: 'spec.timeoutSeconds',
      error: /spec\.timeoutSeconds: Invalid value: 61: spec\.timeoutSeconds in body should be less than or equal to 60/,
    },
    {
      case: 'a GenesysCloudOrganization in a region that does not exist',
      manifest: organization('mars-north-1'),
      field: 'spec.region',
      error: /spec\.region: Unsupported value: "mars-north-1"/,
    },
  ])('rejects $case, naming $field', async ({ manifest, error }) => {
    const result = await kubectl(['create', '--dry-run=server', '-n', ns, '-f', '-'], manifest);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(error);
  });

  it.each([
    {
      case: 'a changed spec.type',
      before: integration('retyped', salesforce),
      after: integration('retyped', { ...salesforce, type: 'Zendesk' }),
      field: 'spec.type',
    },
    {
      case: 'a changed spec.webServices.credentialType',
      before: integration('recredentialed', webServices),
      after: integration('recredentialed', { ...webServices, webServices: { credentialType: 'UserDefined' } }),
      field: 'spec.webServices.credentialType',
    },
    {
      case: 'a spec.webServices.credentialType set where the default BasicAuth applied',
      before: integration('defaulted', { ...webServices, webServices: undefined }),
      after: integration('defaulted', { ...webServices, webServices: { credentialType: 'UserDefinedOAuth' } }),
      field: 'spec.webServices.credentialType',
    },
  ])('rejects $case on update, naming $field as immutable', async ({ before, after, field }) => {
    const created = await apply(ns, before);
    expect(created.stderr).toBe('');

    const updated = await apply(ns, after);

    expect(updated.exitCode).not.toBe(0);
    expect(updated.stderr).toMatch(new RegExp(`${field.replaceAll('.', '\\.')}: Invalid value: .*immutable`));
  });

  it('accepts an update that changes nothing immutable', async () => {
    expect((await apply(ns, integration('renamed', salesforce))).stderr).toBe('');
    const updated = await apply(ns, integration('renamed', { ...salesforce, displayName: 'Salesforce EMEA', active: false }));
    expect(updated.stderr).toBe('');
    expect(updated.exitCode).toBe(0);
  });
});

describe('kubectl output for the applied samples', () => {
  let ns = '';
  const sampleTypes = sampleFiles
    .flatMap((file) => parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8')).map((doc) => doc.toJS() as Manifest | null))
    .filter((m): m is Manifest & { spec: { type: string } } => m?.['kind'] === 'DataActionIntegration');

  beforeAll(async () => {
    ns = await createTestNamespace('samples');
    await kubectlOrThrow(kubectlPath, kubeconfigPath, ['apply', '-n', ns, '-f', samplesDir]);
  });

  /** Splits kubectl's table into rows of cells; columns are separated by at least two spaces. */
  async function table(args: string[]): Promise<string[][]> {
    const out = await kubectlOrThrow(kubectlPath, kubeconfigPath, args);
    return out
      .trimEnd()
      .split('\n')
      .map((line) => line.trim().split(/\s{2,}/));
  }

  it('lists every sample integration with the columns TYPE, NAME ON PLATFORM, STATE, READY, SYNCED and AGE', async () => {
    const [header, ...rows] = await table(['get', 'dai', '-n', ns]);
    expect(header).toEqual(['NAME', 'TYPE', 'NAME ON PLATFORM', 'STATE', 'READY', 'SYNCED', 'AGE']);
    // No operator runs here, so the status columns are empty and a row is its name, type and age.
    expect(rows.map((row) => [row[0], row[1]]).sort()).toEqual(
      sampleTypes.map((m) => [(m['metadata'] as { name: string }).name, m.spec.type]).sort(),
    );
  });

  it('adds INTEGRATION ID and REASON with -o wide', async () => {
    const [header] = await table(['get', 'dai', '-n', ns, '-o', 'wide']);
    expect(header).toEqual(['NAME', 'TYPE', 'NAME ON PLATFORM', 'STATE', 'READY', 'SYNCED', 'AGE', 'INTEGRATION ID', 'REASON']);
  });

  it('lists both kinds under the dataactions category', async () => {
    const names = (await kubectlOrThrow(kubectlPath, kubeconfigPath, ['get', 'dataactions', '-n', ns, '-o', 'name']))
      .split('\n')
      .filter(Boolean);
    expect(names).toContain('genesyscloudorganization.dataactions.dev/example-org');
    expect(names.filter((n) => n.startsWith('dataactionintegration.dataactions.dev/'))).toHaveLength(sampleTypes.length);
  });
});

describe('kubectl explain dataactionintegration.spec', () => {
  const crd = parse(readFileSync(join(inject('crdsDir'), 'dataactions.dev_dataactionintegrations.yaml'), 'utf8')) as {
    spec: {
      versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, { description?: string }> } } } } }[];
    };
  };
  const specFields = Object.entries(crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec.properties ?? {});
  const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
  let explained = '';

  beforeAll(async () => {
    explained = squash(await kubectlOrThrow(kubectlPath, kubeconfigPath, ['explain', 'dataactionintegration.spec']));
  });

  it('covers the fields of the DESIGN contract', () => {
    expect(specFields.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'organizationRef',
        'type',
        'displayName',
        'notes',
        'active',
        'credentials',
        'webServices',
        'google',
        'deletionPolicy',
      ]),
    );
  });

  it.each(specFields)('describes spec.%s', (name, schema) => {
    expect(schema.description ?? '').not.toBe('');
    expect(explained).toContain(`${name} <`);
    expect(explained).toContain(squash(schema.description ?? ''));
  });
});

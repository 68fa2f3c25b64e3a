// What `export` prints for integrations made in the admin UI: resources that adopt them by id and leave them
// as they are (name, notes, state, settings), and Secret skeletons with the keys the type reads, no value.
import { describe, expect, it } from 'vitest';
import { exportManifests, resourceName, type ExportedIntegration } from '../../../src/export/manifests.ts';
import { inferSettings } from '../../../src/export/settings.ts';
import { kindOf } from '../../../src/integrations/index.ts';

const item = (over: Partial<ExportedIntegration> & Pick<ExportedIntegration, 'kind'>): ExportedIntegration => ({
  id: 'int-1',
  name: 'Order Service',
  notes: '',
  intendedState: 'ENABLED',
  properties: {},
  credential: undefined,
  ...over,
});

const OPTIONS = { organization: 'prod', deletionPolicy: 'Orphan' as const };

describe('exportManifests', () => {
  it('adopts a Zendesk integration by id, keeps its name, notes and state, and asks for its three Secret keys', () => {
    const manifests = exportManifests(
      [item({ kind: kindOf('Zendesk'), id: 'zd-1', name: 'Zendesk Support', notes: 'Tickets.', intendedState: 'DISABLED' })],
      OPTIONS,
    );
    expect(manifests).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'zendesk-support-credentials' },
        type: 'Opaque',
        stringData: { email: '', baseUrl: '', apiToken: '' },
      },
      {
        apiVersion: 'dataactions.dev/v1alpha1',
        kind: 'DataActionIntegration',
        metadata: { name: 'zendesk-support', annotations: { 'dataactions.dev/integration-id': 'zd-1' } },
        spec: {
          organizationRef: { name: 'prod' },
          type: 'Zendesk',
          displayName: 'Zendesk Support',
          notes: 'Tickets.',
          active: false,
          credentials: { secretRef: { name: 'zendesk-support-credentials' } },
          deletionPolicy: 'Orphan',
        },
      },
    ]);
  });

  it('names the Secret keys of a user-defined Web services credential after the linked credential fields', () => {
    const [secret, resource] = exportManifests(
      [
        item({
          kind: kindOf('WebServices'),
          properties: { clientCertificateAuthority: 'Genesys Cloud' },
          credential: { typeName: 'userDefined', fieldNames: ['apiKey', 'tenant'] },
        }),
      ],
      { ...OPTIONS, deletionPolicy: 'Delete' },
    );
    expect(secret).toMatchObject({ stringData: { apiKey: '', tenant: '' } });
    expect(resource).toMatchObject({ spec: { webServices: { credentialType: 'UserDefined' }, deletionPolicy: 'Delete' } });
  });

  it('gives every resource a distinct DNS name, whatever the platform names are', () => {
    const names = exportManifests(
      [item({ kind: kindOf('AWSLambda'), id: 'a', name: 'Orders (EU)' }), item({ kind: kindOf('AWSLambda'), id: 'b', name: 'orders eu' })],
      OPTIONS,
    )
      .filter((m) => m['kind'] === 'DataActionIntegration')
      .map((m) => (m['metadata'] as { name: string }).name);
    expect(names).toEqual(['orders-eu', 'orders-eu-2']);
    expect(resourceName('   ', new Set())).toBe('integration');
  });
});

describe('inferSettings', () => {
  it('leaves the settings out when the defaults reproduce the platform', () => {
    const view = { properties: { clientCertificateAuthority: 'Genesys Cloud' }, credentialTypeName: 'basicAuth' };
    expect(inferSettings(kindOf('WebServices'), view)).toEqual({ settings: undefined, exact: true });
  });

  it('finds the Google service account type from the linked credential', () => {
    const kind = kindOf('Google');
    const gsuite = kind.credentials({ credentialType: 'GSuiteServiceAccount' })?.credentialTypeName;
    expect(inferSettings(kind, { properties: {}, credentialTypeName: gsuite })).toMatchObject({
      settings: { credentialType: 'GSuiteServiceAccount' },
    });
  });

  it('says when no settings reproduce the platform exactly', () => {
    const view = { properties: { clientCertificateAuthority: 'Someone Else' }, credentialTypeName: 'basicAuth' };
    expect(inferSettings(kindOf('WebServices'), view).exact).toBe(false);
  });
});

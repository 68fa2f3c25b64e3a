// What the soak creates: organizations that point at the emulators, and DataActionIntegrations of all
// eight types with Secrets whose secret values the soak invents (so it can look for them in every log
// line, Event and status afterwards).
import type { Rng } from './rng.ts';
import type { Json } from './kube.ts';

export const TYPES = [
  'Adobe',
  'AWSLambda',
  'GenesysCloud',
  'Google',
  'MicrosoftDynamics365',
  'Salesforce',
  'WebServices',
  'Zendesk',
] as const;
export type IntegrationType = (typeof TYPES)[number];

/** Display names shared on purpose, so that resources (and the admin UI) compete for them in one org. */
export const DISPLAY_NAMES = ['Support', 'Orders', 'Billing', 'Claims'] as const;

export const OAUTH_CLIENT = { clientId: 'soak-client', clientSecret: 'soak-oauth-client-secret-5f3a9c' };

/** One GenesysCloudOrganization object: `platform` says which emulator (real org) it points at. */
export interface OrgObject {
  readonly namespace: string;
  readonly name: string;
  readonly platform: number;
}

export interface SecretContent {
  readonly data: Record<string, string>;
  /** The values a leak check must never find anywhere (passwords, tokens, private key bodies). */
  readonly secrets: readonly string[];
}

/** One DataActionIntegration the soak manages, as it wants it to be. */
export interface Resource {
  readonly namespace: string;
  readonly name: string;
  readonly org: OrgObject;
  readonly type: IntegrationType;
  displayName: string;
  active: boolean;
  secret: SecretContent;
  /** Set when the resource adopts an integration made "by hand" in the emulator. */
  readonly adoptId?: string;
  /** Set once the soak has asked for its deletion. */
  deleting: boolean;
  /** Its organizationRef names no organization (a typo): it deserves Ready=False and nothing on the platform. */
  readonly orgRefTypo?: boolean;
}

export function organizationObjects(org: OrgObject, baseUrl: string): Json[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${org.name}-oauth` },
      type: 'Opaque',
      data: {
        clientId: Buffer.from(OAUTH_CLIENT.clientId).toString('base64'),
        clientSecret: Buffer.from(OAUTH_CLIENT.clientSecret).toString('base64'),
      },
    },
    {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'GenesysCloudOrganization',
      metadata: { name: org.name },
      spec: {
        region: 'us-east-1',
        oauthClientSecretRef: { name: `${org.name}-oauth` },
        endpoints: { apiBaseUrl: baseUrl, loginBaseUrl: baseUrl },
      },
    },
  ];
}

/** With `data`, not `stringData`: server-side apply then owns exactly the keys written, and a rotation replaces them. */
export function secretManifest(resource: Resource): Json {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${resource.name}-credentials` },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(resource.secret.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

export function integrationManifest(resource: Resource): Json {
  const settings: Json =
    resource.type === 'Google'
      ? { google: { credentialType: 'CloudPlatformServiceAccount' } }
      : resource.type === 'WebServices'
        ? { webServices: { credentialType: 'BasicAuth' } }
        : {};
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'DataActionIntegration',
    metadata: {
      name: resource.name,
      ...(resource.adoptId === undefined ? {} : { annotations: { 'dataactions.dev/integration-id': resource.adoptId } }),
    },
    spec: {
      organizationRef: { name: resource.orgRefTypo === true ? `${resource.org.name}-typo` : resource.org.name },
      type: resource.type,
      displayName: resource.displayName,
      notes: `Soak resource ${resource.name}.`,
      active: resource.active,
      ...settings,
      credentials: { secretRef: { name: `${resource.name}-credentials` } },
    },
  };
}

/** Fresh Secret content for `type`: every call invents new secret values (a rotation). */
export function secretContent(type: IntegrationType, rng: Rng): SecretContent {
  const token = (): string => `soaksecret${rng.hex(20)}`;
  const pemBody = `U09BSy${rng.hex(40)}`;
  const pem = `-----BEGIN PRIVATE KEY-----\n${pemBody}\n-----END PRIVATE KEY-----\n`;
  switch (type) {
    case 'Adobe': {
      const clientSecret = token();
      return {
        data: {
          clientId: `soak-adobe-${rng.hex(8)}`,
          clientSecret,
          orgId: 'SOAK0000000000@AdobeOrg',
          technicalAccountId: 'soak-account@techacct.adobe.com',
          privateKey: pem,
        },
        secrets: [clientSecret, pemBody],
      };
    }
    case 'AWSLambda':
      // A role ARN is not a secret, but changing it is what a rotation of this type means.
      return { data: { roleArn: `arn:aws:iam::000000000000:role/soak-${rng.hex(12)}` }, secrets: [] };
    case 'GenesysCloud': {
      const clientSecret = token();
      return { data: { clientId: `soak-gc-${rng.hex(8)}`, clientSecret }, secrets: [clientSecret] };
    }
    case 'Google':
      return {
        data: {
          clientId: `1${rng.int(10_000_000, 99_999_999)}`,
          clientEmail: 'soak-account@soak-project.iam.gserviceaccount.com',
          privateKeyId: rng.hex(40),
          privateKey: pem,
        },
        secrets: [pemBody],
      };
    case 'MicrosoftDynamics365': {
      const password = token();
      return {
        data: {
          username: 'soak-user@soak.onmicrosoft.com',
          password,
          orgWebAddress: 'https://soak.crm.dynamics.com',
          applicationId: '00000000-0000-0000-0000-000000000000',
        },
        secrets: [password],
      };
    }
    case 'Salesforce': {
      const password = token();
      const securityToken = token();
      return {
        data: { username: 'soak-api-user@example.com', password, securityToken, loginUrl: 'https://login.salesforce.com' },
        secrets: [password, securityToken],
      };
    }
    case 'WebServices': {
      const password = token();
      return { data: { userName: `soak-user-${rng.hex(6)}`, password }, secrets: [password] };
    }
    case 'Zendesk': {
      const apiToken = token();
      return {
        data: { email: 'soak-agent@example.com', baseUrl: 'https://soak.zendesk.com', apiToken },
        secrets: [apiToken],
      };
    }
  }
}

/** A value of the Secret that the platform's credential must hold after a rotation reached it. */
export function rotationProbe(resource: Resource): string {
  const data = resource.secret.data;
  return data.clientSecret ?? data.password ?? data.apiToken ?? data.roleArn ?? data.privateKeyId ?? '';
}

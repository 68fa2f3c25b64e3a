// Opening an organization's platform session from its spec and OAuth Secret, shared by both reconcilers.
import { GenesysCloudOrganizationSchema, type GenesysCloudOrganization, TERMINAL_REASONS, type SyncedReason } from '../api/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import { EndpointNotAllowedError, type OrgSession } from './org-sessions.ts';

export type SessionResult =
  { readonly ok: true; readonly session: OrgSession } | { readonly ok: false; readonly reason: SyncedReason; readonly message: string };

const OAUTH_KEYS = ['clientId', 'clientSecret'] as const;

export function parseOrganization(raw: unknown): GenesysCloudOrganization | undefined {
  const parsed = GenesysCloudOrganizationSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export async function openSession(deps: ReconcilerDeps, org: GenesysCloudOrganization): Promise<SessionResult> {
  const namespace = org.metadata.namespace ?? '';
  const secretName = org.spec.oauthClientSecretRef.name;
  const data = await deps.readSecret(namespace, secretName);
  if (data === undefined) {
    return {
      ok: false,
      reason: TERMINAL_REASONS.secretNotFound,
      message: `Secret "${secretName}" (spec.oauthClientSecretRef) was not found`,
    };
  }
  const missing = OAUTH_KEYS.filter((key) => (data[key]?.trim() ?? '') === '');
  if (missing.length > 0) {
    return {
      ok: false,
      reason: TERMINAL_REASONS.invalidCredentials,
      message: `Secret "${secretName}" lacks ${missing.map((k) => `key "${k}"`).join(' and ')}`,
    };
  }
  const clientId = (data.clientId ?? '').trim();
  const clientSecret = (data.clientSecret ?? '').trim();
  deps.scrubber.replace(`GenesysCloudOrganization ${namespace}/${org.metadata.name}`, [clientSecret]);
  try {
    return { ok: true, session: deps.sessions.sessionFor(`${namespace}/${org.metadata.name}`, org, { clientId, clientSecret }) };
  } catch (error) {
    if (error instanceof EndpointNotAllowedError) return { ok: false, reason: TERMINAL_REASONS.endpointNotAllowed, message: error.message };
    throw error;
  }
}

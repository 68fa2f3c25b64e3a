// `dataaction-operator export`: reads an organization's existing integrations through the operator's own
// platform client (the GenesysCloudOrganization and its OAuth Secret read from the cluster) and renders the
// manifests that adopt them. It only reads: nothing is created, renamed or deleted on the platform.
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { DeletionPolicy } from '../api/index.ts';
import { isEndpointAllowed } from '../config.ts';
import { INTEGRATION_KINDS, kindOf, type IntegrationKind } from '../integrations/index.ts';
import { ORGANIZATION_RESOURCE } from '../api/index.ts';
import { objectPath } from '../kube/clients.ts';
import { readSecretData } from '../kube/informer.ts';
import { transportFor } from '../kube/transport.ts';
import type { PlatformClient } from '../platform/index.ts';
import type { ReconcilerDeps } from '../reconcile/deps.ts';
import { openSession, parseOrganization } from '../reconcile/org-access.ts';
import { OrgSessions } from '../reconcile/org-sessions.ts';
import { VERSION } from '../version.ts';
import { exportManifests, type ExportedIntegration } from './manifests.ts';

export interface ExportRequest {
  readonly namespace: string;
  readonly name: string;
  /** Only integrations of this spec.type; all eight types when undefined. */
  readonly type: string | undefined;
  readonly deletionPolicy: DeletionPolicy;
  readonly allowedEndpointHosts: readonly string[];
}

export class ExportError extends Error {
  readonly code: 'OrganizationNotFound' | 'OrganizationUnusable';
  constructor(code: ExportError['code'], message: string) {
    super(message);
    this.name = 'ExportError';
    this.code = code;
  }
}

/** The client of the organization, opened as the reconcilers open it. */
interface ResolvedKind {
  readonly kind: IntegrationKind;
  readonly typeId: string;
  readonly slot: string;
}

async function clientFor(kc: KubeConfig, request: ExportRequest): Promise<{ client: PlatformClient; kinds: ResolvedKind[] }> {
  const ref = { ...ORGANIZATION_RESOURCE, namespace: request.namespace, name: request.name };
  const raw = await transportFor(kc)
    .request<unknown>({ method: 'GET', path: objectPath(ref) })
    .catch((error: unknown) => {
      throw new ExportError(
        'OrganizationNotFound',
        `GenesysCloudOrganization ${request.namespace}/${request.name}: ${(error as Error).message}`,
      );
    });
  const org = parseOrganization(raw);
  if (org === undefined)
    throw new ExportError('OrganizationUnusable', `GenesysCloudOrganization ${request.namespace}/${request.name} does not parse`);
  const sessions = new OrgSessions({ isEndpointAllowed: (url) => isEndpointAllowed(url, request.allowedEndpointHosts) });
  // openSession reads only these three of the reconcilers' deps. Nothing is logged here, so nothing to scrub.
  const deps: Pick<ReconcilerDeps, 'readSecret' | 'sessions' | 'scrubber'> = {
    readSecret: (namespace, name) => readSecretData(kc, namespace, name),
    sessions,
    scrubber: { add: () => undefined, replace: () => undefined, scrub: (text) => text },
  };
  const opened = await openSession(deps as ReconcilerDeps, org);
  if (!opened.ok)
    throw new ExportError('OrganizationUnusable', `GenesysCloudOrganization ${request.namespace}/${request.name}: ${opened.message}`);
  const overrides = (org.spec.integrationTypeIds ?? {}) as Record<string, string | undefined>;
  const wanted = request.type === undefined ? INTEGRATION_KINDS : [kindOf(request.type)];
  const kinds: ResolvedKind[] = [];
  for (const kind of wanted) {
    const resolved = await opened.session.resolve(kind, overrides[kind.type]);
    if (resolved !== undefined) kinds.push({ kind, typeId: resolved.typeId, slot: resolved.credentialSlot });
  }
  return { client: opened.session.client, kinds };
}

async function readIntegrations(client: PlatformClient, kinds: readonly ResolvedKind[]): Promise<ExportedIntegration[]> {
  const items: ExportedIntegration[] = [];
  for (const { kind, typeId, slot } of kinds) {
    for (const integration of await client.listIntegrations({ integrationType: typeId })) {
      const config = await client.getConfig(integration.id);
      const linked = config.credentials[slot]?.id;
      const credential = linked === undefined ? undefined : await client.getCredential(linked).catch(() => undefined);
      items.push({
        kind,
        id: integration.id,
        name: config.name || integration.name,
        notes: config.notes,
        intendedState: integration.intendedState,
        properties: config.properties,
        credential:
          linked === undefined ? undefined : { typeName: credential?.type?.name, fieldNames: credential?.credentialFieldNames ?? [] },
      });
    }
  }
  return items;
}

/** The YAML to pipe to `kubectl apply -n <namespace> -f -`. */
export async function exportOrganization(kc: KubeConfig, request: ExportRequest): Promise<string> {
  const { client, kinds } = await clientFor(kc, request);
  const items = await readIntegrations(client, kinds);
  const manifests = exportManifests(items, { organization: request.name, deletionPolicy: request.deletionPolicy });
  const header =
    `# Exported by dataaction-operator ${VERSION} from GenesysCloudOrganization ${request.namespace}/${request.name}: ` +
    `${items.length} integration(s).\n` +
    `# Apply with: kubectl apply -n ${request.namespace} -f <this file>. Fill every Secret key first (the platform\n` +
    '# never returns credential values); until then each resource says InvalidCredentials and changes nothing.\n';
  return header + manifests.map((m) => `---\n${stringify(m, { lineWidth: 0 })}`).join('');
}

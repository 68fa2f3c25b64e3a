// The manifests `dataaction-operator export` prints for an organization's existing integrations: one
// DataActionIntegration each, adopting it by id, and a Secret skeleton with the keys its type reads but no
// values (the platform never returns credential values). Pure: the platform facts come in as data.
import { ANNOTATIONS, API_VERSION, DATA_ACTION_INTEGRATION_NAMES, type DeletionPolicy } from '../api/index.ts';
import type { IntegrationKind } from '../integrations/index.ts';
import { inferSettings } from './settings.ts';

/** One integration as the platform shows it, with what export needs to know about its credential. */
export interface ExportedIntegration {
  readonly kind: IntegrationKind;
  readonly id: string;
  readonly name: string;
  readonly notes: string;
  readonly intendedState: string | undefined;
  readonly properties: Readonly<Record<string, unknown>>;
  /** The credential linked at the kind's slot: its type name and field names (never values). */
  readonly credential: { readonly typeName: string | undefined; readonly fieldNames: readonly string[] } | undefined;
}

export interface ExportOptions {
  readonly organization: string;
  readonly deletionPolicy: DeletionPolicy;
}

type Manifest = Record<string, unknown>;

/** A DNS-1123 label from a platform name: `Order Service (EU)` becomes `order-service-eu`. */
export function resourceName(platformName: string, taken: ReadonlySet<string>): string {
  const base =
    platformName
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50)
      .replace(/-+$/, '') || 'integration';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

function secretKeys(kind: IntegrationKind, settings: Record<string, string> | undefined, found: ExportedIntegration['credential']) {
  const plan = kind.credentials(settings ?? {});
  if (plan === undefined) return undefined;
  // A pass-through type (every key is a field) declares no keys: the linked credential's field names say which.
  const declared = [...plan.keys.required, ...plan.keys.optional];
  return { keys: declared.length > 0 ? declared : [...(found?.fieldNames ?? [])], optional: plan.keys.optional };
}

/** The manifests for one integration: its Secret skeleton (when its type needs one), then the resource. */
export function manifestsFor(item: ExportedIntegration, name: string, options: ExportOptions): Manifest[] {
  const { settings } = inferSettings(item.kind, {
    properties: item.properties,
    credentialTypeName: item.credential?.typeName,
  });
  const secret = secretKeys(item.kind, settings, item.credential);
  const secretName = `${name}-credentials`;
  const spec: Record<string, unknown> = {
    organizationRef: { name: options.organization },
    type: item.kind.type,
    displayName: item.name,
    ...(item.notes === '' ? {} : { notes: item.notes }),
    active: item.intendedState !== 'DISABLED',
    ...(settings === undefined || item.kind.settings === undefined ? {} : { [item.kind.settings.key]: settings }),
    ...(secret === undefined ? {} : { credentials: { secretRef: { name: secretName } } }),
    deletionPolicy: options.deletionPolicy,
  };
  const resource: Manifest = {
    apiVersion: API_VERSION,
    kind: DATA_ACTION_INTEGRATION_NAMES.kind,
    metadata: { name, annotations: { [ANNOTATIONS.integrationId]: item.id } },
    spec,
  };
  if (secret === undefined) return [resource];
  const skeleton: Manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName },
    type: 'Opaque',
    // Empty on purpose: fill every key before the operator can write the credential (Synced=False,
    // InvalidCredentials until then, and nothing is changed on the platform meanwhile).
    stringData: Object.fromEntries(secret.keys.map((key) => [key, ''])),
  };
  return [skeleton, resource];
}

/** Every manifest for the organization's integrations, names unique and stable (sorted by platform name, then id). */
export function exportManifests(items: readonly ExportedIntegration[], options: ExportOptions): Manifest[] {
  const taken = new Set<string>();
  const sorted = [...items].sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));
  return sorted.flatMap((item) => {
    const name = resourceName(item.name, taken);
    taken.add(name);
    taken.add(`${name}-credentials`);
    return manifestsFor(item, name, options);
  });
}

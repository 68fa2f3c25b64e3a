// The samples of deploy/samples as the demo applies them: unchanged, except that the organization signs in
// to the emulator instead of a real region.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Manifest = Record<string, any>;

export interface EmulatorLogin {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Every object of every sample file, in file order. */
export function readSamples(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
        .map((doc) => doc.toJSON() as Manifest | null)
        .filter((object): object is Manifest => object !== null),
    );
}

/**
 * Points every GenesysCloudOrganization at the emulator (spec.endpoints) and gives its OAuth Secret a client
 * the emulator knows. Returns new objects; the samples' own placeholders are left alone everywhere else.
 */
export function rewireToEmulator(objects: readonly Manifest[], login: EmulatorLogin): Manifest[] {
  const oauthSecrets = new Set(
    objects.filter((o) => o.kind === 'GenesysCloudOrganization').map((o) => o.spec?.oauthClientSecretRef?.name as string),
  );
  return objects.map((object) => {
    if (object.kind === 'GenesysCloudOrganization') {
      return { ...object, spec: { ...object.spec, endpoints: { apiBaseUrl: login.baseUrl, loginBaseUrl: login.baseUrl } } };
    }
    if (object.kind === 'Secret' && oauthSecrets.has(object.metadata?.name)) {
      const { data: _data, ...rest } = object;
      return { ...rest, stringData: { clientId: login.clientId, clientSecret: login.clientSecret } };
    }
    return object;
  });
}

/** The DataActionIntegrations' names, for waiting on them. */
export function integrationNames(objects: readonly Manifest[]): string[] {
  return objects.filter((o) => o.kind === 'DataActionIntegration').map((o) => o.metadata.name as string);
}

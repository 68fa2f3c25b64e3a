// Micro-benchmark of parseJson (src/platform/response.ts) on a 100-entry integrations page, shaped as the
// emulator renders one (test/emulator/integration-json.ts). Prints milliseconds per page for the reviver that
// parseJson used before, and for parseJson now, in the same run. Asserts nothing.
// Run: npx tsx test/bench/parse-json.ts [rounds]
import { parseJson } from '../../src/platform/response.ts';

const ENTRIES = 100;

/** parseJson as it was: JSON.parse with a reviver that drops nulls. */
function parseWithReviver(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (value === null ? undefined : value)) as unknown;
}

function integrationType(): Record<string, unknown> {
  const selfUri = '/api/v2/integrations/types/custom-rest-actions';
  return {
    id: 'custom-rest-actions',
    name: 'Web Services Data Actions',
    description: 'Allows data actions to be run against web services',
    provider: 'genesys',
    category: 'Data Actions',
    images: [],
    configPropertiesSchemaUri: `${selfUri}/configschemas/properties`,
    configAdvancedSchemaUri: `${selfUri}/configschemas/advanced`,
    helpUri: 'https://help.mypurecloud.com/articles/add-a-data-actions-integration/',
    credentials: {
      basicAuth: { required: false, title: 'Credentials', credentialTypes: ['basicAuth', 'userDefined', 'userDefinedOAuth'] },
    },
    nonInstallable: false,
    maxInstances: 50,
    userPermissions: [],
    vendorOAuthClientIds: [],
    selfUri,
  };
}

/** One entry; `nulls` writes unset fields as null, as the platform's Java models may. */
function entry(index: number, nulls: boolean): Record<string, unknown> {
  const id = `0f5c4b8e-1d2a-4c3b-9e8f-${String(index).padStart(12, '0')}`;
  const credentialId = `7a1b2c3d-4e5f-4a6b-8c7d-${String(index).padStart(12, '0')}`;
  return {
    id,
    name: `crm-lookups-${index}`,
    integrationType: integrationType(),
    notes: nulls ? null : 'Managed by dataaction-operator',
    intendedState: 'ENABLED',
    config: {
      current: {
        id,
        name: `crm-lookups-${index}`,
        version: 3,
        properties: {},
        advanced: nulls ? { timeoutSeconds: null } : {},
        notes: 'Managed by dataaction-operator',
        credentials: {
          basicAuth: {
            id: credentialId,
            name: `crm-lookups-${index}-basicAuth`,
            selfUri: `/api/v2/integrations/credentials/${credentialId}`,
          },
        },
        selfUri: `/api/v2/integrations/${id}/config/current`,
      },
    },
    reportedState: {
      code: 'ACTIVE',
      effective: 'Active',
      detail: nulls
        ? null
        : { localizableMessageCode: 'integration.state.active', message: 'Active', messageWithParams: 'Active', messageParams: {} },
      lastUpdated: '2026-11-29T17:00:00.000Z',
    },
    attributes: nulls ? null : {},
    selfUri: `/api/v2/integrations/${id}`,
  };
}

function page(nulls: boolean): string {
  const entities = Array.from({ length: ENTRIES }, (_, i) => entry(i, nulls));
  return JSON.stringify({ entities, pageSize: ENTRIES, pageNumber: 1, total: ENTRIES, pageCount: 1 });
}

/** Milliseconds per page for each contender: the median of rounds that take turns, so that load on the machine hits all alike. */
function msPerPage(parsers: readonly ((text: string) => unknown)[], text: string, rounds: number, perRound: number): number[] {
  const samples = parsers.map((): number[] => []);
  for (let round = 0; round < rounds; round += 1) {
    parsers.forEach((parse, index) => {
      const started = performance.now();
      for (let i = 0; i < perRound; i += 1) parse(text);
      samples[index]!.push((performance.now() - started) / perRound);
    });
  }
  return samples.map((taken) => taken.sort((x, y) => x - y)[Math.floor(taken.length / 2)]!);
}

const rounds = Number(process.argv[2] ?? 15);
const contenders = [
  { name: 'before: JSON.parse with a null-dropping reviver', parse: parseWithReviver },
  { name: 'after: parseJson', parse: parseJson },
  { name: 'floor: JSON.parse alone', parse: (text: string): unknown => JSON.parse(text) as unknown },
];
const parsers = contenders.map(({ parse }) => parse);
for (const nulls of [false, true]) {
  const text = page(nulls);
  process.stdout.write(
    `${ENTRIES}-entry integrations page, ${(text.length / 1024).toFixed(0)} KiB, ${nulls ? 'unset fields written as null' : 'no nulls'}\n`,
  );
  msPerPage(parsers, text, 3, 20); // warm-up
  const figures = msPerPage(parsers, text, rounds, 50);
  contenders.forEach(({ name }, index) => process.stdout.write(`  ${name.padEnd(50)} ${figures[index]!.toFixed(3)} ms/page\n`));
}
process.stdout.write(`Node ${process.version}, median of ${rounds} rounds of 50 pages each\n`);

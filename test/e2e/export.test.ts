// `dataaction-operator export` round trip (README.md, Export): integrations made in the admin UI are
// exported, applied, their Secrets filled, and every resource becomes Ready with nothing created, renamed or
// deleted on the platform.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  countCalls,
  kubectl,
  listObjects,
  repoRoot,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  withRequestsPerMinute,
  type Json,
  type Platform,
} from './harness.ts';

/** Values a person would type into each exported Secret skeleton, by key. */
const FILL: Record<string, string> = {
  userName: 'orders-api',
  password: 'pw-export-7d1e93',
  email: 'agent@example.com',
  baseUrl: 'https://acme.zendesk.com',
  apiToken: 'zd-token-export-5b0c',
  roleArn: 'arn:aws:iam::123456789012:role/genesys-lambda-invoker',
};

function runExport(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'main.ts'), 'export', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('export, apply, fill the Secrets', () => {
  let platform: Platform;
  let namespace: string;
  const live = (): Array<{ id: string; name: string }> =>
    platform.emulator.control
      .state()
      .integrations.filter((i) => i.deletedAt === undefined)
      .map((i) => ({ id: i.id, name: i.name }))
      .sort((a, b) => a.id.localeCompare(b.id));

  beforeAll(async () => {
    platform = await startPlatform({ requestsPerMinute: 3000 });
    namespace = await createTestNamespace('export');
    await apply(namespace, withRequestsPerMinute(platform.organization(), 3000));
    // Made in the admin UI: no resource, no operator marker in the notes.
    platform.emulator.control.seedIntegration({ type: 'WebServices', name: 'Orders API', notes: 'Order lookups.', state: 'ACTIVE' });
    platform.emulator.control.seedIntegration({ type: 'Zendesk', name: 'Zendesk Support', state: 'ACTIVE' });
    platform.emulator.control.seedIntegration({ type: 'AWSLambda', name: 'Order Lambdas', state: 'INACTIVE' });
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('brings every integration under management, Ready, with nothing created, renamed or deleted', async () => {
    const before = live();
    expect(before).toHaveLength(3);

    const exported = await runExport([
      '--organization',
      `${namespace}/example-org`,
      '--kubeconfig',
      inject('kubeconfigPath'),
      '--allowed-endpoint-hosts',
      '127.0.0.1',
    ]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const manifests = parseAllDocuments(exported.stdout)
      .map((d) => d.toJS() as Json | null)
      .filter((m): m is Json => m !== null);
    const resources = manifests.filter((m) => m.kind === 'DataActionIntegration');
    expect(resources.map((r) => [r.spec.displayName, r.spec.type, r.spec.active, r.spec.deletionPolicy]).sort()).toEqual([
      ['Order Lambdas', 'AWSLambda', false, 'Orphan'],
      ['Orders API', 'WebServices', true, 'Orphan'],
      ['Zendesk Support', 'Zendesk', true, 'Orphan'],
    ]);
    expect(resources.map((r) => r.metadata.annotations['dataactions.dev/integration-id']).sort()).toEqual(before.map((i) => i.id).sort());
    const secrets = manifests.filter((m) => m.kind === 'Secret');
    expect(secrets.flatMap((s) => Object.values<string>(s.stringData))).toEqual(
      secrets.flatMap((s) => Object.keys(s.stringData).map(() => '')),
    );

    const createsBefore = countCalls(platform.emulator, ['POST /api/v2/integrations']);
    const deletesBefore = countCalls(platform.emulator, ['DELETE /api/v2/integrations/{id}']);
    startOperator({ namespaces: [namespace] });
    const filled = manifests.map((m) =>
      m.kind === 'Secret' ? { ...m, stringData: Object.fromEntries(Object.keys(m.stringData).map((k) => [k, FILL[k] ?? 'x'])) } : m,
    );
    await kubectl(['apply', '-n', namespace, '-f', '-'], filled.map((m) => JSON.stringify(m)).join('\n'));

    await waitFor('every exported resource Ready', async () => {
      const items = await listObjects(namespace, 'dataactionintegrations');
      return items.length === 3 && items.every((o) => condition(o, 'Ready')?.status === 'True');
    });
    expect(live()).toEqual(before);
    expect(countCalls(platform.emulator, ['POST /api/v2/integrations'])).toBe(createsBefore);
    expect(countCalls(platform.emulator, ['DELETE /api/v2/integrations/{id}'])).toBe(deletesBefore);
    const lambda = platform.emulator.control.state().integrations.find((i) => i.name === 'Order Lambdas');
    expect(lambda?.reportedState).toBe('INACTIVE');
  });

  it('exits 2 naming the flag when the organization is not <namespace>/<name>', async () => {
    const result = await runExport(['--organization', 'example-org']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--organization must be <namespace>/<name>');
  });
});

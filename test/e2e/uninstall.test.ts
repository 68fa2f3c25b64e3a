// Uninstall safety (README.md, Uninstall): deleting the CRDs deletes every DataActionIntegration, and the
// operator must not turn that into a deletion of every integration on the platform. It runs on a control
// plane of its own, because deleting the CRDs of the shared one would break the other kube suites.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../testbed/control-plane.ts';
import { kubectlOrThrow } from '../testbed/kubectl.ts';
import {
  countCalls,
  repoRoot,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  webServicesIntegration,
  withRequestsPerMinute,
  type Json,
  type Platform,
} from './harness.ts';

const NAMESPACE = 'contact-center';
const NAMES = ['orders', 'billing', 'shipping'];
const ACTION_DELETE = 'DELETE /api/v2/integrations/actions/{id}';
const ACTION = {
  apiVersion: 'dataactions.dev/v1alpha1',
  kind: 'DataAction',
  metadata: { name: 'order-lookup' },
  spec: {
    integrationRef: { name: 'orders' },
    category: 'Orders',
    contract: { input: { type: 'object' }, output: { type: 'object' } },
    request: { urlTemplate: 'https://orders.example.com/x', method: 'GET' },
  },
};

describe('deleting the CRDs with integrations in place', () => {
  let cp: ControlPlane;
  let platform: Platform;
  const kubectl = (args: readonly string[], input?: string): Promise<string> =>
    kubectlOrThrow(cp.kubectl, cp.kubeconfigPath, args, input === undefined ? {} : { input });
  const getJson = async (args: readonly string[]): Promise<Json> => JSON.parse(await kubectl([...args, '-o', 'json'])) as Json;

  beforeAll(async () => {
    cp = await startControlPlane();
    // deploy/crds.yaml is what a user applies: the CRDs as shipped, with their keep annotations.
    await kubectl(['apply', '--server-side', '-f', join(repoRoot, 'deploy', 'crds.yaml')]);
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    platform = await startPlatform({ requestsPerMinute: 3000 });
    await kubectl(['create', 'namespace', NAMESPACE]);
    startOperator({ namespaces: [NAMESPACE], kubeconfig: cp.kubeconfigPath });
    const objects = [...withRequestsPerMinute(platform.organization(), 3000), ...NAMES.flatMap((n) => webServicesIntegration(n))];
    await kubectl(['apply', '-n', NAMESPACE, '-f', '-'], objects.map((o) => JSON.stringify(o)).join('\n'));
    await waitFor('every integration Ready', async () => {
      const list = await getJson(['get', 'dai', '-n', NAMESPACE]);
      const ready = (list.items as Json[]).filter((o) =>
        (o.status?.conditions as Json[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length === NAMES.length;
    });
    // A DataAction on one of them: the CRDs' deletion takes it too, and must leave the action on the platform.
    await kubectl(['apply', '-n', NAMESPACE, '-f', '-'], JSON.stringify(ACTION));
    await waitFor('the action Ready', async () => {
      const action = await getJson(['get', 'da', ACTION.metadata.name, '-n', NAMESPACE]);
      return (action.status?.conditions as Json[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True');
    });
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform?.emulator.close();
    await cp?.stop();
  });

  it('ships each CRD with the annotations that keep it through a Helm uninstall and an Argo CD prune', () => {
    const crds = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'crds.yaml'), 'utf8')).map((d) => d.toJS() as Json);
    expect(crds.map((c) => c.kind)).toEqual(['CustomResourceDefinition', 'CustomResourceDefinition', 'CustomResourceDefinition']);
    for (const crd of crds) {
      expect(crd.metadata.annotations).toMatchObject({
        'helm.sh/resource-policy': 'keep',
        'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
      });
    }
  });

  it('leaves every integration on the platform, orphaned with a Warning Event each, and lets the CRDs go', async () => {
    const live = (): Array<{ id: string; name: string }> =>
      platform.emulator.control
        .state()
        .integrations.filter((i) => i.deletedAt === undefined)
        .map((i) => ({ id: i.id, name: i.name }))
        .sort((a, b) => a.id.localeCompare(b.id));
    const before = live();
    expect(before).toHaveLength(NAMES.length);
    const deletesBefore = countCalls(platform.emulator, ['DELETE /api/v2/integrations/{id}']);

    // What `kubectl delete -f deploy/crds.yaml` (or a careless uninstall) does.
    await kubectl(['delete', '-f', join(repoRoot, 'deploy', 'crds.yaml'), '--timeout=90s']);

    const crds = await getJson(['get', 'crd']);
    expect((crds.items as Json[]).map((c) => c.metadata.name as string).filter((n) => n.endsWith('.dataactions.dev'))).toEqual([]);
    expect(live()).toEqual(before);
    expect(countCalls(platform.emulator, ['DELETE /api/v2/integrations/{id}'])).toBe(deletesBefore);
    expect(countCalls(platform.emulator, [ACTION_DELETE])).toBe(0);

    const events = (await getJson(['get', 'events', '-n', NAMESPACE])).items as Json[];
    const orphaned = events.filter((e) => e.reason === 'OrphanedByCRDDeletion');
    expect(orphaned.map((e) => e.involvedObject.name as string).sort()).toEqual([...NAMES].sort());
    for (const event of orphaned) {
      expect(event.type).toBe('Warning');
      expect(event.message).toMatch(
        /^The DataActionIntegration CRD is being deleted: left integration \S+ on the platform instead of deleting it$/,
      );
    }
  });
});

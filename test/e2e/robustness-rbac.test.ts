// Least privilege: the operator runs under the shipped ServiceAccount, bound to the shipped ClusterRole and
// leader-election Role, with a token minted for it, exactly as the Deployment runs it. A resource reaching
// Ready and being deleted proves the roles are enough; the ServiceAccount's full rule list, compared with
// what the operator needs, proves they are not more. (test/integration/deploy-dryrun.test.ts spot-checks
// single verbs with can-i; this checks the whole list and a real run.)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { INSTALL_NAMESPACE, SERVICE_ACCOUNT } from '../../src/config.ts';
import { createServiceAccountToken, kubeconfigForToken } from '../testbed/control-plane.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  getObject,
  kubectl,
  kubectlMayFail,
  leaks,
  leaseHolder,
  repoRoot,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  waitForCondition,
  webServicesIntegration,
  type Json,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

const RBAC_KINDS = new Set(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const PASSWORD = 'rbac-test-password-0b5f3e';

/** The install's RBAC objects, as shipped (everything but the workload and its network objects). */
function shippedRbac(): Json[] {
  const text = readFileSync(join(repoRoot, 'deploy', 'install.yaml'), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Json | null)
    .filter((o): o is Json => o !== null && RBAC_KINDS.has(o.kind as string));
}

/** `kubectl auth can-i --list` as `user` in `namespace`, as `resource -> sorted verbs`. */
async function listRules(user: string, namespace: string): Promise<Map<string, string>> {
  const out = await kubectl(['auth', 'can-i', '--list', '--as', user, '-n', namespace]);
  const rules = new Map<string, string>();
  for (const line of out.split('\n').slice(1)) {
    // Columns: Resources, Non-Resource URLs, Resource Names, Verbs ([get list]).
    const match = /^(\S+)\s+\[[^\]]*\]\s+\[[^\]]*\]\s+\[([^\]]*)\]\s*$/.exec(line.trim());
    if (match === null) continue;
    const [, resource = '', verbs = ''] = match;
    rules.set(
      resource,
      verbs
        .split(/\s+/)
        .filter((v) => v !== '')
        .sort()
        .join(' '),
    );
  }
  return rules;
}

/** The rules `user` holds beyond what any ServiceAccount with no binding of its own holds (the default cluster roles). */
async function grantedRules(user: string, namespace: string): Promise<Map<string, string>> {
  const baseline = await listRules('system:serviceaccount:default:robustness-rbac-nobody', namespace);
  const rules = await listRules(user, namespace);
  for (const [resource, verbs] of baseline) if (rules.get(resource) === verbs) rules.delete(resource);
  return rules;
}

describe('the operator under the shipped RBAC', () => {
  let platform: Platform;
  let namespace: string;
  let workDir: string;
  let operator: OperatorProcess;
  const user = `system:serviceaccount:${INSTALL_NAMESPACE}:${SERVICE_ACCOUNT}`;
  const leaseId = `rbac-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    await kubectl(
      ['apply', '--server-side', '--field-manager=robustness-rbac-test', '-f', '-'],
      shippedRbac()
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const access = { kubectl: inject('kubectlPath'), kubeconfigPath: inject('kubeconfigPath') };
    const token = await createServiceAccountToken(access, INSTALL_NAMESPACE, SERVICE_ACCOUNT, 600);
    workDir = await mkdtemp(join(tmpdir(), 'robustness-rbac-'));
    const kubeconfig = await kubeconfigForToken(access, token, join(workDir, 'kubeconfig'));
    platform = await startPlatform();
    namespace = await createTestNamespace('rbac');
    operator = startOperator({
      namespaces: [namespace],
      kubeconfig,
      args: ['--leader-elect', '--leader-election-namespace', INSTALL_NAMESPACE, '--leader-election-id', leaseId],
      env: { POD_NAME: 'rbac-replica' },
    });
  });

  afterAll(async () => {
    await stopAllOperators();
    // Leave the cluster-wide grant behind for no later test; the Namespace stays (without a controller-manager
    // it could only become Terminating), and with it the namespaced objects, which grant nothing elsewhere.
    const clusterScoped = shippedRbac().filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');
    await kubectl(['delete', '--ignore-not-found', '-f', '-'], clusterScoped.map((o) => JSON.stringify(o)).join('\n'));
    await platform.emulator.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('takes the Lease in the install namespace with the leader-election Role', async () => {
    await waitFor('the Lease', async () => (await leaseHolder(INSTALL_NAMESPACE, leaseId)) === 'rbac-replica');
  });

  it('brings a resource to Ready and deletes it with nothing refused', async () => {
    await apply(namespace, [...platform.organization(), ...webServicesIntegration('orders', { password: PASSWORD })]);
    const ready = await waitForCondition(namespace, 'orders', 'Ready', 'True');
    expect(platform.emulator.control.state().integrations.map((i) => i.id)).toEqual([ready.status.integrationId]);
    const events = (JSON.parse(await kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json'])) as { items: Json[] }).items;
    expect(events.some((e) => e.reason === 'Created' && e.regarding?.name === 'orders')).toBe(true);

    await kubectl(['delete', 'dai', 'orders', '-n', namespace, '--wait=false']);
    await waitFor('orders to be gone', async () => (await getObject(namespace, 'dai', 'orders')) === undefined);
    expect(platform.emulator.control.state().integrations).toEqual([]);
    expect(platform.emulator.control.state().credentials).toEqual([]);
    await kubectl(['delete', 'gcorg', 'example-org', '-n', namespace, '--wait=false']);
    await waitFor('the organization to be gone', async () => (await getObject(namespace, 'gcorg', 'example-org')) === undefined);

    // Every call the operator made was allowed: a 403 anywhere would show in its log.
    expect(operator.lines.filter((l) => /forbidden|\b403\b/i.test(l))).toEqual([]);
    expect(leaks(operator.lines, [PASSWORD, 'emulator-secret'])).toEqual([]);
  });

  it('holds exactly the rules the operator needs, in a watched namespace', async () => {
    const rules = await grantedRules(user, namespace);
    expect(Object.fromEntries(rules)).toEqual({
      'dataactionintegrations.dataactions.dev': 'get list patch watch',
      'genesyscloudorganizations.dataactions.dev': 'get list patch watch',
      'dataactionintegrations.dataactions.dev/status': 'get patch',
      'genesyscloudorganizations.dataactions.dev/status': 'get patch',
      'dataactions.dataactions.dev': 'get list patch watch',
      'dataactions.dataactions.dev/status': 'get patch',
      secrets: 'get list watch',
      // A DataAction's templates may come from a ConfigMap key: watched as metadata, read by name.
      configmaps: 'get list watch',
      'events.events.k8s.io': 'create patch',
      events: 'create patch',
      // Read on deletion, to orphan instead of delete while the CRD itself is being deleted (two CRDs only).
      'customresourcedefinitions.apiextensions.k8s.io': 'get',
    });
  });

  it('holds the Lease rules only in the install namespace', async () => {
    const rules = await grantedRules(user, INSTALL_NAMESPACE);
    expect(rules.get('leases.coordination.k8s.io')).toBe('create get update');
    expect((await grantedRules(user, namespace)).has('leases.coordination.k8s.io')).toBe(false);
  });

  it.each([
    { verb: 'delete', resource: 'secrets' },
    { verb: 'delete', resource: 'dataactionintegrations.dataactions.dev' },
    { verb: 'update', resource: 'dataactionintegrations.dataactions.dev/status' },
    { verb: 'list', resource: 'leases.coordination.k8s.io' },
    { verb: 'create', resource: 'serviceaccounts/token' },
    { verb: 'bind', resource: 'clusterroles.rbac.authorization.k8s.io' },
    { verb: 'impersonate', resource: 'users' },
  ])('is refused $verb $resource', async ({ verb, resource }) => {
    const result = await kubectlMayFail(['auth', 'can-i', verb, resource, '--as', user, '-n', INSTALL_NAMESPACE]);
    expect(result.stdout.trim()).toBe('no');
  });
});

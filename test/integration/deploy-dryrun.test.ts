// The install manifests against a real kube-apiserver: the server validates every object (schemas,
// RBAC references, policy/v1, networking/v1) without creating them, kubectl's own kustomize renders
// deploy/ to the same objects as scripts/gen-install.ts, and the ClusterRole allows what it should.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { identify } from '../../scripts/gen-install.ts';
import type { Manifest } from '../../scripts/gen-install.ts';
import { kubectlOrThrow, runKubectl } from '../testbed/kubectl.ts';
import { createTestNamespace } from '../testbed/namespace.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const installFile = path.join(repoRoot, 'deploy/install.yaml');
const installNamespace = 'dataaction-operator-system';

function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

function byIdentity(manifests: Manifest[]): Map<string, Manifest> {
  return new Map(manifests.map((m) => [identify(m), m]));
}

async function kubectl(args: readonly string[], input?: string): Promise<string> {
  return kubectlOrThrow(inject('kubectlPath'), inject('kubeconfigPath'), args, input === undefined ? {} : { input });
}

describe('deploy/ on a real API server', () => {
  const installed = parseManifests(readFileSync(installFile, 'utf8'));

  beforeAll(async () => {
    // Server-side dry runs of namespaced objects need their namespace to exist; this is the only object
    // the suite really creates from the install, and applying it again is a no-op.
    const namespace = installed.find((m) => m.kind === 'Namespace');
    await kubectl(['apply', '--server-side', '--field-manager=deploy-dryrun-test', '-f', '-'], JSON.stringify(namespace));
  });

  it('accepts every object of install.yaml in a server-side dry run', async () => {
    const out = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', installFile]);
    const applied = out
      .trim()
      .split('\n')
      .filter((line) => line.includes('(server dry run)'));
    expect(applied).toHaveLength(installed.length);
  });

  it('accepts the three CRDs of deploy/crds.yaml in a server-side dry run', async () => {
    const out = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', path.join(repoRoot, 'deploy/crds.yaml')]);
    expect(
      out
        .trim()
        .split('\n')
        .filter((line) => line.includes('(server dry run)')),
    ).toHaveLength(3);
  });

  it('accepts the kustomization in a dry run with kubectl apply -k', async () => {
    const out = await kubectl(['apply', '--dry-run=server', '-k', path.join(repoRoot, 'deploy')]);
    expect(
      out
        .trim()
        .split('\n')
        .filter((line) => line.includes('(server dry run)')),
    ).toHaveLength(installed.length);
  });

  it('renders the same objects with kubectl kustomize as scripts/gen-install.ts', async () => {
    const rendered = byIdentity(parseManifests(await kubectl(['kustomize', path.join(repoRoot, 'deploy')])));
    const expected = byIdentity(installed);
    expect([...rendered.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, manifest] of expected) {
      expect(rendered.get(id), id).toEqual(manifest);
    }
  });
});

describe('the operator ServiceAccount under the shipped roles', () => {
  const installed = parseManifests(readFileSync(installFile, 'utf8'));
  const suffix = randomBytes(4).toString('hex');
  let namespace = '';
  let user = '';

  // The shipped rules, bound under test-only names to a ServiceAccount in a fresh namespace, so this suite
  // leaves the install's own cluster-scoped objects alone.
  beforeAll(async () => {
    namespace = await createTestNamespace('deploy-rbac');
    user = `system:serviceaccount:${namespace}:dataaction-operator`;
    const clusterRole = installed.find((m) => m.kind === 'ClusterRole')!;
    const role = installed.find((m) => m.kind === 'Role')!;
    const subjects = [{ kind: 'ServiceAccount', name: 'dataaction-operator', namespace }];
    const objects = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'dataaction-operator', namespace } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `deploy-rbac-${suffix}` },
        rules: clusterRole['rules'],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `deploy-rbac-${suffix}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `deploy-rbac-${suffix}` },
        subjects,
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'leader-election', namespace }, rules: role['rules'] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'leader-election', namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leader-election' },
        subjects,
      },
    ];
    await kubectl(
      ['apply', '--server-side', '--field-manager=deploy-rbac-test', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    );
    return async () => {
      await kubectl(['delete', 'clusterrolebinding,clusterrole', `deploy-rbac-${suffix}`, '--ignore-not-found']);
    };
  });

  it.each([
    { verb: 'watch', resource: 'dataactionintegrations.dataactions.dev', where: 'any', allowed: true },
    { verb: 'patch', resource: 'dataactionintegrations.dataactions.dev', where: 'any', allowed: true },
    { verb: 'patch', resource: 'genesyscloudorganizations.dataactions.dev/status', where: 'any', allowed: true },
    { verb: 'get', resource: 'secrets', where: 'any', allowed: true },
    { verb: 'list', resource: 'secrets', where: 'any', allowed: true },
    { verb: 'create', resource: 'events.events.k8s.io', where: 'any', allowed: true },
    { verb: 'create', resource: 'events', where: 'any', allowed: true },
    {
      verb: 'get',
      resource: 'customresourcedefinitions.apiextensions.k8s.io/dataactionintegrations.dataactions.dev',
      where: 'any',
      allowed: true,
    },
    {
      verb: 'get',
      resource: 'customresourcedefinitions.apiextensions.k8s.io/dataactions.dataactions.dev',
      where: 'any',
      allowed: true,
    },
    {
      verb: 'get',
      resource: 'customresourcedefinitions.apiextensions.k8s.io/genesyscloudorganizations.dataactions.dev',
      where: 'any',
      allowed: false,
    },
    { verb: 'list', resource: 'customresourcedefinitions.apiextensions.k8s.io', where: 'any', allowed: false },
    { verb: 'update', resource: 'leases.coordination.k8s.io', where: 'own', allowed: true },
    { verb: 'create', resource: 'dataactionintegrations.dataactions.dev', where: 'any', allowed: false },
    { verb: 'update', resource: 'dataactionintegrations.dataactions.dev', where: 'any', allowed: false },
    { verb: 'delete', resource: 'genesyscloudorganizations.dataactions.dev', where: 'any', allowed: false },
    { verb: 'update', resource: 'secrets', where: 'any', allowed: false },
    { verb: 'patch', resource: 'secrets', where: 'any', allowed: false },
    { verb: 'create', resource: 'secrets', where: 'any', allowed: false },
    { verb: 'get', resource: 'configmaps', where: 'any', allowed: true },
    { verb: 'list', resource: 'configmaps', where: 'any', allowed: true },
    { verb: 'watch', resource: 'configmaps', where: 'any', allowed: true },
    { verb: 'patch', resource: 'configmaps', where: 'any', allowed: false },
    { verb: 'update', resource: 'configmaps', where: 'any', allowed: false },
    { verb: 'patch', resource: 'dataactions.dataactions.dev/status', where: 'any', allowed: true },
    { verb: 'create', resource: 'pods', where: 'any', allowed: false },
    { verb: 'update', resource: 'leases.coordination.k8s.io', where: 'other', allowed: false },
    { verb: 'delete', resource: 'leases.coordination.k8s.io', where: 'own', allowed: false },
  ])('answers $allowed to $verb $resource in $where namespace', async ({ verb, resource, where, allowed }) => {
    const scope = where === 'any' ? ['--all-namespaces'] : ['-n', where === 'own' ? namespace : installNamespace];
    const result = await runKubectl(inject('kubectlPath'), inject('kubeconfigPath'), [
      'auth',
      'can-i',
      verb,
      resource,
      '--as',
      user,
      ...scope,
    ]);
    expect(result.stdout.trim()).toBe(allowed ? 'yes' : 'no');
  });
});

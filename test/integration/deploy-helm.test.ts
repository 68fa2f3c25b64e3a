// The Helm chart with the real helm (built by `npm run testbed -- build`, test/testbed/go-tools.ts) on a
// control plane of its own: a release installs CRDs and cluster-wide RBAC, which must not collide with the
// shared testbed's. It lints, renders the same objects as deploy/ (no drift), passes a server-side dry run with
// each values file of deploy/chart/ci/, and installs, upgrades and uninstalls with the CRDs and resources kept.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readPinnedVersions } from '../testbed/binaries.ts';
import { startControlPlane, type ControlPlane } from '../testbed/control-plane.ts';
import { GO_TOOLS, requireTool } from '../testbed/go-tools.ts';
import { kubectlOrThrow, runKubectl } from '../testbed/kubectl.ts';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..', '..');
const chart = join(repoRoot, 'deploy', 'chart');
const NS = 'dataaction-operator-system';
const RELEASE = 'dataaction-operator';
const valuesFiles = readdirSync(join(chart, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const HELM_ONLY_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/instance', 'app.kubernetes.io/version'];

type Json = Record<string, any>;

function docs(text: string): Json[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Json | null)
    .filter((m): m is Json => m !== null);
}

/** An object without what only one side sets: Helm's labels, Argo CD's sync waves, empty maps left behind. */
function normalized(object: Json): Json {
  const copy = structuredClone(object);
  for (const meta of [copy.metadata, copy.spec?.template?.metadata]) {
    if (meta === undefined) continue;
    for (const key of HELM_ONLY_LABELS) delete meta.labels?.[key];
    delete meta.annotations?.['argocd.argoproj.io/sync-wave'];
    for (const field of ['labels', 'annotations'])
      if (meta[field] !== undefined && Object.keys(meta[field]).length === 0) delete meta[field];
  }
  return copy;
}

const identity = (m: Json): string => `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;

describe('deploy/chart with the real helm', () => {
  let cp: ControlPlane;
  let helmBin: string;
  let kubeVersion = '';
  const helm = async (args: readonly string[]): Promise<string> =>
    (await run(helmBin, [...args, '--kubeconfig', cp.kubeconfigPath], { maxBuffer: 32 * 1024 * 1024, timeout: 120_000 })).stdout;
  const kubectl = (args: readonly string[], input?: string): Promise<string> =>
    kubectlOrThrow(cp.kubectl, cp.kubeconfigPath, args, input === undefined ? {} : { input });
  const template = (values: string[] = []): Promise<string> =>
    // Offline rendering assumes an old Kubernetes unless told; the testbed's is the one the chart is checked on.
    helm([
      'template',
      RELEASE,
      chart,
      '--namespace',
      NS,
      '--kube-version',
      kubeVersion,
      ...values.flatMap((v) => ['--values', join(chart, 'ci', v)]),
    ]);

  beforeAll(async () => {
    helmBin = await requireTool(GO_TOOLS.helm);
    cp = await startControlPlane();
    kubeVersion = (await readPinnedVersions()).kubernetes;
    for (const ns of [NS, 'team-a', 'team-b']) await kubectl(['create', 'namespace', ns]);
    // Stand-ins for the Prometheus Operator's CRDs, so ServiceMonitor and PrometheusRule objects can be validated.
    const stub = (kind: string, plural: string): Json => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.monitoring.coreos.com` },
      spec: {
        group: 'monitoring.coreos.com',
        scope: 'Namespaced',
        names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    await kubectl(
      ['apply', '-f', '-'],
      [stub('ServiceMonitor', 'servicemonitors'), stub('PrometheusRule', 'prometheusrules')].map((o) => JSON.stringify(o)).join('\n'),
    );
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  });

  afterAll(async () => {
    await cp?.stop();
  });

  it.each(['(defaults)', ...valuesFiles])('passes helm lint with %s', async (values) => {
    const args = values === '(defaults)' ? [] : ['--values', join(chart, 'ci', values)];
    const out = await helm(['lint', chart, '--strict', ...args]);
    expect(out).toContain('0 chart(s) failed');
  });

  it('renders, with the default values, exactly the objects of deploy/install.yaml and deploy/crds.yaml', async () => {
    const rendered = new Map(docs(await template()).map((m) => [identity(m), normalized(m)]));
    const shipped = [
      ...docs(readFileSync(join(repoRoot, 'deploy', 'install.yaml'), 'utf8')).filter((m) => m.kind !== 'Namespace'),
      ...docs(readFileSync(join(repoRoot, 'deploy', 'crds.yaml'), 'utf8')),
    ].map(normalized);
    expect([...rendered.keys()].sort()).toEqual(shipped.map(identity).sort());
    for (const object of shipped) expect(rendered.get(identity(object)), identity(object)).toEqual(object);
  });

  it.each(valuesFiles)('renders %s to objects the API server accepts in a server-side dry run', async (values) => {
    const manifest = await template([values]);
    const out = await kubectl(['apply', '--server-side', '--dry-run=server', '--force-conflicts', '-f', '-'], manifest);
    expect(out.split('\n').filter((l) => l.includes('(server dry run)'))).toHaveLength(docs(manifest).length);
  });

  it('scopes RBAC to the watched namespaces when watchNamespaces is set, with no cluster-wide Secret read', async () => {
    const objects = docs(await template(['namespaced-values.yaml']));
    const roles = objects.filter((m) => m.kind === 'Role' && m.metadata.name === RELEASE).map((m) => m.metadata.namespace);
    expect(roles.sort()).toEqual(['team-a', 'team-b']);
    const clusterRole = objects.find((m) => m.kind === 'ClusterRole')!;
    expect(clusterRole.rules).toEqual([
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        resourceNames: ['dataactionintegrations.dataactions.dev', 'dataactions.dataactions.dev'],
        verbs: ['get'],
      },
    ]);
    const args = objects.find((m) => m.kind === 'Deployment')!.spec.template.spec.containers[0].args as string[];
    expect(args).toEqual(
      expect.arrayContaining(['--namespaces=team-a,team-b', '--allowed-endpoint-hosts=genesys-proxy.internal:8443', '--log-level=debug']),
    );
  });

  it('installs, upgrades and uninstalls, leaving the CRDs and every resource in place', async () => {
    await helm(['install', RELEASE, chart, '--namespace', NS]);
    await kubectl(['wait', '--for=condition=Established', 'crd/dataactionintegrations.dataactions.dev', '--timeout=60s']);
    const resource = {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'DataActionIntegration',
      metadata: { name: 'orders', namespace: 'team-a' },
      spec: { organizationRef: { name: 'prod' }, type: 'WebServices', webServices: { credentialType: 'None' } },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(resource));

    await helm(['upgrade', RELEASE, chart, '--namespace', NS, '--values', join(chart, 'ci', 'namespaced-values.yaml')]);
    const sa = `system:serviceaccount:${NS}:${RELEASE}`;
    const can = async (args: string[]): Promise<string> =>
      (await runKubectl(cp.kubectl, cp.kubeconfigPath, ['auth', 'can-i', ...args, '--as', sa])).stdout.trim();
    expect(await can(['list', 'secrets', '-n', 'team-a'])).toBe('yes');
    expect(await can(['list', 'secrets', '-n', 'default'])).toBe('no');
    expect(await can(['watch', 'configmaps', '-n', 'team-a'])).toBe('yes');
    expect(await can(['watch', 'configmaps', '-n', 'default'])).toBe('no');
    expect(await can(['get', 'customresourcedefinitions.apiextensions.k8s.io/dataactionintegrations.dataactions.dev'])).toBe('yes');
    expect(JSON.parse(await kubectl(['get', 'deployment', RELEASE, '-n', NS, '-o', 'json'])).spec.replicas).toBe(3);

    await helm(['uninstall', RELEASE, '--namespace', NS]);
    const crds = JSON.parse(await kubectl(['get', 'crd', '-o', 'json'])).items.map((c: Json) => c.metadata.name as string);
    expect(crds).toEqual(expect.arrayContaining(['dataactionintegrations.dataactions.dev', 'genesyscloudorganizations.dataactions.dev']));
    expect(JSON.parse(await kubectl(['get', 'dai', 'orders', '-n', 'team-a', '-o', 'json'])).spec.type).toBe('WebServices');
    const gone = await runKubectl(cp.kubectl, cp.kubeconfigPath, ['get', 'deployment', RELEASE, '-n', NS]);
    expect(gone.exitCode).not.toBe(0);
    expect(await helm(['list', '--namespace', NS, '--short'])).toBe('');
  });
});

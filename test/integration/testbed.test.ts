import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, vi } from 'vitest';
import { parse } from 'yaml';
import { createServiceAccountToken, kubeconfigForToken, startControlPlane, type KubeAccess } from '../testbed/control-plane.ts';
import { isManifestFile } from '../testbed/crds.ts';
import { kubectlOrThrow, runKubectl } from '../testbed/kubectl.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import { isRunning } from '../testbed/process-liveness.ts';

const admin: KubeAccess = { kubeconfigPath: inject('kubeconfigPath'), kubectl: inject('kubectlPath') };
const crdFiles = readdirSync(inject('crdsDir')).filter(isManifestFile);

async function kubectl(args: string[], input?: string): Promise<string> {
  return kubectlOrThrow(admin.kubectl, admin.kubeconfigPath, args, input === undefined ? {} : { input });
}

describe('the shared control plane', () => {
  it('answers the admin kubeconfig as a cluster admin', async () => {
    expect((await kubectl(['get', '--raw', '/readyz'])).trim()).toBe('ok');
    expect((await kubectl(['auth', 'can-i', '*', '*', '--all-namespaces'])).trim()).toBe('yes');
  });

  it('hands the kubeconfig and kubectl to processes the tests start, through the environment', () => {
    expect(process.env['KUBECONFIG']).toBe(admin.kubeconfigPath);
    expect(process.env['TESTBED_KUBECTL']).toBe(admin.kubectl);
  });

  it('forbids a ServiceAccount without a role to list Secrets, and allows it once a Role is bound', async () => {
    const ns = await createTestNamespace('rbac');
    await kubectl(['create', 'serviceaccount', 'nobody', '-n', ns]);
    const dir = await mkdtemp(join(tmpdir(), 'testbed-rbac-'));
    try {
      const kubeconfig = await kubeconfigForToken(admin, await createServiceAccountToken(admin, ns, 'nobody'), join(dir, 'kubeconfig'));

      const denied = await runKubectl(admin.kubectl, kubeconfig, ['get', 'secrets', '-n', ns]);
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr).toContain(`User "system:serviceaccount:${ns}:nobody" cannot list resource "secrets"`);

      // The same token succeeds once RBAC allows it: the denial above was authorization, not a bad token.
      await kubectl(['create', 'role', 'secret-reader', '--verb=list', '--resource=secrets', '-n', ns]);
      await kubectl(['create', 'rolebinding', 'nobody-reads', '--role=secret-reader', `--serviceaccount=${ns}:nobody`, '-n', ns]);
      await vi.waitFor(async () => expect((await runKubectl(admin.kubectl, kubeconfig, ['get', 'secrets', '-n', ns])).exitCode).toBe(0), {
        timeout: 15_000,
        interval: 250,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the three kinds of the dataactions.dev API', async () => {
    const resources = (await kubectl(['api-resources', '--api-group=dataactions.dev', '-o', 'name'])).split('\n').filter(Boolean).sort();
    expect(resources).toEqual([
      'dataactionintegrations.dataactions.dev',
      'dataactions.dataactions.dev',
      'genesyscloudorganizations.dataactions.dev',
    ]);
  });

  it.each(crdFiles)('has the CRD of crds/%s Established', async (file) => {
    const crd = parse(readFileSync(join(inject('crdsDir'), file), 'utf8')) as { metadata: { name: string } };
    const established = await kubectl([
      'get',
      'crd',
      crd.metadata.name,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Established")].status}',
    ]);
    expect(established).toBe('True');
  });

  it('gives each test a namespace of its own', async () => {
    const [first, second] = await Promise.all([createTestNamespace('Same Prefix'), createTestNamespace('Same Prefix')]);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^same-prefix-[a-z0-9]+$/);
    const phases = await kubectl(['get', 'namespace', first, second, '-o', 'jsonpath={.items[*].status.phase}']);
    expect(phases).toBe('Active Active');
  });
});

describe.skipIf(inject('externalCluster'))('a control plane of its own', () => {
  it('leaves no process and no folder behind after stop()', async () => {
    const cp = await startControlPlane();
    expect(cp.processes.map((p) => p.name)).toEqual(['etcd', 'kube-apiserver']);
    expect(cp.processes.every((p) => isRunning(p.pid))).toBe(true);

    await cp.stop();

    expect(cp.processes.filter((p) => isRunning(p.pid))).toEqual([]);
    await expect(access(cp.workDir ?? '')).rejects.toThrow(/ENOENT/);
  });

  it('restarts kube-apiserver alone, on the same address, keeping what etcd holds', async () => {
    const cp = await startControlPlane();
    try {
      const access = { kubeconfigPath: cp.kubeconfigPath, kubectl: cp.kubectl };
      await kubectlOrThrow(access.kubectl, access.kubeconfigPath, ['create', 'namespace', 'kept-across-restart']);
      const [etcd, before] = cp.processes;

      await cp.restartApiServer();

      const [etcdAfter, after] = cp.processes;
      expect(etcdAfter?.pid).toBe(etcd?.pid);
      expect(after?.pid).not.toBe(before?.pid);
      expect(isRunning(before?.pid ?? 0)).toBe(false);
      const phase = await kubectlOrThrow(access.kubectl, access.kubeconfigPath, [
        'get',
        'namespace',
        'kept-across-restart',
        '-o',
        'jsonpath={.status.phase}',
      ]);
      expect(phase).toBe('Active');
    } finally {
      await cp.stop();
    }
  });

  it('leaves no etcd or kube-apiserver behind when the process that started them is killed with SIGKILL', async () => {
    const fixture = join(import.meta.dirname, '..', 'testbed', 'fixtures', 'hold-control-plane.ts');
    const holder = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<{ pids: number[]; workDir: string }>((resolve, reject) => {
      let out = '';
      holder.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out) as { pids: number[]; workDir: string });
      });
      holder.once('exit', (code) => reject(new Error(`The holder exited with ${code ?? 'a signal'} before starting`)));
    });
    try {
      expect(started.pids.every(isRunning)).toBe(true);

      holder.kill('SIGKILL');

      await vi.waitFor(() => expect(started.pids.filter(isRunning)).toEqual([]), { timeout: 5_000, interval: 50 });
    } finally {
      for (const pid of started.pids.filter(isRunning)) process.kill(pid, 'SIGKILL');
      await rm(started.workDir, { recursive: true, force: true });
    }
  });
});

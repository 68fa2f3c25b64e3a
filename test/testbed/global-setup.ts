import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from './control-plane.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Global setup of the `kube` project: one control plane for the whole run, the repository's CRDs
 * installed, and its kubeconfig and kubectl handed to tests (inject) and to the processes they spawn (env).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const cp = await startControlPlane();
  try {
    const crdsDir = join(repoRoot, 'crds');
    const crds = await cp.installCrds(crdsDir);
    project.provide('kubeconfigPath', cp.kubeconfigPath);
    project.provide('kubectlPath', cp.kubectl);
    project.provide('crdsDir', crdsDir);
    project.provide('externalCluster', cp.external);
    process.env['KUBECONFIG'] = cp.kubeconfigPath;
    process.env['TESTBED_KUBECTL'] = cp.kubectl;
    const where = cp.external ? `cluster ${cp.server}` : `kube-apiserver ${cp.binaries?.version ?? ''} at ${cp.server}`;
    process.stderr.write(`testbed: ${where} ready in ${((Date.now() - started) / 1000).toFixed(1)} s with ${crds.length} CRDs\n`);
  } catch (error) {
    await cp.stop();
    throw error;
  }
  return async () => cp.stop();
}

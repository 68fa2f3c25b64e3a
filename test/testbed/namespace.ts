import { inject } from 'vitest';
import { kubectlOrThrow } from './kubectl.ts';

/**
 * Creates a namespace with a random suffix for one test and returns its name. Nothing deletes it: without
 * a controller-manager a deleted namespace would stay Terminating anyway, and the control plane is thrown
 * away after the run.
 */
export async function createTestNamespace(prefix: string): Promise<string> {
  // A namespace name is a DNS label: lowercase alphanumerics and '-', at most 63 characters.
  const base =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'test';
  const manifest = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { generateName: `${base}-`, labels: { 'testbed.dataactions.dev/test-namespace': 'true' } },
  });
  const out = await kubectlOrThrow(
    inject('kubectlPath'),
    inject('kubeconfigPath'),
    ['create', '-f', '-', '-o', 'jsonpath={.metadata.name}'],
    { input: manifest },
  );
  return out.trim();
}

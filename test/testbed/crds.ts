import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { kubectlOrThrow } from './kubectl.ts';

/** YAML files in the folder, except a kustomization, which is a build file rather than an object. */
export function isManifestFile(name: string): boolean {
  return /\.ya?ml$/.test(name) && !/^kustomization\.ya?ml$/.test(name);
}

/**
 * Applies every YAML file in `dir` (server-side, so re-applying a changed CRD never trips over a stale
 * last-applied annotation) and waits until each CRD is Established. Returns the CRD names.
 */
export async function applyCrds(kubectl: string, kubeconfigPath: string, dir: string, timeoutMs = 60_000): Promise<string[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter(isManifestFile).sort();
  if (files.length === 0) return [];
  const args = ['apply', '--server-side', '--force-conflicts', '--field-manager=testbed', '-o', 'name'];
  for (const file of files) args.push('-f', join(dir, file));
  const applied = (await kubectlOrThrow(kubectl, kubeconfigPath, args))
    .split('\n')
    .filter((line) => line.startsWith('customresourcedefinition'));
  if (applied.length > 0) {
    await kubectlOrThrow(
      kubectl,
      kubeconfigPath,
      ['wait', '--for=condition=Established', `--timeout=${Math.ceil(timeoutMs / 1000)}s`, ...applied],
      {
        timeoutMs: timeoutMs + 10_000,
      },
    );
  }
  return applied.map((name) => name.slice(name.indexOf('/') + 1));
}

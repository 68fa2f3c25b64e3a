// `npm run demo` is the newcomer's first contact with the project: it must keep working.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processCommandLines, repoRoot } from './harness.ts';

/** Command lines of the processes running now. */
describe('npm run demo', () => {
  it('brings every sample to Ready and leaves nothing running behind it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'demo.ts'), '--exit-when-ready'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code, output).toBe(0);
    expect(output).toMatch(/All 9 integrations Ready [\d.]+ s after kubectl apply/);
    const server = /Stopped kube-apiserver and etcd at (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const emulator = /Stopped the Genesys Cloud emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const workDir = /Removed (\/tmp\/dataaction-demo-\S+)/.exec(output)?.[1];
    expect(server).toBeDefined();
    expect(emulator).toBeDefined();
    expect(workDir).toBeDefined();
    // Nothing the demo started is still running: etcd, kube-apiserver and the operator all name the
    // control plane's folder (data dir, cert dir, --kubeconfig) on their command lines.
    const kubeconfig = /kubeconfig (\S+)\)/.exec(output)?.[1];
    expect(kubeconfig).toBeDefined();
    const controlPlaneDir = dirname(kubeconfig!);
    const port = server!.split(':').pop()!;
    const leftovers = processCommandLines().filter(
      (line) => line.includes(controlPlaneDir) || line.includes(`--secure-port=${port}`) || line.includes(workDir!),
    );
    expect(leftovers).toEqual([]);
  });
});

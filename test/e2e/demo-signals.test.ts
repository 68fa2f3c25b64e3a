// `npm run demo` stops everything it started when the signal goes to the npm process itself (a terminal
// closing, a process supervisor, `kill <npm pid>`), not only to the demo's own process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processCommandLines, repoRoot, waitFor } from './harness.ts';

describe('npm run demo under a signal sent to npm', () => {
  it('stops the operator, the emulator and the control plane on SIGTERM', async () => {
    const signal = 'SIGTERM';
    // npm itself, as a person starts it; npm_execpath is npm's CLI when the tests run under npm (npx's under npx).
    const npmCli = process.env['npm_execpath'];
    const [command, args] = npmCli?.endsWith('npm-cli.js') ? [process.execPath, [npmCli]] : ['npm', []];
    const child = spawn(command, [...args, 'run', '-s', 'demo'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    const operatorPid = await waitFor(
      'the demo to start the operator',
      () => Promise.resolve(/Started the operator \(pid (\d+)\)/.exec(output)?.[1]),
      180_000,
    );
    const kubeconfig = /kubeconfig (\S+)\)/.exec(output)?.[1];
    const workDir = /its log: (\/tmp\/dataaction-demo-[^/\s]+)/.exec(output)?.[1];
    expect(kubeconfig).toBeDefined();
    expect(workDir).toBeDefined();
    child.kill(signal);
    await exited;

    const controlPlaneDir = dirname(kubeconfig!);
    await waitFor(
      'everything the demo started to stop',
      () =>
        Promise.resolve(
          !existsSync(`/proc/${operatorPid}`) &&
            processCommandLines().every((line) => !line.includes(controlPlaneDir) && !line.includes(workDir!)) &&
            !existsSync(workDir!),
        ),
      90_000,
    );
    expect(output, output).toMatch(/Stopped kube-apiserver and etcd at/);
  });
});

import { execFile } from 'node:child_process';
import { TestbedError } from './testbed-error.ts';

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface KubectlOptions {
  /** Sent on stdin, for `-f -`. */
  input?: string;
  timeoutMs?: number;
}

/** Runs kubectl against one kubeconfig and returns its output whatever the exit code. */
export async function runKubectl(
  kubectl: string,
  kubeconfigPath: string,
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      kubectl,
      ['--kubeconfig', kubeconfigPath, ...args],
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new TestbedError('TESTBED_KUBECTL_FAILED', `kubectl ${args.join(' ')} did not run: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ stdout, stderr, exitCode: error === null ? 0 : Number(error.code) });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Like runKubectl, but a non-zero exit is an error carrying kubectl's stderr. */
export async function kubectlOrThrow(
  kubectl: string,
  kubeconfigPath: string,
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<string> {
  const result = await runKubectl(kubectl, kubeconfigPath, args, options);
  if (result.exitCode !== 0) {
    throw new TestbedError('TESTBED_KUBECTL_FAILED', `kubectl ${args.join(' ')} failed: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from './build-lock.ts';
import { TestbedError } from './testbed-error.ts';

const run = promisify(execFile);

/** The committed wrapper module that pins one Kubernetes release; its go.mod is the only record of the version. */
export const kubeBinModuleDir = join(import.meta.dirname, 'kube-bin');

export interface TestbedBinaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
  /** The Kubernetes release, e.g. `v1.37.2`. */
  version: string;
}

const buildTargets = ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kubectl', 'go.etcd.io/etcd/server/v3'];

interface PinnedVersions {
  kubernetes: string;
  etcd: string;
}

/**
 * Returns the three binaries for the pinned release, building them from Go modules the first time on a
 * machine. The cache sits outside the clone (CI starts from a fresh clone each run), keyed by version.
 */
export async function ensureBinaries(): Promise<TestbedBinaries> {
  const pinned = await readPinnedVersions();
  const dir = binariesDir(pinned.kubernetes);
  const binaries: TestbedBinaries = {
    kubeApiserver: join(dir, 'kube-apiserver'),
    etcd: join(dir, 'etcd'),
    kubectl: join(dir, 'kubectl'),
    version: pinned.kubernetes,
  };
  if (await answerVersion(binaries, pinned)) return binaries;

  await mkdir(dir, { recursive: true });
  await withFileLock(
    join(dir, '.build.lock'),
    async () => {
      // Another process may have finished the build while we waited for the lock.
      if (await answerVersion(binaries, pinned)) return;
      await buildBinaries(dir, pinned);
      if (!(await answerVersion(binaries, pinned))) {
        throw new TestbedError('TESTBED_BUILD_FAILED', `Built binaries in ${dir} do not report ${pinned.kubernetes}`);
      }
    },
    { onWait: (pid) => process.stderr.write(`testbed: waiting for pid ${pid}, which is building the binaries in ${dir}\n`) },
  );
  return binaries;
}

export function binariesDir(version: string): string {
  const override = process.env['TESTBED_BIN_DIR'];
  if (override !== undefined && override !== '') return override;
  const cacheHome = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cacheHome, 'dataaction-operator', 'testbed', version);
}

export async function readPinnedVersions(): Promise<PinnedVersions> {
  const goMod = await readFile(join(kubeBinModuleDir, 'go.mod'), 'utf8');
  const kubernetes = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(goMod)?.[1];
  const etcd = /^\s*go\.etcd\.io\/etcd\/server\/v3 (v\S+)/m.exec(goMod)?.[1];
  if (kubernetes === undefined || etcd === undefined) {
    throw new TestbedError('TESTBED_BUILD_FAILED', `${kubeBinModuleDir}/go.mod does not require k8s.io/kubernetes and etcd`);
  }
  return { kubernetes, etcd };
}

/** True when all three binaries exist and say they are the pinned versions (a stale TESTBED_BIN_DIR is rebuilt). */
async function answerVersion(binaries: TestbedBinaries, pinned: PinnedVersions): Promise<boolean> {
  const checks: [string, string[], string][] = [
    [binaries.kubeApiserver, ['--version'], `Kubernetes ${pinned.kubernetes}`],
    [binaries.kubectl, ['version', '--client'], `Client Version: ${pinned.kubernetes}`],
    [binaries.etcd, ['--version'], `etcd Version: ${pinned.etcd.replace(/^v/, '')}`],
  ];
  const answers = await Promise.all(
    checks.map(async ([file, args, expected]) => {
      try {
        await access(file);
        const { stdout } = await run(file, args, { timeout: 10_000 });
        return stdout.includes(expected);
      } catch {
        return false;
      }
    }),
  );
  return answers.every(Boolean);
}

async function buildBinaries(dir: string, pinned: PinnedVersions): Promise<void> {
  const logPath = join(dir, 'build.log');
  process.stderr.write(
    `testbed: building kube-apiserver, kubectl and etcd ${pinned.kubernetes} from Go modules into ${dir}\n` +
      'testbed: a cold build takes about 10 to 15 minutes on 2 cores, 2.5 GB of memory and 4 GB of Go caches; later runs reuse them\n' +
      `testbed: build output goes to ${logPath}\n`,
  );
  const staging = await mkdtemp(join(dir, '.staging-'));
  const [major, minor] = pinned.kubernetes.replace(/^v/, '').split('.');
  const ldflags = [
    '-s -w',
    `-X k8s.io/component-base/version.gitVersion=${pinned.kubernetes}`,
    `-X k8s.io/component-base/version.gitMajor=${major ?? ''}`,
    `-X k8s.io/component-base/version.gitMinor=${minor ?? ''}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
  try {
    // One `go build` for all three, so packages compile in parallel across them.
    await goBuild(['build', '-trimpath', '-ldflags', ldflags, '-o', `${staging}/`, ...buildTargets], logPath);
    // Moved into place only once all three exist, so a killed build never leaves a half-filled cache.
    // Go names etcd's binary after the last element of its module path without the /v3 suffix: `server`.
    await rename(join(staging, 'server'), join(dir, 'etcd'));
    for (const name of ['kubectl', 'kube-apiserver']) await rename(join(staging, name), join(dir, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function goBuild(args: string[], logPath: string): Promise<void> {
  const log = createWriteStream(logPath, { flags: 'a' });
  log.write(`$ go ${args.join(' ')}\n`);
  const started = Date.now();
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const child = spawn('go', args, {
      cwd: kubeBinModuleDir,
      // Go's official install location too, for machines where it is installed but not on PATH.
      env: { ...process.env, CGO_ENABLED: '0', PATH: `${process.env['PATH'] ?? ''}:/usr/local/go/bin` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  log.end(`# finished in ${Math.round((Date.now() - started) / 1000)} s with code ${outcome.code ?? 'none'}\n`);
  await new Promise<void>((resolve) => log.once('close', () => resolve()));
  if (outcome.error !== undefined && (outcome.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new TestbedError(
      'TESTBED_GO_MISSING',
      'The Go toolchain (go) is neither on PATH nor in /usr/local/go/bin; it is needed once to build the testbed binaries',
    );
  }
  if (outcome.code !== 0) {
    throw new TestbedError('TESTBED_BUILD_FAILED', `Building the testbed binaries failed; see ${logPath}`, { cause: outcome.error });
  }
}

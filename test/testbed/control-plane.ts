import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureBinaries, type TestbedBinaries } from './binaries.ts';
import { applyCrds } from './crds.ts';
import { findFreePort } from './free-port.ts';
import { readCurrentCluster, writeTokenKubeconfig } from './kubeconfig.ts';
import { kubectlOrThrow } from './kubectl.ts';
import { getStatus, waitUntilServing } from './readiness.ts';
import { spawnSupervised, stopProcessGroup, type SupervisedProcess } from './supervised-process.ts';
import { TestbedError } from './testbed-error.ts';
import { createWorkDir } from './work-dir.ts';

export interface ControlPlaneOptions {
  /** Kill etcd and kube-apiserver when this process dies (default true). The CLI's `up` passes false. */
  tiedToParent?: boolean;
  /** Where data, certificates, keys, logs and the kubeconfig go; a fresh temp folder by default. */
  workDir?: string;
  /** How long each process may take to become ready (default 60 s). */
  startTimeoutMs?: number;
}

export interface ControlPlaneProcess {
  name: string;
  pid: number;
  logPath: string;
}

/** Enough to talk to a cluster: what tests get from inject() and what the token helpers need. */
export interface KubeAccess {
  readonly kubeconfigPath: string;
  readonly kubectl: string;
}

export interface ControlPlane extends KubeAccess {
  readonly server: string;
  /** The admin bearer token; undefined on an existing cluster, whose kubeconfig may use anything. */
  readonly adminToken: string | undefined;
  /** Undefined on an existing cluster. */
  readonly binaries: TestbedBinaries | undefined;
  /** True when TESTBED_KUBECONFIG pointed at a cluster we did not start (kind). */
  readonly external: boolean;
  readonly processes: readonly ControlPlaneProcess[];
  readonly workDir: string | undefined;
  /** Applies every YAML in `dir` and waits until each CRD is Established; returns the CRD names. */
  installCrds(dir: string): Promise<string[]>;
  /**
   * Stops kube-apiserver and starts it again on the same port, certificates and etcd (whose data stays),
   * and resolves once it serves again. Throws on an existing cluster, whose processes are not ours.
   */
  restartApiServer(): Promise<void>;
  /** Stops the processes and removes the work folder; does nothing on an existing cluster. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts etcd and kube-apiserver on free loopback ports, the way controller-runtime's envtest does, or
 * connects to the cluster in TESTBED_KUBECONFIG when that is set.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const existing = process.env['TESTBED_KUBECONFIG'];
  if (existing !== undefined && existing !== '') return connectToCluster(resolve(existing));

  const binaries = await ensureBinaries();
  const workDir = options.workDir ?? (await createWorkDir());
  await mkdir(workDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const tiedToParent = options.tiedToParent ?? true;
  const started: SupervisedProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // The API server first, so it does not spend its last seconds logging lost etcd connections.
    for (const child of [...started].reverse()) await stopProcessGroup(child.pid);
    await rm(workDir, { recursive: true, force: true });
  };

  try {
    const [etcdClientPort, etcdPeerPort, apiPort] = await threeFreePorts();
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = spawnSupervised({
      name: 'etcd',
      command: binaries.etcd,
      args: [
        '--name=testbed',
        `--data-dir=${join(workDir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=testbed=${peerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      logPath: join(workDir, 'etcd.log'),
      tiedToParent,
    });
    started.push(etcd);
    await waitUntilServing(async () => isEtcdHealthy(etcdUrl), 'etcd', { timeoutMs, exited: etcd.exited, logPath: etcd.logPath });

    const adminToken = randomBytes(32).toString('hex');
    const files = await writeIdentityFiles(workDir, adminToken);
    const server = `https://127.0.0.1:${apiPort}`;
    const certDir = join(workDir, 'certs');
    const spawnApiserver = (): SupervisedProcess =>
      spawnSupervised({
        name: 'kube-apiserver',
        command: binaries.kubeApiserver,
        args: [
          `--etcd-servers=${etcdUrl}`,
          `--cert-dir=${certDir}`,
          `--secure-port=${apiPort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          // Since 1.37 the endpoint reconciler refuses a loopback address; nothing here reads the
          // `kubernetes` Service endpoints (no Pods run), so it is simply off.
          '--endpoint-reconciler-type=none',
          '--service-cluster-ip-range=10.0.0.0/24',
          '--allow-privileged=true',
          '--authorization-mode=RBAC',
          '--disable-admission-plugins=ServiceAccount',
          `--token-auth-file=${files.tokenFile}`,
          `--service-account-issuer=${server}`,
          `--service-account-key-file=${files.publicKey}`,
          `--service-account-signing-key-file=${files.privateKey}`,
        ],
        logPath: join(workDir, 'kube-apiserver.log'),
        tiedToParent,
      });
    // The API server writes its own self-signed serving certificate (with its CA) before it listens, and
    // reuses it from certDir when restarted.
    const certPath = join(certDir, 'apiserver.crt');
    let caPem = '';
    const waitForApiserver = async (process: SupervisedProcess): Promise<void> =>
      waitUntilServing(
        async () => {
          if (caPem === '') caPem = await readFile(certPath, 'utf8').catch(() => '');
          if (caPem === '') return false;
          const api = { server, caPem, token: adminToken };
          return (await getStatus(api, '/readyz')) === 200 && (await getStatus(api, '/api/v1/namespaces/default')) === 200;
        },
        'kube-apiserver',
        { timeoutMs, exited: process.exited, logPath: process.logPath },
      );
    let apiserver = spawnApiserver();
    started.push(apiserver);
    await waitForApiserver(apiserver);
    const restartApiServer = async (): Promise<void> => {
      if (stopped) throw new TestbedError('TESTBED_PROCESS_EXITED', 'The control plane is stopped');
      await stopProcessGroup(apiserver.pid);
      const replacement = spawnApiserver();
      started[started.indexOf(apiserver)] = replacement;
      apiserver = replacement;
      await waitForApiserver(replacement);
    };

    const kubeconfigPath = join(workDir, 'kubeconfig');
    await writeTokenKubeconfig(
      kubeconfigPath,
      { server, certificateAuthorityData: Buffer.from(caPem).toString('base64') },
      adminToken,
      'testbed-admin',
    );
    return {
      kubeconfigPath,
      server,
      adminToken,
      kubectl: binaries.kubectl,
      binaries,
      external: false,
      get processes() {
        return started.map(({ name, pid, logPath }) => ({ name, pid, logPath }));
      },
      workDir,
      installCrds: async (dir) => applyCrds(binaries.kubectl, kubeconfigPath, dir),
      restartApiServer,
      stop,
    };
  } catch (error) {
    // Kill what did start, but keep the folder: the error names a log file in it (the next start sweeps it).
    stopped = true;
    for (const child of [...started].reverse()) await stopProcessGroup(child.pid);
    throw error;
  }
}

/** Writes a kubeconfig that authenticates with `token` against the control plane's server. */
export async function kubeconfigForToken(cp: Pick<KubeAccess, 'kubeconfigPath'>, token: string, path: string): Promise<string> {
  await writeTokenKubeconfig(path, await readCurrentCluster(cp.kubeconfigPath), token);
  return path;
}

/** Mints a bound token for an existing ServiceAccount through the TokenRequest API. */
export async function createServiceAccountToken(
  cp: KubeAccess,
  namespace: string,
  serviceAccount: string,
  durationSeconds = 3600,
): Promise<string> {
  const out = await kubectlOrThrow(cp.kubectl, cp.kubeconfigPath, [
    'create',
    'token',
    serviceAccount,
    '-n',
    namespace,
    `--duration=${durationSeconds}s`,
  ]);
  return out.trim();
}

async function connectToCluster(kubeconfigPath: string): Promise<ControlPlane> {
  await access(kubeconfigPath);
  const cluster = await readCurrentCluster(kubeconfigPath);
  const kubectl = process.env['TESTBED_KUBECTL'] || 'kubectl';
  return {
    kubeconfigPath,
    server: cluster.server,
    adminToken: undefined,
    kubectl,
    binaries: undefined,
    external: true,
    processes: [],
    workDir: undefined,
    installCrds: async (dir) => applyCrds(kubectl, kubeconfigPath, dir),
    restartApiServer: () =>
      Promise.reject(new TestbedError('TESTBED_EXTERNAL_CLUSTER', 'Cannot restart the API server of a cluster the testbed did not start')),
    stop: async () => {},
  };
}

async function writeIdentityFiles(
  workDir: string,
  adminToken: string,
): Promise<{ tokenFile: string; publicKey: string; privateKey: string }> {
  const pki = join(workDir, 'pki');
  await mkdir(pki, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const files = { tokenFile: join(pki, 'tokens.csv'), publicKey: join(pki, 'sa.pub'), privateKey: join(pki, 'sa.key') };
  await writeFile(files.tokenFile, `${adminToken},testbed-admin,testbed-admin,"system:masters"\n`, { mode: 0o600 });
  await writeFile(files.publicKey, publicKey);
  await writeFile(files.privateKey, privateKey, { mode: 0o600 });
  return files;
}

async function isEtcdHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

async function threeFreePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await findFreePort());
  const [a = 0, b = 0, c = 0] = ports;
  return [a, b, c];
}

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { TestbedError } from './testbed-error.ts';

/** How to reach and trust an API server, as a kubeconfig `cluster` entry holds it. */
export interface ClusterEndpoint {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
}

/** Writes a kubeconfig with one cluster, one bearer-token user and one current context, readable only by us. */
export async function writeTokenKubeconfig(path: string, cluster: ClusterEndpoint, token: string, userName = 'testbed'): Promise<void> {
  const clusterEntry: Record<string, unknown> = { server: cluster.server };
  if (cluster.certificateAuthorityData !== undefined) clusterEntry['certificate-authority-data'] = cluster.certificateAuthorityData;
  if (cluster.insecureSkipTlsVerify === true) clusterEntry['insecure-skip-tls-verify'] = true;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'testbed', cluster: clusterEntry }],
    users: [{ name: userName, user: { token } }],
    contexts: [{ name: userName, context: { cluster: 'testbed', user: userName, namespace: 'default' } }],
    'current-context': userName,
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}

/** Reads the cluster of a kubeconfig's current context, so a token kubeconfig can point at the same server. */
export async function readCurrentCluster(path: string): Promise<ClusterEndpoint> {
  const config = parse(await readFile(path, 'utf8')) as KubeconfigFile | null;
  const contextName = config?.['current-context'];
  const context = config?.contexts?.find((c) => c.name === contextName)?.context;
  const cluster = config?.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  if (cluster?.server === undefined) {
    throw new TestbedError('TESTBED_KUBECONFIG_INVALID', `Kubeconfig ${path} has no cluster for its current context`);
  }
  const endpoint: ClusterEndpoint = { server: cluster.server };
  if (cluster['certificate-authority-data'] !== undefined) {
    endpoint.certificateAuthorityData = cluster['certificate-authority-data'];
  } else if (cluster['certificate-authority'] !== undefined) {
    endpoint.certificateAuthorityData = (await readFile(resolve(dirname(path), cluster['certificate-authority']))).toString('base64');
  }
  if (cluster['insecure-skip-tls-verify'] === true) endpoint.insecureSkipTlsVerify = true;
  return endpoint;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context?: { cluster?: string } }[];
  clusters?: {
    name: string;
    cluster?: {
      server?: string;
      'certificate-authority-data'?: string;
      'certificate-authority'?: string;
      'insecure-skip-tls-verify'?: boolean;
    };
  }[];
}

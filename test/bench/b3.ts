// B3: 5,000 DataActionIntegrations across 20 organizations (the install-limit mix in each, one emulator per
// org at the platform's default budget). One Web services integration per org is made Ready first; then
// the other 4,980 and their Secrets arrive at once and the operator is watched for a window: its peak RSS,
// its heap, reconciles per second, and, every second, a spec change to one of the Ready integrations timed
// from the API server's answer to the first platform call that names the integration.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Emulator } from '../emulator/index.ts';
import { secretIdentityOnly, trimForCache } from '../../src/kube/informer.ts';
import { DEPLOYED_RESYNC_MS } from './b1.ts';
import { CallTap } from './call-tap.ts';
import type { BenchCluster } from './cluster.ts';
import {
  mib,
  quantile,
  seconds,
  startBenchEmulator,
  startOperator,
  stopOperator,
  type BenchContext,
  type FigureResult,
} from './context.ts';
import { sleep, type OperatorProcess } from './operator-process.ts';
import { installLimitWorkload, organizationObjects, secretValues, splitWorkload, type Json } from './workloads.ts';

const PROBE_INTERVAL_MS = 1_000;

interface Org {
  readonly emulator: Emulator;
  readonly tap: CallTap;
  readonly target: string;
  readonly rest: Json[];
  readonly orgObjects: Json[];
  readonly first: Json[];
}

export async function measureB3(context: BenchContext): Promise<FigureResult> {
  const { cluster, options, progress } = context;
  const orgs: Org[] = [];
  try {
    for (let i = 1; i <= options.orgs; i += 1) {
      const orgName = `b3-org-${String(i).padStart(2, '0')}`;
      const workload = installLimitWorkload(orgName, `o${i}-`, options.scale);
      const emulator = await startBenchEmulator(context, options.budget);
      const tap = await CallTap.start(emulator.baseUrl);
      const target = workload.rotationTargets[0]?.integration ?? '';
      const [first, rest] = splitWorkload(workload, new Set([target]));
      orgs.push({ emulator, tap, target, rest, first, orgObjects: organizationObjects(orgName, tap.baseUrl, options.budget) });
    }
    const total = orgs.length + orgs.reduce((sum, o) => sum + o.rest.filter((x) => x.kind === 'DataActionIntegration').length, 0);
    const namespace = await cluster.createNamespace('bench-b3');
    await cluster.createPlaceholderSecret(namespace);
    const operator = await startOperator(context, namespace, DEPLOYED_RESYNC_MS);
    try {
      await sleep(2_000);
      const idle = { rss: await operator.peakRssBytes(), heap: await operator.metricValue('nodejs_heap_size_used_bytes') };
      progress(`B3: operator idle at ${mib(idle.rss)} MiB peak RSS; making one integration per org Ready`);
      await cluster.apply(
        namespace,
        orgs.flatMap((o) => [...o.orgObjects, ...o.first]),
      );
      const ready = await cluster.waitReady(
        namespace,
        orgs.map((o) => o.target),
        options.convergeTimeoutMs,
        500,
      );
      const idOf = new Map(ready.map((i) => [i.metadata.name as string, i.status?.integrationId as string]));
      progress(`B3: creating the other ${total - orgs.length} integrations and their Secrets; watching for ${seconds(options.windowMs)} s`);
      const reconcilesBefore = await operator.integrationReconciles();
      const started = performance.now();
      const creating = cluster
        .create(
          namespace,
          orgs.flatMap((o) => o.rest),
        )
        .then(() => performance.now() - started);
      const sampling = sampleRss(operator, started + options.windowMs);
      const latencies = await probe(cluster, namespace, orgs, idOf, started + options.windowMs);
      const createdMs = await creating;
      await sleep(Math.max(0, started + options.windowMs - performance.now()));
      const rssSamples = await sampling;
      const windowMs = performance.now() - started;
      const reconciles = (await operator.integrationReconciles()) - reconcilesBefore;
      const memory = await memoryOf(operator);
      const readyAtEnd = await cluster.readyCount(namespace);
      const caches = await cacheEstimate(cluster, namespace);
      progress(`B3: peak RSS ${mib(memory.peakRss)} MiB, ${latencies.length} spec changes timed, ${readyAtEnd} Ready`);
      return report(context, { total, idle, memory, caches, latencies, reconciles, windowMs, createdMs, readyAtEnd, rssSamples });
    } finally {
      await stopOperator(operator);
    }
  } finally {
    for (const org of orgs) {
      await org.tap.close();
      await org.emulator.close();
    }
  }
}

/** Every PROBE_INTERVAL_MS, a new `notes` on the next org's target whose last change was seen; the time to the first call naming it. */
async function probe(
  cluster: BenchCluster,
  namespace: string,
  orgs: readonly Org[],
  idOf: ReadonlyMap<string, string>,
  until: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const pending = new Set<string>();
  const running: Promise<void>[] = [];
  for (let k = 0; performance.now() < until; k += 1) {
    const org = orgs[k % orgs.length];
    if (org !== undefined && !pending.has(org.target)) {
      const id = idOf.get(org.target) ?? '';
      pending.add(org.target);
      running.push(
        (async () => {
          const seen = org.tap.next((call) => call.url.includes(id), Math.max(1_000, until - performance.now()));
          await cluster.setNotes(namespace, org.target, `Probe ${k}`);
          const changedAt = performance.now();
          const call = await seen;
          if (call !== undefined) latencies.push(Math.max(0, call.at - changedAt));
          pending.delete(org.target);
        })(),
      );
    }
    await sleep(PROBE_INTERVAL_MS);
  }
  await Promise.all(running);
  return latencies;
}

/** The operator's RSS every 5 s until `until`, in MiB, to show when the peak came. */
async function sampleRss(operator: OperatorProcess, until: number): Promise<string[]> {
  const samples: string[] = [];
  while (performance.now() < until) {
    samples.push(mib(await operator.rssBytes()));
    await sleep(5_000);
  }
  return samples;
}

interface Memory {
  readonly peakRss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
}

async function memoryOf(operator: OperatorProcess): Promise<Memory> {
  return {
    peakRss: await operator.peakRssBytes(),
    heapUsed: await operator.metricValue('nodejs_heap_size_used_bytes'),
    heapTotal: await operator.metricValue('nodejs_heap_size_total_bytes'),
  };
}

interface CacheEstimate {
  readonly integrations: number;
  readonly integrationsUntrimmed: number;
  readonly organizations: number;
  readonly secretIdentities: number;
  readonly secretData: number;
}

/**
 * What the operator's caches hold, rebuilt in this process from the API server's objects with the
 * operator's own transforms and measured as V8 heap growth: the informer caches (integrations,
 * organizations, Secret identities) and the Secret data cache (decoded values of referenced Secrets).
 * An estimate of the same structures, not a reading of the operator's heap.
 */
async function cacheEstimate(cluster: BenchCluster, namespace: string): Promise<CacheEstimate> {
  const integrations = JSON.stringify(await cluster.listRaw(namespace, 'DataActionIntegration'));
  const organizations = JSON.stringify(await cluster.listRaw(namespace, 'GenesysCloudOrganization'));
  const secrets = await cluster.listRaw(namespace, 'Secret');
  const secretText = JSON.stringify(secrets);
  const parse = (text: string): Json[] => JSON.parse(text) as Json[];
  return {
    integrations: heldBytes(() => parse(integrations).map((o) => trimForCache(o))),
    integrationsUntrimmed: heldBytes(() =>
      parse(integrations).map((o) => {
        delete o.metadata.managedFields;
        return o;
      }),
    ),
    organizations: heldBytes(() => parse(organizations).map((o) => trimForCache(o))),
    secretIdentities: heldBytes(() => parse(secretText).map((o) => secretIdentityOnly(o))),
    secretData: heldBytes(
      () =>
        new Map(
          parse(secretText).map((o) => [
            `${o.metadata.namespace}/${o.metadata.name}`,
            { resourceVersion: o.metadata.resourceVersion, data: secretValues(o) },
          ]),
        ),
    ),
  };
}

let gc: (() => void) | undefined;

/** V8 heap growth while what `make` returns is held, after a full collection either side. */
function heldBytes(make: () => unknown): number {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = make();
  gc();
  const after = process.memoryUsage().heapUsed;
  return held === undefined ? 0 : Math.max(0, after - before);
}

interface B3Run {
  readonly total: number;
  readonly idle: { readonly rss: number; readonly heap: number };
  readonly memory: Memory;
  readonly caches: CacheEstimate;
  readonly latencies: readonly number[];
  readonly reconciles: number;
  readonly windowMs: number;
  readonly createdMs: number;
  readonly readyAtEnd: number;
  readonly rssSamples: readonly string[];
}

function report(context: BenchContext, r: B3Run): FigureResult {
  const { options } = context;
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const p50 = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  const c = r.caches;
  const informers = c.integrations + c.organizations + c.secretIdentities;
  const rest = r.memory.heapUsed - r.idle.heap - informers - c.secretData;
  const rate = r.reconciles / (r.windowMs / 1000);
  const rssMet = r.memory.peakRss < 200e6;
  const latencyMet = p99 < 100;
  return {
    figure: 'B3',
    detail: [
      `B3: ${r.total} integrations across ${options.orgs} orgs at ${options.budget} requests/min each, operator ${context.compiledMain === undefined ? 'through tsx' : "compiled (node dist/main.js, the Deployment's NODE_OPTIONS)"}, watched ${seconds(r.windowMs)} s`,
      `  objects created in ${seconds(r.createdMs)} s; ${r.readyAtEnd} of ${r.total} Ready at the end; ${r.reconciles} reconciles, ${rate.toFixed(1)}/s`,
      `  peak RSS ${mib(r.memory.peakRss)} MiB (idle, no resources: ${mib(r.idle.rss)} MiB); V8 heap used ${mib(r.memory.heapUsed)} of ${mib(r.memory.heapTotal)} MiB at the end (idle ${mib(r.idle.heap)} MiB)`,
      `  RSS every 5 s, MiB: ${r.rssSamples.join(' ')}`,
      `  heap by component (caches rebuilt in the bench from the API server's objects with the operator's transforms):`,
      `    informer caches ${mib(informers, 1)} MiB: integrations ${mib(c.integrations, 1)} (untrimmed, managedFields only dropped: ${mib(c.integrationsUntrimmed, 1)}), organizations ${mib(c.organizations, 1)}, Secret identities ${mib(c.secretIdentities, 1)}`,
      `    Secret data cache ${mib(c.secretData, 1)} MiB (every Secret's values, an upper bound)`,
      `    the rest ${mib(Math.max(0, rest), 1)} MiB: per-org sessions, queues, metrics, scrubber, and garbage not yet collected`,
      `  spec change to first platform call naming the integration, ${sorted.length} changes: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms`,
    ],
    row: {
      measures: `${r.total} resources / ${options.orgs} orgs: peak RSS; event to first platform call p50/p99; reconciles/s`,
      result: `${mib(r.memory.peakRss)} MiB; ${p50.toFixed(0)} / ${p99.toFixed(0)} ms; ${rate.toFixed(1)}/s`,
      baseline: 'n/a',
      target: '< 200 MB; p99 < 100 ms',
      verdict: `RSS ${rssMet ? 'met' : 'missed'}; p99 ${latencyMet ? 'met' : 'missed'}`,
    },
  };
}

// Shows `kubectl get dai` converging: the table is printed again whenever a row changes (AGE aside), until
// every integration is Ready or the time is up.
import { setTimeout as sleep } from 'node:timers/promises';

export type Kubectl = (args: readonly string[]) => Promise<string>;

export interface WatchOptions {
  readonly kubectl: Kubectl;
  readonly namespace: string;
  readonly names: readonly string[];
  readonly timeoutMs: number;
  readonly everyMs: number;
  readonly print: (text: string) => void;
  /** Aborted when the demo is stopping or the operator died: the watch ends at once. */
  readonly signal: AbortSignal;
}

interface Item {
  metadata: { name: string };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

/** Resolves with the seconds it took; rejects naming each integration that is not Ready and why. */
export async function watchUntilReady(options: WatchOptions): Promise<number> {
  const { kubectl, namespace, names } = options;
  const started = Date.now();
  let shown = '';
  for (;;) {
    options.signal.throwIfAborted();
    // The objects first, the table after: the last table printed is then never older than the check,
    // so it shows every row Ready when the watch ends.
    const items = (JSON.parse(await kubectl(['get', 'dai', '-n', namespace, '-o', 'json'])) as { items: Item[] }).items;
    const table = await kubectl(['get', 'dai', '-n', namespace]);
    const withoutAge = table
      .split('\n')
      .map((line) => line.replace(/\s+\S+\s*$/, ''))
      .join('\n');
    if (withoutAge !== shown) {
      shown = withoutAge;
      options.print(`\n[${((Date.now() - started) / 1000).toFixed(1)} s] kubectl get dai -n ${namespace}\n${table.trimEnd()}\n`);
    }
    const notReady = names.filter((name) => !isReady(items.find((item) => item.metadata.name === name)));
    if (notReady.length === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > options.timeoutMs) {
      const why = notReady.map((name) => `  ${name}: ${describeConditions(items.find((item) => item.metadata.name === name))}`);
      throw new Error(`Not every integration was Ready after ${options.timeoutMs / 1000} s:\n${why.join('\n')}`);
    }
    await sleep(options.everyMs, undefined, { signal: options.signal });
  }
}

function isReady(item: Item | undefined): boolean {
  return item?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function describeConditions(item: Item | undefined): string {
  if (item === undefined) return 'not found';
  const conditions = item.status?.conditions ?? [];
  if (conditions.length === 0) return 'no status yet (is the operator running? see its log)';
  return conditions.map((c) => `${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`).join('; ');
}

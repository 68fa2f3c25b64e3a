// Stopping a controller: a SIGTERM drains what is queued, a lost Lease drops it.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../../src/kube/controller.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { settle } from './fake-clock.ts';

/** A controller whose first reconcile waits for `release`, with three more keys queued behind it. */
async function busyController(): Promise<{ controller: Controller; reconciled: string[]; release: () => void }> {
  const reconciled: string[] = [];
  let release = (): void => undefined;
  const first = new Promise<void>((resolve) => {
    release = resolve;
  });
  const controller = new Controller({
    name: 'test',
    concurrency: 1,
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
    reconcile: async (namespace, name) => {
      reconciled.push(`${namespace}/${name}`);
      if (reconciled.length === 1) await first;
      return {};
    },
  });
  controller.start();
  for (const name of ['a', 'b', 'c', 'd']) controller.enqueue('ns', name, 'initial');
  await settle();
  return { controller, reconciled, release };
}

describe('Controller stop', () => {
  it('reconciles nothing more of its queue once the Lease is lost, and lets the reconcile in flight end', async () => {
    const { controller, reconciled, release } = await busyController();
    expect(reconciled).toEqual(['ns/a']);

    controller.abandonQueued();
    controller.enqueue('ns', 'e', 'change');
    release();
    await controller.stop();

    expect(reconciled).toEqual(['ns/a']);
  });

  it('on SIGTERM hands out the keys already queued before it stops', async () => {
    const { controller, reconciled, release } = await busyController();
    const stopped = controller.stop();
    controller.enqueue('ns', 'e', 'change');
    release();
    await stopped;

    expect(reconciled).toEqual(['ns/a', 'ns/b', 'ns/c', 'ns/d']);
  });
});

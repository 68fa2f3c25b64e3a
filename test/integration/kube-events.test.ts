// Events against a real kube-apiserver: repeats become a series, and failures never reach the caller.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { CONFIG_MAPS, EVENTS, collectionPath } from '../../src/kube/clients.ts';
import { createEventRecorder } from '../../src/kube/events.ts';
import type { KubeLog } from '../../src/kube/log.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createTestNamespace } from '../testbed/namespace.ts';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfigPath'));
const api = createTransport(kc);

interface EventObject extends KubernetesObject {
  reason: string;
  note: string;
  type: string;
  action: string;
  reportingController: string;
  regarding: { name: string; kind: string; uid: string };
  series?: { count: number };
}

describe('event recorder', () => {
  it('records an Event about an object and folds repeats into a series', async () => {
    const namespace = await createTestNamespace('kube-events');
    const subject = await api.request<KubernetesObject>({
      method: 'POST',
      path: collectionPath(CONFIG_MAPS, namespace),
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'subject', namespace } },
    });
    const failures: unknown[] = [];
    const log: KubeLog = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (fields) => failures.push(fields) };
    const recorder = createEventRecorder(kc, { component: 'dataactions.dev/operator', host: 'test-pod', log });

    recorder.record(subject, 'Warning', 'SecretNotFound', 'Secret creds not found');
    recorder.record(subject, 'Warning', 'SecretNotFound', 'Secret creds not found');
    recorder.record(subject, 'Warning', 'SecretNotFound', 'Secret creds not found');
    recorder.record(subject, 'Normal', 'Renamed', 'Named "CRM 2" on the platform: "CRM" is taken', 'Rename');
    await recorder.flush();
    expect(failures).toEqual([]);

    const { items } = await api.request<{ items: EventObject[] }>({ method: 'GET', path: collectionPath(EVENTS, namespace) });
    const summary = items
      .map((event) => `${event.type} ${event.reason} ${event.action} x${event.series?.count ?? 1}: ${event.note}`)
      .sort();
    expect(summary).toEqual([
      'Normal Renamed Rename x1: Named "CRM 2" on the platform: "CRM" is taken',
      'Warning SecretNotFound SecretNotFound x3: Secret creds not found',
    ]);
    expect(
      items.every((event) => event.regarding.uid === subject.metadata?.uid && event.reportingController === 'dataactions.dev/operator'),
    ).toBe(true);
  });

  it('logs a failed write instead of throwing', async () => {
    const warnings: string[] = [];
    const log: KubeLog = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (_fields, message) => warnings.push(message),
    };
    const recorder = createEventRecorder(kc, { component: 'dataactions.dev/operator', log });
    const ghost = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost', namespace: 'no-such-namespace-kube-events' } };

    expect(() => recorder.record(ghost, 'Normal', 'Created', 'Created the integration')).not.toThrow();
    await recorder.flush();

    expect(warnings).toEqual(['Failed to record Event Created for ConfigMap no-such-namespace-kube-events/ghost']);
  });
});

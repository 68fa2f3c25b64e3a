// What the ConfigMap cache keeps: the identity the event mapping needs, never a template.
import { describe, expect, it } from 'vitest';
import { identityOnly } from '../../../src/kube/informer.ts';

describe('the ConfigMap cache', () => {
  it('keeps only name, namespace, uid and resourceVersion of a client-side-applied ConfigMap, not its templates', () => {
    const template = '{"status": ${status}}';
    const applied = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'order-templates',
        namespace: 'team-a',
        uid: 'u-1',
        resourceVersion: '42',
        labels: { team: 'cx' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { 'success.vm': template } }) },
        managedFields: [{ manager: 'kubectl' }],
      },
      data: { 'success.vm': template },
    };
    const kept = identityOnly('ConfigMap')(applied);
    expect(kept).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'order-templates', namespace: 'team-a', uid: 'u-1', resourceVersion: '42' },
    });
    expect(JSON.stringify(kept)).not.toContain('status');
  });
});

// The Secret data cache reads a Secret from the API server only when the metadata cache shows a new
// resourceVersion, and holds nothing for Secrets it cannot tell apart.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createSecretDataCache } from '../../../src/kube/secret-data-cache.ts';

function setup() {
  const versions = new Map<string, string>([['team-a/creds', '1']]);
  const reads: string[] = [];
  let value = 'first';
  const cache = createSecretDataCache({
    metadata: {
      get: (namespace, name): KubernetesObject | undefined => {
        const resourceVersion = versions.get(`${namespace}/${name}`);
        return resourceVersion === undefined ? undefined : { metadata: { name, namespace, resourceVersion } };
      },
    },
    fetch: (namespace, name) => {
      reads.push(`${namespace}/${name}`);
      return Promise.resolve(versions.has(`${namespace}/${name}`) || name === 'unseen' ? { token: value } : undefined);
    },
  });
  return { cache, versions, reads, setValue: (v: string) => (value = v) };
}

describe('Secret data cache', () => {
  it('reads a Secret once per resourceVersion', async () => {
    const { cache, reads } = setup();
    expect(await cache.read('team-a', 'creds')).toEqual({ token: 'first' });
    expect(await cache.read('team-a', 'creds')).toEqual({ token: 'first' });
    expect(reads).toEqual(['team-a/creds']);
  });

  it('reads it again once the metadata cache shows a new resourceVersion (a rotation)', async () => {
    const { cache, reads, versions, setValue } = setup();
    await cache.read('team-a', 'creds');
    versions.set('team-a/creds', '2');
    setValue('second');
    expect(await cache.read('team-a', 'creds')).toEqual({ token: 'second' });
    expect(reads).toHaveLength(2);
  });

  it('never keeps a Secret the metadata cache does not know yet, so it is read each time', async () => {
    const { cache, reads } = setup();
    await cache.read('team-a', 'unseen');
    await cache.read('team-a', 'unseen');
    expect(reads).toEqual(['team-a/unseen', 'team-a/unseen']);
  });

  it('reads again after a deleted Secret is forgotten', async () => {
    const { cache, reads } = setup();
    await cache.read('team-a', 'creds');
    cache.forget('team-a', 'creds');
    await cache.read('team-a', 'creds');
    expect(reads).toHaveLength(2);
  });
});

// An informer's cache and event source without an API server: tests put objects in and fire events.
import type { KubernetesObject } from '@kubernetes/client-node';

type Handler<T> = ((object: T) => void) | ((previous: T, current: T) => void);

export class FakeInformer<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = { add: [] as Handler<T>[], update: [] as Handler<T>[], delete: [] as Handler<T>[] };

  constructor(objects: readonly T[] = []) {
    for (const object of objects) this.objects.set(`${object.metadata?.namespace}/${object.metadata?.name}`, object);
  }

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }

  on(event: 'add' | 'delete', handler: (object: T) => void): () => void;
  on(event: 'update', handler: (previous: T, current: T) => void): () => void;
  on(event: 'add' | 'update' | 'delete', handler: Handler<T>): () => void {
    this.handlers[event].push(handler);
    return () => undefined;
  }

  add(object: T): void {
    this.objects.set(`${object.metadata?.namespace}/${object.metadata?.name}`, object);
    for (const handler of this.handlers.add) (handler as (o: T) => void)(object);
  }

  update(previous: T, current: T): void {
    this.objects.set(`${current.metadata?.namespace}/${current.metadata?.name}`, current);
    for (const handler of this.handlers.update) (handler as (p: T, c: T) => void)(previous, current);
  }

  delete(object: T): void {
    this.objects.delete(`${object.metadata?.namespace}/${object.metadata?.name}`);
    for (const handler of this.handlers.delete) (handler as (o: T) => void)(object);
  }
}

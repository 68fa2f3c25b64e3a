// The one reconcile every managed kind goes through, as crossplane-runtime's managed reconciler: get ->
// observe -> decide -> act -> compose the status -> write it when it changed -> a Warning Event for a new
// failure -> the requeue verdict. A kind is a small declarative object (integration-reconciler.ts,
// action-reconciler.ts) giving its cache, writer, observe, decide, act and status; this code never branches
// on a specific kind.
import type { KubernetesObject } from '@kubernetes/client-node';
import { TERMINAL_REASONS } from '../api/index.ts';
import type { EventSink, ObjectCache, ReconcilerDeps, ResourceWriter, Scrubber } from './deps.ts';
import type { ErrorVerdict } from './error-reasons.ts';
import type { EventNote, Verdict } from './model.ts';
import { afterFailure, followUpOrResync, isWriteRace, settleWriteRaces, type ReconcileResult } from './requeue.ts';
import { failureWarning, type ManagedPass, type ManagedStatus } from './status.ts';

type Logger = ReconcilerDeps['logger'];

/** What the generic reconcile needs of any kind's deps. */
export interface ManagedDeps {
  readonly events: EventSink;
  readonly logger: Logger;
  readonly scrubber: Scrubber;
  now(): number;
  readonly resyncMs: number;
}

/** What every kind's act reports. */
export interface ManagedOutcome<S> {
  /** The object as it is after metadata writes (for the status write). */
  readonly object: KubernetesObject;
  readonly status: Partial<S>;
  readonly events: readonly EventNote[];
  /** The resource no longer exists (its finalizer was removed while it was being deleted). */
  readonly released: boolean;
  readonly error: unknown;
}

/** observe's answer: what was seen (`ok`), or why the spec cannot be used (an invalid spec). */
export type Observed<O extends { readonly ok: true }> = O | { readonly ok: false; readonly message: string };

/**
 * One managed kind: D its deps, S its status, O what its observe sees, P its decide's plan, R its act's outcome.
 * Everything the generic reconcile does not know about a kind is here.
 */
export interface ManagedKind<
  D extends ManagedDeps,
  S extends ManagedStatus,
  O extends { readonly ok: true },
  P extends Verdict<S>,
  R extends ManagedOutcome<S>,
> {
  /** The kind's name, for the log. */
  readonly kind: string;
  /** The log lines of a released resource and of a pass that carried out a plan, and the plan's log field. */
  readonly logs: { readonly released: string; readonly reconciled: string; readonly planField: string };
  cache(deps: D): ObjectCache;
  writer(deps: D): ResourceWriter;
  /** A wait before anything else (its errors end the pass as thrown); undefined: go on. */
  holds?(deps: D, object: KubernetesObject): Promise<ReconcileResult | undefined>;
  observe(deps: D, object: KubernetesObject): Promise<Observed<O>>;
  decide(observed: O): P;
  act(deps: D, observed: O, decision: P, object: KubernetesObject): Promise<R>;
  /** The plan as the platform's answers leave it (e.g. a state already reached). */
  afterAct?(decision: P, outcome: R): P;
  /** The plan's step types, for the log. */
  planned(decision: P): readonly string[];
  /** The Synced verdict of an error thrown while observing or acting. */
  classify(error: unknown): ErrorVerdict;
  composeStatus(deps: D, pass: ManagedPass<S>, outcome: R | undefined): S;
  /** Told each status composed (after it is written). */
  onStatus?(deps: D, namespace: string, name: string, status: S): void;
}

/** The entry every reconciler shares: a log naming the object, and its write races settled in one place. */
export function reconcileNamed(
  logger: Logger,
  kind: string,
  namespace: string,
  name: string,
  pass: (log: Logger) => Promise<ReconcileResult>,
): Promise<ReconcileResult> {
  const log = logger.child({ kind, namespace, name });
  return settleWriteRaces(log, () => pass(log));
}

export function reconcileManaged<
  D extends ManagedDeps,
  S extends ManagedStatus,
  O extends { readonly ok: true },
  P extends Verdict<S>,
  R extends ManagedOutcome<S>,
>(kind: ManagedKind<D, S, O, P, R>, deps: D, namespace: string, name: string): Promise<ReconcileResult> {
  return reconcileNamed(deps.logger, kind.kind, namespace, name, (log) => reconcileOnce(kind, deps, log, namespace, name));
}

/** What one pass of observe -> decide -> act left: a plan, the act's outcome, or a failure. */
interface Pass<P, R> {
  readonly object: KubernetesObject;
  readonly decision: P | undefined;
  readonly outcome: R | undefined;
  readonly failure: ErrorVerdict | undefined;
  /** The resource no longer exists: act removed its finalizer while it was being deleted. */
  readonly released: boolean;
}

async function reconcileOnce<
  D extends ManagedDeps,
  S extends ManagedStatus,
  O extends { readonly ok: true },
  P extends Verdict<S>,
  R extends ManagedOutcome<S>,
>(kind: ManagedKind<D, S, O, P, R>, deps: D, log: Logger, namespace: string, name: string): Promise<ReconcileResult> {
  const object = kind.cache(deps).get(namespace, name);
  if (object === undefined) return {};
  const held = await kind.holds?.(deps, object);
  if (held !== undefined) return held;
  const current = (object as { status?: S }).status ?? ({} as S);
  const generation = object.metadata?.generation ?? 0;
  const pass = await observeDecideAct(kind, deps, object);
  if (pass.released) {
    log.info(kind.logs.released);
    return {};
  }
  const { decision, outcome, failure } = pass;
  const learned = outcome?.status ?? {};
  const status = kind.composeStatus(deps, { current, decision, learned, failure, generation, now: new Date(deps.now()) }, outcome);
  if (await kind.writer(deps).writeStatus(pass.object, current, status)) log.debug('Updated status');
  const warning = failureWarning(current, status);
  if (warning !== undefined) deps.events.record(pass.object, 'Warning', warning.reason, deps.scrubber.scrub(warning.message));
  kind.onStatus?.(deps, namespace, name, status);

  if (failure !== undefined) return afterFailure(log, failure, deps.resyncMs, 'Could not sync');
  const planned = decision === undefined ? [] : kind.planned(decision);
  if (planned.length > 0) log.info({ [kind.logs.planField]: planned }, kind.logs.reconciled);
  return followUpOrResync(decision?.requeueAfterMs, deps.resyncMs);
}

/**
 * Observes, decides and acts, recording the plan's and act's Events. An error (thrown, or one act stopped at)
 * becomes the kind's verdict; a write race is thrown on, for settleWriteRaces.
 */
async function observeDecideAct<
  D extends ManagedDeps,
  S extends ManagedStatus,
  O extends { readonly ok: true },
  P extends Verdict<S>,
  R extends ManagedOutcome<S>,
>(kind: ManagedKind<D, S, O, P, R>, deps: D, object: KubernetesObject): Promise<Pass<P, R>> {
  let decision: P | undefined;
  let outcome: R | undefined;
  let error: unknown;
  try {
    const observed = await kind.observe(deps, object);
    if (!observed.ok) {
      const failure = { reason: TERMINAL_REASONS.invalidSpec, message: observed.message, terminal: true, retryAfterMs: undefined };
      return { object, decision, outcome, failure, released: false };
    }
    decision = kind.decide(observed);
    outcome = await kind.act(deps, observed, decision, object);
    decision = kind.afterAct?.(decision, outcome) ?? decision;
    for (const event of [...decision.events, ...outcome.events]) {
      deps.events.record(outcome.object, event.type, event.reason, deps.scrubber.scrub(event.message));
    }
    if (outcome.released) return { object: outcome.object, decision, outcome, failure: undefined, released: true };
    error = outcome.error;
  } catch (thrown) {
    error = thrown;
  }
  const latest = outcome?.object ?? object;
  if (error === undefined) return { object: latest, decision, outcome, failure: undefined, released: false };
  if (isWriteRace(error)) throw error;
  const verdict = kind.classify(error);
  return { object: latest, decision, outcome, failure: { ...verdict, message: deps.scrubber.scrub(verdict.message) }, released: false };
}

// The fault soak: the real operator (two replicas with leader election) against the testbed's kube-apiserver
// and two emulated orgs, through seeded cycles of changes and faults, with the invariants checked after each.
// See README.md.
import { join } from 'node:path';
import type { OperatorProcess } from '../bench/operator-process.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { startControlPlane, type ControlPlane } from '../testbed/control-plane.ts';
import { clearPlatformFaults, drawFaultKind, platformFault, SOAK_FAULT_KINDS, type SoakFaultKind } from './faults.ts';
import { actionManifest, ACTION_HOLDERS, makeActionByHand, planActionOps, type ActionOp, type ActionResource } from './actions.ts';
import { checkNothingLeft, checkSettled, secretLeaks, type HandMade, type Observation, type Violation } from './invariants.ts';
import { SoakKube, type Json } from './kube.ts';
import { LEASE_NAMESPACE, Replicas } from './replicas.ts';
import { Rng } from './rng.ts';
import { planCycleOps, type Op } from './ops.ts';
import { integrationManifest, OAUTH_CLIENT, organizationObjects, secretManifest, TYPES, type OrgObject, type Resource } from './world.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const NAMESPACES = ['soak-a', 'soak-b'] as const;
/** Two objects for one real org (platform 0) in two namespaces, with the same OAuth client, and a second org. */
export const ORGS: readonly OrgObject[] = [
  { namespace: 'soak-a', name: 'org-x', platform: 0 },
  { namespace: 'soak-b', name: 'org-x', platform: 0 },
  { namespace: 'soak-a', name: 'org-y', platform: 1 },
];

export interface SoakOptions {
  readonly seed: number;
  readonly cycles: number;
  /** Changes (create, rename, rotate, toggle, adopt, delete) per cycle. */
  readonly opsPerCycle: number;
  readonly faultsPerCycle: number;
  /** Changes and faults happen within this window at the start of a cycle. */
  readonly faultWindowMs: number;
  /** The longest wait, after faults are cleared, for the invariants to hold. */
  readonly settleMs: number;
  readonly cycleLimitMs: number;
  readonly totalLimitMs: number;
  /** Integrations made "by hand" in each org at the start, so that listings span pages. */
  readonly fillers: number;
  readonly maxResources: number;
  /** The longest a held fault (list lag, read-after-write lag) lasts past its injection. */
  readonly maxHoldMs: number;
  readonly echoLogs: boolean;
  readonly progress: (line: string) => void;
}

export interface CycleViolation extends Violation {
  readonly cycle: number;
}

export interface SoakResult {
  readonly seed: number;
  readonly cyclesRun: number;
  readonly cyclesPlanned: number;
  readonly faults: Record<SoakFaultKind, number>;
  readonly kills: number;
  readonly handovers: number;
  readonly apiserverRestarts: number;
  readonly violations: readonly CycleViolation[];
  readonly cycleDurationsMs: readonly number[];
  readonly totalMs: number;
  /** Why the run ended before its cycles were done, if it did. */
  readonly stoppedEarly: string | undefined;
  /** The flags that shape what a cycle does, for the replay hint. */
  readonly shape: string;
}

/** Runs the soak; `signal` stops it between steps (everything started is stopped either way). */
export async function runSoak(options: SoakOptions, signal?: AbortSignal): Promise<SoakResult> {
  const soak = new Soak(options, signal);
  // However this process ends, no operator outlives it (etcd and kube-apiserver die with it by themselves).
  const onExit = (): void => soak.killOperators();
  process.once('exit', onExit);
  try {
    return await soak.run();
  } finally {
    await soak.shutdown();
    process.off('exit', onExit);
  }
}

class Soak {
  private readonly options: SoakOptions;
  private readonly signal: AbortSignal | undefined;
  private readonly started = Date.now();
  private controlPlane: ControlPlane | undefined;
  private kube: SoakKube | undefined;
  private replicas: Replicas | undefined;
  private readonly emulators: Emulator[] = [];
  private readonly resources: Resource[] = [];
  /** Every DataAction ever planned, deleted ones included: the checks keep using them. */
  private readonly actions: ActionResource[] = [];
  private readonly handMade: HandMade[] = [];
  /** Actions made by hand on integrations the operator made: someone else's, never touched. */
  private readonly handActions = new Set<string>();
  /** Every secret value ever written to a Secret, rotated out or not. */
  private readonly secrets = new Set<string>([OAUTH_CLIENT.clientSecret]);
  private readonly faults = Object.fromEntries(SOAK_FAULT_KINDS.map((k) => [k, 0])) as Record<SoakFaultKind, number>;
  private readonly violations: CycleViolation[] = [];
  private readonly seen = new Set<string>();
  private readonly cycleDurationsMs: number[] = [];
  private readonly logCursor = new Map<OperatorProcess, number>();
  private kills = 0;
  private handovers = 0;
  private apiserverRestarts = 0;
  private cyclesRun = 0;
  private stoppedEarly: string | undefined;
  private processFaults: Promise<void> = Promise.resolve();
  private nextResource = 1;
  private nextAction = 1;

  constructor(options: SoakOptions, signal: AbortSignal | undefined) {
    this.options = options;
    this.signal = signal;
  }

  async run(): Promise<SoakResult> {
    await this.setUp();
    for (let cycle = 1; cycle <= this.options.cycles; cycle += 1) {
      if (this.signal?.aborted === true) {
        this.stoppedEarly = 'interrupted';
        break;
      }
      if (Date.now() - this.started > this.options.totalLimitMs) {
        this.stoppedEarly = `total limit of ${Math.round(this.options.totalLimitMs / 1000)} s reached`;
        break;
      }
      const began = Date.now();
      await this.cycle(cycle);
      // An interrupted cycle did not settle: it neither counts nor says anything about the operator.
      if (this.interrupted()) {
        this.stoppedEarly = 'interrupted';
        break;
      }
      this.cycleDurationsMs.push(Date.now() - began);
      this.cyclesRun = cycle;
    }
    if (this.signal?.aborted !== true) await this.finalDelete(this.cyclesRun + 1);
    if (this.signal?.aborted !== true) await this.tellActions();
    return {
      seed: this.options.seed,
      cyclesRun: this.cyclesRun,
      cyclesPlanned: this.options.cycles,
      faults: this.faults,
      kills: this.kills,
      handovers: this.handovers,
      apiserverRestarts: this.apiserverRestarts,
      violations: this.violations,
      cycleDurationsMs: this.cycleDurationsMs,
      totalMs: Date.now() - this.started,
      stoppedEarly: this.stoppedEarly,
      shape: [
        `--ops-per-cycle ${this.options.opsPerCycle}`,
        `--faults-per-cycle ${this.options.faultsPerCycle}`,
        `--fault-window-ms ${this.options.faultWindowMs}`,
        `--fillers ${this.options.fillers}`,
        `--max-resources ${this.options.maxResources}`,
        `--max-hold-ms ${this.options.maxHoldMs}`,
      ].join(' '),
    };
  }

  /** A method, not a field read: TypeScript would otherwise keep an earlier narrowing of `aborted`. */
  private interrupted(): boolean {
    return this.signal?.aborted === true;
  }

  killOperators(): void {
    this.replicas?.killAll();
  }

  async shutdown(): Promise<void> {
    this.replicas?.killAll();
    await Promise.all(this.emulators.map((e) => e.close().catch(() => undefined)));
    await this.controlPlane?.stop();
  }

  private async setUp(): Promise<void> {
    const { progress } = this.options;
    this.controlPlane = await startControlPlane();
    await this.controlPlane.installCrds(join(repoRoot, 'crds'));
    const kube = new SoakKube(this.controlPlane.kubeconfigPath);
    this.kube = kube;
    for (const namespace of [...NAMESPACES, LEASE_NAMESPACE]) await kube.createNamespace(namespace);
    const allKinds = Object.fromEntries(TYPES.map((t) => [t, 1000]));
    for (const index of [0, 1]) {
      this.emulators.push(
        await startEmulator({
          clients: [OAUTH_CLIENT],
          stateTransitionMs: 300,
          installLimits: allKinds,
          organization: { id: `soak-org-${index}`, name: `Soak Organization ${index}` },
        }),
      );
    }
    this.seedHandMade();
    for (const org of ORGS)
      for (const object of organizationObjects(org, this.emulator(org.platform).baseUrl)) await kube.apply(org.namespace, object);
    this.replicas = new Replicas(
      { kubeconfigPath: this.controlPlane.kubeconfigPath, namespaces: NAMESPACES, echoLogs: this.options.echoLogs },
      kube,
    );
    this.replicas.fill(2);
    await this.waitFor('a leader', async () => (await this.replicas?.leader()) !== undefined, 90_000);
    progress(
      `set up in ${((Date.now() - this.started) / 1000).toFixed(0)} s: testbed, 2 emulated orgs, 3 organization objects, 2 replicas`,
    );
  }

  /** Integrations made in the admin UI: fillers (so listings span pages) and two that take names the resources want. */
  private seedHandMade(): void {
    this.emulators.forEach((emulator, platform) => {
      const names = [
        ...Array.from({ length: this.options.fillers }, (_, i) => `Filler ${String(i + 1).padStart(3, '0')}`),
        platform === 0 ? 'Support' : 'Orders',
      ];
      for (const name of names) {
        const seeded = emulator.control.seedIntegration({ type: 'WebServices', name }) as { id: string };
        this.handMade.push({ platform, id: seeded.id, name, adopted: false });
      }
    });
  }

  private async cycle(cycle: number): Promise<void> {
    const rng = Rng.derive(this.options.seed, cycle);
    const deadline = Date.now() + this.options.cycleLimitMs;
    const ops = planCycleOps(
      rng,
      {
        resources: this.resources,
        orgs: ORGS,
        count: this.options.opsPerCycle,
        maxResources: this.options.maxResources,
        nextName: () => `r${this.nextResource++}`,
        seedHandMade: (org, type) => this.seedAdoptable(org, type, rng),
      },
      this.options.faultWindowMs,
    );
    // Their own generator: the integrations' changes of a seed stay what they were before actions existed.
    const actionOps = planActionOps(
      Rng.derive(this.options.seed, cycle, 1),
      { actions: this.actions, resources: this.resources, nextName: () => `a${this.nextAction++}` },
      ops,
      this.options.faultWindowMs,
    );
    for (const op of ops) if (op.resource !== undefined) for (const s of op.resource.secret.secrets) this.secrets.add(s);
    const planned = Array.from({ length: this.options.faultsPerCycle }, () => ({
      kind: drawFaultKind(rng),
      at: rng.int(0, this.options.faultWindowMs),
      rng: new Rng(rng.int(0, 2 ** 31)),
    }));
    this.options.progress(
      `cycle ${cycle}: ${[...ops, ...actionOps].map((o) => o.label).join(', ')} | faults ${planned.map((f) => f.kind).join(', ')}`,
    );
    await Promise.all([
      ...ops.map(async (op) => {
        await this.sleep(op.at);
        await this.applyOp(op);
      }),
      ...actionOps.map(async (op) => {
        await this.sleep(op.at);
        await this.applyActionOp(op);
      }),
      ...planned.map(async (fault) => {
        await this.sleep(fault.at);
        await this.inject(fault.kind, fault.rng, cycle);
      }),
    ]);
    await this.processFaults;
    for (const emulator of this.emulators) clearPlatformFaults(emulator);
    this.replicas?.fill(2);
    await this.settle(cycle, deadline);
  }

  private seedAdoptable(org: OrgObject, type: Resource['type'], rng: Rng): string {
    const name = `Hand ${rng.hex(6)}`;
    const seeded = this.emulator(org.platform).control.seedIntegration({ type, name }) as { id: string };
    // Adopted from the start of the cycle: the resource is applied within the window.
    this.handMade.push({ platform: org.platform, id: seeded.id, name, adopted: true });
    return seeded.id;
  }

  private async applyOp(op: Op): Promise<void> {
    const kube = this.kube!;
    const resource = op.resource;
    if (resource === undefined) return;
    try {
      if (op.kind === 'delete') {
        await kube.delete(resource.namespace, 'DataActionIntegration', resource.name);
        // Half the time the Secret goes with it, as a prune of the whole application would do.
        if (op.withSecret === true) await kube.delete(resource.namespace, 'Secret', `${resource.name}-credentials`);
        return;
      }
      if (op.kind === 'create' || op.kind === 'adopt' || op.kind === 'rotate')
        await kube.apply(resource.namespace, secretManifest(resource));
      if (op.kind !== 'rotate') await kube.apply(resource.namespace, integrationManifest(resource));
    } catch (error) {
      this.options.progress(`  ${op.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async applyActionOp(op: ActionOp): Promise<void> {
    const kube = this.kube!;
    if (op.loseAnswer === true) {
      this.faults['action-commit-then-drop'] += 1;
      const route = 'POST /api/v2/integrations/actions';
      this.emulator(op.action.integration.org.platform).control.addFault({ route, kind: 'commitThenDrop', times: 1 });
      this.options.progress(`  action-commit-then-drop on org ${op.action.integration.org.platform}: ${route} x1, for ${op.label}`);
    }
    try {
      if (op.kind === 'delete-action') await kube.delete(op.action.namespace, 'DataAction', op.action.name);
      else await kube.apply(op.action.namespace, actionManifest(op.action));
    } catch (error) {
      this.options.progress(`  ${op.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async inject(kind: SoakFaultKind, rng: Rng, cycle: number): Promise<void> {
    this.faults[kind] += 1;
    const platform = platformFault(kind, rng, this.options.maxHoldMs);
    if (platform !== undefined) {
      const target = this.emulator(rng.int(0, this.emulators.length - 1));
      platform.inject(target);
      this.options.progress(`  cycle ${cycle}: ${kind} on org ${this.emulators.indexOf(target)}: ${platform.label}`);
      if (platform.holdMs !== undefined) {
        await this.sleep(platform.holdMs);
        platform.lift?.(target);
      }
      return;
    }
    // Process faults one at a time: two crashes at once are one crash.
    this.processFaults = this.processFaults.then(() => this.processFault(kind, rng, cycle));
    await this.processFaults;
  }

  private async processFault(kind: SoakFaultKind, rng: Rng, cycle: number): Promise<void> {
    const replicas = this.replicas!;
    try {
      if (kind === 'apiserver-restart') {
        await this.controlPlane!.restartApiServer();
        this.apiserverRestarts += 1;
        this.options.progress(`  cycle ${cycle}: restarted kube-apiserver`);
        return;
      }
      const who = kind === 'kill' ? await replicas.killLeader() : await replicas.stopLeader();
      if (kind === 'kill') this.kills += 1;
      else this.handovers += 1;
      this.options.progress(`  cycle ${cycle}: ${kind === 'kill' ? 'SIGKILL' : 'SIGTERM'} ${who}`);
      // A Deployment starts a successor after a moment.
      await this.sleep(rng.int(200, 3000));
      replicas.fill(2);
    } catch (error) {
      this.options.progress(`  cycle ${cycle}: ${kind} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Waits until the invariants hold or the settle time is up; records what still fails then. */
  private async settle(cycle: number, cycleDeadline: number): Promise<void> {
    const began = Date.now();
    const deadline = Math.min(began + this.options.settleMs, cycleDeadline);
    let violations: Violation[];
    let passes = 0;
    // What the settle waited for, to tell where a cycle's time goes.
    const waitedFor = new Set<string>();
    for (;;) {
      violations = checkSettled(await this.observe());
      for (const violation of violations) waitedFor.add(violation.kind);
      // Twice in a row, 2 s apart: a late write (a retried call, a successor's first pass) must not undo it.
      passes = violations.length === 0 ? passes + 1 : 0;
      if (passes >= 2 || Date.now() > deadline || this.signal?.aborted === true) break;
      await this.sleep(2000);
    }
    if (this.signal?.aborted === true) return;
    violations.push(...(await this.leaks()));
    this.record(cycle, violations);
    this.options.progress(
      `cycle ${cycle}: ${violations.length === 0 ? 'settled' : `${violations.length} violation(s)`} after ${((Date.now() - began) / 1000).toFixed(0)} s${waitedFor.size === 0 ? '' : ` (waited for ${[...waitedFor].join(', ')})`}`,
    );
    const after = await this.observe();
    this.learnActions(after);
    await this.actionByHand(cycle, after);
    // Resources whose deletion completed leave the model.
    const objects = after.objects;
    for (let i = this.resources.length - 1; i >= 0; i -= 1) {
      const r = this.resources[i]!;
      if (r.deleting && !objects.some((o) => o.metadata.namespace === r.namespace && o.metadata.name === r.name))
        this.resources.splice(i, 1);
    }
  }

  /** After each cycle, someone adds an action by hand to an integration the operator made, for the next cycles. */
  private async actionByHand(cycle: number, observation: Observation): Promise<void> {
    const rng = Rng.derive(this.options.seed, cycle, 2);
    const holders = this.resources.filter((r) => !r.deleting && r.orgRefTypo !== true && ACTION_HOLDERS.includes(r.type));
    if (holders.length === 0) return;
    const holder = rng.pick(holders);
    const object = observation.objects.find((o) => o.metadata.namespace === holder.namespace && o.metadata.name === holder.name);
    const integrationId = object?.status?.integrationId as string | undefined;
    if (integrationId === undefined) return;
    const name = `Hand action ${rng.hex(6)}`;
    try {
      const id = await makeActionByHand(this.emulator(holder.org.platform).baseUrl, OAUTH_CLIENT, integrationId, name);
      this.handActions.add(id);
      this.options.progress(`  cycle ${cycle}: made action ${id} "${name}" by hand on ${holder.namespace}/${holder.name}`);
    } catch (error) {
      this.options.progress(`  cycle ${cycle}: making an action by hand failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** What the statuses say now: the version a change must move past, and what an Orphan must leave. */
  private learnActions(observation: Observation): void {
    for (const action of this.actions) {
      action.versionAbove = undefined;
      const object = observation.actionObjects.find((o) => o.metadata.namespace === action.namespace && o.metadata.name === action.name);
      const integration = observation.objects.find(
        (o) => o.metadata.namespace === action.integration.namespace && o.metadata.name === action.integration.name,
      );
      if (object?.status?.actionId !== undefined) action.actionId = object.status.actionId as string;
      if (object?.status?.version !== undefined) action.version = object.status.version as number;
      if (integration?.status?.integrationId !== undefined) action.integrationId = integration.status.integrationId as string;
    }
  }

  /**
   * What the actions went through, for the reader (not a promise): answers the actions routes never gave (a drop
   * or a commit-then-drop), and the Warning Events of DataActions by reason.
   */
  private async tellActions(): Promise<void> {
    const lost = new Map<string, number>();
    for (const emulator of this.emulators)
      for (const [route, counts] of Object.entries(emulator.control.calls().byRoute))
        if (route.includes('/actions') && (counts.byStatus.dropped ?? 0) > 0)
          lost.set(route, (lost.get(route) ?? 0) + (counts.byStatus.dropped ?? 0));
    const warnings = new Map<string, number>();
    for (const namespace of NAMESPACES)
      for (const event of await this.kube!.events(namespace))
        if (event.regarding?.kind === 'DataAction' && event.type === 'Warning')
          warnings.set(
            event.reason as string,
            (warnings.get(event.reason as string) ?? 0) + ((event.series?.count as number | undefined) ?? 1),
          );
    const list = (counts: Map<string, number>): string => [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    this.options.progress(`actions: ${this.actions.length} DataActions, ${this.handActions.size} made by hand`);
    this.options.progress(`actions: answers lost on the actions routes: ${list(lost)}`);
    this.options.progress(`actions: DataAction Warning Events: ${list(warnings)}`);
  }

  private async finalDelete(cycle: number): Promise<void> {
    const kube = this.kube!;
    const live = this.actions.filter((a) => !a.deleting);
    this.options.progress(`final delete of ${this.resources.filter((r) => !r.deleting).length} resource(s) and ${live.length} action(s)`);
    // As a prune does: everything at once, integrations first (they wait for their actions).
    for (const resource of this.resources) {
      resource.deleting = true;
      await kube.delete(resource.namespace, 'DataActionIntegration', resource.name);
    }
    for (const action of live) {
      action.deleting = true;
      await kube.delete(action.namespace, 'DataAction', action.name);
    }
    const deadline = Date.now() + this.options.settleMs * 2;
    let violations: Violation[];
    for (;;) {
      violations = checkNothingLeft(await this.observe());
      if (violations.length === 0 || Date.now() > deadline || this.signal?.aborted === true) break;
      await this.sleep(2000);
    }
    if (this.interrupted()) return;
    violations.push(...(await this.leaks()));
    this.record(cycle, violations);
  }

  private async observe(): Promise<Observation> {
    const kube = this.kube!;
    const list = async (kind: string): Promise<Json[]> => (await Promise.all(NAMESPACES.map((ns) => kube.list(ns, kind)))).flat();
    const [objects, actionObjects] = await Promise.all([list('DataActionIntegration'), list('DataAction')]);
    return {
      platforms: this.emulators.map((e) => e.control.state()),
      objects,
      resources: this.resources,
      handMade: this.handMade,
      actionObjects,
      platformActions: this.emulators.map((e) => e.control.actions()),
      actions: this.actions,
      handActions: this.handActions,
    };
  }

  /** Secret values in the operator's log lines (new ones), in Events and in statuses. */
  private async leaks(): Promise<Violation[]> {
    const kube = this.kube!;
    const lines = this.replicas?.newLines(this.logCursor) ?? [];
    const events = (await Promise.all(NAMESPACES.map((ns) => kube.events(ns)))).flat().map((e) => JSON.stringify(e));
    const statuses = (
      await Promise.all(
        NAMESPACES.flatMap((ns) => ['DataActionIntegration', 'GenesysCloudOrganization', 'DataAction'].map((kind) => kube.list(ns, kind))),
      )
    )
      .flat()
      .map((o) => JSON.stringify(o.status ?? {}));
    return [
      ...secretLeaks('an operator log line', lines, this.secrets),
      ...secretLeaks('an Event', events, this.secrets),
      ...secretLeaks('a status', statuses, this.secrets),
    ];
  }

  private record(cycle: number, violations: readonly Violation[]): void {
    for (const violation of violations) {
      const key = `${violation.kind}|${violation.detail}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.violations.push({ ...violation, cycle });
      this.options.progress(`  VIOLATION cycle ${cycle} ${violation.kind}: ${violation.detail}`);
    }
  }

  private emulator(platform: number): Emulator {
    const emulator = this.emulators[platform];
    if (emulator === undefined) throw new Error(`No emulated org ${platform}`);
    return emulator;
  }

  private async waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.sleep(500);
    }
  }

  /** A sleep that ends early when the soak is interrupted. */
  private async sleep(ms: number): Promise<void> {
    if (this.signal?.aborted === true) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

// The control API: what a test does to the platform behind the client's back (faults, drift made by hand
// in the admin UI, expiring tokens), as methods and as HTTP routes under /__emulator/.
import { z } from 'zod';
import { actionsOf, type StoredAction } from './actions-api.ts';
import type { Authenticator } from './auth.ts';
import type { CallCounter, CallCounts } from './calls.ts';
import { defaultSettings, validateSettings, type IntegrationTypeDef } from './catalogue.ts';
import { validateCredentialLinks } from './config-api.ts';
import type { EmulatorContext } from './context.ts';
import { badRequest, notFound } from './errors.ts';
import { faultSpecSchema, type Fault, type FaultRegistry, type FaultSpec } from './faults.ts';
import { renderIntegration } from './integration-json.ts';
import { createIntegration, integrationTypeOf, storedNotes } from './integrations.ts';
import type { RateLimiter } from './rate-limit.ts';
import { jsonBody, ok, type ApiRequest, type Route } from './router.ts';
import { REPORTED_STATE_CODES, type ReportedStateCode, type StateSnapshot, type StoredIntegration, type StoreTiming } from './store.ts';

const stateCode = z.enum(REPORTED_STATE_CODES as [ReportedStateCode, ...ReportedStateCode[]]);
const credentialLinks = z.record(z.string(), z.object({ id: z.string() }));

const seedSchema = z
  .object({
    /** A type id ("custom-rest-actions") or a kind ("WebServices"). */
    type: z.string().min(1),
    name: z.string().min(1).optional(),
    notes: z.string().optional(),
    state: stateCode.optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    credentials: credentialLinks.optional(),
  })
  .strict();
export type IntegrationSeed = z.infer<typeof seedSchema>;

const editSchema = z
  .object({
    name: z.string().min(1).optional(),
    notes: z.string().optional(),
    state: stateCode.optional(),
    /** Merged into the current properties; a null value removes the key. */
    properties: z.record(z.string(), z.unknown()).optional(),
    /** Replaces the credential links. */
    credentials: credentialLinks.optional(),
    unlinkCredentials: z.boolean().optional(),
  })
  .strict();
export type IntegrationEdit = z.infer<typeof editSchema>;

const consistencySchema = z
  .object({
    deleteVisibleMs: z.number().int().nonnegative().optional(),
    listLagMs: z.number().int().nonnegative().optional(),
    readAfterWriteLagMs: z.number().int().nonnegative().optional(),
    listingExpandsConfig: z.boolean().optional(),
  })
  .strict();
/** The eventual-consistency delays, in milliseconds of the emulator's clock, and whether listings expand configs. */
export type Consistency = StoreTiming;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`Invalid control request: ${z.prettifyError(result.error)}`);
  return result.data;
}

export interface ControlDeps {
  readonly context: EmulatorContext;
  readonly auth: Authenticator;
  readonly calls: CallCounter;
  readonly faults: FaultRegistry;
  readonly rateLimiter: RateLimiter;
  /** The consistency delays the emulator started with, which reset() restores. */
  readonly timing: StoreTiming;
}

export class Control {
  private readonly deps: ControlDeps;

  constructor(deps: ControlDeps) {
    this.deps = deps;
  }

  calls(): CallCounts {
    return this.deps.calls.snapshot();
  }

  faults(): Fault[] {
    return this.deps.faults.list();
  }

  addFault(spec: FaultSpec): Fault {
    return this.deps.faults.add(parse(faultSpecSchema, spec));
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  state(): StateSnapshot {
    return this.deps.context.store.snapshot();
  }

  /** Every data action stored, with its draft: the truth, never lagged. */
  actions(): StoredAction[] {
    return structuredClone([...actionsOf(this.deps.context).values()]);
  }

  consistency(): Consistency {
    return { ...this.deps.context.store.timing };
  }

  /** Changes the given delays from now on (eventual consistency turned on or off mid-test); returns all of them. */
  setConsistency(change: Partial<Consistency>): Consistency {
    const input = parse(consistencySchema, change);
    this.deps.context.store.setTiming(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
    return this.consistency();
  }

  /** Forgets everything stored, the counts, the faults, the clock offset and consistency changes; the OAuth clients stay. */
  reset(): void {
    this.deps.context.store.clear();
    this.deps.context.store.setTiming(this.deps.timing);
    this.deps.calls.reset();
    this.deps.faults.clear();
    this.deps.rateLimiter.reset();
    this.deps.context.clock.reset();
  }

  expireTokens(): void {
    this.deps.auth.expireAll();
  }

  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw badRequest('advanceMs must be a non-negative number');
    this.deps.context.clock.advance(ms);
  }

  /** Creates an integration as a person would in the admin UI (same install limit and default naming). */
  seedIntegration(seed: IntegrationSeed): Record<string, unknown> {
    const input = parse(seedSchema, seed);
    const { context } = this.deps;
    const type = context.catalogue.types.find((t) => t.kind === input.type) ?? integrationTypeOf(context, input.type);
    const apply = this.planEdit(type, defaultSettings(type.propertiesSchema), input);
    const integration = createIntegration(context, type, input.name);
    apply(integration);
    return renderIntegration(context, integration);
  }

  /** Changes an integration by hand (drift): each edit bumps the config version once, as a UI save does. */
  editIntegration(id: string, edit: IntegrationEdit): Record<string, unknown> {
    const input = parse(editSchema, edit);
    const integration = this.liveIntegration(id);
    const type = integrationTypeOf(this.deps.context, integration.typeId);
    this.planEdit(type, integration.properties, input)(integration);
    integration.version += 1;
    return renderIntegration(this.deps.context, integration);
  }

  deleteIntegration(id: string): void {
    this.deps.context.store.markDeleted(this.liveIntegration(id));
  }

  deleteCredential(id: string): void {
    if (!this.deps.context.store.credentials.delete(id)) throw notFound('a credential', id);
  }

  routes(): Route[] {
    const route = (method: string, path: string, handler: (r: ApiRequest) => unknown, status = 200): Route => ({
      method,
      template: `/__emulator${path}`,
      authenticated: false,
      handler: (r) => (status === 204 ? (handler(r), { status }) : ok(handler(r), status)),
    });
    const id = (r: ApiRequest): string => r.params.id ?? '';
    return [
      route('GET', '/calls', () => this.calls()),
      route('GET', '/faults', () => this.faults()),
      route('POST', '/faults', (r) => this.addFault(jsonBody(r) as FaultSpec), 201),
      route('DELETE', '/faults', () => this.clearFaults(), 204),
      route('GET', '/state', () => this.state()),
      route('GET', '/actions', () => this.actions()),
      route('GET', '/consistency', () => this.consistency()),
      route('PUT', '/consistency', (r) => this.setConsistency(jsonBody(r))),
      route('POST', '/reset', () => this.reset(), 204),
      route('POST', '/tokens/expire', () => this.expireTokens(), 204),
      route('POST', '/clock', (r) => this.advanceClock(Number(jsonBody(r).advanceMs)), 204),
      route('POST', '/integrations', (r) => this.seedIntegration(jsonBody(r) as IntegrationSeed), 201),
      route('PATCH', '/integrations/{id}', (r) => this.editIntegration(id(r), jsonBody(r))),
      route('DELETE', '/integrations/{id}', (r) => this.deleteIntegration(id(r)), 204),
      route('DELETE', '/credentials/{id}', (r) => this.deleteCredential(id(r)), 204),
    ];
  }

  private liveIntegration(id: string): StoredIntegration {
    const found = this.deps.context.store.liveIntegration(id);
    if (found === undefined) throw notFound('an integration', id);
    return found;
  }

  /** Validates an edit before anything changes, and returns how to apply it. */
  private planEdit(
    type: IntegrationTypeDef,
    currentProperties: Record<string, unknown>,
    edit: IntegrationEdit,
  ): (integration: StoredIntegration) => void {
    const { context } = this.deps;
    const properties =
      edit.properties === undefined
        ? undefined
        : validateSettings(
            type.propertiesSchema,
            Object.fromEntries(Object.entries({ ...currentProperties, ...edit.properties }).filter(([, v]) => v !== null)),
            'properties',
          );
    const credentials = edit.credentials === undefined ? undefined : validateCredentialLinks(context, type, edit.credentials);
    const notes = edit.notes === undefined ? undefined : storedNotes(edit.notes);
    return (integration) => {
      if (edit.name !== undefined) integration.name = edit.name;
      if (notes !== undefined) integration.notes = notes;
      if (properties !== undefined) integration.properties = properties;
      if (credentials !== undefined) integration.credentials = credentials;
      if (edit.unlinkCredentials === true) integration.credentials = {};
      if (edit.state !== undefined) this.setStateByHand(integration, edit.state);
    };
  }

  /** A hand-set state is reported as given, with no transition, until the next PATCH. */
  private setStateByHand(integration: StoredIntegration, code: ReportedStateCode): void {
    if (code === 'ACTIVE' || code === 'ACTIVATING') integration.intendedState = 'ENABLED';
    if (code === 'INACTIVE' || code === 'DEACTIVATING') integration.intendedState = 'DISABLED';
    delete integration.pendingState;
    integration.reportedState = code;
    integration.reportedStateUpdatedAt = this.deps.context.clock.now();
  }
}

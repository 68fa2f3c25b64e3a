// The data actions calls (docs/platform-facts.md §11), on the same transport, token source, budget and
// error codes as the integrations client. Model names are the SDK's: Action, ActionConfig, ActionContract,
// UpdateDraftInput, DraftValidationResult, TestExecutionResult.
import { z } from 'zod';
import { connect, type CallOptions, type PlatformClientOptions } from './client.ts';
import type { Clock } from './clock.ts';
import { isPlatformError, PlatformError } from './errors.ts';
import { readAllPages } from './paging.ts';
import { readAs } from './response.ts';
import type { HttpMethod } from './stats.ts';

const jsonObject = z.record(z.string(), z.unknown());

export const actionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  integrationId: z.string().optional(),
  category: z.string().optional(),
  version: z.number().int().optional(),
  secure: z.boolean().optional(),
  contract: jsonObject.optional(),
  config: jsonObject.optional(),
});
export type Action = z.infer<typeof actionSchema>;

const validationSchema = z.looseObject({
  valid: z.boolean().optional(),
  errors: z.array(z.looseObject({ message: z.string().optional(), code: z.string().optional() })).default([]),
});
export type DraftValidationResult = z.infer<typeof validationSchema>;

const errorBodySchema = z.looseObject({ message: z.string().optional(), code: z.string().optional(), status: z.number().optional() });

/** TestExecutionOperationResult: one operation of a test, in the order `step` gives. */
const testOperationSchema = z.looseObject({
  step: z.number().int().optional(),
  name: z.string().optional(),
  success: z.boolean().optional(),
  result: z.unknown().optional(),
  error: errorBodySchema.optional(),
});

const testResultSchema = z.looseObject({
  operations: z.array(testOperationSchema).optional(),
  error: errorBodySchema.optional(),
  /** What a normal execution of the action would answer. */
  finalResult: z.unknown().optional(),
  success: z.boolean().optional(),
});
export type TestExecutionResult = z.infer<typeof testResultSchema>;

/** What an action is made of, as PostActionInput and UpdateDraftInput carry it. */
export interface ActionContent {
  readonly name: string;
  readonly category: string;
  readonly secure: boolean;
  readonly contract: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface ActionsClient {
  /** All actions, or those of one name (the platform's `name` filter, compared again here). */
  listActions(filter?: { readonly name?: string | undefined }): Promise<Action[]>;
  /** The published action with its contract and config (expand=contract, includeConfig=true). */
  getAction(id: string): Promise<Action>;
  /** Never repeated blindly: an unanswered create fails with UnknownOutcome (it may exist). */
  createAction(integrationId: string, content: ActionContent, options?: { sendWithinMs?: number }): Promise<Action>;
  /** A 404 is a `NotFound` error; the caller decides that it means done. */
  deleteAction(id: string): Promise<void>;
  /** The action's draft, or undefined when it has none. */
  getDraft(id: string): Promise<Action | undefined>;
  createDraft(id: string): Promise<Action>;
  updateDraft(id: string, content: ActionContent, version: number): Promise<Action>;
  /** A 404 is a `NotFound` error. */
  deleteDraft(id: string): Promise<void>;
  validateDraft(id: string): Promise<DraftValidationResult>;
  publishDraft(id: string, version: number): Promise<Action>;
  testAction(id: string, input: Readonly<Record<string, unknown>>): Promise<TestExecutionResult>;
}

const PATH = '/api/v2/integrations/actions';
// The Terraform provider pages actions by 100 (docs/platform-facts.md §11).
const PAGE_SIZE = 100;
// A test runs the action, which may take its whole timeoutSeconds (at most 60, PostActionInput's config): the
// answer is awaited that long and a little more, not the client's usual timeout, since a test is never repeated.
const TEST_TIMEOUT_MS = 65_000;
const FULL = { expand: 'contract', includeConfig: 'true' } as const;

type ActionCallOptions = Pick<CallOptions, 'query' | 'body' | 'sendBy' | 'timeoutMs'>;
type Call = (method: HttpMethod, route: string, id: string | undefined, opts?: ActionCallOptions) => Promise<unknown>;

export function createActionsClient(options: PlatformClientOptions): ActionsClient {
  const { call, clock } = actionsCaller(options);
  return actionCalls(call, clock);
}

/** The authorised, budgeted call every method makes: client.ts's, on its transport and token source. */
function actionsCaller(options: PlatformClientOptions): { call: Call; clock: Clock } {
  const caller = connect(options);
  const call: Call = (method, route, id, opts = {}) => caller.call(method, route, id === undefined ? opts : { ...opts, params: { id } });
  return { call, clock: caller.clock };
}

function actionCalls(call: Call, clock: Clock): ActionsClient {
  const read = (value: unknown, what: string): Action => readAs(actionSchema, value, what);
  return {
    async listActions(filter = {}) {
      const all = await readAllPages(
        (pageNumber) => call('GET', PATH, undefined, { query: { pageSize: PAGE_SIZE, pageNumber, name: filter.name } }),
        (value) => read(value, 'action'),
        'actions',
      );
      return filter.name === undefined ? all : all.filter((a) => a.name === filter.name);
    },
    async getAction(id) {
      return read(await call('GET', `${PATH}/{id}`, id, { query: FULL }), `action ${id}`);
    },
    async createAction(integrationId, content, createOptions) {
      const sendBy = createOptions?.sendWithinMs === undefined ? undefined : clock.now() + createOptions.sendWithinMs;
      const body = await call('POST', PATH, undefined, { body: { ...content, integrationId }, sendBy });
      try {
        return read(body, 'action');
      } catch (error) {
        if (!(isPlatformError(error) && error.code === 'BadResponse')) throw error;
        throw new PlatformError('UnknownOutcome', `${error.message}; the create was accepted, so the action may exist`);
      }
    },
    async deleteAction(id) {
      await call('DELETE', `${PATH}/{id}`, id);
    },
    async getDraft(id) {
      try {
        return read(await call('GET', `${PATH}/{id}/draft`, id, { query: FULL }), `draft of action ${id}`);
      } catch (error) {
        if (isPlatformError(error) && error.code === 'NotFound') return undefined;
        throw error;
      }
    },
    async createDraft(id) {
      return read(await call('POST', `${PATH}/{id}/draft`, id), `draft of action ${id}`);
    },
    async updateDraft(id, content, version) {
      return read(await call('PATCH', `${PATH}/{id}/draft`, id, { body: { ...content, version } }), `draft of action ${id}`);
    },
    async deleteDraft(id) {
      await call('DELETE', `${PATH}/{id}/draft`, id);
    },
    async validateDraft(id) {
      return readAs(validationSchema, await call('GET', `${PATH}/{id}/draft/validation`, id), `validation of action ${id}`);
    },
    async publishDraft(id, version) {
      return read(await call('POST', `${PATH}/{id}/draft/publish`, id, { body: { version } }), `action ${id}`);
    },
    async testAction(id, input) {
      const answer = await call('POST', `${PATH}/{id}/test`, id, { body: input, timeoutMs: TEST_TIMEOUT_MS });
      return readAs(testResultSchema, answer, `test of action ${id}`);
    },
  };
}

// POST .../test and .../draft/test: a TestExecutionResult (SDK models TestExecutionResult and
// TestExecutionOperationResult: operations with step, name, success, result, error; finalResult; success;
// error) for the given input. The request (URL, headers, body) is rendered from the input; a request to a
// loopback http URL (a server the test started) is sent, and its answer goes through the response config
// (translationMap, translationMapDefaults, successTemplate). Any other URL never leaves the machine: the
// test then only renders the request. Operation names and error shapes are guesses (action-guesses.ts).
import type { ActionFields } from './action-rules.ts';
import { TEST_OPERATIONS, TEST_REQUEST_TIMEOUT_SECONDS_DEFAULT } from './action-guesses.ts';
import { sendToLoopback, isLoopbackHttp, type TestResponse } from './action-test-send.ts';
import { readPath } from './action-test-path.ts';

interface OperationError {
  message: string;
  code: string;
  status: number;
}

interface Operation {
  step: number;
  name: string;
  success: boolean;
  result?: unknown;
  error?: OperationError;
}

/** One step of the test: its result, or why it failed. */
type Outcome<T> = { ok: true; value: T; shown?: unknown } | { ok: false; error: OperationError };

const failed = (message: string, code: string, status = 400): { ok: false; error: OperationError } => ({
  ok: false,
  error: { message, code, status },
});

// `$esc.jsonString(...)` and `$esc.url(...)` around a reference, then `${input.x}`, `$input.x`, and the quiet
// forms `$!{input.x}` and `$!input.x` (Velocity: a quiet reference renders nothing when it has no value).
const REFERENCE = /\$esc\.(jsonString|url)\(\s*(\$!?\{?input\.([A-Za-z0-9_]+)\}?)\s*\)|\$(!?)\{?input\.([A-Za-z0-9_]+)\}?/g;

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Renders the input references of a template; a loud reference to an input not given is an error. */
export function renderTemplate(template: string, input: Record<string, unknown>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(REFERENCE, (_whole, escape?: string, inner?: string, escaped?: string, quiet?: string, plain?: string) => {
    const name = escaped ?? plain ?? '';
    const loud = escape === undefined ? quiet !== '!' : !(inner ?? '').startsWith('$!');
    const value = input[name];
    if (value === undefined || value === null) {
      if (loud) missing.push(name);
      return '';
    }
    if (escape === 'jsonString') return JSON.stringify(textOf(value)).slice(1, -1);
    if (escape === 'url') return encodeURIComponent(textOf(value));
    return textOf(value);
  });
  return { text, missing };
}

function rendered(template: string, input: Record<string, unknown>): Outcome<string> {
  const { text, missing } = renderTemplate(template, input);
  if (missing.length > 0) return failed(`No input ${missing.join(', ')} for the template`, 'invalid.template');
  return { ok: true, value: text };
}

function renderedHeaders(headers: Record<string, unknown>, input: Record<string, unknown>): Outcome<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(headers)) {
    const value = rendered(String(template), input);
    if (!value.ok) return failed(`Header ${name}: ${value.error.message}`, value.error.code);
    out[name] = value.value;
  }
  return { ok: true, value: out };
}

/** Records each step as an operation; the first that fails ends the test. */
class Steps {
  readonly operations: Operation[] = [];
  error: OperationError | undefined;

  async run<T>(name: string, step: () => Outcome<T> | Promise<Outcome<T>>): Promise<T | undefined> {
    if (this.error !== undefined) return undefined;
    const outcome = await step();
    const operation: Operation = { step: this.operations.length + 1, name, success: outcome.ok };
    if (outcome.ok) operation.result = outcome.shown ?? outcome.value;
    else operation.error = outcome.error;
    this.operations.push(operation);
    if (!outcome.ok) this.error = outcome.error;
    return outcome.ok ? outcome.value : undefined;
  }

  answer(finalResult: unknown): unknown {
    if (this.error !== undefined) return { operations: this.operations, error: this.error, success: false };
    return { operations: this.operations, finalResult, success: true };
  }
}

interface RenderedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

async function renderRequest(steps: Steps, action: ActionFields, input: Record<string, unknown>): Promise<RenderedRequest | undefined> {
  const request = (action.config.request ?? {}) as Record<string, unknown>;
  const urlTemplate = typeof request.requestUrlTemplate === 'string' ? request.requestUrlTemplate : '';
  const url = await steps.run(TEST_OPERATIONS.resolveUrl, () => rendered(urlTemplate, input));
  const headerTemplates = (request.headers ?? {}) as Record<string, unknown>;
  let headers: Record<string, string> | undefined = {};
  if (Object.keys(headerTemplates).length > 0) {
    headers = await steps.run(TEST_OPERATIONS.resolveHeaders, () => renderedHeaders(headerTemplates, input));
  }
  let body: string | undefined;
  if (typeof request.requestTemplate === 'string') {
    body = await steps.run(TEST_OPERATIONS.resolveBody, () => rendered(request.requestTemplate as string, input));
  }
  if (url === undefined || headers === undefined || steps.error !== undefined) return undefined;
  const method = typeof request.requestType === 'string' ? request.requestType : 'GET';
  return { url, method, headers, body };
}

function executed(response: TestResponse | Error, url: string): Outcome<TestResponse> {
  if (response instanceof Error) return failed(`The request to ${url} failed: ${response.message}`, 'request.failed', 502);
  if (response.status < 200 || response.status > 299) {
    const detail = response.text.trim() === '' ? '' : `: ${response.text.trim().slice(0, 200)}`;
    return failed(`The request to ${url} answered ${response.status}${detail}`, 'request.unsuccessful', response.status);
  }
  return { ok: true, value: response, shown: response.json ?? response.text };
}

export async function runTest(action: ActionFields, input: Record<string, unknown>): Promise<unknown> {
  const steps = new Steps();
  const request = await renderRequest(steps, action, input);
  if (request === undefined || !isLoopbackHttp(request.url)) return steps.answer({});
  const timeoutSeconds =
    typeof action.config.timeoutSeconds === 'number' ? action.config.timeoutSeconds : TEST_REQUEST_TIMEOUT_SECONDS_DEFAULT;
  const response = await steps.run(TEST_OPERATIONS.execute, async () =>
    executed(await sendToLoopback(request, timeoutSeconds * 1000), request.url),
  );
  if (response === undefined) return steps.answer(undefined);
  const config = (action.config.response ?? {}) as Record<string, unknown>;
  const translated = await steps.run(TEST_OPERATIONS.translate, () => translate(config, response));
  if (translated === undefined) return steps.answer(undefined);
  const result = await steps.run(TEST_OPERATIONS.successTemplate, () => applySuccessTemplate(config, translated, response));
  return steps.answer(result);
}

/**
 * The translation map: each attribute's JSON path into the response, as JSON text (Velocity sees JSON, so a
 * string keeps its quotes); a path that finds nothing takes the attribute's default, which is JSON text too.
 */
function translate(config: Record<string, unknown>, response: TestResponse): Outcome<Record<string, string>> {
  const map = (config.translationMap ?? {}) as Record<string, unknown>;
  const defaults = (config.translationMapDefaults ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(map)) {
    const found = response.json === undefined ? undefined : readPath(response.json, String(path));
    if (found !== undefined) {
      out[name] = JSON.stringify(found);
    } else if (typeof defaults[name] === 'string') {
      out[name] = defaults[name];
    } else {
      return failed(
        `The JSON path ${String(path)} of ${name} found nothing in the response, and ${name} has no default`,
        'translation.failed',
      );
    }
  }
  return { ok: true, value: out };
}

/** `${name}` (and `$name`, `$!{name}`) of the translated attributes; `${rawResult}` is the whole response. */
function applySuccessTemplate(
  config: Record<string, unknown>,
  translated: Record<string, string>,
  response: TestResponse,
): Outcome<unknown> {
  const template = typeof config.successTemplate === 'string' ? config.successTemplate : '${rawResult}';
  const values: Record<string, string> = { rawResult: response.text, ...translated };
  const text = template.replace(/\$!?\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => values[name] ?? whole);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return failed(`The success template did not render JSON: ${text.slice(0, 200)}`, 'invalid.success.template');
  }
}

// Test helpers: an emulator per test and a plain fetch-based caller that logs in like an SDK would.
import { afterEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from './index.ts';

/** A response body: arbitrary JSON whose shape the tests assert. */

export type JsonBody = any;

export interface CallResult {
  status: number;
  headers: Headers;
  body: JsonBody;
}

/** Starts an emulator that is closed after the current test. */
export function useEmulator(): (options?: EmulatorOptions) => Promise<Emulator> {
  const started: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()));
  });
  return async (options) => {
    const emulator = await startEmulator(options);
    started.push(emulator);
    return emulator;
  };
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  init: { token?: string; body?: unknown } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function login(baseUrl: string, clientId = 'emulator-client', clientSecret = 'emulator-secret'): Promise<CallResult> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A logged-in caller bound to one emulator. */
export interface Api {
  token: string;
  (method: string, path: string, body?: unknown): Promise<CallResult>;
}

export async function connect(emulator: Emulator): Promise<Api> {
  const { body } = await login(emulator.baseUrl);
  const token = String(body.access_token);
  const api = (method: string, path: string, requestBody?: unknown): Promise<CallResult> =>
    call(emulator.baseUrl, method, path, requestBody === undefined ? { token } : { token, body: requestBody });
  return Object.assign(api, { token });
}

/** The ids of a listing's entities, in order. */
export function entityIds(listing: unknown): string[] {
  return (listing as { entities: Array<{ id: string }> }).entities.map((entity) => entity.id);
}

export function keysOf(value: unknown): string[] {
  return Object.keys(value as object);
}

/** The ErrorBody keys every platform error carries (§6). */
export const ERROR_BODY_KEYS = ['message', 'code', 'status', 'contextId', 'details', 'errors'];

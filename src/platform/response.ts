import type { z } from 'zod';
import { PlatformError } from './errors.ts';

/**
 * Parses a JSON answer, dropping nulls so that the schemas treat "null" and "absent" alike (the platform's
 * Java models serialise unset fields either way). Empty or malformed text reads as undefined.
 */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (_key, value: unknown) => (value === null ? undefined : value)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Checks an answer against its schema. The error names the fields that did not fit, never their values:
 * an answer about a credential may hold what the platform did not redact.
 */
export function readAs<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')))
    .join(', ');
  return fail(`${what}: unexpected answer from the platform (fields: ${fields})`);
}

function fail(message: string): never {
  throw new PlatformError('BadResponse', message);
}

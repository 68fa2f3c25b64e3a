import type { z } from 'zod';
import { PlatformError } from './errors.ts';

/**
 * Parses a JSON answer, dropping nulls so that the schemas treat "null" and "absent" alike (the platform's
 * Java models serialise unset fields either way). Empty or malformed text reads as undefined.
 *
 * Nulls are dropped after parsing, not by a reviver: a reviver calls back into JavaScript for every value and
 * made parsing about five times slower (test/bench/parse-json.ts). A text without "null" in it holds no null
 * to drop, so the common answer is only parsed.
 */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return text.includes('null') ? dropNulls(value) : value;
}

/**
 * Removes every null, as a reviver returning undefined does: an object loses the key, an array keeps a hole
 * where the null was, and a null at the top reads as undefined. Iterative, so deep nesting cannot overflow.
 */
function dropNulls(value: unknown): unknown {
  if (value === null) return undefined;
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next !== 'object' || next === null) continue;
    const container = next as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const child = container[key];
      if (child === null) delete container[key];
      else if (typeof child === 'object') pending.push(child);
    }
  }
  return value;
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

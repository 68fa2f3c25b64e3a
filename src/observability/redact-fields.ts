// Redaction by field name at any depth. pino's own path redaction needs one wildcard path per depth and slows
// to a crawl with a few of them (measured: 9k lines/s for 16 keys at depth 3), while a walk of a log call's
// few fields costs almost nothing and copies only the objects it changes.
import { pino } from 'pino';
import { REDACTED } from './secret-scrubber.ts';

/** Deeper than this, values are left to the SecretScrubber: log objects are never this deep on purpose. */
const MAX_DEPTH = 8;

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Returns `value` with every field named in `keys` replaced by `[REDACTED]`; Errors become pino's serialized
 * form (type, message, stack, own fields) so their fields are redacted too. Unchanged objects are returned as is.
 */
export function redactFields(value: unknown, keys: ReadonlySet<string>, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return redactFields({ ...pino.stdSerializers.err(value) }, keys, depth);
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    let copy: unknown[] | undefined;
    items.forEach((item, index) => {
      const next = redactFields(item, keys, depth + 1);
      if (next !== item) (copy ??= [...items])[index] = next;
    });
    return copy ?? value;
  }
  if (hasToJson(value) || value instanceof Map || value instanceof Set) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const next = keys.has(key) && item !== undefined ? REDACTED : redactFields(item, keys, depth + 1);
    if (next !== item) (copy ??= { ...record })[key] = next;
  }
  return copy ?? value;
}

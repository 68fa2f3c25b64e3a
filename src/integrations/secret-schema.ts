// Validates the keys of a Secret (or of a JSON key file inside one) with zod, and turns what zod
// finds into issues worded here. zod's own messages are never passed on: whatever zod says about an
// input, only the key name and the expectation written in this project reach a condition or a log,
// so no secret value can leak through a validation message.
import { z } from 'zod';
import type { CredentialIssue, SecretData } from './kind.ts';

/** A check on one value: a zod schema for the trimmed value, and what it expects, in words. */
export interface ValueRule {
  readonly schema: z.ZodType<string, string>;
  /** Completes `key "x" ...`, e.g. `must end with "@AdobeOrg"`. Never mentions the value. */
  readonly expectation: string;
}

/**
 * One key the schema reads: required unless `optional`, with an extra check when `rule` is set. `secret`
 * says whether its value is a secret (a password, token, private key or client secret) that the log
 * scrubber must hide; user names, emails, URLs, ids and scopes are not, and scrubbing them would redact
 * ordinary words. Every key declares it, so a new key cannot be left out by accident.
 */
export interface KeySpec {
  readonly secret: boolean;
  readonly optional?: true;
  readonly rule?: ValueRule;
}

export type SecretShape = Readonly<Record<string, KeySpec>>;

/** The trimmed values of a shape: required keys are strings, optional keys may be absent. */
export type SecretValues<S extends SecretShape> = {
  readonly [K in keyof S]: S[K] extends { readonly optional: true } ? string | undefined : string;
};

export type SecretReading<S extends SecretShape> =
  { readonly ok: true; readonly values: SecretValues<S> } | { readonly ok: false; readonly issues: readonly CredentialIssue[] };

export interface SecretSchema<S extends SecretShape> {
  readonly keys: { readonly required: readonly string[]; readonly optional: readonly string[] };
  /** The values of the keys declared secret that `record` holds, as they are (for the log scrubber). */
  secretValues(record: Readonly<Record<string, unknown>>): string[];
  /** Reads a Secret's keys. */
  read(secret: SecretData): SecretReading<S>;
  /**
   * Reads the fields of a record found inside one key (a JSON key file); issues are filed under
   * that key and name the field.
   */
  readWithin(record: Readonly<Record<string, unknown>>, containerKey: string): SecretReading<S>;
}

/** `key "orgId"`: the one way an issue names a key. */
export function nameKey(key: string): string {
  return `key ${JSON.stringify(key)}`;
}

export function describeIssue(key: string, text: string): CredentialIssue {
  return { key, message: `${nameKey(key)} ${text}` };
}

export function matching(pattern: RegExp, expectation: string): ValueRule {
  return { schema: z.string().regex(pattern), expectation };
}

export function endingWith(suffix: string): ValueRule {
  return { schema: z.string().endsWith(suffix), expectation: `must end with ${JSON.stringify(suffix)}` };
}

// `new URL` (behind z.url) quietly encodes spaces; a value with blanks inside is a typo or a list.
const httpsUrlSchema = z
  .string()
  .regex(/^\S+$/)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain }));

export const httpsUrl: ValueRule = { schema: httpsUrlSchema, expectation: 'must be an https URL' };

export const emailAddress: ValueRule = { schema: z.email(), expectation: 'must be an email address' };

// PEM as Google and Adobe hand it out. Google's tip is to paste the key straight from the JSON file,
// so the line breaks may still be written as the two characters `\n`.
export const pemPrivateKey: ValueRule = matching(
  /^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\r?\n|\\n)[\s\S]+?(?:\r?\n|\\n)-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\\n)?$/,
  'must be a PEM private key ("-----BEGIN PRIVATE KEY-----" ... "-----END PRIVATE KEY-----")',
);

/**
 * A list of https URLs joined by `separator` (spaces around each item allowed). An item holding
 * another list separator (`,` `;` `|`) is taken for a list joined the wrong way, though URLs may
 * legally contain those characters: no scope or metascope URL does.
 */
export function delimitedHttpsUrls(separator: string, listName: string): ValueRule {
  const isUrl = (item: string): boolean => !/[,;|]/.test(item) && httpsUrlSchema.safeParse(item).success;
  return {
    schema: z.string().refine((list) => list.split(separator).every((item) => isUrl(item.trim()))),
    expectation: `must be ${listName}-delimited https URLs`,
  };
}

// Values are trimmed of surrounding whitespace and newlines: a Secret made with
// `echo value | kubectl create secret ... --from-file` carries a trailing newline nobody meant.
// An optional key whose value is blank counts as absent, so its default applies.
function trimValues(record: Readonly<Record<string, unknown>>, shape: SecretShape): Record<string, unknown> {
  const trimmed: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const value = record[key];
    if (typeof value !== 'string') {
      trimmed[key] = value;
      continue;
    }
    const text = value.trim();
    if (text !== '' || shape[key]?.optional !== true) trimmed[key] = text;
  }
  return trimmed;
}

function zodSchemaOf(shape: SecretShape): z.ZodObject {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, spec] of Object.entries(shape)) {
    const present = z.string().min(1);
    const checked = spec.rule === undefined ? present : present.pipe(spec.rule.schema);
    fields[key] = spec.optional === true ? checked.optional() : checked;
  }
  return z.object(fields);
}

/** Words for what is wrong with one key, from what the record holds, never from zod's message. */
function explain(spec: KeySpec | undefined, value: unknown): string {
  if (value === undefined) return 'is missing';
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'is empty';
  return spec?.rule?.expectation ?? 'is invalid';
}

export function defineSecretSchema<const S extends SecretShape>(shape: S): SecretSchema<S> {
  const schema = zodSchemaOf(shape);
  const read = (record: Readonly<Record<string, unknown>>, describe: (key: string, text: string) => CredentialIssue): SecretReading<S> => {
    const trimmed = trimValues(record, shape);
    const result = schema.safeParse(trimmed);
    if (result.success) return { ok: true, values: result.data as SecretValues<S> };
    const issues = new Map<string, CredentialIssue>();
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (!issues.has(key)) issues.set(key, describe(key, explain(shape[key], trimmed[key])));
    }
    return { ok: false, issues: [...issues.values()] };
  };
  const keys = Object.keys(shape);
  return {
    keys: {
      required: keys.filter((k) => shape[k]?.optional !== true),
      optional: keys.filter((k) => shape[k]?.optional === true),
    },
    secretValues: (record) =>
      keys.filter((k) => shape[k]?.secret === true).flatMap((k) => (typeof record[k] === 'string' ? [record[k]] : [])),
    read: (secret) => read(secret, describeIssue),
    readWithin: (record, containerKey) =>
      read(record, (field, text) => describeIssue(containerKey, `field ${JSON.stringify(field)} ${text}`)),
  };
}

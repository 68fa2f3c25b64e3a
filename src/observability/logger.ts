// The operator's JSON logger. Two layers keep secrets out of logs: fields are redacted by name at any depth
// (cheap, catches the obvious), and every serialized line then passes through the SecretScrubber (catches a secret value
// wherever it hides: a message, an Error's message or stack, a nested field nobody named).
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { redactFields } from './redact-fields.ts';
import { SecretScrubber } from './secret-scrubber.ts';

export type { Logger } from 'pino';

/** Field names whose values are never logged, at any depth. */
export const REDACTED_KEYS = [
  'clientSecret',
  'client_secret',
  'password',
  'apiToken',
  'privateKey',
  'private_key',
  'securityToken',
  'credentialFields',
  'authorization',
  'Authorization',
  'access_token',
  'accessToken',
  'refresh_token',
  'cookie',
  // A Secret's values, as read from the API (`data`, base64) or written by a person (`stringData`).
  'data',
  'stringData',
] as const;

const REDACTED_KEY_SET: ReadonlySet<string> = new Set(REDACTED_KEYS);

/** Structured fields naming a Kubernetes object in a log line. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export function objectRef(kind: string, metadata: { readonly namespace?: string; readonly name?: string }): ObjectRef {
  return { kind, namespace: metadata.namespace ?? '', name: metadata.name ?? '' };
}

/**
 * A pino logger writing one JSON object per line (`level`, `time`, `msg`, fields) to `destination`
 * (stdout by default), with redaction and the given scrubber applied to every line.
 * Messages follow Kubernetes style: `logger.info(objectRef('DataActionIntegration', meta), 'Created integration')`.
 */
export function createLogger(
  level: LevelWithSilent,
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
  scrubber: SecretScrubber = new SecretScrubber(),
): Logger {
  const scrubbed: DestinationStream = {
    write: (line: string): void => {
      destination.write(scrubber.scrubJsonLine(line));
    },
  };
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactFields(bindings, REDACTED_KEY_SET) as Record<string, unknown>,
        log: (object) => redactFields(object, REDACTED_KEY_SET) as Record<string, unknown>,
      },
      // Errors were already serialized (at any key and depth) by redactFields; a second pass would lose their type.
      serializers: { err: (value: unknown): unknown => value },
    },
    scrubbed,
  );
}

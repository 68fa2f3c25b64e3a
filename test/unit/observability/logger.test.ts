import { randomBytes } from 'node:crypto';
import { V1Secret } from '@kubernetes/client-node';
import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, objectRef, REDACTED_KEYS } from '../../../src/observability/logger.ts';
import { REDACTED, SecretScrubber } from '../../../src/observability/secret-scrubber.ts';

/** Everything the logger wrote, as the bytes a log collector would read. */
function captured(): { stream: DestinationStream; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    stream: { write: (chunk: string) => void chunks.push(chunk) },
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function loggerWithSecret(): { value: string; output: ReturnType<typeof captured>; logger: ReturnType<typeof createLogger> } {
  const value = secret();
  const scrubber = new SecretScrubber();
  scrubber.add(value);
  const output = captured();
  return { value, output, logger: createLogger('info', output.stream, scrubber) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level name, an ISO time, the message and the object fields', () => {
    const output = captured();
    const logger = createLogger('info', output.stream);
    logger.info(objectRef('DataActionIntegration', { namespace: 'team-a', name: 'crm' }), 'Created integration');
    const [line] = output.lines();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'Created integration',
      kind: 'DataActionIntegration',
      namespace: 'team-a',
      name: 'crm',
    });
    expect(new Date(String(line?.['time'])).toISOString()).toBe(line?.['time']);
    expect(line).not.toHaveProperty('pid');
  });

  it('writes nothing below its level', () => {
    const output = captured();
    const logger = createLogger('warn', output.stream);
    logger.info('Reconciled integration');
    logger.warn('Retried request');
    expect(output.lines().map((line) => line['msg'])).toEqual(['Retried request']);
  });

  describe('with a registered secret value', () => {
    it.each<[string, (logger: ReturnType<typeof createLogger>, value: string) => void]>([
      ['in the message', (logger, value) => logger.info(`Sent credential ${value}`)],
      ['in a field nobody listed', (logger, value) => logger.info({ request: { body: { note: `x${value}x` } } }, 'Sent request')],
      ['in an Error message and stack', (logger, value) => logger.error(new Error(`login refused for ${value}`), 'Failed to log in')],
      ['in an Error under another key', (logger, value) => logger.warn({ error: new Error(value) }, 'Retried request')],
      ['in an Error cause', (logger, value) => logger.error(new Error('Update failed', { cause: new Error(value) }))],
      ['in a field of an Error', (logger, value) => logger.error(Object.assign(new Error('Platform error'), { body: value }))],
      ['in child bindings', (logger, value) => logger.child({ token: value }).info('Reconciled integration')],
      ['base64-encoded under an unlisted key', (logger, value) => logger.info({ blob: Buffer.from(value).toString('base64') }, 'Read')],
    ])('never writes it %s', (_where, log) => {
      const { value, output, logger } = loggerWithSecret();
      log(logger, value);
      expect(output.text()).not.toContain(value);
      expect(output.text()).not.toContain(Buffer.from(value).toString('base64'));
      expect(output.text()).toContain(REDACTED);
      expect(() => output.lines()).not.toThrow();
    });

    it("keeps the rest of an Error's message and stack readable", () => {
      const { value, output, logger } = loggerWithSecret();
      logger.error(new Error(`login refused for ${value}`), 'Failed to log in');
      const [line] = output.lines();
      const err = line?.['err'] as { message: string; stack: string; type: string };
      expect(err.type).toBe('Error');
      expect(err.message).toBe(`login refused for ${REDACTED}`);
      expect(err.stack).toContain(`Error: login refused for ${REDACTED}\n    at `);
    });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a top-level client secret', { clientSecret: 'cs-value-1' }, ['clientSecret']],
    ['an authorization header', { request: { headers: { authorization: 'Bearer tok-value-2' } } }, ['request', 'headers', 'authorization']],
    ["a Secret's data", { secret: { metadata: { name: 'crm' }, data: { password: 'cGFzcy12YWx1ZS0z' } } }, ['secret', 'data']],
    [
      'a deeply nested private key',
      { a: { b: { c: { d: { e: { privateKey: 'pk-value-4' } } } } } },
      ['a', 'b', 'c', 'd', 'e', 'privateKey'],
    ],
    ['credential fields in an array', { calls: [{ credentialFields: { apiToken: 'api-value-5' } }] }, ['calls', '0', 'credentialFields']],
    ['an access token', { response: { access_token: 'at-value-6', expires_in: 86399 } }, ['response', 'access_token']],
  ])('redacts %s by field name even when the value was never registered', (_what, fields, path) => {
    const output = captured();
    const logger = createLogger('info', output.stream);
    const before = JSON.stringify(fields);
    logger.info(fields, 'Sent request');
    expect(output.text()).not.toMatch(/-value-\d|cGFzcy12YWx1ZS0z/);
    const value = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], output.lines()[0]);
    expect(value).toBe(REDACTED);
    // The caller's object is left as it was.
    expect(JSON.stringify(fields)).toBe(before);
  });

  it('redacts a Secret read from the Kubernetes API', () => {
    const output = captured();
    const logger = createLogger('info', output.stream);
    const value = secret();
    const kubeSecret: V1Secret = Object.assign(new V1Secret(), {
      metadata: { name: 'crm', namespace: 'team-a' },
      data: { clientSecret: Buffer.from(value).toString('base64') },
    });
    logger.info({ secret: kubeSecret }, 'Read Secret');
    expect(output.text()).not.toContain(Buffer.from(value).toString('base64'));
    expect(output.lines()[0]).toMatchObject({ secret: { metadata: { name: 'crm' }, data: REDACTED } });
  });

  it('lists the agreed field names', () => {
    for (const key of [
      'clientSecret',
      'password',
      'apiToken',
      'privateKey',
      'securityToken',
      'credentialFields',
      'authorization',
      'access_token',
      'data',
    ]) {
      expect(REDACTED_KEYS).toContain(key);
    }
  });
});

describe('objectRef', () => {
  it('names an object by kind, namespace and name', () => {
    expect(objectRef('GenesysCloudOrganization', { namespace: 'team-a', name: 'prod' })).toEqual({
      kind: 'GenesysCloudOrganization',
      namespace: 'team-a',
      name: 'prod',
    });
  });
});

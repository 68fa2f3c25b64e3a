import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, SecretScrubber } from '../../../src/observability/secret-scrubber.ts';

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function scrubberWith(...values: string[]): SecretScrubber {
  const scrubber = new SecretScrubber();
  scrubber.addAll(values);
  return scrubber;
}

describe('SecretScrubber.scrub', () => {
  it('replaces every occurrence of a registered value', () => {
    const value = secret();
    const scrubbed = scrubberWith(value).scrub(`token ${value} rejected; retried with ${value}`);
    expect(scrubbed).toBe(`token ${REDACTED} rejected; retried with ${REDACTED}`);
  });

  it('returns text without secrets unchanged', () => {
    const text = 'Updated integration team-a/salesforce';
    expect(scrubberWith(secret(), secret()).scrub(text)).toBe(text);
  });

  it('ignores values too short to be secrets, which would mangle ordinary text', () => {
    const scrubber = scrubberWith('abc', '  x ', '');
    expect(scrubber.size).toBe(0);
    expect(scrubber.scrub('abc x')).toBe('abc x');
    expect(MIN_SECRET_LENGTH).toBe(4);
  });

  const pem = [
    '-----BEGIN PRIVATE KEY-----',
    randomBytes(48).toString('base64'),
    randomBytes(48).toString('base64'),
    '-----END PRIVATE KEY-----',
    '',
  ].join('\n');
  const withNewline = `${secret()}\n`;
  const withSpecials = `p@ss word/${secret()}&=+`;

  it.each<[string, string, string]>([
    ['as is', withSpecials, withSpecials],
    ['without the trailing newline a file-made Secret carries', withNewline, withNewline.trim()],
    ["base64-encoded as in a Secret's data", withSpecials, Buffer.from(withSpecials).toString('base64')],
    ['URL-encoded as in a query string', withSpecials, encodeURIComponent(withSpecials)],
    ['form-encoded as in an OAuth token request', withSpecials, new URLSearchParams({ v: withSpecials }).toString().slice(2)],
    ['one line of a multi-line private key', pem, pem.split('\n')[1]!],
  ])('finds the value %s', (_form, value, appearance) => {
    const scrubbed = scrubberWith(value).scrub(`failed: ${appearance} was refused`);
    expect(scrubbed).toBe(`failed: ${REDACTED} was refused`);
  });

  it('redacts the longest registered value where two start at the same place', () => {
    const long = secret();
    const scrubbed = scrubberWith(long.slice(0, 8), long).scrub(`a ${long} b ${long.slice(0, 8)} c`);
    expect(scrubbed).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it('finds each of 100 registered values', () => {
    const values = Array.from({ length: 100 }, secret);
    const scrubber = scrubberWith(...values);
    for (const value of values) expect(scrubber.scrub(`x${value}y`)).toBe(`x${REDACTED}y`);
  });
});

describe('SecretScrubber.scrubJsonLine', () => {
  it('replaces a value with quotes and backslashes as JSON escapes it, keeping the line valid JSON', () => {
    const value = `a"b\\c${secret()}`;
    const line = `${JSON.stringify({ level: 'info', msg: `rejected ${value}` })}\n`;
    const scrubbed = scrubberWith(value).scrubJsonLine(line);
    expect(scrubbed.endsWith('\n')).toBe(true);
    expect(JSON.parse(scrubbed)).toEqual({ level: 'info', msg: `rejected ${REDACTED}` });
  });

  it('turns a number holding a secret into a string so that the line stays valid JSON', () => {
    const pin = String(40_000_000 + Math.floor(Math.random() * 9_000_000));
    const scrubbed = scrubberWith(pin).scrubJsonLine(`{"level":"info","code":${pin},"ok":true}\n`);
    expect(JSON.parse(scrubbed)).toEqual({ level: 'info', code: REDACTED, ok: true });
  });

  it('scrubs values in nested arrays', () => {
    const value = secret();
    const line = JSON.stringify({ list: [{ deep: [`x ${value}`] }] });
    expect(JSON.parse(scrubberWith(value).scrubJsonLine(line))).toEqual({ list: [{ deep: [`x ${REDACTED}`] }] });
  });

  it('leaves the keys of a line alone, even one that spells a registered value', () => {
    const line = `${JSON.stringify({ level: 'warn', reason: 'Unauthorized', msg: 'level password rejected' })}\n`;
    expect(JSON.parse(scrubberWith('level').scrubJsonLine(line))).toEqual({
      level: 'warn',
      reason: 'Unauthorized',
      msg: `${REDACTED} password rejected`,
    });
  });

  it('returns a line without secrets as the same string', () => {
    const line = '{"level":"info","msg":"Reconciled integration"}\n';
    expect(scrubberWith(secret()).scrubJsonLine(line)).toBe(line);
  });

  it('still removes the value from a line that is not JSON', () => {
    const value = secret();
    expect(scrubberWith(value).scrubJsonLine(`{broken ${value}`)).toBe(`{broken ${REDACTED}`);
  });
});

describe('SecretScrubber.replace', () => {
  it('forgets a value once its owner rotated it out', () => {
    const [old, rotated] = [secret(), secret()];
    const scrubber = new SecretScrubber();
    scrubber.replace('team-a/oauth', [old]);
    scrubber.replace('team-a/oauth', [rotated]);
    expect(scrubber.scrub(`${old} ${rotated}`)).toBe(`${old} ${REDACTED}`);
    expect(scrubber.size).toBe(1);
  });

  it('keeps scrubbing a value another owner still holds', () => {
    const [shared, rotated] = [secret(), secret()];
    const scrubber = new SecretScrubber();
    scrubber.replace('team-a/crm', [shared]);
    scrubber.replace('team-b/crm', [shared]);
    scrubber.replace('team-a/crm', [rotated]);
    expect(scrubber.scrub(`${shared} ${rotated}`)).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('keeps a value registered for good whatever the owners do', () => {
    const value = secret();
    const scrubber = scrubberWith(value);
    scrubber.replace('team-a/crm', [value]);
    scrubber.replace('team-a/crm', []);
    expect(scrubber.scrub(value)).toBe(REDACTED);
  });

  it('adds to an owner without forgetting what it still holds', () => {
    const [first, second] = [secret(), secret()];
    const scrubber = new SecretScrubber();
    scrubber.replace('team-a/crm', [first]);
    scrubber.replace('team-a/crm', [first, second]);
    expect(scrubber.scrub(`${first} ${second}`)).toBe(`${REDACTED} ${REDACTED}`);
  });
});

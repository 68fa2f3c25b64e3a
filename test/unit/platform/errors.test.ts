import { describe, expect, it } from 'vitest';
import { codeForStatus, isPlatformError, PlatformError, scrubMessage } from '../../../src/platform/errors.ts';

describe('codeForStatus', () => {
  it.each([
    { status: 400, body: {}, code: 'Invalid' },
    { status: 400, body: { message: 'The supplied version 3 does not match the current version 4' }, code: 'Conflict' },
    { status: 409, body: { code: 'conflict' }, code: 'Conflict' },
    { status: 400, body: { code: 'max.instances.reached' }, code: 'QuotaExceeded' },
    { status: 409, body: { message: 'Maximum number of instances (10) reached for integration type x' }, code: 'QuotaExceeded' },
    { status: 401, body: {}, code: 'Unauthorized' },
    { status: 403, body: {}, code: 'Forbidden' },
    { status: 404, body: {}, code: 'NotFound' },
    { status: 408, body: {}, code: 'Timeout' },
    { status: 422, body: {}, code: 'Invalid' },
    { status: 429, body: {}, code: 'RateLimited' },
    { status: 500, body: {}, code: 'Unavailable' },
    { status: 503, body: { message: 'maximum number of instances' }, code: 'Unavailable' },
  ])('maps $status $body to $code', ({ status, body, code }) => {
    expect(codeForStatus(status, body)).toBe(code);
  });
});

describe('PlatformError', () => {
  it.each([
    ['NotFound', false],
    ['Conflict', true],
    ['RateLimited', true],
    ['Unauthorized', false],
    ['QuotaExceeded', false],
    ['Unavailable', true],
    ['Timeout', true],
    ['UnknownOutcome', true],
    ['BadResponse', false],
  ] as const)('decides once that %s is retryable: %s', (code, retryable) => {
    const e = new PlatformError(code, 'x');
    expect(e.retryable).toBe(retryable);
    expect(isPlatformError(e)).toBe(true);
    expect(isPlatformError(new Error('x'))).toBe(false);
  });
});

describe('scrubMessage', () => {
  it('hides values the request carried and shortens long messages', () => {
    expect(scrubMessage('Field password value hunter22 is too weak', ['hunter22', 'ab'])).toBe(
      'Field password value [REDACTED] is too weak',
    );
    expect(scrubMessage('x'.repeat(1000), []).length).toBeLessThan(310);
  });
});

// The Tested condition: which operation failed and why, or what the action answered, and never a secret or
// a secure action's answer.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testedForStatus, testedVerdict, TESTED_RESULT_MAX } from '../../../src/reconcile/action-tested.ts';
import type { TestExecutionResult } from '../../../src/platform/index.ts';

const SECRET = 's3cr3t-token';
const scrubber = { scrub: (text: string): string => text.replaceAll(SECRET, '***') };
const action = (secure: boolean): KubernetesObject => ({ kind: 'DataAction', spec: { secure } }) as KubernetesObject;

const passed: TestExecutionResult = {
  operations: [
    { step: 1, name: 'Resolve request URL template', success: true, result: 'http://127.0.0.1:1/orders/A-1' },
    { step: 2, name: 'Execute request', success: true, result: { order: { status: 'shipped' } } },
  ],
  finalResult: { status: 'shipped' },
  success: true,
};

const failedAtExecute: TestExecutionResult = {
  operations: [
    { step: 1, name: 'Resolve request URL template', success: true, result: 'http://127.0.0.1:1/orders/A-1' },
    { step: 2, name: 'Execute request', success: false, error: { message: `The request answered 500 (token ${SECRET})`, status: 500 } },
  ],
  error: { message: `The request answered 500 (token ${SECRET})`, status: 500 },
  success: false,
};

const verdictOf = (tested: TestExecutionResult, secure = false): ReturnType<typeof testedVerdict> =>
  testedVerdict(testedForStatus(tested, action(secure), scrubber) ?? {});

describe('the Tested condition', () => {
  it('says the test passed and shows what the action answered', () => {
    expect(verdictOf(passed)).toEqual({
      status: 'True',
      reason: 'TestPassed',
      message: 'The test with spec.test.input succeeded: {"status":"shipped"}',
    });
  });

  it("never shows a secure action's answer", () => {
    expect(verdictOf(passed, true).message).toBe('The test with spec.test.input succeeded');
  });

  it('shows nothing for an empty answer (a request rendered but not sent)', () => {
    expect(verdictOf({ operations: [], finalResult: {}, success: true }).message).toBe('The test with spec.test.input succeeded');
  });

  it('cuts a long answer', () => {
    const message = verdictOf({ finalResult: { text: 'x'.repeat(1000) }, success: true }).message;
    expect(message.endsWith('…')).toBe(true);
    expect(message.length).toBe('The test with spec.test.input succeeded: '.length + TESTED_RESULT_MAX);
  });

  it('names the operation that failed and why, with secret values scrubbed', () => {
    expect(verdictOf(failedAtExecute)).toEqual({
      status: 'False',
      reason: 'TestFailed',
      message: 'The test with spec.test.input failed at step 2 (Execute request): The request answered 500 (token ***)',
    });
  });

  it('falls back on the final error when no operation says it failed', () => {
    expect(verdictOf({ error: { message: 'Action is not active' }, success: false }).message).toBe(
      'The test with spec.test.input failed: Action is not active',
    );
    expect(verdictOf({ success: false }).message).toBe('The test with spec.test.input failed: no detail given');
  });

  it('keeps no operation result in what reaches the status', () => {
    expect(testedForStatus(passed, action(false), scrubber)?.operations?.map((o) => o.result)).toEqual([undefined, undefined]);
    expect(testedForStatus(undefined, action(false), scrubber)).toBeUndefined();
  });
});

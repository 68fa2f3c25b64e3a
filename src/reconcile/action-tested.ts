// The Tested condition of a DataAction, from the platform's TestExecutionResult (SDK models
// TestExecutionResult and TestExecutionOperationResult): which operation failed and why, or what the
// action answered. A secure action's answer is never shown: it may carry the data the action protects.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ACTION_REASONS } from '../api/index.ts';
import type { TestExecutionResult } from '../platform/index.ts';
import type { Scrubber } from './deps.ts';
import type { ConditionVerdict } from './model.ts';

/** Longest answer the message quotes; a longer one is cut with an ellipsis. */
export const TESTED_RESULT_MAX = 256;

type TestedVerdict = Omit<ConditionVerdict, 'reason'> & { reason: string };

/** What of a test may reach the status: scrubbed of secret values, without a secure action's answer. */
export function testedForStatus(
  tested: TestExecutionResult | undefined,
  object: KubernetesObject,
  scrubber: Pick<Scrubber, 'scrub'>,
): TestExecutionResult | undefined {
  if (tested === undefined) return undefined;
  const secure = (object as { spec?: { secure?: boolean } }).spec?.secure === true;
  const scrubError = <E extends { message?: string | undefined }>(error: E | undefined): E | undefined =>
    error?.message === undefined ? error : { ...error, message: scrubber.scrub(error.message) };
  const answer = tested.finalResult === undefined || secure ? undefined : scrubber.scrub(JSON.stringify(tested.finalResult));
  return {
    ...tested,
    error: scrubError(tested.error),
    operations: tested.operations?.map((o) => ({ ...o, result: undefined, error: scrubError(o.error) })),
    finalResult: answer,
  };
}

export function testedVerdict(tested: TestExecutionResult): TestedVerdict {
  if (tested.success === true) {
    return { status: 'True', reason: ACTION_REASONS.testPassed, message: `The test with spec.test.input succeeded${answered(tested)}` };
  }
  const failedAt = tested.operations?.find((o) => o.success === false);
  const why = failedAt?.error?.message ?? tested.error?.message ?? 'no detail given';
  const where = failedAt === undefined ? '' : ` at step ${failedAt.step ?? '?'} (${failedAt.name ?? 'unnamed'})`;
  return { status: 'False', reason: ACTION_REASONS.testFailed, message: `The test with spec.test.input failed${where}: ${why}` };
}

/** `: <answer>` when the test answered something worth showing. */
function answered(tested: TestExecutionResult): string {
  const text = typeof tested.finalResult === 'string' ? tested.finalResult : JSON.stringify(tested.finalResult);
  if (text === undefined || text === '{}' || text === '""') return '';
  return `: ${text.length > TESTED_RESULT_MAX ? `${text.slice(0, TESTED_RESULT_MAX - 1)}…` : text}`;
}

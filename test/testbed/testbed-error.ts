/** Stable codes so callers (and people reading CI output) can tell failures apart without parsing text. */
export type TestbedErrorCode =
  | 'TESTBED_GO_MISSING'
  | 'TESTBED_BUILD_FAILED'
  | 'TESTBED_LOCK_TIMEOUT'
  | 'TESTBED_SETPRIV_MISSING'
  | 'TESTBED_PROCESS_EXITED'
  | 'TESTBED_START_TIMEOUT'
  | 'TESTBED_KUBECTL_FAILED'
  | 'TESTBED_KUBECONFIG_INVALID'
  | 'TESTBED_EXTERNAL_CLUSTER';

export class TestbedError extends Error {
  readonly code: TestbedErrorCode;

  constructor(code: TestbedErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TestbedError';
    this.code = code;
  }
}

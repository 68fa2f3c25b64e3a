// The logger the kube runtime writes to. pino's Logger satisfies it; tests pass `silentLog` or a spy.
// Injected everywhere so the runtime holds no global state.
export interface KubeLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => undefined;

export const silentLog: KubeLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** A short, safe description of an error for a log field: its code and message, never a body. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

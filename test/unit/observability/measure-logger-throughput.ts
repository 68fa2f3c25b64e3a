// Measures what redaction and the SecretScrubber cost per log line: `npx tsx test/unit/observability/measure-logger-throughput.ts`.
// Writes to a stream that drops everything, so the figures are the logger's own cost.
import { randomBytes } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createLogger } from '../../../src/observability/logger.ts';
import { SecretScrubber } from '../../../src/observability/secret-scrubber.ts';

const LINES = Number(process.argv[2] ?? 200_000);
const ROUNDS = 5;
const discard: DestinationStream = { write: () => undefined };

function linesPerSecond(logger: Logger): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < LINES; i++) {
    logger.info(
      { kind: 'DataActionIntegration', namespace: 'team-a', name: `salesforce-${i % 50}`, reconcileID: 'c0ffee42-1', durationMs: i % 900 },
      'Reconciled integration',
    );
  }
  return LINES / (Number(process.hrtime.bigint() - start) / 1e9);
}

const withSecrets = new SecretScrubber();
for (let i = 0; i < 100; i++) withSecrets.add(randomBytes(18).toString('base64url'));

const cases: [string, Logger][] = [
  ['pino, no redaction, no scrubber', pino({ base: null }, discard)],
  ['createLogger, 0 secrets', createLogger('info', discard, new SecretScrubber())],
  ['createLogger, 100 secrets', createLogger('info', discard, withSecrets)],
];
// Rounds alternate between the cases so that noise from other processes spreads over all of them.
const top = cases.map(() => 0);
for (let round = 0; round < ROUNDS; round++) {
  cases.forEach(([, logger], index) => (top[index] = Math.max(top[index] ?? 0, linesPerSecond(logger))));
}
cases.forEach(([name], index) => console.log(`${name.padEnd(36)} ${Math.round(top[index] ?? 0).toLocaleString('en')} lines/s`));

// `npm run soak -- --seed N --cycles N`: runs the fault soak and prints the violations and one line of counts.
// Exit code 0 only with no violation; 2 on bad flags; 130 when interrupted. See README.md.
import { parseSoakFlags, SOAK_USAGE } from './flags.ts';
import { formatSummary, formatViolations } from './report.ts';
import { runSoak } from './soak.ts';

async function main(): Promise<number> {
  let flags;
  try {
    flags = parseSoakFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${SOAK_USAGE}`);
    return 2;
  }
  if (flags === 'help') {
    process.stdout.write(SOAK_USAGE);
    return 0;
  }
  const controller = new AbortController();
  const interrupt = (signal: string): void => {
    process.stderr.write(`soak: ${signal}: stopping everything it started\n`);
    controller.abort();
  };
  process.once('SIGINT', () => interrupt('SIGINT'));
  process.once('SIGTERM', () => interrupt('SIGTERM'));
  const progress = flags.quiet ? () => undefined : (line: string) => void process.stderr.write(`soak: ${line}\n`);
  const result = await runSoak({ ...flags, progress }, controller.signal);
  const details = formatViolations(result);
  if (details !== '') process.stdout.write(`${details}\n`);
  process.stdout.write(`${formatSummary(result)}\n`);
  if (controller.signal.aborted) return 130;
  return result.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

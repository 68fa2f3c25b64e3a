// Runs the emulator as its own process: `npm run emulator -- --port 0 --client id:secret ...`.
// The first line of stdout is `Emulator listening on <baseUrl>`; SIGTERM or SIGINT stops it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index.ts';

const USAGE = `Usage: npm run emulator -- [--port n] [--host h] [--client id:secret]... [--tls-cert file --tls-key file]
  [--state-transition-ms n] [--requests-per-minute n] [--token-ttl-seconds n] [--delete-visible-ms n] [--list-lag-ms n]
  [--read-after-write-lag-ms n] [--listing-expands-config]`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer`);
  return parsed;
}

function optionsFrom(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      client: { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'state-transition-ms': { type: 'string' },
      'requests-per-minute': { type: 'string' },
      'token-ttl-seconds': { type: 'string' },
      'delete-visible-ms': { type: 'string' },
      'list-lag-ms': { type: 'string' },
      'read-after-write-lag-ms': { type: 'string' },
      'listing-expands-config': { type: 'boolean' },
    },
  });
  const options: EmulatorOptions = {};
  const numbers = {
    port: integer('port', values.port),
    stateTransitionMs: integer('state-transition-ms', values['state-transition-ms']),
    requestsPerMinute: integer('requests-per-minute', values['requests-per-minute']),
    tokenTtlSeconds: integer('token-ttl-seconds', values['token-ttl-seconds']),
    deleteVisibleMs: integer('delete-visible-ms', values['delete-visible-ms']),
    listLagMs: integer('list-lag-ms', values['list-lag-ms']),
    readAfterWriteLagMs: integer('read-after-write-lag-ms', values['read-after-write-lag-ms']),
  };
  for (const [key, value] of Object.entries(numbers)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  if (values.host !== undefined) options.host = values.host;
  if (values['listing-expands-config'] === true) options.listingExpandsConfig = true;
  if (values.client !== undefined) {
    options.clients = values.client.map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new Error('--client must be id:secret');
      return { clientId: pair.slice(0, colon), clientSecret: pair.slice(colon + 1) };
    });
  }
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (cert !== undefined && key !== undefined) options.tls = { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = optionsFrom(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`Emulator listening on ${emulator.baseUrl}\n`);
  const stop = (signal: string): void => {
    process.stderr.write(`Emulator stopped on ${signal}\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();

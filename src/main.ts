// Wiring only: configuration, logging, metrics and probes, leader election, the operator, shutdown.
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, isHelpRequest, readConfig, type Config } from './config.ts';
import { runLeaderElection } from './kube/leader-election.ts';
import { startHealthServers } from './observability/health-server.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { SecretScrubber } from './observability/secret-scrubber.ts';
import { createOperator, type Operator } from './operator.ts';
import { runExportCommand } from './export/cli.ts';

/** What a running operator process is made of, as `run` wires it. */
interface Running {
  readonly config: Config;
  readonly logger: Logger;
  readonly kc: KubeConfig;
  readonly metrics: Metrics;
  readonly operator: Operator;
}

/** How the leader election callbacks reach the shutdown they share with the signals. */
interface Shutdown {
  readonly signal: AbortSignal;
  stopping(): boolean;
  stop(code: number): void;
}

async function main(): Promise<number> {
  // `dataaction-operator export ...` prints manifests and exits; it starts nothing of the operator.
  const exported = await runExportCommand();
  if (exported !== undefined) return exported;
  const config = readCommandLine();
  return typeof config === 'number' ? config : run(config);
}

/** The configuration to run with, or the exit code when there is none: 0 after printing help, 2 for bad input. */
function readCommandLine(): Config | number {
  try {
    const parsed = readConfig();
    if (!isHelpRequest(parsed)) return parsed;
    process.stdout.write(parsed.help);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Starts the operator and resolves with the exit code once it has stopped. */
async function run(config: Config): Promise<number> {
  const scrubber = new SecretScrubber();
  const logger = createLogger(config.logLevel, undefined, scrubber);
  const kc = new KubeConfig();
  if (config.kubeconfig === null) kc.loadFromCluster();
  else kc.loadFromFile(config.kubeconfig);

  const metrics = createMetrics();
  const operator = createOperator({ config, kc, logger, scrubber, metrics });
  const health = await startHealthServers({
    metricsAddress: config.metricsBindAddress,
    probeAddress: config.healthProbeBindAddress,
    registry: metrics.registry,
    readiness: () => operator.readiness(),
    liveness: () => true,
  });
  logger.info(
    { identity: config.identity, namespaces: config.namespaces, metricsPort: health.metricsPort, probePort: health.probePort },
    'Started dataaction-operator',
  );
  operator.startInformers();

  const shutdown = new AbortController();
  let stopping = false;
  let election: Promise<void> = Promise.resolve();
  return new Promise<number>((resolve) => {
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ code }, 'Stopping: draining reconciles in flight');
      void operator
        .stop()
        .catch((error: unknown) => logger.error({ err: error }, 'Failed to stop cleanly'))
        .then(async () => {
          // The Lease is released only once the last reconcile has ended, so a successor never writes
          // alongside us; and the process waits for the release, or the successor waits out the lease.
          shutdown.abort();
          await election;
        })
        .finally(() => {
          void health.close().finally(() => resolve(code));
        });
    };
    process.once('SIGTERM', () => stop(0));
    process.once('SIGINT', () => stop(0));
    if (config.leaderElect) {
      election = electLeader({ config, logger, kc, metrics, operator }, { signal: shutdown.signal, stopping: () => stopping, stop });
    } else {
      void operator.startControllers();
    }
  });
}

/** Runs the leader election until `shutdown.signal` aborts: controllers start on winning, the process stops on losing. */
function electLeader({ config, logger, kc, metrics, operator }: Running, shutdown: Shutdown): Promise<void> {
  let leading = false;
  return runLeaderElection(
    kc,
    {
      namespace: config.leaderElectionNamespace,
      name: config.leaderElectionId,
      identity: config.identity,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      signal: shutdown.signal,
      releaseOnCancel: true,
      log: logger.child({ component: 'leader-election' }),
    },
    {
      onStartedLeading: async () => {
        // Won while draining after a signal: the Lease is released right after, start nothing.
        if (shutdown.stopping()) return;
        leading = true;
        metrics.setLeader(config.leaderElectionId, true);
        logger.info({ identity: config.identity }, 'Became the leader; reconciling');
        await operator.startControllers();
      },
      onStoppedLeading: () => {
        metrics.setLeader(config.leaderElectionId, false);
        if (leading) {
          // Another replica may already be writing: nothing queued is reconciled any more (even in the
          // middle of a SIGTERM drain), the reconciles in flight end, and the Deployment restarts us.
          operator.abandonQueued();
          if (!shutdown.stopping()) {
            logger.error({ identity: config.identity }, 'Lost the leader lease; exiting');
            shutdown.stop(1);
          }
        }
        leading = false;
      },
    },
  ).catch((error: unknown) => {
    logger.error({ err: error }, 'Leader election failed');
    shutdown.stop(1);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dataaction-operator failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

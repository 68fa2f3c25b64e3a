// The operator's flags and environment, parsed once at start-up. This is the only file that reads
// process.env or argv: everything else takes a Config, so tests can build one without touching the process.
import { hostname as osHostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseBindAddress } from './observability/bind-address.ts';
import { VERSION } from './version.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const INSTALL_NAMESPACE = 'dataaction-operator-system';
export const SERVICE_ACCOUNT = 'dataaction-operator';

/** Everything the operator was started with. */
export interface Config {
  /** A kubeconfig file; null means the in-cluster service account. */
  readonly kubeconfig: string | null;
  /** Namespaces to watch; empty means all namespaces. */
  readonly namespaces: readonly string[];
  readonly concurrency: number;
  readonly resyncPeriodMs: number;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace: string;
  readonly leaderElectionId: string;
  /** Lowercased `host` (any port) or `host:port` entries a GenesysCloudOrganization's endpoints may use. */
  readonly allowedEndpointHosts: readonly string[];
  readonly metricsBindAddress: string;
  readonly healthProbeBindAddress: string;
  readonly logLevel: LogLevel;
  /** This replica's name, as the leader election lease holder and in Events. */
  readonly identity: string;
}

/** Returned instead of a Config when the operator was asked for `--help` or `--version`: the text to print. */
export interface HelpRequest {
  readonly help: string;
}

/** A flag or environment value the operator cannot start with; the message names the flag. */
export class ConfigError extends Error {
  readonly code = 'InvalidConfig';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

type FlagKey = Exclude<keyof Config, 'identity'>;

interface FlagSpec {
  readonly key: FlagKey;
  readonly flag: `--${string}`;
  /** Placeholder shown in help; absent for boolean flags. */
  readonly value?: string;
  readonly env?: string;
  /** The raw default, parsed like a user's value; absent when there is none. */
  readonly default?: string;
  readonly defaultText: string;
  readonly help: string;
}

const FLAGS: readonly FlagSpec[] = [
  {
    key: 'kubeconfig',
    flag: '--kubeconfig',
    value: '<path>',
    env: 'KUBECONFIG',
    defaultText: 'the in-cluster service account',
    help: 'Kubeconfig file used to reach the cluster.',
  },
  {
    key: 'namespaces',
    flag: '--namespaces',
    value: '<a,b>',
    env: 'WATCH_NAMESPACES',
    default: '',
    defaultText: 'all namespaces',
    help: 'Comma-separated namespaces to watch.',
  },
  {
    key: 'concurrency',
    flag: '--concurrency',
    value: '<n>',
    default: '4',
    defaultText: '4',
    help: 'Resources reconciled at the same time, per kind (1 to 64).',
  },
  {
    key: 'resyncPeriodMs',
    flag: '--resync-period',
    value: '<duration>',
    default: '5m',
    defaultText: '5m',
    help: 'How often every resource is compared with the platform to revert drift (1s to 24h, e.g. 30s, 5m, 1h).',
  },
  {
    key: 'leaderElect',
    flag: '--leader-elect',
    default: 'false',
    defaultText: 'false',
    help: 'Elect a leader through a Lease so that only one replica reconciles (the Deployment sets it).',
  },
  {
    key: 'leaderElectionNamespace',
    flag: '--leader-election-namespace',
    value: '<namespace>',
    env: 'POD_NAMESPACE',
    default: INSTALL_NAMESPACE,
    defaultText: INSTALL_NAMESPACE,
    help: 'Namespace of the leader election Lease.',
  },
  {
    key: 'leaderElectionId',
    flag: '--leader-election-id',
    value: '<name>',
    default: 'dataaction-operator',
    defaultText: 'dataaction-operator',
    help: 'Name of the leader election Lease.',
  },
  {
    key: 'allowedEndpointHosts',
    flag: '--allowed-endpoint-hosts',
    value: '<host[:port],...>',
    default: '',
    defaultText: 'none',
    help: 'Hosts a GenesysCloudOrganization spec.endpoints may point at; a host without a port allows any port.',
  },
  {
    key: 'metricsBindAddress',
    flag: '--metrics-bind-address',
    value: '<[host]:port>',
    default: ':8080',
    defaultText: ':8080',
    help: 'Address of the Prometheus /metrics endpoint.',
  },
  {
    key: 'healthProbeBindAddress',
    flag: '--health-probe-bind-address',
    value: '<[host]:port>',
    default: ':8081',
    defaultText: ':8081',
    help: 'Address of the /healthz and /readyz probes.',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    value: '<level>',
    env: 'LOG_LEVEL',
    default: 'info',
    defaultText: 'info',
    help: `Least severe log level written: ${LOG_LEVELS.join(', ')}.`,
  },
];

const MIN_RESYNC_MS = 1_000;
const MAX_RESYNC_MS = 24 * 60 * 60 * 1_000;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`30s`, `5m`, `1h30m`, `500ms`) to milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

function splitList(text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...new Set(items)];
}

interface EndpointHost {
  readonly host: string;
  readonly port: string | undefined;
}

function parseEndpointHost(entry: string): EndpointHost | undefined {
  const text = entry.toLowerCase();
  const bracketed = /^(\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/.exec(text);
  const plain = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?$/.exec(text);
  const host = bracketed?.[1] ?? plain?.[1];
  const port = bracketed ? bracketed[2] : plain?.[5];
  if (host === undefined) return undefined;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return undefined;
  return { host, port: port === undefined ? undefined : String(Number(port)) };
}

/**
 * Whether an endpoint URL from a GenesysCloudOrganization may be used: its host must be listed, and its port
 * too when the entry names one (the protocol's default port counts as the URL's port).
 */
export function isEndpointAllowed(url: string, allowedEndpointHosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : '80';
  return allowedEndpointHosts.some((entry) => {
    const allowed = parseEndpointHost(entry);
    return allowed !== undefined && allowed.host === parsed.hostname && (allowed.port ?? port) === port;
  });
}

type Raw = Partial<Record<FlagKey, string>>;

function withValue(label: string, value: string): string {
  return `${label} (got ${JSON.stringify(value)})`;
}

/** A field that turns a raw string into its value or reports `<flag> must ...`. */
function field<T>(label: string, requirement: string, parse: (text: string) => T | undefined): z.ZodType<T, string> {
  return z.string().transform((text, context) => {
    const value = parse(text);
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: withValue(`${label} ${requirement}`, text) });
      return z.NEVER;
    }
    return value;
  });
}

function buildSchema(label: (key: FlagKey) => string) {
  return z.object({
    kubeconfig: z
      .string()
      .min(1, { message: `${label('kubeconfig')} must not be empty` })
      .optional()
      .transform((path) => path ?? null),
    namespaces: field(label('namespaces'), 'must be a comma-separated list of namespace names', (text) => {
      const names = splitList(text);
      return names.every((name) => DNS_LABEL.test(name)) ? names : undefined;
    }),
    concurrency: field(label('concurrency'), 'must be an integer between 1 and 64', (text) => {
      const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
      return n >= 1 && n <= 64 ? n : undefined;
    }),
    resyncPeriodMs: field(label('resyncPeriodMs'), 'must be a duration between 1s and 24h such as 30s, 5m or 1h', (text) => {
      const ms = parseDuration(text.trim());
      return ms !== undefined && ms >= MIN_RESYNC_MS && ms <= MAX_RESYNC_MS ? ms : undefined;
    }),
    leaderElect: field(label('leaderElect'), 'must be true or false', (text) =>
      text === 'true' ? true : text === 'false' ? false : undefined,
    ),
    leaderElectionNamespace: field(label('leaderElectionNamespace'), 'must be a namespace name', (text) =>
      DNS_LABEL.test(text) ? text : undefined,
    ),
    leaderElectionId: field(label('leaderElectionId'), 'must be a lowercase DNS subdomain name', (text) =>
      DNS_SUBDOMAIN.test(text) ? text : undefined,
    ),
    allowedEndpointHosts: field(label('allowedEndpointHosts'), 'must be a comma-separated list of host or host:port', (text) => {
      const entries = splitList(text).map(parseEndpointHost);
      const valid = entries.filter((entry): entry is EndpointHost => entry !== undefined);
      if (valid.length !== entries.length) return undefined;
      return [...new Set(valid.map((entry) => (entry.port ? `${entry.host}:${entry.port}` : entry.host)))];
    }),
    metricsBindAddress: field(label('metricsBindAddress'), 'must be [host]:port such as :8080 or 127.0.0.1:8080', (text) =>
      parseBindAddress(text) ? text : undefined,
    ),
    healthProbeBindAddress: field(label('healthProbeBindAddress'), 'must be [host]:port such as :8081 or 127.0.0.1:8081', (text) =>
      parseBindAddress(text) ? text : undefined,
    ),
    logLevel: field(label('logLevel'), `must be one of ${LOG_LEVELS.join(', ')}`, (text) =>
      LOG_LEVELS.find((level) => level === text.trim().toLowerCase()),
    ),
  });
}

interface ParsedArgv {
  readonly raw: Raw;
  readonly help: boolean;
  readonly version: boolean;
  readonly problems: string[];
}

/**
 * Tokenizes argv with node:util parseArgs and applies strict mode's rules (no unknown flag, no positional, a
 * value for every valued flag, none taken from the next flag) itself, so that every problem is reported at
 * once instead of only the first (parseArgs' own strict mode throws at the first). A boolean flag also takes
 * `=true` or `=false`, checked by the schema like any value.
 */
function readArgv(argv: readonly string[]): ParsedArgv {
  type Option = { type: 'boolean' | 'string'; short?: string };
  const options: Record<string, Option> = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } };
  for (const spec of FLAGS) options[spec.flag.slice(2)] = { type: spec.value === undefined ? 'boolean' : 'string' };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const raw: Raw = {};
  const problems: string[] = [];
  let help = false;
  let version = false;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      problems.push(`unexpected argument ${JSON.stringify(token.value)}`);
      continue;
    }
    if (token.kind !== 'option') continue;
    if (token.name === 'help') help = true;
    if (token.name === 'version') version = true;
    if (token.name === 'help' || token.name === 'version') continue;
    const spec = FLAGS.find((candidate) => candidate.flag === `--${token.name}`);
    if (spec === undefined || token.rawName !== spec.flag) {
      problems.push(`unknown flag ${token.rawName}`);
      continue;
    }
    if (spec.value === undefined) {
      raw[spec.key] = token.value ?? 'true';
      continue;
    }
    // parseArgs hands a valued flag the next argument even when it is a flag: strict mode calls that ambiguous.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      problems.push(`${spec.flag} needs a value`);
      continue;
    }
    raw[spec.key] = token.value;
  }
  return { raw, help, version, problems };
}

/** The text printed for `--help`: every flag, its environment variable and its default. */
export function helpText(): string {
  const rows = FLAGS.map((spec) => {
    const usage = spec.value ? `${spec.flag} ${spec.value}` : spec.flag;
    const env = spec.env ? ` Env ${spec.env}.` : '';
    return `  ${usage.padEnd(44)}${spec.help}${env} Default: ${spec.defaultText}.`;
  });
  return [
    'Usage: dataaction-operator [flags]',
    '',
    'Manages Genesys Cloud data action integrations declared as DataActionIntegration resources.',
    '',
    'Flags (a flag wins over its environment variable; --flag value and --flag=value both work):',
    ...rows,
    `  ${'-h, --help'.padEnd(44)}Show this help.`,
    `  ${'--version'.padEnd(44)}Print the version (${VERSION}) and exit.`,
    '',
    'Commands:',
    `  ${'export --organization <ns>/<name> [--type T]'.padEnd(44)}Print manifests that adopt the organization's existing integrations.`,
    '',
    'Environment:',
    `  ${'POD_NAME'.padEnd(44)}This replica's identity for leader election. Default: the hostname.`,
    '',
  ].join('\n');
}

/**
 * Parses flags (`argv` without the node and script paths) over environment fallbacks over defaults.
 * Pure: the caller passes the environment and the hostname. Throws ConfigError listing every problem.
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  hostname: string = osHostname(),
): Config | HelpRequest {
  const { raw, help, version, problems } = readArgv(argv);
  if (help) return { help: helpText() };
  if (version) return { help: `dataaction-operator ${VERSION}\n` };

  const sources = new Map<FlagKey, string>();
  for (const spec of FLAGS) {
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    if (raw[spec.key] === undefined && fromEnv !== undefined && fromEnv !== '') {
      raw[spec.key] = fromEnv;
      sources.set(spec.key, spec.env ?? '');
    }
    if (raw[spec.key] === undefined && spec.default !== undefined) raw[spec.key] = spec.default;
  }
  const label = (key: FlagKey): string => {
    const flag = FLAGS.find((spec) => spec.key === key)?.flag ?? key;
    const envName = sources.get(key);
    return envName === undefined ? flag : `${flag} (from ${envName})`;
  };

  const result = buildSchema(label).safeParse(raw);
  if (!result.success) problems.push(...result.error.issues.map((issue) => issue.message));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  const podName = env['POD_NAME'];
  return { ...result.data, identity: podName !== undefined && podName !== '' ? podName : hostname };
}

/** Reads this process's argv and environment: the one place the operator looks at them. */
export function readConfig(): Config | HelpRequest {
  return parseConfig(process.argv.slice(2), process.env);
}

export function isHelpRequest(parsed: Config | HelpRequest): parsed is HelpRequest {
  return 'help' in parsed;
}

/** `dataaction-operator export --organization <ns>/<name> [--type T] [--deletion-policy P]`, parsed. */
export interface ExportCommand {
  readonly command: 'export';
  readonly kubeconfig: string | null;
  readonly namespace: string;
  readonly name: string;
  readonly type: string | undefined;
  readonly deletionPolicy: 'Orphan' | 'Delete';
  readonly allowedEndpointHosts: readonly string[];
}

/**
 * The `export` subcommand's arguments (argv after `export`), or a ConfigError naming the flag. Kubeconfig and
 * allowed endpoint hosts mean what they mean to the operator; the environment is not read for the others.
 */
export function parseExportArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ExportCommand {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        organization: { type: 'string' },
        type: { type: 'string' },
        'deletion-policy': { type: 'string', default: 'Orphan' },
        kubeconfig: { type: 'string' },
        'allowed-endpoint-hosts': { type: 'string', default: '' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError([`export: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const [namespace, name, extra] = (values['organization'] ?? '').split('/');
  if (namespace === undefined || name === undefined || extra !== undefined || !DNS_LABEL.test(namespace) || !DNS_SUBDOMAIN.test(name)) {
    problems.push(withValue('--organization must be <namespace>/<name> of a GenesysCloudOrganization', values['organization'] ?? ''));
  }
  const deletionPolicy = values['deletion-policy'];
  if (deletionPolicy !== 'Orphan' && deletionPolicy !== 'Delete')
    problems.push(withValue('--deletion-policy must be Orphan or Delete', deletionPolicy ?? ''));
  const hosts = splitList(values['allowed-endpoint-hosts'] ?? '');
  if (hosts.some((host) => parseEndpointHost(host) === undefined)) {
    problems.push(
      withValue('--allowed-endpoint-hosts must be a comma-separated list of host or host:port', values['allowed-endpoint-hosts'] ?? ''),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const kubeconfig = values['kubeconfig'] ?? env['KUBECONFIG'];
  return {
    command: 'export',
    kubeconfig: kubeconfig === undefined || kubeconfig === '' ? null : kubeconfig,
    namespace: namespace ?? '',
    name: name ?? '',
    type: values['type'],
    deletionPolicy: deletionPolicy as 'Orphan' | 'Delete',
    allowedEndpointHosts: hosts,
  };
}

/** This process's `export` subcommand, when it was started as `dataaction-operator export ...`. */
export function readExportCommand(): ExportCommand | undefined {
  return process.argv[2] === 'export' ? parseExportArgs(process.argv.slice(3), process.env) : undefined;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  isEndpointAllowed,
  isHelpRequest,
  parseConfig,
  parseDuration,
  parseExportArgs,
  type Config,
} from '../../src/config.ts';

const HOST = 'operator-host';

function configOf(argv: string[], env: Record<string, string | undefined> = {}): Config {
  const parsed = parseConfig(argv, env, HOST);
  if (isHelpRequest(parsed)) throw new Error('expected a Config, got help');
  return parsed;
}

function problemsOf(argv: string[], env: Record<string, string | undefined> = {}): readonly string[] {
  try {
    parseConfig(argv, env, HOST);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('InvalidConfig');
    return (error as ConfigError).problems;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseConfig', () => {
  it('starts in-cluster, watching all namespaces, with the agreed defaults when given nothing', () => {
    expect(configOf([])).toEqual({
      kubeconfig: null,
      namespaces: [],
      concurrency: 4,
      resyncPeriodMs: 300_000,
      leaderElect: false,
      leaderElectionNamespace: 'dataaction-operator-system',
      leaderElectionId: 'dataaction-operator',
      allowedEndpointHosts: [],
      metricsBindAddress: ':8080',
      healthProbeBindAddress: ':8081',
      logLevel: 'info',
      identity: HOST,
    } satisfies Config);
  });

  it.each<[string[], Partial<Config>]>([
    [['--kubeconfig', '/home/me/.kube/config'], { kubeconfig: '/home/me/.kube/config' }],
    [['--namespaces', ' team-a, team-b ,,team-a'], { namespaces: ['team-a', 'team-b'] }],
    [['--namespaces='], { namespaces: [] }],
    [['--concurrency', '16'], { concurrency: 16 }],
    [['--resync-period', '30s'], { resyncPeriodMs: 30_000 }],
    [['--resync-period=1h30m'], { resyncPeriodMs: 5_400_000 }],
    [['--leader-elect'], { leaderElect: true }],
    [['--leader-elect=false'], { leaderElect: false }],
    [['--leader-election-namespace', 'ops'], { leaderElectionNamespace: 'ops' }],
    [['--leader-election-id', 'dai-operator.example.com'], { leaderElectionId: 'dai-operator.example.com' }],
    [
      ['--allowed-endpoint-hosts', 'API.Example.com, 127.0.0.1:8443,[::1]:09090'],
      { allowedEndpointHosts: ['api.example.com', '127.0.0.1:8443', '[::1]:9090'] },
    ],
    [['--metrics-bind-address', '127.0.0.1:0'], { metricsBindAddress: '127.0.0.1:0' }],
    [['--health-probe-bind-address=[::1]:9440'], { healthProbeBindAddress: '[::1]:9440' }],
    [['--log-level', 'debug'], { logLevel: 'debug' }],
    [['--concurrency', '2', '--concurrency=8'], { concurrency: 8 }],
  ])('reads %j', (argv, expected) => {
    expect(configOf(argv)).toMatchObject(expected);
  });

  it.each<[Record<string, string>, Partial<Config>]>([
    [{ KUBECONFIG: '/etc/kube/config' }, { kubeconfig: '/etc/kube/config' }],
    [{ WATCH_NAMESPACES: 'a,b' }, { namespaces: ['a', 'b'] }],
    [{ POD_NAMESPACE: 'operators' }, { leaderElectionNamespace: 'operators' }],
    [{ LOG_LEVEL: 'warn' }, { logLevel: 'warn' }],
    [{ POD_NAME: 'dataaction-operator-7d9f-abcde' }, { identity: 'dataaction-operator-7d9f-abcde' }],
    [
      { KUBECONFIG: '', WATCH_NAMESPACES: '', POD_NAMESPACE: '', LOG_LEVEL: '', POD_NAME: '' },
      {
        kubeconfig: null,
        namespaces: [],
        leaderElectionNamespace: 'dataaction-operator-system',
        logLevel: 'info',
        identity: HOST,
      },
    ],
  ])('falls back to the environment %j', (env, expected) => {
    expect(configOf([], env)).toMatchObject(expected);
  });

  it('prefers a flag over its environment variable', () => {
    const config = configOf(
      ['--kubeconfig', '/flag', '--namespaces', 'flag-ns', '--leader-election-namespace', 'flag-le', '--log-level', 'error'],
      { KUBECONFIG: '/env', WATCH_NAMESPACES: 'env-ns', POD_NAMESPACE: 'env-le', LOG_LEVEL: 'debug' },
    );
    expect(config).toMatchObject({
      kubeconfig: '/flag',
      namespaces: ['flag-ns'],
      leaderElectionNamespace: 'flag-le',
      logLevel: 'error',
    });
  });

  it.each<[string[], string]>([
    [['--concurrency', 'four'], '--concurrency must be an integer between 1 and 64 (got "four")'],
    [['--concurrency', '0'], '--concurrency must be an integer between 1 and 64'],
    [['--concurrency', '65'], '--concurrency must be an integer between 1 and 64'],
    [['--concurrency', '2.5'], '--concurrency must be an integer between 1 and 64'],
    [['--resync-period', '5'], '--resync-period must be a duration between 1s and 24h'],
    [['--resync-period', '500ms'], '--resync-period must be a duration between 1s and 24h'],
    [['--resync-period', '25h'], '--resync-period must be a duration between 1s and 24h'],
    [['--leader-elect=yes'], '--leader-elect must be true or false'],
    [['--namespaces', 'team-a,Team_B'], '--namespaces must be a comma-separated list of namespace names'],
    [['--leader-election-namespace', 'Ops'], '--leader-election-namespace must be a namespace name'],
    [['--leader-election-id', 'My Lease'], '--leader-election-id must be a lowercase DNS subdomain name'],
    [['--allowed-endpoint-hosts', 'https://api.example.com'], '--allowed-endpoint-hosts must be a comma-separated list'],
    [['--allowed-endpoint-hosts', 'api.example.com:70000'], '--allowed-endpoint-hosts must be a comma-separated list'],
    [['--metrics-bind-address', '8080'], '--metrics-bind-address must be [host]:port'],
    [['--health-probe-bind-address', ':99999'], '--health-probe-bind-address must be [host]:port'],
    [['--log-level', 'verbose'], '--log-level must be one of trace, debug, info, warn, error, fatal, silent'],
    [['--kubeconfig='], '--kubeconfig must not be empty'],
    [['--concurrency'], '--concurrency needs a value'],
    [['--concurrency', '--leader-elect'], '--concurrency needs a value'],
    [['--watch-all'], 'unknown flag --watch-all'],
    [['start'], 'unexpected argument "start"'],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(problemsOf(argv).join('\n')).toContain(message);
  });

  it.each<[Record<string, string>, string]>([
    [{ LOG_LEVEL: 'loud' }, '--log-level (from LOG_LEVEL) must be one of'],
    [{ WATCH_NAMESPACES: 'a b' }, '--namespaces (from WATCH_NAMESPACES) must be a comma-separated list'],
    [{ POD_NAMESPACE: 'x_y' }, '--leader-election-namespace (from POD_NAMESPACE) must be a namespace name'],
  ])('rejects a bad environment value %j naming the flag and the variable', (env, message) => {
    expect(problemsOf([], env).join('\n')).toContain(message);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(['--concurrency', '0', '--log-level', 'loud', '--bogus']);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/--bogus[\s\S]*--concurrency[\s\S]*--log-level/);
  });

  it('answers --help with every flag, its environment variable and its default, whatever else is given', () => {
    const parsed = parseConfig(['--concurrency', 'bad', '--help'], {}, HOST);
    expect(isHelpRequest(parsed)).toBe(true);
    const help = isHelpRequest(parsed) ? parsed.help : '';
    for (const flag of [
      '--kubeconfig',
      '--namespaces',
      '--concurrency',
      '--resync-period',
      '--leader-elect',
      '--leader-election-namespace',
      '--leader-election-id',
      '--allowed-endpoint-hosts',
      '--metrics-bind-address',
      '--health-probe-bind-address',
      '--log-level',
      '--help',
    ]) {
      expect(help).toMatch(new RegExp(`^ +(-h, )?${flag}\\b`, 'm'));
    }
    for (const env of ['KUBECONFIG', 'WATCH_NAMESPACES', 'POD_NAMESPACE', 'LOG_LEVEL', 'POD_NAME']) expect(help).toContain(env);
    expect(help).toMatch(/--concurrency <n> .*Default: 4\./);
    expect(help).toMatch(/--resync-period .*Default: 5m\./);
    expect(help).toMatch(/--leader-election-namespace .*Env POD_NAMESPACE\. Default: dataaction-operator-system\./);
    expect(parseConfig(['-h'], {}, HOST)).toEqual(parsed);
  });
});

describe('--version', () => {
  it('answers with the version package.json holds, whatever else is given', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(parseConfig(['--concurrency', 'bad', '--version'], {}, HOST)).toEqual({ help: `dataaction-operator ${version}\n` });
  });
});

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['', undefined],
    ['5', undefined],
    ['5d', undefined],
    ['-5s', undefined],
    ['5 m', undefined],
  ])('reads %j as %j ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('isEndpointAllowed', () => {
  const allowed = ['api.private.example', 'login.private.example:8443', '127.0.0.1', '[::1]:9000'];

  it.each<[string, boolean]>([
    ['https://api.private.example', true],
    ['https://API.private.example:9443/api', true],
    ['https://login.private.example:8443', true],
    ['https://login.private.example', false],
    ['http://127.0.0.1:41234', true],
    ['http://[::1]:9000', true],
    ['http://[::1]:9001', false],
    ['https://api.private.example.attacker.test', false],
    ['https://attacker.test/?api.private.example', false],
    ['https://api.mypurecloud.com', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s is %s', (url, expected) => {
    expect(isEndpointAllowed(url, allowed)).toBe(expected);
  });

  it('allows nothing by default', () => {
    expect(isEndpointAllowed('https://api.private.example', configOf([]).allowedEndpointHosts)).toBe(false);
  });
});

describe('parseExportArgs', () => {
  it('reads the organization, the type and the deletion policy (Orphan by default)', () => {
    expect(parseExportArgs(['--organization', 'contact-center/prod', '--type', 'Zendesk'], { KUBECONFIG: '/kc' })).toEqual({
      command: 'export',
      kubeconfig: '/kc',
      namespace: 'contact-center',
      name: 'prod',
      type: 'Zendesk',
      deletionPolicy: 'Orphan',
      allowedEndpointHosts: [],
    });
  });

  it.each<[string[], string]>([
    [[], '--organization must be <namespace>/<name>'],
    [['--organization', 'prod'], '--organization must be <namespace>/<name>'],
    [['--organization', 'a/b', '--deletion-policy', 'Keep'], '--deletion-policy must be Orphan or Delete'],
    [['--organization', 'a/b', '--bogus'], "Unknown option '--bogus'"],
    [['--organization', 'a/b', 'extra'], "Unexpected argument 'extra'"],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(() => parseExportArgs(argv, {})).toThrow(expect.objectContaining({ message: expect.stringContaining(message) }) as ConfigError);
  });
});

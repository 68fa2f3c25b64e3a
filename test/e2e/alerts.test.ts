// The alert rules of deploy/monitoring/alerts.rules.yaml evaluated by the real promtool (built by
// `npm run testbed -- build`) over series taken from a scrape of a running operator: every metric the rules
// and the Grafana dashboard query must be in the operator's /metrics output, and each alert fires, with the
// operator's own label sets, when its condition holds for its `for:` duration, and not before.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { GO_TOOLS, requireTool } from '../testbed/go-tools.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  repoRoot,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  waitForCondition,
  waitForLog,
  webServicesIntegration,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

const run = promisify(execFile);
const RULES = join(repoRoot, 'deploy', 'monitoring', 'alerts.rules.yaml');
const DASHBOARD = join(repoRoot, 'deploy', 'monitoring', 'grafana-dashboard.json');
const LEASE = 'alerts-dataaction-operator';

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Metric names a PromQL expression reads (identifiers followed by a selector, a range or an operator). */
function metricNames(expr: string): string[] {
  const known = /\b((?:dataactions?|controller_runtime|workqueue|leader_election)_[a-z_]+)\b/g;
  return [...new Set([...expr.matchAll(known)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, '')))];
}

/** `name{labels}` of every sample in a Prometheus text exposition, and the names it declares with # TYPE. */
function parseScrape(text: string): { types: Set<string>; series: Map<string, string[]> } {
  const types = new Set<string>();
  const series = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type !== null) types.add(type[1]!);
    const sample = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? /.exec(line);
    if (sample !== null) series.set(sample[1]!, [...(series.get(sample[1]!) ?? []), `${sample[1]!}${sample[2] ?? ''}`]);
  }
  return { types, series };
}

describe('the alert rules over the operator’s real /metrics', () => {
  let platform: Platform;
  let operator: OperatorProcess;
  let namespace: string;
  let scrape = '';
  let workDir = '';
  let promtool = '';

  beforeAll(async () => {
    promtool = await requireTool(GO_TOOLS.promtool);
    workDir = await mkdtemp(join(tmpdir(), 'alerts-'));
    platform = await startPlatform({ requestsPerMinute: 3000 });
    namespace = await createTestNamespace('alerts');
    operator = startOperator({
      namespaces: [namespace],
      args: ['--leader-elect', '--leader-election-namespace', namespace, '--leader-election-id', LEASE],
    });
    // Some 429s and one failed reconcile, so those series exist as the operator writes them.
    platform.emulator.control.addFault({ route: 'GET /api/v2/integrations/types', kind: 'rateLimit', times: 2 });
    await apply(namespace, [...platform.organization(), ...webServicesIntegration('orders')]);
    await waitForCondition(namespace, 'orders', 'Ready', 'True');
    const started = await waitForLog(operator, 'the metrics port', (r) => r.msg === 'Started dataaction-operator');
    // The status is written before the reconcile's own metrics: scrape until that reconcile is counted too.
    scrape = await waitFor('a reconcile counted in /metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${started.metricsPort as number}/metrics`)).text();
      return /^controller_runtime_reconcile_total\{[^}]*controller="dataactionintegration"/m.test(text) ? text : undefined;
    });
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform?.emulator.close();
    if (workDir !== '') await rm(workDir, { recursive: true, force: true });
  });

  it('passes promtool check rules', async () => {
    const { stdout } = await run(promtool, ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: 5 rules found/);
  });

  it('queries, in every rule and every dashboard panel, only metrics the operator exposes', () => {
    const { types } = parseScrape(scrape);
    const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const queried = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))].flatMap(metricNames);
    expect([...new Set(queried)].filter((name) => !types.has(name))).toEqual([]);
  });

  it('fires each alert over the scraped series when its condition lasts, and none before', async () => {
    const { series } = parseScrape(scrape);
    const one = (name: string): string => {
      const found = series.get(name)?.[0];
      if (found === undefined) throw new Error(`the scrape has no ${name} sample`);
      return found;
    };
    // The operator's own label sets, from the scrape; only values move over time.
    const integrations = one('dataactions_integrations');
    expect(integrations).toMatch(new RegExp(`namespace="${namespace}"`));
    const notReady = integrations.replace(/ready="[^"]*"/, 'ready="False"');
    const reconciles = series.get('controller_runtime_reconcile_total')!.find((s) => s.includes('controller="dataactionintegration"'))!;
    const errors = 'controller_runtime_reconcile_errors_total{controller="dataactionintegration"}';
    const leader = one('leader_election_master_status');
    expect(leader).toBe(`leader_election_master_status{name="${LEASE}"}`);
    const depth = series.get('workqueue_depth')!.find((s) => s.includes('name="dataactionintegration"'))!;

    // The rules as shipped, without their annotations (promtool would compare rendered texts): the expressions,
    // durations and labels under test are exactly those of the file.
    const shipped = parse(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
    const bare = { groups: shipped.groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...rule }) => rule) })) };
    await writeFile(join(workDir, 'rules.yaml'), stringify(bare));
    const alert = (name: string, at: string, labels: Record<string, string>[]): object => ({
      eval_time: at,
      alertname: name,
      exp_alerts: labels.map((l) => ({ exp_labels: l })),
    });
    const severity = (name: string): string => shipped.groups[0]!.rules.find((r) => r.alert === name)!.labels['severity']!;
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: notReady, values: '1x40' },
            { series: reconciles, values: '0+10x40' },
            { series: errors, values: '0+5x40' },
            { series: 'dataactions_platform_rate_limited_total', values: '0+6x40' },
            { series: leader, values: '0+0x40' },
            { series: depth, values: '0+2x40' },
          ],
          alert_rule_test: [
            ...[
              'DataActionIntegrationsNotReady',
              'DataActionOperatorReconcileErrors',
              'DataActionPlatformRateLimited',
              'DataActionOperatorQueueGrowing',
            ].map((name) => alert(name, '4m', [])),
            alert('DataActionIntegrationsNotReady', '20m', [{ namespace, severity: severity('DataActionIntegrationsNotReady') }]),
            alert('DataActionOperatorReconcileErrors', '25m', [
              { controller: 'dataactionintegration', severity: severity('DataActionOperatorReconcileErrors') },
            ]),
            alert('DataActionPlatformRateLimited', '25m', [{ severity: severity('DataActionPlatformRateLimited') }]),
            alert('DataActionOperatorNoLeader', '2m', []),
            alert('DataActionOperatorNoLeader', '10m', [{ severity: severity('DataActionOperatorNoLeader') }]),
            alert('DataActionOperatorQueueGrowing', '30m', [
              {
                ...Object.fromEntries([...depth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
                severity: severity('DataActionOperatorQueueGrowing'),
              },
            ]),
          ],
        },
        {
          // A healthy operator: all Ready, no errors, no 429, a leader, an idle queue. Nothing fires.
          interval: '1m',
          input_series: [
            { series: integrations.replace(/ready="[^"]*"/, 'ready="True"'), values: '1x40' },
            { series: reconciles, values: '0+10x40' },
            { series: errors, values: '0+0x40' },
            { series: 'dataactions_platform_rate_limited_total', values: '3x40' },
            { series: leader, values: '1x40' },
            { series: depth, values: '0+0x40' },
          ],
          alert_rule_test: shipped.groups[0]!.rules.map((r) => alert(r.alert, '35m', [])),
        },
      ],
    };
    await writeFile(join(workDir, 'tests.yaml'), stringify(tests));
    const result = await run(promtool, ['test', 'rules', join(workDir, 'tests.yaml')], { cwd: workDir }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? 'failed' }),
    );
    expect(`${result.stdout}${result.stderr}`, stringify(tests)).toMatch(/SUCCESS/);
  });
});

// helm and promtool for the chart and alert tests, built from Go modules at pinned versions the first time
// on a machine, and cached outside the clone like the testbed binaries (test/testbed/binaries.ts).
// `npm run testbed -- build` builds them; a test only looks them up, never builds.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from './build-lock.ts';
import { TestbedError } from './testbed-error.ts';

const run = promisify(execFile);

export interface GoTool {
  readonly name: 'helm' | 'promtool';
  /** The module that holds the command, at `version` (the module's own version, which `go version -m` reports). */
  readonly module: string;
  readonly command: string;
  readonly version: string;
}

export const GO_TOOLS: Readonly<Record<GoTool['name'], GoTool>> = {
  helm: { name: 'helm', module: 'helm.sh/helm/v3', command: 'helm.sh/helm/v3/cmd/helm', version: 'v3.22.0' },
  promtool: {
    name: 'promtool',
    module: 'github.com/prometheus/prometheus',
    command: 'github.com/prometheus/prometheus/cmd/promtool',
    version: 'v0.316.0',
  },
};

export function toolDir(tool: GoTool): string {
  const cacheHome = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cacheHome, 'dataaction-operator', 'tools', `${tool.name}-${tool.version}`);
}

export function toolPath(tool: GoTool): string {
  return join(toolDir(tool), tool.name);
}

/** True when the cached binary exists and was built from the pinned module version. */
export async function hasTool(tool: GoTool): Promise<boolean> {
  const file = toolPath(tool);
  try {
    await access(file);
    const { stdout } = await run('go', ['version', '-m', file], { timeout: 10_000, env: goEnv() });
    return new RegExp(`^\\s*mod\\s+${tool.module.replaceAll('.', '\\.')}\\s+${tool.version.replaceAll('.', '\\.')}\\s`, 'm').test(stdout);
  } catch {
    return false;
  }
}

/** The path of the tool, or an error saying how to build it. For tests: they never build. */
export async function requireTool(tool: GoTool): Promise<string> {
  if (await hasTool(tool)) return toolPath(tool);
  throw new TestbedError('TESTBED_BUILD_FAILED', `${tool.name} ${tool.version} is not built; run \`npm run testbed -- build\``);
}

/** Builds the tool with `go install <command>@<version>` unless it is cached; returns its path. */
export async function ensureTool(tool: GoTool): Promise<string> {
  if (await hasTool(tool)) return toolPath(tool);
  const dir = toolDir(tool);
  await mkdir(dir, { recursive: true });
  await withFileLock(join(dir, '.build.lock'), async () => {
    if (await hasTool(tool)) return;
    const logPath = join(dir, 'build.log');
    process.stderr.write(`testbed: building ${tool.name} ${tool.version} from Go modules into ${dir} (output: ${logPath})\n`);
    const staging = await mkdtemp(join(dir, '.staging-'));
    try {
      await goInstall(`${tool.command}@${tool.version}`, staging, logPath);
      // Moved into place only once built, so a killed build never leaves a half-written binary.
      await rename(join(staging, tool.name), toolPath(tool));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  });
  if (!(await hasTool(tool))) throw new TestbedError('TESTBED_BUILD_FAILED', `Built ${tool.name} does not report ${tool.version}`);
  return toolPath(tool);
}

function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', PATH: `${process.env['PATH'] ?? ''}:/usr/local/go/bin`, ...extra };
}

async function goInstall(target: string, gobin: string, logPath: string): Promise<void> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const args = ['install', '-trimpath', '-ldflags', '-s -w', target];
  log.write(`$ GOBIN=${gobin} go ${args.join(' ')}\n`);
  const started = Date.now();
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const child = spawn('go', args, { env: goEnv({ GOBIN: gobin }), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  log.end(`# finished in ${Math.round((Date.now() - started) / 1000)} s with code ${outcome.code ?? 'none'}\n`);
  await new Promise<void>((resolve) => log.once('close', () => resolve()));
  if (outcome.code !== 0) {
    throw new TestbedError('TESTBED_BUILD_FAILED', `Building ${target} failed; see ${logPath}`, { cause: outcome.error });
  }
}

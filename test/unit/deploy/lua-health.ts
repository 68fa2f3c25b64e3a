// Runs a kind's Argo CD health check, composed as argocd-cm carries it (scripts/gen-install.ts), in gopher-lua,
// the interpreter Argo CD embeds, through the small Go program in test/argocd/lua-runner. Go's build cache
// makes the build after the first one take well under a second.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { healthChecks, healthScript } from '../../../scripts/gen-install.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export interface HealthStatus {
  status: string;
  message: string;
}

export type HealthKind = 'DataActionIntegration' | 'GenesysCloudOrganization' | 'DataAction';

function findGo(): string {
  const candidates = [process.env['GO'], '/usr/local/go/bin/go', '/usr/bin/go'].filter((c): c is string => c !== undefined);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`The Argo CD health tests need Go to build test/argocd/lua-runner; none found at ${candidates.join(', ')} (set GO to its path)`);
  }
  return found;
}

export interface LuaHealth {
  /** The kind's check as argocd-cm carries it, run on obj. */
  readonly assess: (kind: HealthKind, obj: object) => Promise<HealthStatus>;
  /** Any Lua text, run as a check on obj. */
  readonly assessText: (text: string, obj: object) => Promise<HealthStatus>;
}

/** Builds the runner before the file's tests and removes it after. */
export function useLuaHealth(): LuaHealth {
  let workDir = '';
  let runner = '';
  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'lua-runner-'));
    runner = path.join(workDir, 'lua-runner');
    execFileSync(findGo(), ['build', '-o', runner, '.'], { cwd: path.join(repoRoot, 'test/argocd/lua-runner'), stdio: ['ignore', 'ignore', 'pipe'] });
  }, 180_000);
  afterAll(() => {
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });
  let written = 0;
  const assessText = async (text: string, obj: object): Promise<HealthStatus> => {
    const script = path.join(workDir, `check-${(written += 1)}.lua`);
    writeFileSync(script, text);
    const child = promisify(execFile)(runner, [script], { timeout: 10_000 });
    child.child.stdin?.end(JSON.stringify(obj));
    return JSON.parse((await child).stdout) as HealthStatus;
  };
  return {
    assessText,
    assess: async (kind, obj) => {
      const check = healthChecks.find((c) => c.key.endsWith(`_${kind}`));
      if (check === undefined) throw new Error(`No health check for ${kind}`);
      return assessText(healthScript(check.script, repoRoot), obj);
    },
  };
}

// The image runs `node dist/main.js` (Dockerfile): the TypeScript must compile with tsconfig.build.json
// and the emitted ESM (rewritten import extensions included) must load and run.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..', '..');
let outDir: string | undefined;

afterAll(async () => {
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
});

describe('the compiled operator, as the image runs it', () => {
  it('compiles src/ and answers --help from dist/main.js', async () => {
    // Inside the repository, so the emitted modules resolve node_modules as they do in the image.
    outDir = await mkdtemp(join(repoRoot, '.scratch-build-'));
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', outDir], { cwd: repoRoot });
    const { stdout } = await run(process.execPath, [join(outDir, 'main.js'), '--help'], { cwd: repoRoot });
    expect(stdout).toMatch(/^Usage: dataaction-operator/);
    expect(stdout).toContain('--allowed-endpoint-hosts');
  }, 120_000);

  it('refuses a bad flag with the flag named and exit code 2', async () => {
    expect(outDir).toBeDefined();
    const failure = await run(process.execPath, [join(outDir!, 'main.js'), '--concurrency', 'many'], { cwd: repoRoot }).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--concurrency');
  });
});

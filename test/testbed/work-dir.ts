import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning } from './process-liveness.ts';

const prefix = 'dataaction-testbed-';
const ownerFile = 'owner.pid';

/**
 * Creates a temp folder for one control plane, recording the pid of the process it belongs to. A run
 * killed with SIGKILL cannot clean up after itself (its etcd data is about 120 MB), so each new folder
 * first sweeps away those whose owner is gone.
 */
export async function createWorkDir(): Promise<string> {
  await sweepAbandonedWorkDirs();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, ownerFile), String(process.pid));
  return dir;
}

async function sweepAbandonedWorkDirs(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => name.startsWith(prefix))
      .map(async (name) => {
        const dir = join(tmpdir(), name);
        const owner = Number.parseInt(await readFile(join(dir, ownerFile), 'utf8').catch(() => ''), 10);
        // No owner file: a folder this code did not write, or one being created right now; leave it.
        if (Number.isInteger(owner) && owner > 0 && !isRunning(owner)) await rm(dir, { recursive: true, force: true });
      }),
  );
}

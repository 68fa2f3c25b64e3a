import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning } from './process-liveness.ts';
import { TestbedError } from './testbed-error.ts';

export interface LockOptions {
  /** Called once when the lock is held by another live process, so the caller can say why it waits. */
  onWait?: (holderPid: number) => void;
  timeoutMs?: number;
}

/**
 * Runs `work` while holding an exclusive lock file. The file holds the owner's pid; a lock whose owner is
 * gone (a build killed midway) is taken over rather than waited on forever.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLockHolder(lockPath);
    if (holder === undefined || !isRunning(holder)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      options.onWait?.(holder);
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new TestbedError('TESTBED_LOCK_TIMEOUT', `Timed out waiting for lock ${lockPath} held by pid ${holder}`);
    }
    await sleep(1_000);
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function readLockHolder(lockPath: string): Promise<number | undefined> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  if (text === '') {
    // An empty file is an owner between open and write, unless it has stayed empty long enough to be a crash.
    const modified = await stat(lockPath).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    return Date.now() - modified < 10_000 ? process.pid : undefined;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

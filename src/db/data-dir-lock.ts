import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import os from 'node:os';

// One process at a time may open an embedded (PGlite) data directory: PGlite is a single-user
// PostgreSQL with no postmaster to arbitrate, so two processes on one directory silently lose each
// other's writes and can leave it unopenable. The lock is a file beside the directory holding the
// holder's pid, host and start time. A lock whose pid is dead on this host (kill -9, crash, power
// cut) is stale and taken over; a live holder, or one on another host we cannot check, is refused.
//
// Why not proper-lockfile: it proves liveness with an mtime heartbeat (a timer writing to disk every
// few seconds and a 10 s stale window) and records no holder, while the refusal must name the
// holder. A pid check is exact on one host and needs no timer; the directory is local disk.

export interface LockHolder {
  pid: number;
  host: string;
  /** When the holding process started (ISO), to tell a live holder from a reused pid. */
  processStartedAt: string;
  acquiredAt: string;
  dataDir: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database ${holder.dataDir} is in use by process ${holder.pid} on ${holder.host} ` +
        `(started ${holder.processStartedAt}, lock taken ${holder.acquiredAt}). Stop that process, or ` +
        `point PGLITE_DATA_DIR elsewhere. If that process is gone, delete ${lockPath}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

export const lockPathOf = (dataDir: string) => `${dataDir.replace(/[/\\]+$/, '')}.lock`;

const processStartedAt = () => new Date(Date.now() - process.uptime() * 1000);

/** Start time of a process on this host from /proc (Linux); undefined where it cannot be read. */
function startTimeOf(pid: number): Date | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks after boot) follows the parenthesised command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    if (!Number.isFinite(ticks) || btime === undefined) {
      return undefined;
    }
    // USER_HZ is 100 on every Linux architecture Node ships for.
    return new Date(Number(btime) * 1000 + (ticks / 100) * 1000);
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  // Never probe pid 0 or negative pids: kill() would address process groups.
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) {
    return false;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid is in use; it is still our holder unless it started well after the lock's holder did.
  const started = startTimeOf(holder.pid);
  const recorded = Date.parse(holder.processStartedAt);
  return started === undefined || Number.isNaN(recorded) || Math.abs(started.getTime() - recorded) < 5_000;
}

async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(lockPath, 'utf8')) as LockHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    // A torn or empty lock file (the holder died while writing it) holds nobody.
    return { pid: -1, host: os.hostname(), processStartedAt: '', acquiredAt: '', dataDir: '' };
  }
}

/** Creates the lock file atomically (O_EXCL); false when one exists. */
async function tryCreate(lockPath: string, holder: LockHolder): Promise<boolean> {
  try {
    const file = await open(lockPath, 'wx');
    try {
      await file.writeFile(JSON.stringify(holder, null, 2));
      await file.sync();
    } finally {
      await file.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
}

/**
 * Takes the lock of `dataDir` or throws DataDirLockedError naming the live holder. The lock is
 * released by `release()` and, as a last resort, when the process exits normally.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const lockPath = lockPathOf(dataDir);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    processStartedAt: processStartedAt().toISOString(),
    acquiredAt: new Date().toISOString(),
    dataDir,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await tryCreate(lockPath, me)) {
      return held(lockPath, me);
    }
    const holder = await readHolder(lockPath);
    if (!holder) {
      continue; // released between our create and read
    }
    if (holder.pid === process.pid && holder.host === me.host) {
      throw new DataDirLockedError(lockPath, holder); // opened twice in this process
    }
    if (holder.host !== me.host || isAlive(holder)) {
      throw new DataDirLockedError(lockPath, holder);
    }
    // Stale. Move it aside under a name only we use: of two processes taking over at once, only one
    // rename succeeds, so neither deletes a lock the other has just created.
    const aside = `${lockPath}.stale-${process.pid}`;
    try {
      await rename(lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        continue;
      }
      throw error;
    }
    const moved = await readHolder(aside);
    if (moved && (moved.pid !== holder.pid || moved.acquiredAt !== holder.acquiredAt)) {
      // Another process took over between our read and rename: put its fresh lock back.
      await link(aside, lockPath).catch(() => undefined);
    }
    await unlink(aside).catch(() => undefined);
  }
  const holder = await readHolder(lockPath);
  throw new DataDirLockedError(lockPath, holder ?? me);
}

function held(lockPath: string, me: LockHolder): DataDirLock {
  let released = false;
  const releaseSync = () => {
    if (!released) {
      released = true;
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', releaseSync);
  return {
    path: lockPath,
    release: async () => {
      process.removeListener('exit', releaseSync);
      if (released) {
        return;
      }
      released = true;
      // Only remove the file if it is still ours (an operator may have deleted and re-created it).
      const holder = await readHolder(lockPath);
      if (holder?.pid === me.pid && holder.host === me.host) {
        await unlink(lockPath).catch(() => undefined);
      }
    },
  };
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, lockPathOf } from '../../src/db/data-dir-lock';

describe(lockDataDir.name, () => {
  let root: string;
  let dataDir: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rollcall-lock-'));
    dataDir = path.join(root, 'pglite');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('writes the holder, refuses a second taker and releases', async () => {
    const lock = await lockDataDir(dataDir);
    const holder = JSON.parse(await readFile(lockPathOf(dataDir), 'utf8')) as { processStartedAt: string };
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname(), dataDir });
    expect(Date.parse(holder.processStartedAt)).toBeLessThanOrEqual(Date.now());
    await expect(lockDataDir(dataDir)).rejects.toBeInstanceOf(DataDirLockedError);
    await lock.release();
    expect(existsSync(lockPathOf(dataDir))).toBe(false);
    await (await lockDataDir(dataDir)).release();
  });

  it('takes over the lock of a dead process', async () => {
    // A real pid that has exited: spawnSync waits for it.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(
      lockPathOf(dataDir),
      JSON.stringify({
        pid: dead,
        host: os.hostname(),
        processStartedAt: new Date().toISOString(),
        acquiredAt: '',
        dataDir,
      }),
    );
    const lock = await lockDataDir(dataDir);
    expect(JSON.parse(await readFile(lockPathOf(dataDir), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a torn lock file, and a live pid that is not the recorded process (pid reuse)', async () => {
    await writeFile(lockPathOf(dataDir), '{"pid": 12');
    await (await lockDataDir(dataDir)).release();
    // Our parent is alive but started well before this "holder" claims to have started (a minute
    // after its real start: "now" is not enough when the test runs within seconds of its parent).
    const parentStarted = Date.parse(startOf(process.ppid) ?? new Date().toISOString());
    await writeFile(
      lockPathOf(dataDir),
      JSON.stringify({
        pid: process.ppid,
        host: os.hostname(),
        processStartedAt: new Date(parentStarted + 60_000).toISOString(),
        acquiredAt: '',
        dataDir,
      }),
    );
    await (await lockDataDir(dataDir)).release();
  });

  it('refuses a live holder and one on another host, naming them', async () => {
    const started = new Date(Date.now() - process.uptime() * 1000).toISOString();
    // A live process (our parent); its real start time is read from /proc.
    const parentStart = startOf(process.ppid) ?? started;
    await writeFile(
      lockPathOf(dataDir),
      JSON.stringify({
        pid: process.ppid,
        host: os.hostname(),
        processStartedAt: parentStart,
        acquiredAt: 'x',
        dataDir,
      }),
    );
    await expect(lockDataDir(dataDir)).rejects.toThrow(`process ${process.ppid} on ${os.hostname()}`);
    await writeFile(
      lockPathOf(dataDir),
      JSON.stringify({ pid: 1, host: 'other-host', processStartedAt: started, acquiredAt: 'x', dataDir }),
    );
    await expect(lockDataDir(dataDir)).rejects.toThrow('process 1 on other-host');
  });
});

/** The start time of a live process as ps reports it (independent of the module's /proc reading). */
function startOf(pid: number): string | undefined {
  const out = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  const at = Date.parse(out);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockPathOf } from '../../src/db/data-dir-lock';
import { openDatabase, type Database } from '../../src/db/data-source';

// The embedded database survives kill -9 in the middle of writes, and only one process may open a
// data directory. Real processes, real SIGKILL: a child writes through the compiled openDatabase and
// prints each course code once its INSERT has returned.

const WRITER = path.resolve(__dirname, '..', 'fixtures', 'processes', 'pglite-writer.mjs');

interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching, or rejects when the child exits first. */
  waitFor(match: (line: string, all: string[]) => boolean, timeoutMs: number): Promise<string>;
  exited: Promise<number | null>;
}

function startWriter(dataDir: string, mode: 'write' | 'hold' = 'write'): Child {
  const child = spawn(process.execPath, [WRITER, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiters.forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    waitFor: (match, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => match(l, lines));
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(
          () => reject(new Error(`child said ${JSON.stringify(lines.slice(-3))} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push(check);
        void exited.then(() => {
          check();
          clearTimeout(timer);
          reject(new Error(`child exited: ${JSON.stringify(lines.slice(-3))}`));
        });
        check();
      }),
  };
}

describe('embedded database safety', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) {
      await step().catch(() => undefined);
    }
  });

  it('keeps every committed row after kill -9 mid-write, and refuses a second process naming the holder', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'rollcall-pglite-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const dataDir = path.join(root, 'db');

    const writer = startWriter(dataDir);
    cleanup.push(() => Promise.resolve(writer.process.kill('SIGKILL')));
    await writer.waitFor((_, all) => all.filter((l) => l.startsWith('COMMITTED')).length >= 40, 150_000);
    // While it writes, a second process on the same directory is refused with the holder named.
    const holderPid = writer.process.pid!;
    const second = startWriter(dataDir);
    const refusal = await second.waitFor((l) => l.startsWith('REFUSED'), 60_000);
    expect(await second.exited).toBe(3);
    expect(refusal).toContain(`process ${holderPid} on ${os.hostname()}`);

    writer.process.kill('SIGKILL');
    expect(await writer.exited).toBeNull(); // killed by the signal, not exited
    const committed = writer.lines.filter((l) => l.startsWith('COMMITTED ')).map((l) => l.slice(10));
    expect(committed.length).toBeGreaterThanOrEqual(40);
    // The dead writer's lock is still there; it is stale and gets taken over.
    expect(JSON.parse(await readFile(lockPathOf(dataDir), 'utf8'))).toMatchObject({ pid: holderPid });

    const db: Database = await openDatabase({ pgliteDataDir: dataDir, runMigrations: true });
    cleanup.push(() => db.close());
    expect(JSON.parse(await readFile(lockPathOf(dataDir), 'utf8'))).toMatchObject({ pid: process.pid });
    const rows: { code: string }[] = await db.dataSource.query(`SELECT code FROM course WHERE code LIKE $1`, [
      `K${holderPid}-%`,
    ]);
    const stored = new Set(rows.map((r) => r.code));
    const lost = committed.filter((c) => !stored.has(c));
    expect(lost).toEqual([]);
    // At most the one INSERT in flight at the kill may have landed without being reported.
    expect(stored.size - committed.length).toBeLessThanOrEqual(1);

    // This process holds it now: a second open here is refused as well, naming this process.
    const again = openDatabase({ pgliteDataDir: dataDir, runMigrations: false });
    await expect(again).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(again).rejects.toThrow(`process ${process.pid} on ${os.hostname()}`);

    await db.close();
    cleanup.pop();
    expect(existsSync(lockPathOf(dataDir))).toBe(false);
  }, 300_000);
});

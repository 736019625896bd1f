import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// Throwaway PostgreSQL and Redis servers that a test owns, so it can stop, kill and pause them
// without touching the machine's own services. PostgreSQL is a fresh cluster (initdb + pg_ctl) in a
// temp directory; Redis is a child redis-server without persistence. Both listen on 127.0.0.1 on a
// free port, kept across restarts so clients reconnect to the same address.

const run = promisify(execFile);

/** A free TCP port on 127.0.0.1 (optionally inside [from, to]). */
export async function freePort(range?: [number, number]): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: got } = server.address() as net.AddressInfo;
        server.close(() => resolve(got));
      });
    });
  if (range) {
    const [from, to] = range;
    const start = from + Math.floor(Math.random() * (to - from));
    for (let i = 0; i <= to - from; i++) {
      const port = from + ((start - from + i) % (to - from + 1));
      const got = await tryPort(port);
      if (got) {
        return got;
      }
    }
  }
  const got = await tryPort(0);
  if (!got) {
    throw new Error('no free port');
  }
  return got;
}

/** Ports from THROWAWAY_PORTS=from-to when set (shared machines give each user a range). */
function portRange(): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(process.env.THROWAWAY_PORTS ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** PostgreSQL's server binaries: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) {
    return process.env.PG_BIN;
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) {
      return path.join(root, versions[0], 'bin');
    }
  }
  return '';
}

/** PostgreSQL refuses to run as root: run its tools as the `postgres` user then. */
const asRoot = () => process.getuid?.() === 0;
function pgCommand(bin: string, args: string[]): [string, string[]] {
  const exe = postgresBinDir() ? path.join(postgresBinDir(), bin) : bin;
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
}

async function pg(bin: string, args: string[]): Promise<string> {
  const [cmd, argv] = pgCommand(bin, args);
  const { stdout } = await run(cmd, argv, { timeout: 60_000 });
  return stdout;
}

export interface ThrowawayPostgres {
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: sessions are cut, the server is gone until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes the cluster. */
  destroy(): Promise<void>;
}

export async function startThrowawayPostgres(database = 'rollcall'): Promise<ThrowawayPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-pg-'));
  if (asRoot()) {
    await chown(dir, ...(await postgresIds()));
  }
  const data = path.join(dir, 'data');
  const port = await freePort(portRange());
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  let running = false;
  const handle: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    start: async () => {
      await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
      running = true;
    },
    stop: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    destroy: async () => {
      if (running) {
        await handle.stop().catch(() => undefined);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  await pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
  return handle;
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return [Number(uid.trim()), Number(gid.trim())];
}

export interface ThrowawayRedis {
  url: string;
  port: number;
  /** SIGKILL: the server and everything in it are gone until start(). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open and nothing answers. */
  pause(): void;
  resume(): void;
  destroy(): Promise<void>;
}

/** Resolves when something on the port answers PING with PONG. */
async function redisAnswers(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
      socket.setTimeout(500, () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis on port ${port} did not answer within ${timeoutMs} ms`);
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort(portRange());
  const binary = process.env.REDIS_SERVER ?? 'redis-server';
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const handle: ThrowawayRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    start: async () => {
      child = spawn(
        binary,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--loglevel',
          'warning',
        ],
        { stdio: 'ignore' },
      );
      await redisAnswers(port, 10_000);
    },
    kill: async () => {
      const dying = child;
      child = undefined;
      if (dying && dying.exitCode === null) {
        const exited = new Promise((r) => dying.once('exit', r));
        dying.kill('SIGCONT');
        dying.kill('SIGKILL');
        await exited;
      }
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    destroy: async () => {
      await handle.kill();
      process.removeListener('exit', killOnExit);
    },
  };
  await handle.start();
  return handle;
}

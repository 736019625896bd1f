import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// Starts the real Rollcall server (embedded PGlite in memory, real inference) and, when the server
// does not serve the dashboard itself yet, a tiny same-origin front that serves client/out and
// forwards /graphql (HTTP and WebSocket), /media and health checks to it.

export const CLIENT_DIR = path.resolve(import.meta.dirname, '..');
export const REPO_DIR = path.resolve(CLIENT_DIR, '..');
export const OUT_DIR = path.join(CLIENT_DIR, 'out');
export const FACES_DIR = path.resolve(REPO_DIR, '../shared/faces');
export const SCREENSHOT_DIR = path.join(REPO_DIR, 'docs/screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(url: string, timeoutMs: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`server exited with ${proc.exitCode} before it was ready`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

export interface Stack {
  /** Where the browser goes: the server itself, or the same-origin front. */
  baseUrl: string;
  serverUrl: string;
  sameOriginServer: boolean;
  stopServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  if (!existsSync(path.join(OUT_DIR, 'index.html'))) {
    throw new Error('client/out is missing: run `npm run build` in client/ first');
  }
  if (process.env.E2E_SKIP_SERVER_BUILD !== '1') {
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_DIR, stdio: 'inherit' });
    if (build.status !== 0) {
      throw new Error('server build failed');
    }
  }
  const storage = mkdtempSync(path.join(tmpdir(), 'rollcall-e2e-'));
  const port = await freePort();
  const server = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: REPO_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PGLITE_DATA_DIR: 'memory://',
      STORAGE_DIR: storage,
      INFERENCE_WORKERS: '1',
      // A metrics snapshot every second, so the monitoring page gets live updates quickly.
      METRICS_INTERVAL_MS: '1000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      CLIENT_DIR: OUT_DIR,
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const serverUrl = `http://127.0.0.1:${port}`;
  const stopServer = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) {
        server.kill('SIGKILL');
      }
    }
  };
  try {
    await waitFor(`${serverUrl}/healthz`, 120_000, server);
    await waitFor(`${serverUrl}/readyz`, 180_000, server);
  } catch (error) {
    await stopServer();
    throw error;
  }

  const index = await fetch(`${serverUrl}/courses/`).catch(() => null);
  const sameOriginServer = Boolean(index?.ok && (await index.text()).includes('<html'));
  let front: http.Server | null = null;
  let baseUrl = serverUrl;
  if (!sameOriginServer) {
    const frontPort = await freePort();
    front = startFront(frontPort, port);
    baseUrl = `http://127.0.0.1:${frontPort}`;
    console.log(`# the server does not serve client/out yet; using a same-origin front at ${baseUrl}`);
  }
  return {
    baseUrl,
    serverUrl,
    sameOriginServer,
    stopServer,
    async close() {
      await stopServer();
      await new Promise((r) => (front ? front.close(r) : r(undefined)));
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const PROXIED = /^\/(graphql|media|healthz|readyz|metrics)(\/|\?|$)/;

function startFront(port: number, apiPort: number): http.Server {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (PROXIED.test(url.pathname)) {
      const upstream = http.request(
        { host: '127.0.0.1', port: apiPort, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502).end();
      });
      req.pipe(upstream);
      return;
    }
    let file = path.join(OUT_DIR, decodeURIComponent(url.pathname));
    if (!file.startsWith(OUT_DIR)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      file = path.join(file, 'index.html');
    }
    if (!existsSync(file)) {
      file = path.join(OUT_DIR, '404.html');
      res.statusCode = 404;
    }
    res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  // WebSocket upgrades (graphql-ws) are piped through as raw TCP.
  server.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(apiPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.listen(port, '127.0.0.1');
  return server;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export function facePhotos(person: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => path.join(FACES_DIR, 'people', person, `${i + 1}.jpg`));
}

export function groupPhoto(name: string): string {
  return path.join(FACES_DIR, 'groups', name);
}

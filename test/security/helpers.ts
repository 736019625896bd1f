import { Writable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import { pino } from 'pino';
import WebSocket from 'ws';
import { createInferenceEngine, type InferenceEngine } from '../../src/inference';
import { LOG_REDACTION, type Logger } from '../../src/observability/logger';
import { startTestApp, type TestApp } from '../setup/harness';

// The attacker's tools: apps in production mode (on PostgreSQL + Redis when DATABASE_URL/REDIS_URL
// are set, as CI's second run does; embedded otherwise), a raw graphql-transport-ws client that
// sees every close code, and a log sink to read what the server wrote.

export const PRODUCTION = {
  NODE_ENV: 'production',
  DEV_LOGIN: 'false',
  LOG_LEVEL: 'warn',
  INFERENCE_WORKERS: '1',
  RETENTION_DAYS: '0',
  ALERTS_ENABLED: 'false',
  SUBMIT_WAIT_MS: '30000',
  GRAPHQL_INTROSPECTION: '',
};

/** Everything the apps of one test file log, as parsed JSON lines. */
export class LogSink {
  readonly lines: string[] = [];
  readonly logger: Logger;

  constructor() {
    const stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    this.logger = pino({ level: 'info', ...LOG_REDACTION, base: { app: 'rollcall' } }, stream);
  }

  text(): string {
    return this.lines.join('\n');
  }
}

let engine: InferenceEngine | undefined;
/** One inference pool for every app of a file: apps start in a second or two. */
export function sharedEngine(): InferenceEngine {
  engine ??= createInferenceEngine({
    workers: 1,
    maxPixels: 50_000_000,
    maxDimension: 1920,
    minDetectionScore: 0.4,
    minFaceSize: 20,
    tileMinDimension: 2400,
    tileSize: 800,
  });
  return engine;
}

export async function closeSharedEngine(): Promise<void> {
  await engine?.close();
  engine = undefined;
}

export function startProductionApp(
  overrides: Record<string, string> = {},
  logger?: Logger,
): Promise<TestApp> {
  const env: Record<string, string> = { ...PRODUCTION, ...overrides };
  if (env.GRAPHQL_INTROSPECTION === '') {
    delete env.GRAPHQL_INTROSPECTION;
  }
  // startTestApp spreads process.env first; an inherited GRAPHQL_INTROSPECTION must not turn it on.
  delete process.env.GRAPHQL_INTROSPECTION;
  return startTestApp(env, { engine: sharedEngine(), logger });
}

export interface WsMessage {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A raw graphql-transport-ws connection: every message and the close code are visible. */
export class RawSocket {
  readonly messages: WsMessage[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocket;
  private waiters: (() => void)[] = [];
  private next = 0;

  constructor(url: string) {
    this.socket = new WebSocket(url, 'graphql-transport-ws');
    this.socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as WsMessage);
      this.waiters.forEach((w) => w());
    });
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.waiters.forEach((w) => w());
      });
    });
  }

  static async open(url: string, payload: Record<string, unknown> | undefined): Promise<RawSocket> {
    const s = new RawSocket(url);
    await new Promise<void>((resolve, reject) => {
      s.socket.once('open', () => resolve());
      s.socket.once('error', reject);
    });
    if (payload) {
      s.send({ type: 'connection_init', payload });
      await s.waitFor((m) => m.type === 'connection_ack', 5000);
    }
    return s;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: WsMessage | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a subscribe message; resolves with its id. */
  subscribe(query: string, variables: Record<string, unknown> = {}): string {
    const id = String(++this.next);
    this.send({ id, type: 'subscribe', payload: { query, variables } });
    return id;
  }

  /** Waits for a message matching `match` (or the close); null when it did not come in time. */
  async waitFor(match: (m: WsMessage) => boolean, timeoutMs = 5000): Promise<WsMessage | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) {
        return found;
      }
      if (this.socket.readyState === WebSocket.CLOSED || Date.now() > deadline) {
        return null;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  /** The first next/error of operation `id`. */
  result(id: string, timeoutMs = 5000): Promise<WsMessage | null> {
    return this.waitFor((m) => m.id === id && (m.type === 'next' || m.type === 'error'), timeoutMs);
  }

  close(): void {
    this.socket.close(1000);
  }
}

/** The codes of a `next` (errors in the result) or `error` (errors as the payload) message. */
export function wsCodes(message: WsMessage | null): (string | undefined)[] {
  if (!message) {
    return ['NO_MESSAGE'];
  }
  const errors =
    message.type === 'error'
      ? (message.payload as { extensions?: { code?: string } }[])
      : ((message.payload as { errors?: { extensions?: { code?: string } }[] }).errors ?? []);
  return errors.map((e) => e.extensions?.code);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A valid 1-bit PNG of `width` x `height` white-ish pixels: 7000x7000 is about 6 KB, the "tiny
 * file, huge dimensions" upload of issue #12.
 */
export function tinyHugePng(width: number, height: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let x = 0xffffffff;
    for (const b of buf) {
      x = table[(x ^ b) & 0xff]! ^ (x >>> 8);
    }
    return (x ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((Math.ceil(width / 8) + 1) * height);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A GIF whose header declares `width` x `height` (a few dozen bytes). */
export function tinyHugeGif(width: number, height: number, salt = 0): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x80; // global colour table of 2 entries
  const image = Buffer.alloc(10);
  image[0] = 0x2c;
  image.writeUInt16LE(width, 5);
  image.writeUInt16LE(height, 7);
  return Buffer.concat([
    Buffer.from('GIF89a', 'ascii'),
    screen,
    Buffer.from([0, 0, 0, 255, 255, salt & 255]),
    image,
    Buffer.from([2, 2, 0x4c, 0x01, 0, 0x3b]),
  ]);
}

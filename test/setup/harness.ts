import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startApp, type App, type AppOptions } from '../../src/app';
import { parseEnv } from '../../src/config/env';

export const FACES_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');

/** Where to send operations, and as whom. */
export interface Endpoint {
  url: string;
  wsUrl: string;
  /** `Authorization` header value, e.g. `Bearer <jwt>` or `ApiKey <key>`; none = anonymous. */
  authorization?: string;
  /** The serving instance's count of live subscriptions, so a subscriber knows when it is listening. */
  liveSubscriptions?: () => number;
}

export interface TestApp extends App {
  storageDir: string;
  /** Signed in as an admin of the default institution. */
  api: Endpoint;
  /** No credentials. */
  anonymous: Endpoint;
  /** Creates an institution (if needed) and an admin of it, signed in. */
  adminOf(institution: string): Promise<Endpoint>;
  /** Signs in an existing user. */
  login(email: string, password: string): Promise<Endpoint>;
  stop(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery';
/** Tokens must verify on every instance of a test (as in production, one shared secret). */
const TEST_AUTH_SECRET = 'rollcall-test-secret-0123456789abcdef';

const unique = () => Math.random().toString(36).slice(2, 10);

/**
 * Starts the real server on a free port. Embedded (in-memory PGlite, in-process pub/sub) unless
 * DATABASE_URL / REDIS_URL are set in the environment, as CI does for its second run.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-test-'));
  const env = parseEnv({
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PGLITE_DATA_DIR: 'memory://',
    STORAGE_DIR: storageDir,
    // Tests inspect the files under storageDir; tests of several instances ask for the database driver.
    STORAGE_DRIVER: process.env.STORAGE_DRIVER ?? 'file',
    INFERENCE_WORKERS: process.env.INFERENCE_WORKERS ?? '2',
    AUTH_SECRET: TEST_AUTH_SECRET,
    DEV_LOGIN: 'false',
    // Tests fire requests faster than any person; limits get their own tests.
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    INFERENCE_BUDGET_PER_MINUTE: '1000000',
    INFERENCE_BUDGET_TOTAL_PER_MINUTE: '1000000',
    ...overrides,
  });
  const app = await startApp(env, options);
  const anonymous: Endpoint = {
    url: app.url,
    wsUrl: app.wsUrl,
    liveSubscriptions: () => app.liveSubscriptions(),
  };
  // Through the service, not HTTP: a test's own sign-ins must not spend the per-address request
  // budget that several instances share through Redis (login over HTTP has its own tests).
  const login = async (email: string, password: string): Promise<Endpoint> => {
    const { accessToken } = await app.auth.login(email, password, 'test-harness');
    return { ...anonymous, authorization: `Bearer ${accessToken}` };
  };
  const adminOf = async (institution: string): Promise<Endpoint> => {
    const email = `admin-${unique()}@${institution}.test`;
    await app.auth.bootstrapAdmin(institution, {
      email,
      name: `Admin of ${institution}`,
      password: TEST_PASSWORD,
    });
    return login(email, TEST_PASSWORD);
  };
  return {
    ...app,
    anonymous,
    api: await adminOf('default'),
    adminOf,
    login,
    storageDir,
    stop: async () => {
      await app.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

export interface GqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GqlResult<T> {
  data?: T | null;
  errors?: GqlError[];
}

const authHeaders = (endpoint: Endpoint): Record<string, string> =>
  endpoint.authorization ? { authorization: endpoint.authorization } : {};

export async function gql<T = Record<string, unknown>>(
  endpoint: Endpoint,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(endpoint) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as GqlResult<T>;
  } catch {
    throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
  }
}

/** Like gql but fails the test on any error. */
export async function gqlOk<T = Record<string, unknown>>(
  url: Endpoint,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await gql<T>(url, query, variables);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

export interface UploadFile {
  name: string;
  data: Uint8Array;
  type?: string;
}

/**
 * A GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * `files` maps variable paths such as `photo` or `photos.0` to files.
 */
export async function gqlUpload<T = Record<string, unknown>>(
  endpoint: Endpoint,
  query: string,
  variables: Record<string, unknown>,
  files: Record<string, UploadFile>,
): Promise<GqlResult<T> & { status: number }> {
  const form = new FormData();
  const vars = structuredClone(variables);
  const map: Record<string, string[]> = {};
  Object.keys(files).forEach((varPath, i) => {
    map[String(i)] = [`variables.${varPath}`];
    setPath(vars, varPath, null);
  });
  form.append('operations', JSON.stringify({ query, variables: vars }));
  form.append('map', JSON.stringify(map));
  Object.values(files).forEach((file, i) => {
    form.append(String(i), new Blob([file.data], { type: file.type ?? 'image/jpeg' }), file.name);
  });
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'Apollo-Require-Preflight': 'true', ...authHeaders(endpoint) },
    body: form,
  });
  const text = await res.text();
  try {
    return { ...(JSON.parse(text) as GqlResult<T>), status: res.status };
  } catch {
    throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= /^\d+$/.test(parts[parts.indexOf(part) + 1] ?? '') ? [] : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

export function face(relative: string): Promise<Buffer> {
  return readFile(path.join(FACES_DIR, relative));
}

/** Each client's server-side count of live subscriptions (see collect's `ready`). */
const liveCounts = new WeakMap<Client, () => number>();
/** Per server: subscriptions asked for and not yet seen live, so parallel subscribers each wait for theirs. */
const awaiting = new WeakMap<() => number, { count: number }>();

export function wsClient(endpoint: Endpoint): Client {
  const client = createClient({
    url: endpoint.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: endpoint.authorization ? { authorization: endpoint.authorization } : {},
  });
  if (endpoint.liveSubscriptions) {
    liveCounts.set(client, endpoint.liveSubscriptions);
  }
  return client;
}

/**
 * Resolves once the server counts one more live subscription than it had (plus those still awaited),
 * i.e. once the server is listening for this one's events; or when `settled` does (a refused one).
 * graphql-ws sends no acknowledgement per subscription, so the server's own count is the signal.
 */
function listening(client: Client, settled: Promise<unknown>): Promise<void> {
  const live = liveCounts.get(client);
  if (!live) {
    return new Promise<void>((resolve) => client.on('connected', () => resolve()));
  }
  let pending = awaiting.get(live);
  if (!pending) {
    pending = { count: 0 };
    awaiting.set(live, pending);
  }
  const target = live() + pending.count + 1;
  pending.count++;
  const waiting = pending;
  return new Promise<void>((resolve) => {
    let over = false;
    const finish = () => {
      if (!over) {
        over = true;
        waiting.count--;
        resolve();
      }
    };
    void settled.finally(finish);
    const poll = () => {
      if (over) {
        return;
      }
      if (live() >= target) {
        finish();
      } else {
        setTimeout(poll, 5);
      }
    };
    poll();
  });
}

/** Collects subscription events until `until` returns true or the timeout passes. */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  until: (events: T[]) => boolean,
  timeoutMs = 60_000,
): { done: Promise<T[]>; ready: Promise<void>; errors: GqlError[] } {
  const events: T[] = [];
  const errors: GqlError[] = [];
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`timed out with ${events.length} events: ${JSON.stringify(events).slice(0, 500)}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      dispose();
      resolve(events);
    };
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) {
            errors.push(...(value.errors as GqlError[]));
            finish();
            return;
          }
          events.push(value.data as T);
          if (until(events)) {
            finish();
          }
        },
        error: (err) => {
          errors.push(...(Array.isArray(err) ? (err as GqlError[]) : [{ message: String(err) }]));
          finish();
        },
        complete: () => finish(),
      },
    );
  });
  return {
    done,
    ready: listening(
      client,
      done.catch(() => undefined),
    ),
    errors,
  };
}

export const codesOf = (result: { errors?: GqlError[] }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

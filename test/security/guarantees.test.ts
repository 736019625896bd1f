import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parse } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { canOnCourse, CourseAction, courseFilter, type CourseRef } from '../../src/auth/access';
import { createRateLimiters } from '../../src/auth/rate-limit';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { devLoginEnabled, parseEnv } from '../../src/config/env';
import { ApiScope } from '../../src/entities/api-key.entity';
import { Role } from '../../src/entities/user.entity';
import { createLogger, redactError } from '../../src/observability/logger';
import { connectRedis, createRedisClient } from '../../src/redis/client';
import { findUnsafeArgument, findUnsafeText } from '../../src/schema/safe-text';
import { InferenceBudget, inferenceCost } from '../../src/services/inference-budget';

// The security guarantees that need no running server: configuration refusals, the rate limiter's
// fallback when Redis dies, the list filter agreeing with the access rule, the cost model, redaction.

const SECRET = 'x'.repeat(40);

describe('DEV_LOGIN never creates the development admin in production or on a real database', () => {
  it('refuses DEV_LOGIN=true at boot with a clear message', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', AUTH_SECRET: SECRET, DEV_LOGIN: 'true' })).toThrow(
      /DEV_LOGIN: true is refused in production and with DATABASE_URL/,
    );
    expect(() => parseEnv({ DATABASE_URL: 'postgres://u@db:5432/x', DEV_LOGIN: 'true' })).toThrow(
      /DEV_LOGIN/,
    );
  });

  it('keeps it off for auto in production and with DATABASE_URL, on for the embedded default', () => {
    expect(devLoginEnabled(parseEnv({ NODE_ENV: 'production', AUTH_SECRET: SECRET }))).toBe(false);
    expect(devLoginEnabled(parseEnv({ DATABASE_URL: 'postgres://u@db:5432/x' }))).toBe(false);
    expect(devLoginEnabled(parseEnv({}))).toBe(true);
    expect(devLoginEnabled(parseEnv({ DEV_LOGIN: 'false' }))).toBe(false);
  });
});

describe('lists and single records share one access rule', () => {
  const inst = '11111111-1111-4111-8111-111111111111';
  const other = '22222222-2222-4222-8222-222222222222';
  const courses: CourseRef[] = [
    { id: 'c1', institutionId: inst, teacherId: 't1' },
    { id: 'c2', institutionId: inst, teacherId: 't2' },
    { id: 'c3', institutionId: inst, teacherId: null },
    { id: 'c4', institutionId: other, teacherId: 't1' },
  ];
  const viewers: AuthenticatedViewer[] = [
    { kind: 'user', userId: 't1', institutionId: inst, role: Role.TEACHER, email: 't1@x' },
    { kind: 'user', userId: 'a1', institutionId: inst, role: Role.ADMIN, email: 'a1@x' },
    { kind: 'system', institutionId: inst },
    ...[
      [ApiScope.ATTENDANCE_READ],
      [ApiScope.PHOTOS_SUBMIT],
      [ApiScope.ATTENDANCE_READ, ApiScope.PHOTOS_SUBMIT],
    ].flatMap((scopes) =>
      [null, 'c2'].map((courseId): AuthenticatedViewer => ({
        kind: 'apiKey',
        keyId: 'k',
        institutionId: inst,
        name: 'k',
        scopes,
        courseId,
      })),
    ),
  ];
  const matches = (filter: ReturnType<typeof courseFilter>, c: CourseRef) =>
    filter !== null &&
    filter.institutionId === c.institutionId &&
    (filter.teacherId === undefined || filter.teacherId === c.teacherId) &&
    (filter.id === undefined || filter.id === c.id);

  it('courseFilter admits exactly the courses canOnCourse allows, for every viewer and action', () => {
    for (const viewer of viewers) {
      for (const action of Object.values(CourseAction)) {
        for (const c of courses) {
          expect([viewer, action, c.id, matches(courseFilter(viewer, action), c)]).toEqual([
            viewer,
            action,
            c.id,
            canOnCourse(viewer, c, action),
          ]);
        }
      }
    }
  });
});

describe('inference cost', () => {
  const config = {
    maxPhotoPixels: 25_000_000,
    tileMinDimension: 2400,
    tileSize: 800,
    tiledMaxDimension: 4096,
  };

  it('prices a tiled 4000x4000 photo at ~50 detector passes and an untiled 1920x1080 one at 2 units', () => {
    expect(inferenceCost(4000, 4000, config)).toEqual({ pixels: 16_000_000, tiles: 49, units: 58 });
    expect(inferenceCost(1920, 1080, config).units).toBe(3);
    expect(inferenceCost(1920, 1080, config).tiles).toBe(0);
  });

  it('refuses over the per-photo pixel cap, then charges callers and the platform separately', async () => {
    const limiters = createRateLimiters({ requestsPerMinute: 10, loginsPerMinute: 10 });
    const dims = new Map<number, { width: number; height: number }>([
      [1, { width: 7000, height: 7000 }],
      [2, { width: 4000, height: 4000 }],
    ]);
    const budget = new InferenceBudget(
      (bytes) => Promise.resolve(dims.get(bytes[0]!)!),
      config,
      limiters.budget('test-caller', 100),
      limiters.budget('test-all', 150),
    );
    await expect(budget.admit('a', [Uint8Array.of(1)])).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await budget.admit('a', [Uint8Array.of(2)]);
    await expect(budget.admit('a', [Uint8Array.of(2)])).rejects.toMatchObject({
      code: 'INFERENCE_BUDGET_EXCEEDED',
      details: { retryAfter: expect.any(Number) as number },
    });
    await budget.admit('b', [Uint8Array.of(2)]);
    // a: 58 + 58 (refused, still spent), b: 58: the platform's 150 is spent, for everyone.
    await expect(budget.admit('c', [Uint8Array.of(2)])).rejects.toThrow(/platform/);
    await limiters.close();
  });
});

describe('log redaction covers error objects', () => {
  it('drops the parameters and pg detail of a failed statement, keeping what explains it', () => {
    const driverError = Object.assign(new Error('new row violates check constraint "x"'), {
      code: '23514',
      detail: 'Failing row contains (id, jo@school.test, $argon2id$v=19$...)',
      constraint: 'x',
    });
    const error = new QueryFailedError(
      'INSERT INTO app_user VALUES ($1, $2, $3)',
      ['id', 'jo@school.test', '$argon2id$v=19$'],
      driverError,
    );
    const text = JSON.stringify(redactError(error));
    expect(text).toContain('check constraint');
    expect(text).toContain('INSERT INTO app_user');
    expect(text).not.toContain('jo@school.test');
    expect(text).not.toContain('argon2id');
  });
});

describe('text arguments', () => {
  it('finds control characters and broken UTF-16 anywhere in nested inputs, allowing tabs and line breaks', () => {
    expect(findUnsafeText({ a: [{ b: 'ok\n\tline' }] }, 'input')).toBeNull();
    expect(findUnsafeText({ a: [{ b: 'nul\u0000' }] }, 'input')).toBe('input.a.0.b');
    expect(findUnsafeText('\u001b[2J', 'note')).toBe('note');
    expect(findUnsafeText('\ud800', 'name')).toBe('name');
    expect(findUnsafeText('emoji \ud83d\ude00 ok', 'name')).toBeNull();
    expect(findUnsafeText(Promise.resolve('\u0000'), 'upload')).toBeNull();
  });

  it('checks every argument of an operation: literals, variables, nested inputs, fragments and defaults', () => {
    const op = (query: string, variables?: Record<string, unknown>) =>
      findUnsafeArgument(parse(query), variables);
    expect(op('{ course(id: "abc") { id } }')).toBeNull();
    expect(op('{ course(id: "abc\\u0000") { id } }')).toBe('id');
    expect(op('mutation($i: In!) { m(input: $i) { id } }', { i: { note: 'a\nb', tags: ['x'] } })).toBeNull();
    expect(op('mutation($i: In!) { m(input: $i) { id } }', { i: { tags: ['x', 'y\u0007'] } })).toBe(
      'input.tags.1',
    );
    expect(
      op('mutation($n: String) { m(input: { notes: [{ text: $n }] }) { id } }', { n: '\u001b[2J' }),
    ).toBe('input.notes.0.text');
    expect(op('{ ...F } fragment F on Query { s(q: "\\u0007") { id } }')).toBe('q');
    expect(op('query($q: String = "\\u0000") { s(q: $q) { id } }')).toBe('$q');
    expect(op('{ s(limit: 3, on: true, kind: A, q: null) { id } }')).toBeNull();
  });
});

/** A free port in this helper's range (22000-22999), so parallel sessions do not collide. */
/** A command client as the app builds it (fail fast while disconnected), connected when it can be. */
async function redisClient(port: number) {
  const client = createRedisClient(`redis://127.0.0.1:${port}/0`, {
    name: 'rate-limit-test',
    role: 'command',
    logger: createLogger('silent'),
    commandTimeoutMs: 500,
  });
  await connectRedis(client, 1_000);
  return client;
}

async function freePort(): Promise<number> {
  for (let port = 22000 + Math.floor(Math.random() * 900); port < 23000; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      return port;
    }
  }
  throw new Error('no free port');
}

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!hasRedisServer)('rate limiting when Redis fails (needs redis-server on PATH)', () => {
  let redis: ChildProcess | undefined;
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('keeps limiting in memory and never fails a request when Redis is killed or unreachable', async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 400));
    const client = await redisClient(port);
    const limiters = createRateLimiters({ requestsPerMinute: 3, loginsPerMinute: 3 }, client);
    try {
      expect(await limiters.request('user:a')).toBe(0);
      redis.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      const waits: number[] = [];
      for (let i = 0; i < 5; i++) {
        waits.push(await limiters.request('user:b'));
      }
      expect(Date.now() - started).toBeLessThan(3000);
      // The in-memory limiter took over: three pass, then the caller waits.
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(0);
      expect(await limiters.login.consume('victim|1.2.3.4')).toBe(0);
    } finally {
      await limiters.close();
      client.disconnect();
    }
    // Redis already gone when the limiters are made (a server started during an outage).
    const gone = await redisClient(port);
    const unreachable = createRateLimiters({ requestsPerMinute: 1, loginsPerMinute: 1 }, gone);
    try {
      expect(await unreachable.request('ip:x')).toBe(0);
      expect(await unreachable.request('ip:x')).toBeGreaterThan(0);
    } finally {
      await unreachable.close();
      gone.disconnect();
    }
  });
});

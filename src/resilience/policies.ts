import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  noJitterGenerator,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { BreakerRegistry } from './breakers';

// The resilience policies of Rollcall (cockatiel 3: cockatiel 4 needs Node 22). Each is named for
// what it guards. Breakers are registered by name so /readyz and /metrics can report them.

/** A policy as callers use it: `execute(fn)`. */
export interface Guard {
  execute<T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T>;
}

// cockatiel hangs each call's timeout off the caller's signal, or off one shared never-aborted
// signal when none is given, which collects a listener per concurrent call (MaxListenersExceeded).
// A fresh signal per call keeps listeners per call.
const asGuard = (policy: IPolicy): Guard => ({
  execute: (fn, signal) => policy.execute(fn, signal ?? new AbortController().signal),
});

/** True for the errors a policy raises itself (timed out, or refused by an open circuit). */
export const isPolicyRefusal = (error: unknown) =>
  error instanceof BrokenCircuitError || error instanceof TaskCancelledError;

export interface RedisGuardOptions {
  /** A call slower than this counts as failed (ioredis' commandTimeout is the first line). */
  timeoutMs: number;
  /** Consecutive failures that open the circuit. */
  failuresToOpen?: number;
  /** How long the circuit stays open before one trial call. */
  halfOpenAfterMs?: number;
}

/**
 * Around Redis calls that have a fallback (caches): no retries, the fallback is the retry. After a
 * few consecutive failures the circuit opens and callers go to the fallback at once instead of each
 * waiting for a timeout while Redis is down or paused.
 */
export function redisCallGuard(name: string, breakers: BreakerRegistry, options: RedisGuardOptions): Guard {
  const breaker = breakers.register(
    name,
    circuitBreaker(handleAll, {
      breaker: new ConsecutiveBreaker(options.failuresToOpen ?? 3),
      halfOpenAfter: options.halfOpenAfterMs ?? 2_000,
    }),
  );
  return asGuard(wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive)));
}

// PostgreSQL errors for which the statement never ran: the connection was refused or is being
// re-established, or the server is starting or shutting down. Retrying these cannot apply a write
// twice. (A connection lost mid-statement is ambiguous and is left to the caller's own retry.)
const CONNECT_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);
const NOT_STARTED_SQLSTATES = new Set(['57P03', '08001', '08004', '53300']);

export function isDatabaseConnectFailure(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as { code?: string }).code;
  if (code !== undefined && (CONNECT_ERRNOS.has(code) || NOT_STARTED_SQLSTATES.has(code))) {
    return true;
  }
  // pg's pool reports its own connect timeout as a plain Error.
  return /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(
    error.message,
  );
}

/** Errors worth retrying a whole transaction for (serialization, deadlock, connection lost). */
export function isTransientDatabaseError(error: unknown): boolean {
  if (isDatabaseConnectFailure(error)) {
    return true;
  }
  const driver = (error as { driverError?: { code?: string }; code?: string } | undefined) ?? {};
  const code = driver.driverError?.code ?? driver.code;
  return (
    code === '40001' ||
    code === '40P01' ||
    code === '57P01' ||
    code === 'ECONNRESET' ||
    (error instanceof Error && /Connection terminated unexpectedly/i.test(error.message))
  );
}

export interface DatabaseConnectGuardOptions {
  /** How long one caller keeps retrying to get a connection before the error is its answer. */
  budgetMs: number;
}

/**
 * Around taking a PostgreSQL connection: while the server is unreachable (restart, failover), a
 * caller retries with exponential backoff within its budget, so a short outage delays work instead
 * of failing it. The breaker keeps all callers together from hammering a down server: while open,
 * attempts fail at once and the retry waits for the half-open trial.
 */
export function databaseConnectGuard(breakers: BreakerRegistry, options: DatabaseConnectGuardOptions): Guard {
  const breaker = breakers.register(
    'postgres',
    circuitBreaker(handleWhen(isDatabaseConnectFailure), {
      breaker: new ConsecutiveBreaker(5),
      halfOpenAfter: 1_000,
    }),
  );
  const retrying = retry(
    handleWhen((e) => isDatabaseConnectFailure(e) || e instanceof BrokenCircuitError),
    {
      maxAttempts: Number.MAX_SAFE_INTEGER,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
    },
  );
  return asGuard(wrap(timeout(options.budgetMs, TimeoutStrategy.Cooperative), retrying, breaker));
}

/** Retries a whole unit of database work (a transaction) on transient errors only. */
export function databaseWriteRetry(attempts = 3): Guard {
  return asGuard(
    retry(handleWhen(isTransientDatabaseError), {
      maxAttempts: Math.max(0, attempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2_000 }),
    }),
  );
}

export interface InferenceGuardOptions {
  /** One photo's analysis longer than this fails (the pool is wedged or overloaded). */
  timeoutMs: number;
  /** Which failures mean the pool is unwell (not the photo): they count towards opening. */
  isUnavailable: (error: unknown) => boolean;
}

/** Around inference: a timeout per photo and a breaker that stops feeding a crash-looping pool. */
export function inferenceGuard(breakers: BreakerRegistry, options: InferenceGuardOptions): Guard {
  const breaker = breakers.register(
    'inference',
    circuitBreaker(
      handleWhen((e) => options.isUnavailable(e) || e instanceof TaskCancelledError),
      {
        breaker: new ConsecutiveBreaker(5),
        halfOpenAfter: 10_000,
      },
    ),
  );
  return asGuard(wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive)));
}

export interface DeliveryGuardOptions {
  /** Attempts in all (the first one included). */
  attempts: number;
  /** Delay before the first retry; doubles each time. */
  backoffMs: number;
  timeoutMs: number;
}

/**
 * Around one alert-delivery channel (a webhook receiver, the SMTP server): retries with doubling
 * backoff, a timeout per attempt, and a breaker so a receiver that is down is not retried for every
 * alert while it stays down.
 */
export function deliveryGuard(name: string, breakers: BreakerRegistry, options: DeliveryGuardOptions): Guard {
  const breaker = breakers.register(
    name,
    circuitBreaker(handleAll, {
      breaker: new ConsecutiveBreaker(Math.max(5, options.attempts * 2)),
      halfOpenAfter: 30_000,
    }),
  );
  const retrying = retry(
    handleWhen((e) => !(e instanceof BrokenCircuitError)),
    {
      maxAttempts: Math.max(0, options.attempts - 1),
      backoff: new ExponentialBackoff({
        initialDelay: options.backoffMs,
        maxDelay: 5 * 60_000,
        generator: noJitterGenerator,
      }),
    },
  );
  return asGuard(wrap(retrying, breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive)));
}

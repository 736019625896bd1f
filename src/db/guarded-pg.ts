import pg from 'pg';
import type { Guard } from '../resilience/policies';

type ConnectCallback = (
  err: Error | undefined,
  client?: pg.PoolClient,
  release?: (e?: unknown) => void,
) => void;

/**
 * The `pg` module with a Pool whose `connect` runs under the database connect guard (retries with
 * backoff while PostgreSQL is unreachable, a breaker against hammering it). TypeORM takes every
 * connection through `Pool.connect(callback)`, so this one place covers all its reads and writes.
 * Only taking a connection is retried: nothing has been sent yet, so no write can apply twice.
 */
export function guardedPg(guard: Guard): typeof pg {
  class GuardedPool extends pg.Pool {
    override connect(): Promise<pg.PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
      const connecting = guard.execute(() => super.connect());
      if (!callback) {
        return connecting;
      }
      connecting.then(
        (client) => callback(undefined, client, (e?: unknown) => client.release(e as Error | undefined)),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }
  }
  // Everything else (types, defaults, native) is the real module's.
  return Object.assign(Object.create(pg) as typeof pg, { Pool: GuardedPool });
}

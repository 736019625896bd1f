import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../entities';
import { BreakerRegistry } from '../resilience/breakers';
import { databaseConnectGuard } from '../resilience/policies';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { guardedPg } from './guarded-pg';
import { MIGRATIONS } from './migrations';
import { createPGliteDriver } from './pglite-driver';

export interface DatabaseConfig {
  /** PostgreSQL URL; when absent an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throwaway in-memory database. */
  pgliteDataDir: string;
  runMigrations: boolean;
  /** PostgreSQL timeouts (ms; 0 = none). */
  timeouts?: DatabaseTimeouts;
  /** Where the PostgreSQL connect breaker is reported (/readyz, /metrics). */
  breakers?: BreakerRegistry;
}

export interface DatabaseTimeouts {
  /** Giving up on one connection attempt. */
  connectMs: number;
  /** How long a caller keeps retrying to connect while PostgreSQL is unreachable. */
  connectRetryMs: number;
  /** Server-side statement_timeout. */
  statementMs: number;
  /** Server-side idle_in_transaction_session_timeout: a stuck transaction cannot hold locks forever. */
  idleInTransactionMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 5_000,
  connectRetryMs: 30_000,
  statementMs: 30_000,
  idleInTransactionMs: 60_000,
};

export interface Database {
  dataSource: DataSource;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** pg pool options for the timeouts; the client-side query_timeout backs up a server that never answers. */
function poolTimeouts(t: DatabaseTimeouts): Record<string, number> {
  const extra: Record<string, number> = {};
  if (t.connectMs > 0) {
    extra.connectionTimeoutMillis = t.connectMs;
  }
  if (t.statementMs > 0) {
    extra.statement_timeout = t.statementMs;
    extra.query_timeout = t.statementMs + 5_000;
  }
  if (t.idleInTransactionMs > 0) {
    extra.idle_in_transaction_session_timeout = t.idleInTransactionMs;
  }
  return extra;
}

const common = {
  type: 'postgres',
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'migrations',
  synchronize: false,
  logging: false,
} as const;

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.url) {
    const timeouts = config.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
    const guard = databaseConnectGuard(config.breakers ?? new BreakerRegistry(), {
      budgetMs: Math.max(timeouts.connectRetryMs, 1),
    });
    const dataSource = new DataSource({
      ...common,
      url: config.url,
      poolSize: 20,
      driver: guardedPg(guard),
      extra: poolTimeouts(timeouts),
    });
    await dataSource.initialize();
    if (config.runMigrations) {
      await dataSource.runMigrations({ transaction: 'each' });
    }
    return { dataSource, kind: 'postgres', close: () => dataSource.destroy() };
  }

  const memory = config.pgliteDataDir.startsWith('memory://');
  let lock: DataDirLock | undefined;
  if (!memory) {
    await mkdir(path.dirname(path.resolve(config.pgliteDataDir)), { recursive: true });
    // Before PGlite touches the directory: a second process on it would lose writes or corrupt it.
    lock = await lockDataDir(path.resolve(config.pgliteDataDir));
    await mkdir(config.pgliteDataDir, { recursive: true });
  }
  try {
    // relaxedDurability off (the default, pinned here): a query resolves only after PGlite has
    // written it to the data directory, so what a caller saw committed survives a kill -9.
    const pglite = await PGlite.create(memory ? undefined : config.pgliteDataDir, {
      relaxedDurability: false,
    });
    const dataSource = new DataSource({
      ...common,
      driver: createPGliteDriver(pglite),
      // TypeORM asks the server for its version and current schema at start; PGlite answers like PG 17.
    });
    await dataSource.initialize();
    if (config.runMigrations) {
      await dataSource.runMigrations({ transaction: 'each' });
    }
    return {
      dataSource,
      kind: 'pglite',
      close: async () => {
        try {
          await dataSource.destroy();
          await pglite.close();
        } finally {
          await lock?.release();
        }
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

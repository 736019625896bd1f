import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from './migrations';
import { createPGliteDriver } from './pglite-driver';

export interface DatabaseConfig {
  /** PostgreSQL URL; when absent an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throwaway in-memory database. */
  pgliteDataDir: string;
  runMigrations: boolean;
}

export interface Database {
  dataSource: DataSource;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
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
    const dataSource = new DataSource({ ...common, url: config.url, poolSize: 20 });
    await dataSource.initialize();
    if (config.runMigrations) {
      await dataSource.runMigrations({ transaction: 'each' });
    }
    return { dataSource, kind: 'postgres', close: () => dataSource.destroy() };
  }

  const memory = config.pgliteDataDir.startsWith('memory://');
  if (!memory) {
    await mkdir(config.pgliteDataDir, { recursive: true });
  }
  const pglite = await PGlite.create(memory ? undefined : config.pgliteDataDir);
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
      await dataSource.destroy();
      await pglite.close();
    },
  };
}

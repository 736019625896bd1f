import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCache } from '../src/cache/cache';
import { parseEnv } from '../src/config/env';
import { openDatabase } from '../src/db/data-source';
import { Institution } from '../src/entities/institution.entity';
import { parseModelList } from '../src/inference/models';
import { createLogger } from '../src/observability/logger';
import { OneRosterFormatError } from '../src/oneroster';
import { createMemoryPubSub } from '../src/pubsub/memory.pubsub';
import { createMemoryJobQueue } from '../src/queue';
import { closeRedis, connectRedis, createRedisClient } from '../src/redis/client';
import { OneRosterImportService } from '../src/services/oneroster-import.service';
import { RosterService } from '../src/services/roster.service';

// Imports a OneRoster 1.1/1.2 set (a folder of CSV files or a .zip) into one institution, against
// the database the server would use (DATABASE_URL, or the embedded PGlite directory):
//   npm run oneroster:import -- <dir-or-zip> --institution <slug> [--dry-run] [--strict] [--consent-column]
// Progress goes to stderr; the last line of stdout is the JSON summary. Exit 0 when nothing was
// refused, 1 when rows were refused (a strict run then wrote nothing), 2 when the set is unreadable.
const USAGE =
  'usage: oneroster:import -- <dir-or-zip> --institution <slug> [--dry-run] [--strict] [--consent-column]\n';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      institution: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      'consent-column': { type: 'boolean', default: false },
    },
  });
  const location = positionals[0];
  if (!location || !values.institution || positionals.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const env = parseEnv();
  const logger = createLogger('warn');
  const db = await openDatabase({
    url: env.DATABASE_URL,
    pgliteDataDir: env.PGLITE_DATA_DIR.startsWith('memory://')
      ? env.PGLITE_DATA_DIR
      : path.resolve(env.PGLITE_DATA_DIR),
    runMigrations: true,
  });
  // With REDIS_URL the rosters the servers cached are dropped for the courses the import changed.
  const redis = env.REDIS_URL
    ? createRedisClient(env.REDIS_URL, { name: 'oneroster-import', role: 'command', logger })
    : undefined;
  if (redis) {
    await connectRedis(redis, 2_000);
  }
  const cache = createCache(redis, undefined, logger);
  const jobs = createMemoryJobQueue();
  try {
    const institution = await db.dataSource
      .getRepository(Institution)
      .findOneBy({ slug: values.institution });
    if (!institution) {
      process.stderr.write(`no institution with slug '${values.institution}'\n`);
      return 2;
    }
    const service = new OneRosterImportService(
      db.dataSource,
      createMemoryPubSub(),
      jobs,
      new RosterService(db.dataSource, cache, env.ROSTER_CACHE_TTL_SECONDS, () =>
        parseModelList(env.RECOGNITION_MODELS),
      ),
      path.resolve(env.STORAGE_DIR, 'oneroster'),
      Number.MAX_SAFE_INTEGER,
      logger,
    );
    let shown = -1;
    const report = await service.execute(
      { kind: 'system', institutionId: institution.id },
      path.resolve(location),
      { strict: values.strict, consentColumn: values['consent-column'] },
      values['dry-run'],
      (p) => {
        const pct = Math.floor(p * 10) * 10;
        if (pct > shown) {
          shown = pct;
          process.stderr.write(`progress ${pct}%\n`);
        }
      },
      'oneroster:import command',
    );
    for (const f of report.files) {
      process.stderr.write(
        `${f.file}: ${f.rows} rows, ${f.created} created, ${f.updated} updated, ${f.unchanged} unchanged, ${f.removed} removed, ${f.skipped} skipped, ${f.refused} refused\n`,
      );
    }
    for (const w of report.warnings) {
      process.stderr.write(`warning: ${w}\n`);
    }
    process.stdout.write(`${JSON.stringify({ dryRun: values['dry-run'], ...report.summary })}\n`);
    return report.summary.refused.length > 0 ? 1 : 0;
  } catch (error) {
    const refused = (error as { report?: { summary: object } }).report;
    if (refused) {
      // A strict run that refused rows: rolled back.
      process.stderr.write(`${(error as Error).message}\n`);
      process.stdout.write(`${JSON.stringify({ dryRun: false, rolledBack: true, ...refused.summary })}\n`);
      return 1;
    }
    if (error instanceof OneRosterFormatError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await jobs.close();
    await cache.close();
    if (redis) {
      await closeRedis(redis);
    }
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

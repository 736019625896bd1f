import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRateLimiters } from '../src/auth/rate-limit';
import { TokenSigner } from '../src/auth/tokens';
import { parseEnv } from '../src/config/env';
import { openDatabase } from '../src/db/data-source';
import { createLogger } from '../src/observability/logger';
import { ApiKeyService } from '../src/services/api-key.service';
import { AuthService } from '../src/services/auth.service';
import { CourseService } from '../src/services/course.service';

// Creates the first admin of an institution (creating the institution too), against the database
// the server would use (DATABASE_URL, or the embedded PGlite directory):
//   npm run create-admin -- --email you@school.org --password '...' [--name 'Your Name'] [--institution default]
// The password may also come from ROLLCALL_ADMIN_PASSWORD, to keep it out of shell history.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      institution: { type: 'string', default: 'default' },
    },
  });
  const password = values.password ?? process.env.ROLLCALL_ADMIN_PASSWORD;
  if (!values.email || !password) {
    process.stderr.write(
      'usage: create-admin --email <email> --password <password> [--name <name>] [--institution <slug>]\n',
    );
    process.exit(2);
  }
  const env = parseEnv();
  const db = await openDatabase({
    url: env.DATABASE_URL,
    pgliteDataDir: env.PGLITE_DATA_DIR.startsWith('memory://')
      ? env.PGLITE_DATA_DIR
      : path.resolve(env.PGLITE_DATA_DIR),
    runMigrations: true,
  });
  const logger = createLogger('warn');
  const limiters = createRateLimiters({ requestsPerMinute: 1, loginsPerMinute: 1 });
  const courses = new CourseService(db.dataSource);
  const auth = new AuthService(
    db.dataSource,
    new TokenSigner(env.AUTH_SECRET ?? 'unused-by-this-command-0000000000', 60),
    new ApiKeyService(db.dataSource, () => courses),
    limiters.login,
    1,
    logger,
  );
  let failed = false;
  try {
    const user = await auth.bootstrapAdmin(values.institution, {
      email: values.email,
      password,
      name: values.name ?? values.email,
    });
    process.stdout.write(`admin ${user.email} created in institution '${values.institution}'\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    failed = true;
  } finally {
    await limiters.close();
    await db.close();
  }
  // Explicit: an exit code set earlier does not survive the embedded database's shutdown.
  process.exit(failed ? 1 : 0);
}

void main();

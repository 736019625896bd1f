import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/**
 * Runs once before the suite. The inference workers run compiled code, so the build must exist.
 * Against a real PostgreSQL/Redis (CI's second run) it starts from an empty schema and no keys.
 */
export default async function setup(): Promise<void> {
  const worker = path.resolve(__dirname, '..', '..', 'dist', 'src', 'inference', 'worker.js');
  if (!existsSync(worker)) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
  if (process.env.DATABASE_URL) {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
    await client.end();
  }
  if (process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL);
    const keys = await redis.keys('rollcall:*');
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  }
}

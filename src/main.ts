import { startApp } from './app';
import { env } from './config/env';
import { createLogger } from './observability/logger';
import { closeOnSignals, runMain } from './process-lifecycle';

async function main(): Promise<void> {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await startApp(config, { logger });
  logger.info({ url: app.url }, `Rollcall GraphQL API at ${app.url}`);
  closeOnSignals(logger, { stopping: 'shutting down', failed: 'shutdown failed' }, () => app.close());
}

runMain(main);

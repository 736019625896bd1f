import { startApp } from './app';
import { env } from './config/env';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await startApp(config, { logger });
  logger.info({ url: app.url }, `Rollcall GraphQL API at ${app.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad configuration), so write to stderr directly.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

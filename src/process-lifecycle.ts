import type { Logger } from './observability/logger';

// How the entry points (main.ts, worker-main.ts) start and stop as processes.

/**
 * Closes once on the first SIGINT or SIGTERM, then exits: 0 when everything closed, 1 when closing
 * failed. A second signal while closing is ignored, so running work is not cut short.
 */
export function closeOnSignals(
  log: Logger,
  messages: { stopping: string; failed: string },
  close: () => Promise<void>,
): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info({ signal }, messages.stopping);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, messages.failed);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Runs an entry point; a failure to start (the logger may not exist yet) goes to stderr, exit 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

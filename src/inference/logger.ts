import { pino } from 'pino';
import { LOG_REDACTION } from '../observability/log-redaction';

// Inference runs inside worker threads too, so it keeps its own logger instead of the app's, with
// the same redaction (no pixels, no embeddings, errors without the values they were thrown about).
// Its level comes from the inference config (LOG_LEVEL through src/config), set by setLogLevel.

export const logger = pino({ name: 'inference', level: 'info', ...LOG_REDACTION });

/** Applies LOG_LEVEL as src/config parsed it (the pool in the main thread, each worker at start). */
export function setLogLevel(level: string | undefined): void {
  if (level) {
    logger.level = level;
  }
}

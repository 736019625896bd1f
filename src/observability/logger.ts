import { pino, type Logger } from 'pino';
import { LOG_REDACTION } from './log-redaction';

export function createLogger(level: string): Logger {
  return pino({ level, ...LOG_REDACTION, base: { app: 'rollcall' } });
}

export type { Logger };
export { LOG_REDACTION, redactError } from './log-redaction';

import { pino, type Logger } from 'pino';

// Biometric data must never reach the logs, whatever a caller passes by mistake.
const REDACT = [
  'embedding',
  'descriptor',
  'descriptors',
  'image',
  'photo',
  'bytes',
  'thumbnail',
  '*.embedding',
  '*.descriptor',
  '*.descriptors',
  '*.image',
  '*.photo',
  '*.bytes',
  '*.thumbnail',
  'req.headers.authorization',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'rollcall' } });
}

export type { Logger };

import { pino } from 'pino';

// Inference runs inside worker threads too, so it keeps its own logger instead of importing the app's.
// The same redaction as the app's logger (src/observability/logger.ts): no pixels, no embeddings,
// and errors serialised without the values they were thrown about.
const BIOMETRIC = ['embedding', 'descriptor', 'descriptors', 'image', 'photo', 'bytes', 'thumbnail', 'data'];

export const logger = pino({
  name: 'inference',
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: [...BIOMETRIC, ...BIOMETRIC.map((k) => `*.${k}`), ...BIOMETRIC.map((k) => `err.${k}`)],
    censor: '[redacted]',
  },
  serializers: { err: pino.stdSerializers.err },
});

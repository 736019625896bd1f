import { stdSerializers } from 'pino';

// What no log line may carry, shared by the app's logger and the inference workers' logger. A leaf
// module (pino only), so src/inference may import it.

// Biometric data must never reach the logs, whatever a caller passes by mistake.
const BIOMETRIC = ['embedding', 'descriptor', 'descriptors', 'image', 'photo', 'bytes', 'thumbnail', 'data'];

const REDACT = [
  ...BIOMETRIC,
  ...BIOMETRIC.map((k) => `*.${k}`),
  ...BIOMETRIC.map((k) => `err.${k}`),
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

const CENSOR = '[redacted]';

/** Properties of error objects that carry the values of a failed statement or request. */
const ERROR_VALUE_KEYS = new Set([
  'parameters',
  'params',
  'values',
  'variables',
  'bindings',
  'password',
  'passwordHash',
  'secretHash',
]);

/**
 * Serialises an error as pino does (message, stack, cause chain, own properties) and then removes
 * what would copy data into the logs: TypeORM's QueryFailedError keeps the statement's parameters
 * (password hashes, names, e-mails, key hashes) and pg's error its `detail` with the conflicting
 * values, nested under driverError, cause or originalError.
 */
export function redactError(error: unknown): unknown {
  const serialised: unknown = error instanceof Error ? stdSerializers.err(error) : error;
  return scrub(serialised, 0);
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => scrub(v, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (ERROR_VALUE_KEYS.has(key) || key === 'detail') {
      // pg's `detail` quotes the row or key values: `Key (email)=(...)`, `Failing row contains (...)`.
      out[key] = CENSOR;
    } else if (item instanceof Error) {
      out[key] = scrub(stdSerializers.err(item), depth + 1);
    } else {
      out[key] = scrub(item, depth + 1);
    }
  }
  return out;
}

/** The options every Rollcall pino logger uses, the inference workers' one too (src/inference/logger.ts). */
export const LOG_REDACTION = {
  redact: { paths: REDACT, censor: CENSOR },
  serializers: { err: redactError, error: redactError },
};

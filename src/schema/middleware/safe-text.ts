import type { MiddlewareFn } from 'type-graphql';
import { DomainError, ErrorCode } from '../../services/domain-error';

// Every string argument of every field, whatever its type (String, ID, inputs, lists), on HTTP and
// WebSocket alike: control characters (NUL reaches PostgreSQL as an encoding error, others spoof
// logs and CSV exports) and broken UTF-16 are refused with BAD_USER_INPUT before any resolver runs.
// Tab, line feed and carriage return stay allowed (notes span lines).

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The argument path of the first unsafe string in `value`, or null. */
export function findUnsafeText(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') {
    return CONTROL.test(value) || LONE_SURROGATE.test(value) ? path : null;
  }
  if (depth > 20 || value === null || typeof value !== 'object') {
    return null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnsafeText(item, `${path}.${i}`, depth + 1);
      if (found) {
        return found;
      }
    }
    return null;
  }
  // Uploads (promises of streams) carry no text of the client's to check.
  if (!isPlainInput(value)) {
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findUnsafeText(item, `${path}.${key}`, depth + 1);
    if (found) {
      return found;
    }
  }
  return null;
}

/** Input objects (plain, or instances of @InputType classes), not promises, streams or buffers. */
const isPlainInput = (value: object): boolean =>
  !ArrayBuffer.isView(value) &&
  typeof (value as { then?: unknown }).then !== 'function' &&
  typeof (value as { pipe?: unknown }).pipe !== 'function' &&
  typeof (value as { createReadStream?: unknown }).createReadStream !== 'function';

export const RejectUnsafeText: MiddlewareFn = ({ args }, next) => {
  for (const [name, value] of Object.entries(args)) {
    const found = findUnsafeText(value, name);
    if (found) {
      throw new DomainError(
        ErrorCode.BAD_USER_INPUT,
        `${found} contains a control character or invalid text`,
        { field: found },
      );
    }
  }
  return next();
};

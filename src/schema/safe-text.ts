import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import { DomainError, ErrorCode } from '../services/domain-error';

// Every string argument of every field, whatever its type (String, ID, inputs, lists), on HTTP and
// WebSocket alike: control characters (NUL reaches PostgreSQL as an encoding error, others spoof
// logs and CSV exports) and broken UTF-16 are refused with BAD_USER_INPUT before anything executes.
// Tab, line feed and carriage return stay allowed (notes span lines).
//
// Checked once per operation, on its document and variables, not as a type-graphql middleware: a
// global middleware wraps every field of every type, scalars included, in async dispatch, which
// was a fifth of the CPU of delivering a live event to a thousand subscribers.

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

/**
 * The argument path of the first unsafe string an operation passes to any field or directive
 * (literals, variables, variables' defaults), or null. Arguments get their values from nowhere else.
 */
export function findUnsafeArgument(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | null {
  let found: string | null = null;
  const inValue = (node: ValueNode, path: string): string | null => {
    switch (node.kind) {
      case Kind.STRING:
        return findUnsafeText(node.value, path);
      case Kind.VARIABLE:
        return findUnsafeText(variables?.[node.name.value], path);
      case Kind.LIST:
        for (const [i, item] of node.values.entries()) {
          const inner = inValue(item, `${path}.${i}`);
          if (inner) {
            return inner;
          }
        }
        return null;
      case Kind.OBJECT:
        for (const field of node.fields) {
          const inner = inValue(field.value, `${path}.${field.name.value}`);
          if (inner) {
            return inner;
          }
        }
        return null;
      case Kind.INT:
      case Kind.FLOAT:
      case Kind.BOOLEAN:
      case Kind.NULL:
      case Kind.ENUM:
        return null;
    }
  };
  visit(document, {
    Argument(node) {
      found ??= inValue(node.value, node.name.value);
    },
    VariableDefinition(node) {
      found ??= node.defaultValue ? inValue(node.defaultValue, `$${node.variable.name.value}`) : null;
    },
  });
  return found;
}

/** The client's error for an unsafe argument: BAD_USER_INPUT naming it (HTTP 400, like a bad variable). */
export function unsafeTextError(path: string): GraphQLError {
  const cause = new DomainError(
    ErrorCode.BAD_USER_INPUT,
    `${path} contains a control character or invalid text`,
    {
      field: path,
    },
  );
  return new GraphQLError(cause.message, {
    originalError: cause,
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: path, http: { status: 400 } },
  });
}

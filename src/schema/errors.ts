import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import { InferenceError } from '../inference/types';
import { DomainError, ErrorCode, mapInferenceCode } from '../services/domain-error';

// The one place where errors become what API clients see. Every code here is documented in the
// README; anything unexpected is masked so internals (SQL, paths, stack traces) never leak.

export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';

/**
 * Codes that mean the server failed, not the client: only these feed the operational error-rate
 * alert, so no one can raise it by sending bad credentials or typos.
 */
export const SERVER_FAULT_CODES: ReadonlySet<string> = new Set([
  INTERNAL_SERVER_ERROR,
  'INFERENCE_UNAVAILABLE',
]);

export interface ClassifiedError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Classifies an error thrown anywhere below a resolver; null means unexpected. */
export function classifyError(error: unknown): ClassifiedError | null {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof InferenceError) {
    return { code: mapInferenceCode(error), message: error.message };
  }
  if (error instanceof ArgumentValidationError) {
    // class-validator's errors carry the submitted value and the whole input object (a password
    // among them): only which property broke which rule goes back to the client.
    const fields = error.extensions.validationErrors.map(describeValidationError);
    return { code: ErrorCode.BAD_USER_INPUT, message: error.message, details: { validationErrors: fields } };
  }
  // type-graphql's own auth errors use other codes; we expose the standard pair.
  if (error instanceof AuthenticationError) {
    return { code: ErrorCode.UNAUTHENTICATED, message: error.message };
  }
  if (error instanceof AuthorizationError) {
    return { code: ErrorCode.FORBIDDEN, message: error.message };
  }
  return null;
}

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

function describeValidationError(error: {
  property: string;
  constraints?: Record<string, string>;
  children?: { property: string; constraints?: Record<string, string>; children?: unknown[] }[];
}): ValidationFailure {
  const children = (error.children ?? []).map((c) => describeValidationError(c as never));
  return {
    property: error.property,
    ...(error.constraints ? { constraints: error.constraints } : {}),
    ...(children.length > 0 ? { children } : {}),
  };
}

export function formatError(formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(raw);
  // An error a plugin or the WebSocket server raised before execution may wrap a domain error.
  const original =
    unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DomainError
      ? unwrapped.originalError
      : unwrapped;
  const known = classifyError(original);
  if (known) {
    return {
      message: known.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: known.code, ...(known.details ?? {}) },
    };
  }
  const code = formatted.extensions?.code;
  // Errors graphql-js and Apollo raise themselves (parse, validation, bad variables, CSRF) carry codes.
  if (typeof code === 'string' && code !== INTERNAL_SERVER_ERROR) {
    return {
      message: withoutEchoedValue(formatted.message),
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code },
    };
  }
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: INTERNAL_SERVER_ERROR },
  };
}

/**
 * graphql-js reports a bad variable as `Variable "$input" got invalid value { ...the whole value... }`:
 * the value (a password among the fields) is not sent back, only where it is wrong and why.
 */
export function withoutEchoedValue(message: string): string {
  const match = /^Variable "(\$[^"]+)" got invalid value /.exec(message);
  if (!match) {
    return message;
  }
  const at = / at "(\$?[\w.[\]]+)"; /.exec(message)?.[1];
  const reason =
    /(Expected type "[^"]+"|Field "[^"]+" of required type "[^"]+" was not provided|Field "[^"]+" is not defined by type "[^"]+"|does not exist in "[^"]+" enum|cannot represent a non [a-z]+ value|Expected value of type "[^"]+")/.exec(
      message,
    )?.[1];
  return `Variable "${match[1]}" got an invalid value${at ? ` at "${at}"` : ''}${reason ? `: ${reason.replace(/^does not exist/, 'value does not exist')}` : ''}`;
}

/** Validation messages without "Did you mean ...?" hints (production: the schema stays unlisted). */
export const withoutSuggestions = (message: string): string =>
  message.replace(/ ?Did you mean .+\?$/, '').trim();

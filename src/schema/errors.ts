import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import { InferenceError } from '../inference/types';
import { DomainError, ErrorCode, mapInferenceCode } from '../services/domain-error';

// The one place where errors become what API clients see. Every code here is documented in the
// README; anything unexpected is masked so internals (SQL, paths, stack traces) never leak.

export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';

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
    const fields = error.extensions.validationErrors;
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

export function formatError(formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(raw);
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
      message: formatted.message,
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

import type { ErrorRequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from '../observability/logger';

// Answers the HTTP edge gives by itself, GraphQL-shaped so clients read them like any other.

export const rateLimitedError = (wait: number) =>
  new GraphQLError(`Too many requests; retry in ${wait} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter: wait },
  });

/**
 * Errors raised before GraphQL runs (oversized body, too many files, bad multipart) still get a
 * GraphQL-shaped answer with a code a client can act on.
 */
export function edgeErrors(log: Logger): ErrorRequestHandler {
  return (err: { status?: number; expose?: boolean; message?: string }, _req, res, _next) => {
    const status = err.status ?? 500;
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    if (status >= 500) {
      log.error({ err }, 'request failed');
    }
    res.status(status).json({
      errors: [
        {
          message: status < 500 && err.message ? err.message : 'Internal server error',
          extensions: { code },
        },
      ],
    });
  };
}

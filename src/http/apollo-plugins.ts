import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../observability/logger';
import type { Context } from '../schema/context';
import { classifyError } from '../schema/errors';
import { findUnsafeArgument, unsafeTextError } from '../schema/safe-text';

// Apollo plugins of the HTTP edge beside the metrics one: logging what nobody expected, the 429
// status of a limit a resolver enforced, and the refusal of unsafe text in arguments.

export const retryAfterOf = (errors: readonly { extensions?: Record<string, unknown> }[]): number | null => {
  let wait: number | null = null;
  for (const e of errors) {
    const code = e.extensions?.code;
    const retry = e.extensions?.retryAfter;
    if ((code === 'RATE_LIMITED' || code === 'INFERENCE_BUDGET_EXCEEDED') && typeof retry === 'number') {
      wait = Math.max(wait ?? 0, retry);
    }
  }
  return wait;
};

/** Logs errors the error mapper does not know (they reach the client masked). */
export function unexpectedErrorLogger(log: Logger): ApolloServerPlugin<Context> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didEncounterErrors: ({ errors }) => {
          for (const error of errors) {
            if (!classifyError(error.originalError) && !error.extensions.code) {
              log.error({ err: error.originalError ?? error }, 'unexpected error');
            }
          }
          return Promise.resolve();
        },
      }),
  };
}

/**
 * RATE_LIMITED / INFERENCE_BUDGET_EXCEEDED from a resolver (login attempts, inference budget)
 * answer 429 with Retry-After, as the edge limiter does.
 */
export const limitStatus: ApolloServerPlugin<Context> = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse: ({ response }) => {
        if (response.body.kind !== 'single') {
          return Promise.resolve();
        }
        const wait = retryAfterOf(response.body.singleResult.errors ?? []);
        if (wait !== null) {
          response.http.status = 429;
          response.http.headers.set('retry-after', String(wait));
        }
        return Promise.resolve();
      },
    }),
};

/** Unsafe text in any argument is refused before the operation executes (src/schema/safe-text.ts). */
export const rejectUnsafeText: ApolloServerPlugin<Context> = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ document, request }) => {
        const found = findUnsafeArgument(document, request.variables);
        return found ? Promise.reject(unsafeTextError(found)) : Promise.resolve();
      },
    }),
};

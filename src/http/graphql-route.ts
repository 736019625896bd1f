import type { IncomingMessage } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import { callerKey, type Viewer } from '../auth/viewer';
import type { Context } from '../schema/context';
import { rateLimitedError } from './edge-errors';
import type { GraphQLLimits } from './graphql-limits';
import type { HttpOptions, ServerHooks } from './types';

/** POST/GET /graphql: credentials and rate limit, body and upload caps, the token limit, then Apollo. */
export function graphqlRoute(
  app: express.Express,
  apollo: ApolloServer<Context>,
  hooks: ServerHooks,
  limits: GraphQLLimits,
  options: HttpOptions,
): void {
  const viewerOf = new WeakMap<IncomingMessage, Viewer>();
  // The same gate as a WebSocket operation: credentials, then the caller's rate limit.
  const gate: RequestHandler = (req, res, next) => {
    const apiKey = req.headers['x-api-key'];
    hooks
      .authenticate(req.headers.authorization, typeof apiKey === 'string' ? apiKey : undefined)
      .then(async (viewer) => {
        viewerOf.set(req, viewer);
        const wait = await hooks.rateLimit(callerKey(viewer, req.ip ?? 'unknown'));
        if (wait > 0) {
          res
            .set('retry-after', String(wait))
            .status(429)
            .json({ errors: [rateLimitedError(wait).toJSON()] });
          return;
        }
        next();
      })
      .catch(next);
  };
  // Parsed here with the token limit, as on WebSocket: a syntax error answers 400, never 500.
  const documentGate: RequestHandler = (req, res, next) => {
    const body = req.body as unknown;
    const query =
      body && typeof body === 'object' && !Array.isArray(body)
        ? (body as { query?: unknown }).query
        : (req.query as { query?: unknown }).query;
    if (typeof query === 'string') {
      const document = limits.parseDocument(query);
      if (document instanceof GraphQLError) {
        res.status(400).json({ errors: [document.toJSON()] });
        return;
      }
    }
    next();
  };
  app.use(
    '/graphql',
    gate,
    express.json({ limit: options.maxJsonBytes }),
    graphqlUploadExpress({ maxFileSize: options.maxUploadBytes + 1, maxFiles: options.maxFiles }),
    documentGate,
    expressMiddleware(apollo, {
      context: ({ req }) =>
        Promise.resolve(
          hooks.context(viewerOf.get(req) ?? { kind: 'anonymous' }, req.ip ?? 'unknown', false),
        ),
    }),
  );
}

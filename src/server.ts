import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { type GraphQLSchema } from 'graphql';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from './observability/logger';
import type { Context } from './schema/context';
import { classifyError, formatError } from './schema/errors';

export interface HttpOptions {
  host: string;
  port: number;
  maxUploadBytes: number;
  maxFiles: number;
  introspection: boolean;
  production: boolean;
}

export interface RunningServer {
  httpServer: Server;
  port: number;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface ServerHooks {
  /** Builds a fresh per-operation context; `live` for subscriptions, whose context outlives one result. */
  context(live: boolean): Promise<Context>;
  /** Liveness/readiness probes. */
  health(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

/** One HTTP server carrying GraphQL over HTTP (with multipart uploads) and over WebSocket. */
export async function startHttpServer(
  schema: GraphQLSchema,
  hooks: ServerHooks,
  options: HttpOptions,
  logger: Logger,
): Promise<RunningServer> {
  const log = logger.child({ module: 'server' });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { context?: Context }>(
    {
      schema,
      context: () => hooks.context(true),
      // graphql-ws has no formatError: results carrying errors are formatted here, like HTTP ones.
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) {
          return undefined;
        }
        return {
          ...result,
          errors: result.errors.map((e) => formatError(e.toJSON(), e)),
        };
      },
    },
    wsServer,
  );

  const errorLogger: ApolloServerPlugin<Context> = {
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

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !options.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      errorLogger,
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await wsCleanup.dispose();
            },
          }),
      },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res, next) => {
    hooks
      .health()
      .then((h) => res.status(h.ok ? 200 : 503).json(h))
      .catch(next);
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    graphqlUploadExpress({ maxFileSize: options.maxUploadBytes + 1, maxFiles: options.maxFiles }),
    expressMiddleware(apollo, { context: () => hooks.context(false) }),
  );
  // Errors raised before GraphQL runs (oversized body, too many files, bad multipart) still get a
  // GraphQL-shaped answer with a code a client can act on.
  const edgeErrors: ErrorRequestHandler = (
    err: { status?: number; expose?: boolean; message?: string },
    _req,
    res,
    _next,
  ) => {
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
  app.use(edgeErrors);

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? 'localhost' : options.host;
  log.info({ port }, 'listening');
  return {
    httpServer,
    port,
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    close: async () => {
      await apollo.stop();
    },
  };
}

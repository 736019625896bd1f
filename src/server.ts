import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express, { type ErrorRequestHandler } from 'express';
import { specifiedRules, validate, type GraphQLSchema } from 'graphql';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Viewer } from './auth/viewer';
import type { Logger } from './observability/logger';
import type { ServerObservability } from './observability/metrics';
import type { Context, MediaKind } from './schema/context';
import { classifyError, formatError } from './schema/errors';

export interface HttpOptions {
  host: string;
  port: number;
  maxUploadBytes: number;
  maxFiles: number;
  maxJsonBytes: number;
  introspection: boolean;
  production: boolean;
  limits: { depth: number; aliases: number; cost: number; tokens: number };
  /** A built static dashboard served at / when the directory exists. */
  clientDir?: string;
}

const MEDIA_KINDS: ReadonlySet<string> = new Set<MediaKind>(['photos', 'photo-faces', 'face-samples']);

export interface RunningServer {
  httpServer: Server;
  port: number;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface ServerHooks {
  /** Turns the presented credentials into a viewer (anonymous when absent or invalid). */
  authenticate(authorization: string | undefined, apiKey: string | undefined): Promise<Viewer>;
  /** Seconds the caller must wait when over its request budget, else 0. */
  rateLimit(key: string): Promise<number>;
  /** Builds a fresh per-operation context; `live` for subscriptions, whose context outlives one result. */
  context(viewer: Viewer, clientAddress: string, live: boolean): Context;
  /** A stored image behind a signed link, or null when the link is bad or the image gone. */
  media(kind: MediaKind, id: string, query: Record<string, unknown>): Promise<Buffer | null>;
  /** Liveness/readiness probes. */
  health(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** Metrics: GET /metrics, an Apollo plugin and the active-subscriptions gauge (issue #6). */
  observability?: ServerObservability;
  /** Extra HTTP routes (attendance exports, issue #15), given the same authentication as the API. */
  routes?: (app: express.Express, viewerOf: (req: express.Request) => Promise<Viewer>) => void;
}

/** One HTTP server carrying GraphQL over HTTP (with multipart uploads) and over WebSocket. */
function rateKey(viewer: Viewer, address: string): string {
  switch (viewer.kind) {
    case 'user':
      return `user:${viewer.userId}`;
    case 'apiKey':
      return `key:${viewer.keyId}`;
    case 'system':
      return 'system';
    case 'anonymous':
      return `ip:${address}`;
  }
}

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

  // Query limits (depth, aliases, cost, directives, tokens) from graphql-armor, on HTTP and WebSocket.
  const armor = new ApolloArmor({
    maxDepth: { n: options.limits.depth },
    maxAliases: { n: options.limits.aliases },
    costLimit: { maxCost: options.limits.cost },
    maxTokens: { n: options.limits.tokens },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: options.production },
  });
  const protection = armor.protect();

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { viewer?: Viewer; address?: string }>(
    {
      schema,
      // Credentials come in connection_init; refusing closes the socket with 4403 Forbidden.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = typeof params.authorization === 'string' ? params.authorization : undefined;
        const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
        const viewer = await hooks.authenticate(authorization, apiKey);
        if (viewer.kind === 'anonymous') {
          return false;
        }
        ctx.extra.viewer = viewer;
        ctx.extra.address = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        return true;
      },
      context: (ctx) =>
        hooks.context(ctx.extra.viewer ?? { kind: 'anonymous' }, ctx.extra.address ?? '', true),
      validate: (schemaToCheck, document) =>
        validate(schemaToCheck, document, [...specifiedRules, ...protection.validationRules]),
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
      // A live subscription is counted from its first result stream until it ends, however it ends.
      onOperation: (_ctx, _id, _payload, _args, result) =>
        hooks.observability && Symbol.asyncIterator in result
          ? hooks.observability.trackSubscription(result)
          : undefined,
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
    allowBatchedHttpRequests: false,
    validationRules: protection.validationRules,
    plugins: [
      ...protection.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      errorLogger,
      ...(hooks.observability ? [hooks.observability.plugin<Context>()] : []),
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
  app.get('/metrics', (req, res, next) => {
    if (!hooks.observability) {
      res.status(404).end();
      return;
    }
    hooks.observability
      .scrape(req.headers.authorization)
      .then((m) => res.status(m.status).type(m.contentType).send(m.body))
      .catch(next);
  });
  app.get('/media/:kind/:id', (req, res, next) => {
    const { kind, id } = req.params;
    if (!MEDIA_KINDS.has(kind)) {
      res.status(404).end();
      return;
    }
    hooks
      .media(kind as MediaKind, id, req.query)
      .then((bytes) => {
        if (!bytes) {
          res.status(404).json({ error: 'This link is invalid or has expired' });
          return;
        }
        // Face data: never in shared caches.
        res.set({ 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=300' }).send(bytes);
      })
      .catch(next);
  });

  const viewerOf = new WeakMap<IncomingMessage, Viewer>();
  app.use(
    '/graphql',
    (req, res, next) => {
      const apiKey = req.headers['x-api-key'];
      hooks
        .authenticate(req.headers.authorization, typeof apiKey === 'string' ? apiKey : undefined)
        .then(async (viewer) => {
          viewerOf.set(req, viewer);
          const wait = await hooks.rateLimit(rateKey(viewer, req.ip ?? 'unknown'));
          if (wait > 0) {
            res
              .set('retry-after', String(wait))
              .status(429)
              .json({
                errors: [
                  { message: `Too many requests; retry in ${wait} s`, extensions: { code: 'RATE_LIMITED' } },
                ],
              });
            return;
          }
          next();
        })
        .catch(next);
    },
    express.json({ limit: options.maxJsonBytes }),
    graphqlUploadExpress({ maxFileSize: options.maxUploadBytes + 1, maxFiles: options.maxFiles }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        Promise.resolve(
          hooks.context(viewerOf.get(req) ?? { kind: 'anonymous' }, req.ip ?? 'unknown', false),
        ),
    }),
  );
  hooks.routes?.(app, (req) => {
    const apiKey = req.headers['x-api-key'];
    return hooks.authenticate(req.headers.authorization, typeof apiKey === 'string' ? apiKey : undefined);
  });
  if (options.clientDir && existsSync(path.join(options.clientDir, 'index.html'))) {
    log.info({ dir: options.clientDir }, 'serving the dashboard');
    app.use(express.static(options.clientDir, { extensions: ['html'] }));
  }
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

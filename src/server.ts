import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { actorId, callerKey, type Viewer } from './auth/viewer';
import type { Logger } from './observability/logger';
import type { ServerObservability } from './observability/metrics';
import type { Context } from './schema/context';
import { classifyError, formatError, withoutSuggestions } from './schema/errors';
import { queryCostRule } from './schema/query-cost';
import { sharedEventSubscribe } from './schema/shared-subscribe';
import type { MediaKind } from './services/media.service';

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

/**
 * WebSocket close codes (README, security section). 4403 is graphql-ws' own code for refused
 * credentials at connection_init; the same code closes a socket whose credentials stop being valid
 * while it is open (revoked key, logged-out or disabled user: reason "credentials revoked"; access
 * token past its expiry: reason "credentials expired"). graphql-ws clients retry 4403 with fresh
 * connectionParams, so a dashboard that renews its token reconnects and resubscribes on its own.
 * 4429: too many connection attempts from one address.
 */
export const WS_CLOSE = {
  FORBIDDEN: 4403,
  TOO_MANY_REQUESTS: 4429,
} as const;

/** A socket's credentials are checked again at most this often (every operation and event asks). */
const RECHECK_MS = 1_000;

/** Most operations (subscriptions included) one socket may have running at once. */
const MAX_OPERATIONS_PER_SOCKET = 50;

type SocketState = {
  viewer?: Viewer;
  address?: string;
  authorization?: string;
  apiKey?: string;
  checkedAt?: number;
  pending?: Promise<Viewer>;
  expiryTimer?: NodeJS.Timeout;
};

const retryAfterOf = (errors: readonly { extensions?: Record<string, unknown> }[]): number | null => {
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

const rateLimitedError = (wait: number) =>
  new GraphQLError(`Too many requests; retry in ${wait} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter: wait },
  });

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
    // Replaced by queryCostRule (page sizes counted) and parse's maxTokens, the same on both transports.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: options.production },
  });
  const protection = armor.protect();
  const validationRules: ValidationRule[] = [
    ...protection.validationRules,
    queryCostRule(options.limits.cost),
  ];
  /** Parses with the token limit: a syntax error or an oversized document is the client's error. */
  const parseDocument = (query: string): DocumentNode | GraphQLError => {
    try {
      return parse(query, { maxTokens: options.limits.tokens });
    } catch (error) {
      if (error instanceof GraphQLError) {
        const tooLong = /contains more th[ae][nt] \d+ tokens/.test(error.message);
        return new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          extensions: { code: tooLong ? 'GRAPHQL_VALIDATION_FAILED' : 'GRAPHQL_PARSE_FAILED' },
        });
      }
      throw error;
    }
  };
  const shownToClient = (error: GraphQLFormattedError): GraphQLFormattedError =>
    options.production ? { ...error, message: withoutSuggestions(error.message) } : error;

  // maxPayload: a WebSocket message is bounded like a JSON body (ws' default is 100 MiB).
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: options.maxJsonBytes,
  });
  const wsRules: readonly ValidationRule[] = [
    ...specifiedRules,
    ...validationRules,
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const closeSocket = (socket: WebSocket, reason: string) => {
    if (socket.readyState === socket.OPEN) {
      socket.close(WS_CLOSE.FORBIDDEN, reason);
    }
  };
  /**
   * The credential check of an open socket, run before every operation and every delivered event:
   * the credentials given at connection_init must still be valid (key not revoked, login not logged
   * out, user not disabled, token not expired), else the socket is closed with 4403.
   */
  const recheck = async (state: SocketState, socket: WebSocket): Promise<Viewer | null> => {
    const viewer = state.viewer;
    if (!viewer || viewer.kind === 'anonymous') {
      closeSocket(socket, 'Forbidden: credentials revoked');
      return null;
    }
    const now = Date.now();
    if (viewer.kind === 'user' && viewer.expiresAt !== undefined && viewer.expiresAt <= now) {
      closeSocket(socket, 'Forbidden: credentials expired');
      return null;
    }
    if (state.checkedAt !== undefined && now - state.checkedAt < RECHECK_MS) {
      return viewer;
    }
    state.pending ??= hooks.authenticate(state.authorization, state.apiKey).finally(() => {
      state.pending = undefined;
    });
    const fresh = await state.pending;
    if (fresh.kind === 'anonymous') {
      state.viewer = fresh;
      closeSocket(socket, 'Forbidden: credentials revoked');
      return null;
    }
    state.viewer = fresh;
    state.checkedAt = Date.now();
    return fresh;
  };
  /** Ends a result stream (without delivering the event) once the socket's credentials fail. */
  const guardStream = <T>(source: AsyncIterable<T>, allowed: () => Promise<boolean>): AsyncIterable<T> => {
    const inner = source[Symbol.asyncIterator]();
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        const result = await inner.next();
        if (result.done || (await allowed())) {
          return result;
        }
        await inner.return?.();
        return { done: true, value: undefined };
      },
      return: async (value?: unknown) => (await inner.return?.(value)) ?? { done: true, value: undefined },
      throw: async (error?: unknown) => {
        if (inner.throw) {
          return inner.throw(error);
        }
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  };
  const wsCleanup = useServer<Record<string, unknown>, SocketState>(
    {
      schema,
      // One execution per live event and identical operation of one caller, not per subscriber.
      subscribe: sharedEventSubscribe((contextValue) => {
        const viewer = (contextValue as Context).viewer;
        if (viewer.kind === 'anonymous') {
          return null;
        }
        // A subscription's context keeps the viewer it started with, role included.
        return `${viewer.institutionId} ${actorId(viewer)} ${viewer.kind === 'user' ? viewer.role : ''}`;
      }),
      // Credentials come in connection_init; refusing closes the socket with 4403 Forbidden.
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const address = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        // Connection attempts spend the address's anonymous budget: a flood of sockets is refused.
        const wait = await hooks.rateLimit(callerKey({ kind: 'anonymous' }, address));
        if (wait > 0) {
          socket.close(WS_CLOSE.TOO_MANY_REQUESTS, `Too many requests; retry in ${wait} s`);
          return false;
        }
        const params = ctx.connectionParams ?? {};
        const authorization = typeof params.authorization === 'string' ? params.authorization : undefined;
        const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
        const viewer = await hooks.authenticate(authorization, apiKey);
        if (viewer.kind === 'anonymous') {
          return false;
        }
        Object.assign(ctx.extra, {
          viewer,
          address,
          authorization,
          apiKey,
          checkedAt: Date.now(),
        });
        if (viewer.kind === 'user' && viewer.expiresAt !== undefined) {
          // Closed when the token expires even if nothing is sent: the client renews and reconnects.
          const timer = setTimeout(
            () => closeSocket(socket, 'Forbidden: credentials expired'),
            Math.min(2 ** 31 - 1, Math.max(0, viewer.expiresAt - Date.now())),
          );
          timer.unref();
          ctx.extra.expiryTimer = timer;
          socket.once('close', () => clearTimeout(timer));
        }
        return true;
      },
      // Every operation: credentials again, the same rate limit as HTTP, the same parse and
      // validation limits (introspection off in production), then a fresh context.
      onSubscribe: async (ctx, _id, payload) => {
        const state = ctx.extra;
        const viewer = await recheck(state, state.socket);
        if (!viewer) {
          return [
            new GraphQLError('The credentials are no longer valid', {
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ];
        }
        const address = state.address ?? 'unknown';
        const wait = await hooks.rateLimit(callerKey(viewer, address));
        if (wait > 0) {
          return [rateLimitedError(wait)];
        }
        // graphql-ws has registered this operation already: it counts itself.
        if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) {
          return [
            new GraphQLError(`At most ${MAX_OPERATIONS_PER_SOCKET} operations may run on one socket`, {
              extensions: { code: 'RATE_LIMITED', retryAfter: 1 },
            }),
          ];
        }
        const document = parseDocument(payload.query);
        if (document instanceof GraphQLError) {
          return [document];
        }
        const errors = validate(schema, document, wsRules);
        if (errors.length > 0) {
          // Coded as Apollo codes them on HTTP, so formatError keeps them (and they read the same).
          return errors.map(
            (e) =>
              new GraphQLError(e.message, {
                nodes: e.nodes,
                extensions: { ...e.extensions, code: e.extensions.code ?? 'GRAPHQL_VALIDATION_FAILED' },
              }),
          );
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: hooks.context(viewer, address, true),
        };
      },
      // graphql-ws has no formatError: results carrying errors are formatted here, like HTTP ones.
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) {
          return undefined;
        }
        return {
          ...result,
          errors: result.errors.map((e) => shownToClient(formatError(e.toJSON(), e))),
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => shownToClient(formatError(e.toJSON(), e))),
      // Each result stream is checked per event, and a live subscription is counted while it runs.
      onOperation: (ctx, _id, _payload, _args, result) => {
        if (!(Symbol.asyncIterator in result)) {
          return undefined;
        }
        const guarded = guardStream(
          result,
          async () => (await recheck(ctx.extra, ctx.extra.socket)) !== null,
        );
        return hooks.observability ? hooks.observability.trackSubscription(guarded) : guarded;
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

  // RATE_LIMITED / INFERENCE_BUDGET_EXCEEDED from a resolver (login attempts, inference budget)
  // answer 429 with Retry-After, as the edge limiter does.
  const limitStatus: ApolloServerPlugin<Context> = {
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

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !options.production,
    allowBatchedHttpRequests: false,
    validationRules,
    plugins: [
      ...protection.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      errorLogger,
      limitStatus,
      ...(hooks.observability
        ? [hooks.observability.plugin<Context>((c) => callerKey(c.viewer, c.clientAddress))]
        : []),
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
      const document = parseDocument(query);
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

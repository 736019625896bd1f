import type { Server } from 'node:http';
import { GraphQLError, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { actorId, callerKey, type Viewer } from '../auth/viewer';
import { proxyIterator } from '../observability/tracked-iterator';
import type { Context } from '../schema/context';
import { formatError } from '../schema/errors';
import { findUnsafeArgument, unsafeTextError } from '../schema/safe-text';
import { sharedEventSubscribe } from '../schema/shared-subscribe';
import { selectsOnlyViewerIndependentFields } from '../schema/viewer-independent';
import { sharedCredentialChecks } from './credential-checks';
import { rateLimitedError } from './edge-errors';
import type { GraphQLLimits } from './graphql-limits';
import type { ServerHooks } from './types';

// GraphQL over WebSocket (graphql-ws) on the HTTP server's upgrade: credentials at connection_init,
// checked again per operation and per event, the same rate limit and document limits as HTTP.

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

/** Most operations (subscriptions included) one socket may have running at once. */
const MAX_OPERATIONS_PER_SOCKET = 50;

type SocketState = {
  viewer?: Viewer;
  address?: string;
  authorization?: string;
  apiKey?: string;
  expiryTimer?: NodeJS.Timeout;
};

/** Serves graphql-ws on `/graphql`; dispose() ends every socket (the server's drain calls it). */
export function startWebSocketServer(
  httpServer: Server,
  schema: GraphQLSchema,
  hooks: ServerHooks,
  limits: GraphQLLimits,
  maxJsonBytes: number,
): { dispose(): void | Promise<void> } {
  // maxPayload: a WebSocket message is bounded like a JSON body (ws' default is 100 MiB).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: maxJsonBytes });
  const checkCredentials = sharedCredentialChecks((authorization, apiKey) =>
    hooks.authenticate(authorization, apiKey),
  );
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
    // At most one query per credential and RECHECK_MS, shared with its other sockets.
    const fresh = await checkCredentials(state.authorization, state.apiKey).viewer;
    if (fresh.kind === 'anonymous') {
      state.viewer = fresh;
      closeSocket(socket, 'Forbidden: credentials revoked');
      return null;
    }
    state.viewer = fresh;
    return fresh;
  };
  /** Ends a result stream (without delivering the event) once the socket's credentials fail. */
  const guardStream = <T>(source: AsyncIterable<T>, allowed: () => Promise<boolean>): AsyncIterable<T> =>
    proxyIterator(source, {
      filter: async (result, inner) => {
        if (result.done || (await allowed())) {
          return result;
        }
        await inner.return?.();
        return { done: true, value: undefined };
      },
    });
  return useServer<Record<string, unknown>, SocketState>(
    {
      schema,
      // One execution per live event and identical operation of one caller, not per subscriber.
      subscribe: sharedEventSubscribe((contextValue, document) => {
        const viewer = (contextValue as Context).viewer;
        if (viewer.kind === 'anonymous') {
          return null;
        }
        // Who may see the event was decided per subscriber at subscribe time (and is rechecked
        // per event); a selection that reads nothing of the viewer is shared within the institution.
        if (selectsOnlyViewerIndependentFields(schema, document)) {
          return `${viewer.institutionId} *`;
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
        const viewer = await checkCredentials(authorization, apiKey).viewer;
        if (viewer.kind === 'anonymous') {
          return false;
        }
        Object.assign(ctx.extra, {
          viewer,
          address,
          authorization,
          apiKey,
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
        const document = limits.parseDocument(payload.query);
        if (document instanceof GraphQLError) {
          return [document];
        }
        const errors = validate(schema, document, limits.wsRules);
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
        const unsafe = findUnsafeArgument(document, payload.variables);
        if (unsafe) {
          return [unsafeTextError(unsafe)];
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
          errors: result.errors.map((e) => limits.shownToClient(formatError(e.toJSON(), e))),
        };
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => limits.shownToClient(formatError(e.toJSON(), e))),
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
}

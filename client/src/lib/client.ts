import { cacheExchange, Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { authorizationHeader, ensureFreshSession, refreshSession, sessionStore } from './auth';
import { graphqlHttpUrl, graphqlWsUrl } from './config';
import { authFetch } from './http';
import { markReachable, markUnreachable } from './reachability';

// One urql client per signed-in user: queries and mutations over HTTP (authFetch), subscriptions over
// graphql-ws on the same /graphql path. Signing in or out builds a new one, so nothing cached or
// subscribed survives a change of user.

export interface ApiClient {
  urql: Client;
  ws: WsClient;
  dispose(): void;
}

let current: { key: string; client: ApiClient } | null = null;

/** The client for this user, built once per user; the previous user's is disposed. */
export function apiClientFor(userKey: string): ApiClient {
  if (current?.key !== userKey) {
    current?.client.dispose();
    current = { key: userKey, client: createApiClient() };
  }
  return current.client;
}

/**
 * The server closes a socket whose credentials stopped being valid with 4403 ("credentials expired"
 * or "credentials revoked"). graphql-ws retries 4403 and resubscribes every live subscription on
 * the new socket; the token is renewed first, so the live view carries on.
 */
const CREDENTIALS_CLOSE_CODE = 4403;

function createApiClient(): ApiClient {
  let renew = false;
  const ws = createWsClient({
    url: () => graphqlWsUrl(),
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // After a credentials close, reconnect at once with the renewed token instead of backing off.
    retryWait: async (retries) => {
      const wait =
        renew && retries === 0 && sessionStore.get()
          ? 0
          : Math.min(30_000, 1000 * 2 ** retries) + Math.random() * 1000;
      await new Promise((resolve) => setTimeout(resolve, wait));
    },
    // A live page learns at once that the server went away (not after a request times out); a
    // normal close (the last subscription ended, code 1000) says nothing about the server.
    on: {
      connected: () => markReachable(),
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        if (code === CREDENTIALS_CLOSE_CODE) {
          renew = true;
        } else if (code !== 1000) {
          markUnreachable();
        }
      },
    },
    connectionParams: async () => {
      if (renew) {
        renew = false;
        // The server refused the token (expired, or its login ended): trade the refresh token now.
        await refreshSession();
      } else {
        await ensureFreshSession();
      }
      const authorization = authorizationHeader();
      return authorization ? { authorization } : {};
    },
  });
  const urql = new Client({
    url: graphqlHttpUrl,
    fetch: authFetch,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return {
    urql,
    ws,
    dispose() {
      void ws.dispose();
    },
  };
}

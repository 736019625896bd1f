import { cacheExchange, Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { authorizationHeader, ensureFreshSession } from './auth';
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

function createApiClient(): ApiClient {
  const ws = createWsClient({
    url: () => graphqlWsUrl(),
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // A live page learns at once that the server went away (not after a request times out); a
    // normal close (the last subscription ended, code 1000) says nothing about the server.
    on: {
      connected: () => markReachable(),
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        if (code !== 1000 && code !== 4403 && code !== 4401) {
          markUnreachable();
        }
      },
    },
    connectionParams: async () => {
      await ensureFreshSession();
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

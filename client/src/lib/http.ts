import { authorizationHeader, ensureFreshSession, refreshSession, sessionStore } from './auth';
import { isGatewayStatus, markReachable, markUnreachable } from './reachability';

// The fetch every GraphQL HTTP request goes through (urql's `fetch` option): it adds the bearer
// token, notices an unreachable server, and retries once after refreshing the tokens when the
// server says UNAUTHENTICATED.

function withAuth(init: RequestInit | undefined): RequestInit {
  const headers = new Headers(init?.headers);
  const authorization = authorizationHeader();
  if (authorization) {
    headers.set('authorization', authorization);
  }
  headers.set('apollo-require-preflight', 'true');
  return { ...init, headers };
}

async function send(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
  try {
    const response = await fetch(input, withAuth(init));
    if (isGatewayStatus(response.status)) {
      markUnreachable();
    } else {
      markReachable();
    }
    return response;
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'AbortError')) {
      markUnreachable();
    }
    throw error;
  }
}

export async function hasUnauthenticated(response: Response): Promise<boolean> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    return false;
  }
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { errors?: { extensions?: { code?: unknown } }[] } | null;
  return Boolean(body?.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED'));
}

export async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  await ensureFreshSession();
  const response = await send(input, init);
  if (sessionStore.get() && (await hasUnauthenticated(response)) && (await refreshSession())) {
    return send(input, init);
  }
  return response;
}

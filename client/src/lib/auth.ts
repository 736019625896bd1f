import { print } from 'graphql';
import { graphqlHttpUrl } from './config';
import { type AuthPayloadFieldsFragment } from '@/gql/graphql';
import { RefreshSessionMutation } from './auth-operations';
import { createStore } from './store';

// Tokens of the signed-in teacher. The access token goes on every request (HTTP header, graphql-ws
// connectionParams); when the server answers UNAUTHENTICATED the refresh token buys a new pair once,
// shared by every request that failed at the same time.

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** ms since epoch */
  expiresAt: number;
  user: { id: string; email: string; name: string; role: string };
}

const KEY = 'rollcall.session';

function load(): Session | null {
  if (typeof window === 'undefined') {
    return null;
  }
  try {
    const raw = window.localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const sessionStore = createStore<Session | null>(null);

let loaded = false;
/** Reads the stored session once, in the browser. */
export function initSession(): void {
  if (!loaded && typeof window !== 'undefined') {
    loaded = true;
    sessionStore.set(load());
  }
}

export function saveSession(payload: AuthPayloadFieldsFragment): Session {
  const session: Session = {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    expiresAt: Date.parse(payload.expiresAt),
    user: payload.user,
  };
  window.localStorage.setItem(KEY, JSON.stringify(session));
  sessionStore.set(session);
  return session;
}

export function clearSession(): void {
  if (typeof window !== 'undefined') {
    window.localStorage.removeItem(KEY);
  }
  sessionStore.set(null);
}

export function authorizationHeader(): string | null {
  const session = sessionStore.get();
  return session ? `Bearer ${session.accessToken}` : null;
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token for new tokens; false (and signed out) when that is refused. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function doRefresh(): Promise<boolean> {
  const current = sessionStore.get();
  if (!current) {
    return false;
  }
  let response: Response;
  try {
    response = await fetch(graphqlHttpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      body: JSON.stringify({
        query: print(RefreshSessionMutation),
        variables: { refreshToken: current.refreshToken },
      }),
    });
  } catch {
    // Offline: keep the tokens, the reachability banner says what is wrong.
    return false;
  }
  const body = (await response.json().catch(() => null)) as {
    data?: { refreshSession?: AuthPayloadFieldsFragment } | null;
  } | null;
  const payload = body?.data?.refreshSession;
  if (!payload) {
    clearSession();
    return false;
  }
  saveSession(payload);
  return true;
}

/** Refreshes ahead of time when the access token is (about to be) expired. */
export async function ensureFreshSession(): Promise<void> {
  const session = sessionStore.get();
  if (session && session.expiresAt - Date.now() < 15_000) {
    await refreshSession();
  }
}

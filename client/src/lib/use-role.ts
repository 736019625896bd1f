'use client';

import { useQuery } from 'urql';
import { sessionStore } from './auth';
import { MeQuery } from './auth-operations';
import { useStore } from './store';

/**
 * The signed-in user's role: `me.role` from the server (so a role changed since sign-in counts),
 * the one stored at sign-in until that answer arrives; null when signed out.
 */
export function useRole(): string | null {
  const session = useStore(sessionStore, null);
  const [{ data }] = useQuery({ query: MeQuery, pause: !session, requestPolicy: 'cache-first' });
  if (!session) {
    return null;
  }
  return data?.me?.role ?? session.user.role;
}

export function useIsAdmin(): boolean {
  return useRole() === 'ADMIN';
}

import type { Viewer } from '../auth/viewer';

/** A socket's credentials are checked again at most this often (every operation and event asks). */
export const RECHECK_MS = 1_000;

/** A credential check in flight or done, and when it started (its verdict holds from then on). */
export type CredentialCheck = { at: number; viewer: Promise<Viewer> };

/**
 * Credential checks shared by every socket that presented the same credentials: a dashboard opens
 * several sockets with one login, and 1000 sockets rechecked one by one queued 1000 queries in
 * front of the very mutation whose event they were waiting for (the fan-out bench's tail). A
 * verdict counts from the moment its check started, so a revocation still closes every socket
 * within RECHECK_MS of it, as with checks per socket.
 */
export function sharedCredentialChecks(
  authenticate: (authorization: string | undefined, apiKey: string | undefined) => Promise<Viewer>,
): (authorization: string | undefined, apiKey: string | undefined) => CredentialCheck {
  const checks = new Map<string, CredentialCheck>();
  let sweptAt = Date.now();
  return (authorization, apiKey) => {
    const key = `${authorization ?? ''}\n${apiKey ?? ''}`;
    const now = Date.now();
    const known = checks.get(key);
    if (known && now - known.at < RECHECK_MS) {
      return known;
    }
    // Stale verdicts are dropped once per window, so the map holds about one window's credentials.
    if (now - sweptAt >= RECHECK_MS) {
      sweptAt = now;
      for (const [k, check] of checks) {
        if (now - check.at >= RECHECK_MS) {
          checks.delete(k);
        }
      }
    }
    const check: CredentialCheck = { at: now, viewer: authenticate(authorization, apiKey) };
    checks.set(key, check);
    // A failed check (database down) is not remembered: the next event asks again.
    check.viewer.catch(() => checks.get(key) === check && checks.delete(key));
    return check;
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a /metrics scrape may read the registry: always without METRICS_TOKEN, else only with
 * `Authorization: Bearer <token>`, compared in constant time (hashing first makes the lengths equal).
 */
export function scrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) {
    return true;
  }
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`));
}

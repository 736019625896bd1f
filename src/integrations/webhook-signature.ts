import { createHmac, timingSafeEqual } from 'node:crypto';

// LMS webhook signatures, in the scheme Stripe and Slack made familiar: the receiver recomputes
// HMAC-SHA256(secret, `${timestamp}.${body}`) and refuses stale timestamps, so a captured delivery
// cannot be replayed later and a body cannot be moved to another timestamp.

export const SIGNATURE_HEADER = 'x-rollcall-signature';
export const TIMESTAMP_HEADER = 'x-rollcall-timestamp';
export const EVENT_HEADER = 'x-rollcall-event';
export const DELIVERY_HEADER = 'x-rollcall-delivery';
/** Receivers should refuse deliveries signed longer ago than this. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does (exported for tests and as the reference implementation in the docs). */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  if (!header) {
    return false;
  }
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

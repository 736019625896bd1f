import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisLeadership } from '../../src/alerts/leader';
import { createLogger } from '../../src/observability/logger';

// Only one instance evaluates and delivers alerts: a lease in Redis (SET NX PX, renewed by its holder).

describe(RedisLeadership.name, () => {
  it('lets one instance lead at a time and hands over on release or expiry', async (ctx) => {
    const url = process.env.REDIS_URL;
    if (!url) {
      ctx.skip();
      return;
    }
    const logger = createLogger('silent');
    const key = `rollcall:test:leader:${randomUUID()}`;
    const a = await RedisLeadership.connect(url, 'a', 300, logger, key);
    const b = await RedisLeadership.connect(url, 'b', 300, logger, key);
    try {
      expect(await a.acquire()).toBe(true);
      expect(await b.acquire()).toBe(false);
      expect(await a.acquire()).toBe(true); // renewal
      await a.release();
      expect(await b.acquire()).toBe(true);
      expect(await a.acquire()).toBe(false);
      // b stops renewing (a crashed leader): its lease expires and a takes over.
      await new Promise((r) => setTimeout(r, 450));
      expect(await a.acquire()).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

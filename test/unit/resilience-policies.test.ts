import { Registry } from 'prom-client';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry } from '../../src/resilience/breakers';
import {
  databaseWriteRetry,
  deliveryGuard,
  isDatabaseConnectFailure,
  isTransientDatabaseError,
} from '../../src/resilience/policies';

const pgError = (code: string) =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(`pg ${code}`), { code }));

describe('resilience policies', () => {
  it('tells transient database errors from final ones', () => {
    expect(
      isDatabaseConnectFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDatabaseConnectFailure(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransientDatabaseError(pgError('40001'))).toBe(true); // serialization failure
    expect(isTransientDatabaseError(pgError('57P01'))).toBe(true); // admin shutdown
    expect(isTransientDatabaseError(pgError('23505'))).toBe(false); // unique violation: final
    expect(isTransientDatabaseError(pgError('22P02'))).toBe(false); // bad input: final
  });

  it('retries a unit of database work on transient errors only', async () => {
    let calls = 0;
    const result = await databaseWriteRetry(3).execute(() => {
      calls++;
      if (calls < 3) {
        throw pgError('40001');
      }
      return 'committed';
    });
    expect([result, calls]).toEqual(['committed', 3]);

    calls = 0;
    await expect(
      databaseWriteRetry(3).execute(() => {
        calls++;
        throw pgError('23505');
      }),
    ).rejects.toBeInstanceOf(QueryFailedError);
    expect(calls).toBe(1);
  });

  it('delivers with the configured attempts and doubling backoff, and reports its breaker', async () => {
    const breakers = new BreakerRegistry();
    const guard = deliveryGuard('alert-delivery:test', breakers, {
      attempts: 3,
      backoffMs: 40,
      timeoutMs: 1_000,
    });
    const at: number[] = [];
    await expect(
      guard.execute(() => {
        at.push(Date.now());
        throw new Error('receiver answered 500');
      }),
    ).rejects.toThrow('receiver answered 500');
    expect(at).toHaveLength(3);
    const gaps = [at[1]! - at[0]!, at[2]! - at[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(gaps[0]! * 1.5);

    const registry = new Registry();
    breakers.registerMetrics(registry);
    expect(breakers.states()).toEqual({ 'alert-delivery:test': 'closed' });
    expect(await registry.metrics()).toContain(
      'rollcall_circuit_breaker_state{breaker="alert-delivery:test"} 0',
    );
  });
});

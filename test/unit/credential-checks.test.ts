import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '../../src/auth/viewer';
import { RECHECK_MS, sharedCredentialChecks } from '../../src/http/credential-checks';

// Sockets that presented the same credentials share one check per RECHECK_MS (issue #11 fan-out:
// 100 sockets of one dashboard login rechecked one by one queued 100 queries before each event).

const VIEWER = { kind: 'anonymous' } as Viewer;

describe('sharedCredentialChecks', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('asks once for concurrent checks of the same credentials, and again once the window has passed', async () => {
    const asked: string[] = [];
    const check = sharedCredentialChecks((authorization, apiKey) => {
      asked.push(`${authorization}|${apiKey}`);
      return Promise.resolve(VIEWER);
    });
    const first = Array.from({ length: 10 }, () => check('Bearer a', undefined));
    expect(asked).toEqual(['Bearer a|undefined']);
    expect(new Set(first).size).toBe(1);
    await expect(first[0]!.viewer).resolves.toBe(VIEWER);
    // Other credentials are never answered from someone else's verdict.
    check('Bearer b', undefined);
    check(undefined, 'key-1');
    check('Bearer a', 'key-1');
    expect(asked).toHaveLength(4);
    vi.setSystemTime(1_000_000 + RECHECK_MS - 1);
    check('Bearer a', undefined);
    expect(asked).toHaveLength(4);
    vi.setSystemTime(1_000_000 + RECHECK_MS);
    const later = check('Bearer a', undefined);
    expect(asked).toHaveLength(5);
    // The verdict counts from when its check started: a revocation is seen within one window.
    expect(later.at).toBe(1_000_000 + RECHECK_MS);
  });

  it('does not remember a check that failed', async () => {
    let calls = 0;
    const check = sharedCredentialChecks(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('database down')) : Promise.resolve(VIEWER);
    });
    await expect(check('Bearer a', undefined).viewer).rejects.toThrow('database down');
    await expect(check('Bearer a', undefined).viewer).resolves.toBe(VIEWER);
    expect(calls).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { SlidingCounter, SlidingSamples } from '../../src/observability/sliding-window';
import {
  backtest,
  exponentialSmoothing,
  HOUR_OF_DAY_MEAN,
  LINEAR_TREND,
  MEAN,
  NAIVE,
  selectMethod,
} from '../../src/services/forecast-methods';

describe('forecast methods', () => {
  it('fits the candidate methods as computed by hand', () => {
    const h = [2, 4, 6];
    expect(MEAN.fit(h)(1)).toBe(4);
    expect(NAIVE.fit(h)(3)).toBe(6);
    expect(LINEAR_TREND.fit(h)(1)).toBeCloseTo(8, 10);
    expect(LINEAR_TREND.fit(h)(2)).toBeCloseTo(10, 10);
    // 2 -> 0.5*4 + 0.5*2 = 3 -> 0.5*6 + 0.5*3 = 4.5
    expect(exponentialSmoothing(0.5).fit(h)(1)).toBe(4.5);
    expect(HOUR_OF_DAY_MEAN.fit([1, ...new Array<number>(23).fill(0), 3], new Date(0))(48)).toBe(2);
  });

  it('backtests from a rolling origin and picks the lowest error', () => {
    const series = [10, 10, 10, 20];
    // Origin 3 only: MEAN 10 vs 20 -> MAE 10, MAPE 0.5.
    expect(backtest(MEAN, series, 3)).toEqual({ method: 'MEAN', mae: 10, mape: 0.5, points: 1 });
    const pick = selectMethod([MEAN, NAIVE, LINEAR_TREND], [1, 2, 3, 4, 5], 2);
    expect(pick.method.name).toBe('LINEAR_TREND');
    expect(pick.accuracy?.points).toBe(3);
    expect(selectMethod([MEAN, NAIVE], [5], 3)).toMatchObject({ accuracy: null, candidates: [] });
  });
});

describe('sliding windows', () => {
  it('forgets what left the window', () => {
    const counter = new SlidingCounter(1000, 10);
    counter.add(3, 0);
    counter.add(2, 500);
    expect(counter.total(900)).toBe(5);
    expect(counter.total(1050)).toBe(2);
    expect(counter.total(2000)).toBe(0);
    const samples = new SlidingSamples(1000, 3);
    [1, 2, 3, 4].forEach((v, i) => samples.add(v, i * 100));
    expect(samples.values(400)).toEqual([2, 3, 4]);
    expect(samples.quantile(0.5, 1250)).toBe(4);
    expect(samples.quantile(0.5, 5000)).toBeNull();
  });
});

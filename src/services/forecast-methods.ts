import { linearRegression, linearRegressionLine, mean } from 'simple-statistics';

// Small, explainable forecasting methods and the rolling-origin backtest that picks among them.
// Every forecast is returned with the error its method made on held-back history, so a dashboard
// can say how far to trust it.

/** Fitted on a history, returns the forecast `step` (1 = next) points ahead. */
export type Fitted = (step: number) => number;

export interface Method {
  name: string;
  /** Fewest history points the method needs. */
  minHistory: number;
  fit(history: readonly number[]): Fitted;
}

export const MEAN: Method = {
  name: 'MEAN',
  minHistory: 1,
  fit: (h) => {
    const m = mean([...h]);
    return () => m;
  },
};

export const NAIVE: Method = {
  name: 'NAIVE',
  minHistory: 1,
  fit: (h) => {
    const last = h[h.length - 1] ?? 0;
    return () => last;
  },
};

/** Least-squares line through (index, value), extrapolated. */
export const LINEAR_TREND: Method = {
  name: 'LINEAR_TREND',
  minHistory: 2,
  fit: (h) => {
    const line = linearRegressionLine(linearRegression(h.map((y, i) => [i, y])));
    return (step) => line(h.length - 1 + step);
  },
};

/** Simple exponential smoothing: level <- alpha * y + (1 - alpha) * level; flat forecast. */
export function exponentialSmoothing(alpha = 0.5): Method {
  return {
    name: 'EXPONENTIAL_SMOOTHING',
    minHistory: 1,
    fit: (h) => {
      let level = h[0] ?? 0;
      for (const y of h.slice(1)) {
        level = alpha * y + (1 - alpha) * level;
      }
      return () => level;
    },
  };
}

export interface Accuracy {
  method: string;
  /** Mean absolute error of the held-back forecasts. */
  mae: number;
  /** Mean absolute percentage error as a fraction (0.05 = 5%), over actuals that are not 0; null if none. */
  mape: number | null;
  /** Forecasts compared with what happened. */
  points: number;
}

export function accuracyOf(
  method: string,
  pairs: readonly { actual: number; predicted: number }[],
): Accuracy {
  const abs = pairs.map((p) => Math.abs(p.actual - p.predicted));
  const pct = pairs
    .filter((p) => p.actual !== 0)
    .map((p) => Math.abs(p.actual - p.predicted) / Math.abs(p.actual));
  return {
    method,
    mae: abs.length > 0 ? mean(abs) : 0,
    mape: pct.length > 0 ? mean(pct) : null,
    points: pairs.length,
  };
}

/**
 * Rolling-origin backtest: for every origin t >= minTrain, fit on history[0, t) and forecast
 * history[t] one step ahead.
 */
export function backtest(method: Method, history: readonly number[], minTrain: number): Accuracy {
  const pairs: { actual: number; predicted: number }[] = [];
  for (let t = Math.max(minTrain, method.minHistory); t < history.length; t++) {
    pairs.push({ actual: history[t]!, predicted: method.fit(history.slice(0, t))(1) });
  }
  return accuracyOf(method.name, pairs);
}

export interface Selection {
  method: Method;
  accuracy: Accuracy | null;
  candidates: Accuracy[];
}

/**
 * Picks the candidate with the lowest backtest MAE (earlier candidates win ties, so list the
 * simpler ones first). With too little history to backtest, the first candidate is used, unmeasured.
 */
export function selectMethod(
  candidates: readonly Method[],
  history: readonly number[],
  minTrain: number,
): Selection {
  const scored = candidates
    .map((method) => ({ method, accuracy: backtest(method, history, minTrain) }))
    .filter((s) => s.accuracy.points > 0);
  if (scored.length === 0) {
    return { method: candidates[0]!, accuracy: null, candidates: [] };
  }
  const best = scored.reduce((a, b) => (b.accuracy.mae < a.accuracy.mae - 1e-12 ? b : a));
  return { method: best.method, accuracy: best.accuracy, candidates: scored.map((s) => s.accuracy) };
}

// --- seasonal hourly series (photos per hour) ------------------------------------------------------

/** Forecasts hour `index` (position in the hourly series, continuing past its end) from a history. */
export interface SeasonalMethod {
  name: string;
  fit(history: readonly number[], firstHour: Date): (index: number) => number;
}

function seasonalMean(name: string, period: number): SeasonalMethod {
  return {
    name,
    fit: (history) => {
      const sums = new Array<number>(period).fill(0);
      const counts = new Array<number>(period).fill(0);
      history.forEach((v, i) => {
        sums[i % period]! += v;
        counts[i % period]! += 1;
      });
      const overall = history.length > 0 ? mean([...history]) : 0;
      return (index) => {
        const slot = index % period;
        return counts[slot]! > 0 ? sums[slot]! / counts[slot]! : overall;
      };
    },
  };
}

/** Same hour of the day, averaged over the history. */
export const HOUR_OF_DAY_MEAN = seasonalMean('HOUR_OF_DAY_MEAN', 24);
/** Same hour of the same weekday, averaged over the history. */
export const HOUR_OF_WEEK_MEAN = seasonalMean('HOUR_OF_WEEK_MEAN', 168);
/** Flat: the mean of every hour. */
export const HOURLY_MEAN: SeasonalMethod = {
  name: 'MEAN',
  fit: (history) => {
    const m = history.length > 0 ? mean([...history]) : 0;
    return () => m;
  },
};

/**
 * Rolling origin by day: for each of the last `holdoutDays` whole days of the series, fit on every
 * hour before it and forecast its 24 hours.
 */
export function backtestHourly(
  method: SeasonalMethod,
  series: readonly number[],
  firstHour: Date,
  holdoutDays: number,
): Accuracy {
  const pairs: { actual: number; predicted: number }[] = [];
  for (let day = holdoutDays; day >= 1; day--) {
    const origin = series.length - day * 24;
    if (origin < 24) {
      continue;
    }
    const fitted = method.fit(series.slice(0, origin), firstHour);
    for (let i = origin; i < origin + 24; i++) {
      pairs.push({ actual: series[i]!, predicted: fitted(i) });
    }
  }
  return accuracyOf(method.name, pairs);
}

export function selectHourlyMethod(
  candidates: readonly SeasonalMethod[],
  series: readonly number[],
  firstHour: Date,
  holdoutDays: number,
): { method: SeasonalMethod; accuracy: Accuracy | null; candidates: Accuracy[] } {
  const scored = candidates
    .map((method) => ({ method, accuracy: backtestHourly(method, series, firstHour, holdoutDays) }))
    .filter((s) => s.accuracy.points > 0);
  if (scored.length === 0) {
    return { method: candidates[0]!, accuracy: null, candidates: [] };
  }
  const best = scored.reduce((a, b) => (b.accuracy.mae < a.accuracy.mae - 1e-12 ? b : a));
  return { method: best.method, accuracy: best.accuracy, candidates: scored.map((s) => s.accuracy) };
}

import type { Cache } from '../cache/cache';
import { InferenceError, type InferenceEngine } from '../inference/types';
import { withAnalyze } from '../inference/with-analyze';
import type { Metrics } from './metrics';

// Wrappers that give the services the same engine and cache, counted: what they do is unchanged.

/** The engine seen by the services: same behaviour, with stage timings and failures counted. */
export function instrumentEngine(engine: InferenceEngine, metrics: Metrics): InferenceEngine {
  return withAnalyze(engine, async (image, options) => {
    try {
      const analysis = await engine.analyze(image, options);
      metrics.inferenceTimings(analysis.timings, analysis.backend);
      return analysis;
    } catch (error) {
      if (error instanceof InferenceError && error.code === 'INFERENCE_UNAVAILABLE') {
        metrics.workerFailed();
      }
      throw error;
    }
  });
}

/** The cache seen by the services, with hits and misses counted by key prefix. */
export function instrumentCache(cache: Cache, metrics: Metrics): Cache {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const value = await cache.get<T>(key);
      metrics.cacheLookup(key, value !== undefined);
      return value;
    },
    set: (key, value, ttl) => cache.set(key, value, ttl),
    delete: (...keys) => cache.delete(...keys),
    ping: () => cache.ping(),
    close: () => cache.close(),
  };
}

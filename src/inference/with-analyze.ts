import type { InferenceEngine } from './types';

/**
 * The same engine with `analyze` replaced (metrics, the inference guard): every other member is the
 * wrapped engine's, read live (backend and models are known only once the workers are ready).
 */
export function withAnalyze(engine: InferenceEngine, analyze: InferenceEngine['analyze']): InferenceEngine {
  return {
    get backend() {
      return engine.backend;
    },
    get model() {
      return engine.model;
    },
    get models() {
      return engine.models;
    },
    ready: () => engine.ready(),
    analyze,
    stats: () => engine.stats(),
    tensorCounts: () => engine.tensorCounts(),
    close: () => engine.close(),
  };
}

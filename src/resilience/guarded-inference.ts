import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { InferenceError, type InferenceEngine } from '../inference/types';
import { withAnalyze } from '../inference/with-analyze';
import type { Guard } from './policies';

/** Worker crashes and a pool without workers mean the engine is unwell; a bad photo does not. */
export const isInferenceUnavailable = (error: unknown) =>
  error instanceof InferenceError && error.code === 'INFERENCE_UNAVAILABLE';

/**
 * The engine with `analyze` under the inference guard (timeout + breaker). The guard's own refusals
 * become INFERENCE_UNAVAILABLE, the code callers already treat as transient.
 */
export function guardInference(engine: InferenceEngine, guard: Guard): InferenceEngine {
  return withAnalyze(engine, async (image, options) => {
    try {
      return await guard.execute(() => engine.analyze(image, options));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new InferenceError(
          'INFERENCE_UNAVAILABLE',
          'Inference is paused after repeated worker failures; retry shortly',
        );
      }
      if (error instanceof TaskCancelledError) {
        throw new InferenceError('INFERENCE_UNAVAILABLE', 'Inference timed out');
      }
      throw error;
    }
  });
}

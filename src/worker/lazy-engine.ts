import type { AnalyzeOptions, ImageAnalysis, InferenceEngine } from '../inference';

/**
 * An engine started on first use. With INFERENCE_MODE=remote an API server analyses no class
 * photos (the workers do), but enrollment still analyses a student's photos in the request: the
 * worker-thread pool then starts when the first enrollment needs it, not at boot.
 */
export function lazyEngine(
  create: () => InferenceEngine,
  model: string,
  /** The configured models, until the pool has started and says which ones loaded. */
  models: string[],
): InferenceEngine {
  let engine: InferenceEngine | undefined;
  let starting: Promise<InferenceEngine> | undefined;
  const get = () =>
    (starting ??= (async () => {
      const e = create();
      await e.ready();
      engine = e;
      return e;
    })());
  return {
    get backend() {
      return engine?.backend ?? 'remote';
    },
    model,
    get models() {
      return engine?.models ?? models;
    },
    ready: () => Promise.resolve(),
    async analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<ImageAnalysis> {
      return (await get()).analyze(image, options);
    },
    stats: () => engine?.stats() ?? { workers: 0, queued: 0, utilization: 0 },
    tensorCounts: () => engine?.tensorCounts() ?? Promise.resolve([]),
    close: async () => {
      await (starting ? (await starting).close() : Promise.resolve());
    },
  };
}

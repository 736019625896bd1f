import { existsSync } from 'node:fs';
import path from 'node:path';
import { Piscina } from 'piscina';
import { logger, setLogLevel } from './logger';
import { FACE_API_MODEL, KNOWN_MODELS } from './models';
import {
  InferenceError,
  type AnalyzeOptions,
  type ImageAnalysis,
  type InferenceConfig,
  type InferenceEngine,
} from './types';
import type { WorkerData, WorkerResult, WorkerTask } from './worker';

/**
 * Worker threads run compiled JavaScript. From dist/ the worker sits beside this file; when this
 * file runs from TypeScript source (vitest), the build output is used.
 */
export function workerFile(): string {
  const beside = path.join(__dirname, 'worker.js');
  if (existsSync(beside)) {
    return beside;
  }
  const built = path.resolve(__dirname, '..', '..', 'dist', 'src', 'inference', 'worker.js');
  if (!existsSync(built)) {
    throw new Error(`inference worker not built: run "npm run build" (looked for ${built})`);
  }
  return built;
}

/** A pool of inference workers behind the InferenceEngine facade. */
export function createInferenceEngine(config: InferenceConfig): InferenceEngine {
  setLogLevel(config.logLevel);
  const data: WorkerData = {
    backend: config.backend ?? 'auto',
    logLevel: config.logLevel,
    maxPixels: config.maxPixels,
    maxDimension: config.maxDimension,
    minDetectionScore: config.minDetectionScore,
    minFaceSize: config.minFaceSize,
    tileMinDimension: config.tileMinDimension,
    tileSize: config.tileSize,
    models: config.models,
  };
  const pool = new Piscina<WorkerTask, WorkerResult>({
    filename: workerFile(),
    minThreads: config.workers,
    maxThreads: config.workers,
    // Each task holds one photo's tensors; queueing beats oversubscribing the cores.
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: data,
  });
  let backend = 'unknown';
  // What every worker loaded: a model that failed in one worker is treated as absent everywhere.
  let models: string[] = config.models ?? [...KNOWN_MODELS];

  const run = async (task: WorkerTask): Promise<WorkerResult> => {
    try {
      return await pool.run(task);
    } catch (error) {
      // A crashed worker is replaced by piscina; the task that was on it fails cleanly.
      logger.error({ err: error }, 'inference worker crashed');
      throw new InferenceError('INFERENCE_UNAVAILABLE', 'The face analysis worker stopped unexpectedly');
    }
  };

  return {
    get backend() {
      return backend;
    },
    model: FACE_API_MODEL,
    get models() {
      return models;
    },
    async ready() {
      // One warm-up per worker, so no request pays for model loading.
      const results = await Promise.all(
        Array.from({ length: config.workers }, () => run({ kind: 'warmup' })),
      );
      for (const result of results) {
        if (!result.ok) {
          throw new InferenceError(result.code, result.message);
        }
        if ('backend' in result) {
          backend = result.backend;
          models = models.filter((m) => result.models.includes(m));
          for (const f of result.failed) {
            logger.warn({ model: f.model, reason: f.reason }, 'recognition runs without this model');
          }
        }
      }
    },
    async analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<ImageAnalysis> {
      // Every worker runs the same models, so photos are comparable whichever worker took them.
      const asked = options?.models ? models.filter((m) => options.models!.includes(m)) : models;
      const result = await run({
        kind: 'analyze',
        image,
        options: { ...options, models: asked.length ? asked : models },
      });
      if (!result.ok) {
        throw new InferenceError(result.code, result.message);
      }
      if (!('analysis' in result)) {
        throw new InferenceError('INFERENCE_UNAVAILABLE', 'unexpected worker answer');
      }
      return result.analysis;
    },
    async tensorCounts() {
      const results = await Promise.all(
        Array.from({ length: config.workers }, () => run({ kind: 'warmup' })),
      );
      return results.map((r) => (r.ok && 'tensors' in r ? r.tensors : -1));
    },
    stats() {
      return { workers: pool.threads.length, queued: pool.queueSize, utilization: pool.utilization };
    },
    async close() {
      await pool.destroy();
    },
  };
}

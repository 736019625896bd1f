import { workerData } from 'node:worker_threads';
import { loadBackend, type BackendPreference } from './backend';
import { logger, setLogLevel } from './logger';
import { analyzeImage, loadNets, type LoadedModels, type PipelineConfig } from './pipeline';
import { InferenceError, type AnalyzeOptions, type ImageAnalysis, type InferenceErrorCode } from './types';

// One piscina worker: its own TensorFlow.js backend and networks, loaded once, then one image per task.

export interface WorkerData extends PipelineConfig {
  backend: BackendPreference;
  logLevel?: string;
}

export type WorkerTask =
  { kind: 'analyze'; image: Uint8Array; options?: AnalyzeOptions } | { kind: 'warmup' };

/** Class instances do not survive the thread boundary, so failures travel as codes. */
export type WorkerResult =
  | { ok: true; analysis: ImageAnalysis }
  | {
      ok: true;
      backend: string;
      tensors: number;
      models: string[];
      failed: { model: string; reason: string }[];
    }
  | { ok: false; code: InferenceErrorCode; message: string };

const config = workerData as WorkerData;
setLogLevel(config.logLevel);

const ready: Promise<LoadedModels> = (async () => {
  const backend = await loadBackend(config.backend);
  return loadNets(backend, config.models);
})();
// Keep a failed start from surfacing as an unhandled rejection before the first task awaits it.
ready.catch(() => undefined);

export default async function run(task: WorkerTask): Promise<WorkerResult> {
  let backend: LoadedModels;
  try {
    backend = await ready;
  } catch (error) {
    logger.error({ err: error }, 'inference worker failed to start');
    return {
      ok: false,
      code: 'INFERENCE_UNAVAILABLE',
      message: 'The face recognition models could not be loaded',
    };
  }
  if (task.kind === 'warmup') {
    return {
      ok: true,
      backend: backend.name,
      tensors: backend.tf.memory().numTensors,
      models: backend.models,
      failed: backend.failed,
    };
  }
  try {
    return { ok: true, analysis: await analyzeImage(backend, task.image, config, task.options) };
  } catch (error) {
    if (error instanceof InferenceError) {
      return { ok: false, code: error.code, message: error.message };
    }
    logger.error({ err: error }, 'inference failed');
    return { ok: false, code: 'INFERENCE_UNAVAILABLE', message: 'Face analysis failed' };
  }
}

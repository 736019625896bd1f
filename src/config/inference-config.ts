import { parseModelList, type InferenceConfig } from '../inference';
import type { Env } from './env';

/** The inference pool's settings from the environment (API servers and `npm run worker` alike). */
export function inferenceConfig(env: Env, workers = env.INFERENCE_WORKERS): InferenceConfig {
  return {
    workers,
    maxPixels: env.MAX_IMAGE_PIXELS,
    maxDimension: env.INFERENCE_MAX_DIMENSION,
    minDetectionScore: env.INFERENCE_MIN_DETECTION_SCORE,
    minFaceSize: env.INFERENCE_MIN_FACE_SIZE,
    tileMinDimension: env.INFERENCE_TILE_MIN_DIMENSION,
    tileSize: env.INFERENCE_TILE_SIZE,
    models: parseModelList(env.RECOGNITION_MODELS),
    backend: env.INFERENCE_BACKEND,
    logLevel: env.LOG_LEVEL,
  };
}

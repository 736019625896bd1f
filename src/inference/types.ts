// Plain data shared by the inference pool, its workers and the services that call it.
// Nothing here may import GraphQL, TypeORM or anything outside src/inference.

/** A box in pixels of the upright (EXIF-rotated) original image. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Model id -> that model's embedding of one face. */
export type Embeddings = Record<string, number[]>;

/**
 * What can be wrong with a face. An enum-like object rather than a TS enum so plain string literals
 * stay assignable; the schema registers it as the GraphQL enum `QualityIssue`.
 */
export const QualityIssue = {
  TOO_SMALL: 'TOO_SMALL',
  BLURRY: 'BLURRY',
  POSE: 'POSE',
  UNDEREXPOSED: 'UNDEREXPOSED',
  OVEREXPOSED: 'OVEREXPOSED',
  LOW_DETECTION_SCORE: 'LOW_DETECTION_SCORE',
} as const;
export type QualityIssue = (typeof QualityIssue)[keyof typeof QualityIssue];

export interface FaceQuality {
  /** Shorter side of the face box, in original-image pixels. */
  sizePx: number;
  /** Variance of the Laplacian on the grey face crop, normalised to ~0..1 (higher is sharper). */
  sharpness: number;
  /** Head pose estimated from the 68 landmarks, degrees (0 = frontal). */
  yaw: number;
  pitch: number;
  roll: number;
  /** Mean luminance of the face crop, 0..1. */
  brightness: number;
  /** Overall quality 0..1 combining the measures above. */
  score: number;
  issues: QualityIssue[];
}

export interface DetectedFace {
  box: FaceBox;
  detectionScore: number;
  quality: FaceQuality;
  /**
   * One L2-normalised embedding per embedding model that ran, keyed by model id (see models.ts):
   * 128-d for face-api's descriptor, 512-d for MobileFaceNet. Embeddings of different models never mix.
   */
  embeddings: Embeddings;
  /** Small JPEG of the face (for review screens and profile thumbnails); no EXIF. */
  thumbnail: Uint8Array;
}

export interface StageTimings {
  decodeMs: number;
  detectMs: number;
  landmarksMs: number;
  embedMs: number;
  /** Embedding time per model that ran (alignment included). */
  embedMsByModel?: Record<string, number>;
  totalMs: number;
}

export interface ImageAnalysis {
  width: number;
  height: number;
  faces: DetectedFace[];
  /** TensorFlow.js backend the worker ran on: tensorflow (GPU or CPU native), wasm or cpu. */
  backend: string;
  /** Embedding models that ran on this photo (a model that failed to load or was not asked is absent). */
  models: string[];
  /** The reference model (face-api's descriptor), whose embedding every deployment has. */
  model: string;
  timings: StageTimings;
}

export type InferenceErrorCode = 'INVALID_IMAGE' | 'IMAGE_TOO_LARGE' | 'INFERENCE_UNAVAILABLE';

/** Thrown by the facade (never crosses a thread boundary as a class: workers return codes). */
export class InferenceError extends Error {
  constructor(
    readonly code: InferenceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

export interface AnalyzeOptions {
  /** Stop after this many faces, largest first (enrollment asks for 2 to reject group photos). */
  maxFaces?: number;
  /** Override the tiled detection of large photos (default: by the engine's tileMinDimension). */
  tiling?: boolean;
  /** Run only these embedding models (of those loaded), e.g. under load; default: every loaded model. */
  models?: string[];
  /** Make a JPEG thumbnail per face (default true; re-embedding stored samples needs none). */
  thumbnails?: boolean;
}

export interface InferenceEngine {
  /** Decode, detect, align and embed every face of one image. */
  analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<ImageAnalysis>;
  /** Backend the workers chose (after ready()). */
  readonly backend: string;
  /** The reference model (face-api's descriptor). */
  readonly model: string;
  /** Embedding models the workers loaded (after ready()); fewer than configured when one failed to load. */
  readonly models: string[];
  /** Resolves when at least one worker has loaded its models. */
  ready(): Promise<void>;
  stats(): { workers: number; queued: number; utilization: number };
  /** Live tensors in each worker (only model weights when nothing leaks). */
  tensorCounts(): Promise<number[]>;
  close(): Promise<void>;
}

/** `auto` tries tfjs-node-gpu, tfjs-node, WASM and cpu in order; the others force one. */
export type BackendPreference = 'auto' | 'gpu' | 'node' | 'wasm' | 'cpu';

export interface InferenceConfig {
  /** Number of worker threads. */
  workers: number;
  /** Refuse images with more pixels than this before decoding them. */
  maxPixels: number;
  /** Longest side the image is resized to before detection. */
  maxDimension: number;
  /** SSD MobileNet minimum detection confidence. */
  minDetectionScore: number;
  /** Faces smaller than this (shorter box side, px) are ignored. */
  minFaceSize: number;
  /** Photos with a longer side from this many pixels are also scanned in tiles (0 = never). */
  tileMinDimension?: number;
  /** Tile side in pixels. */
  tileSize?: number;
  /** Embedding models to load (ids from models.ts); default: every known model. */
  models?: string[];
  /** TensorFlow.js backend (INFERENCE_BACKEND); default auto. */
  backend?: BackendPreference;
  /** pino level of the inference logger, main thread and workers (LOG_LEVEL); default info. */
  logLevel?: string;
}

/* eslint-disable @typescript-eslint/no-require-imports -- onnxruntime-node loads lazily: a worker without it still runs face-api */
import type * as Ort from 'onnxruntime-node';
import { alignedInput, type RgbImage } from './align';
import { gpuRuntimePresent } from './backend';
import { logger } from './logger';
import type { Point } from './quality';

// An ONNX embedding network (MobileFaceNet from faceplugin) on onnxruntime-node: one session per
// worker thread, CUDA when the machine has it, else the CPU provider with settings measured here
// (graph optimisation 'extended': 'all' made this network 3.3x slower; one intra-op thread, since
// parallelism comes from the worker threads).

export interface Embedder {
  /** Execution provider in use: cuda or cpu. */
  provider: string;
  embed(image: RgbImage, landmarks68: Point[]): Promise<Float32Array>;
}

export async function loadOnnxEmbedder(file: string): Promise<Embedder> {
  const ort = require('onnxruntime-node') as typeof Ort;
  const base: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'extended',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  };
  let session: Ort.InferenceSession | undefined;
  let provider = 'cpu';
  if (gpuRuntimePresent()) {
    try {
      session = await ort.InferenceSession.create(file, { ...base, executionProviders: ['cuda'] });
      provider = 'cuda';
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message.split('\n')[0] : String(error) },
        'CUDA execution provider unavailable, using the CPU',
      );
    }
  }
  session ??= await ort.InferenceSession.create(file, { ...base, executionProviders: ['cpu'] });
  const input = session.inputNames[0]!;
  const output = session.outputNames[0]!;
  const s = session;
  return {
    provider,
    async embed(image, landmarks68) {
      const tensor = new ort.Tensor('float32', alignedInput(image, landmarks68), [1, 3, 112, 112]);
      const result = await s.run({ [input]: tensor });
      const data = result[output]!.data as Float32Array;
      tensor.dispose();
      return Float32Array.from(data);
    },
  };
}

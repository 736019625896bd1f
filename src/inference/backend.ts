/* eslint-disable @typescript-eslint/no-require-imports -- backends load lazily, in order: only the chosen one may initialise */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as TfjsModule from '@tensorflow/tfjs';
import type * as WasmBackendModule from '@tensorflow/tfjs-backend-wasm';
import type * as FaceApiModule from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { logger } from './logger';
import type { BackendPreference } from './types';

// face-api ships one bundle per TensorFlow.js flavour; each must share the tfjs instance of its
// backend, so the backend and the bundle are chosen together (as face-api's own src/tfjs/tf-node*.ts).

export type { BackendPreference };

/** The subset of face-api's API Rollcall uses, typed loosely enough to cover every bundle. */
export type FaceApi = typeof FaceApiModule;
type Tf = typeof TfjsModule;

export interface LoadedBackend {
  name: string;
  faceapi: FaceApi;
  tf: Tf;
}

// Optional native backends are not dependencies (they cannot install without their own download),
// so they are required by a computed name that bundlers and tsc leave alone.
const optionalRequire = (id: string): unknown => require(id);

export function gpuRuntimePresent(): boolean {
  return (
    existsSync('/dev/nvidia0') ||
    existsSync('/dev/nvidiactl') ||
    (process.env.LD_LIBRARY_PATH ?? '')
      .split(':')
      .some((dir) => dir && existsSync(path.join(dir, 'libcudart.so')))
  );
}

// face-api types its tf export narrowly; every bundle's tf is a full TensorFlow.js namespace.
const tfOf = (faceapi: FaceApi) => faceapi.tf as unknown as Tf;

async function tryGpu(): Promise<LoadedBackend | undefined> {
  if (!gpuRuntimePresent()) {
    return undefined;
  }
  optionalRequire('@tensorflow/tfjs-node-gpu');
  const faceapi = optionalRequire('@vladmandic/face-api/dist/face-api.node-gpu.js') as FaceApi;
  const tf = tfOf(faceapi);
  await tf.ready();
  return { name: 'tensorflow-gpu', faceapi, tf };
}

async function tryNode(): Promise<LoadedBackend | undefined> {
  optionalRequire('@tensorflow/tfjs-node');
  const faceapi = optionalRequire('@vladmandic/face-api/dist/face-api.node.js') as FaceApi;
  const tf = tfOf(faceapi);
  await tf.ready();
  return { name: 'tensorflow', faceapi, tf };
}

async function tryWasm(): Promise<LoadedBackend | undefined> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof WasmBackendModule;
  // Point at the binaries in node_modules: never a CDN, nothing downloads at run time.
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${dir}${path.sep}`);
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = tfOf(faceapi);
  if (!(await tf.setBackend('wasm'))) {
    return undefined;
  }
  await tf.ready();
  return { name: 'wasm', faceapi, tf };
}

async function tryCpu(): Promise<LoadedBackend | undefined> {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = tfOf(faceapi);
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', faceapi, tf };
}

const ORDER: [Exclude<BackendPreference, 'auto'>, () => Promise<LoadedBackend | undefined>][] = [
  ['gpu', tryGpu],
  ['node', tryNode],
  ['wasm', tryWasm],
  ['cpu', tryCpu],
];

/** Loads the best backend this machine has: tfjs-node-gpu, tfjs-node, WASM, then pure-JS cpu. */
export async function loadBackend(preference: BackendPreference = 'auto'): Promise<LoadedBackend> {
  const candidates = preference === 'auto' ? ORDER : ORDER.filter(([name]) => name === preference);
  const skipped: string[] = [];
  for (const [name, attempt] of candidates) {
    try {
      const loaded = await attempt();
      if (loaded) {
        logger.info({ backend: loaded.name, skipped }, 'tensorflow.js backend selected');
        return loaded;
      }
      skipped.push(`${name}: not available`);
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded (${skipped.join('; ')})`);
}

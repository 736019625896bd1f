import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { LoadedBackend } from './backend';
import { decode, faceGrey, faceThumbnail, probe, type DecodedImage, type ImageLimits } from './image';
import { logger } from './logger';
import {
  FACE_API_MODEL,
  KNOWN_MODELS,
  MOBILEFACENET_MODEL,
  modelDirectory,
  verifyEmbeddingModel,
  verifyModels,
  weightFile,
} from './models';
import { loadOnnxEmbedder, type Embedder } from './onnx-embedder';
import { assessQuality, brightness, pose, sharpness, type Point } from './quality';
import {
  candidateCells,
  candidateRegions,
  DEFAULT_CANDIDATES,
  DEFAULT_TILING,
  mergeOverlapping,
  packRegions,
  suppressDuplicates,
  tileGrid,
  type Placement,
  type TilingConfig,
} from './tiling';
import type { AnalyzeOptions, DetectedFace, ImageAnalysis } from './types';

export interface PipelineConfig extends ImageLimits, Partial<TilingConfig> {
  minDetectionScore: number;
  minFaceSize: number;
  /** Embedding models to load; default every known model. */
  models?: string[];
}

interface Found {
  box: Box;
  score: number;
  landmarks: Point[];
  /** face-api's descriptor, when that model runs. */
  descriptor?: Float32Array;
}

const GREY_SIZE = 64;
/** Padding on each side, as a share of the longer side, for the padded detection pass. */
const PAD_FRACTION = 0.15;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A backend with its detector and landmark nets, and the embedding models that loaded. */
export interface LoadedModels extends LoadedBackend {
  /** Embedding models ready to run, in canonical order. */
  models: string[];
  /** Models that were asked for but could not be loaded, with the reason (the worker runs without them). */
  failed: { model: string; reason: string }[];
  onnx: Map<string, Embedder>;
}

/**
 * Loads the networks once per backend (per worker thread). Detection and landmarks are required;
 * each embedding model is optional: one that fails its checksum or does not load is left out and
 * reported, and the others carry on (the matcher then uses the calibration for that subset).
 */
export async function loadNets(
  backend: LoadedBackend,
  wanted: string[] = [...KNOWN_MODELS],
  /** Another weight file per ONNX model id (tests load a damaged copy to exercise degradation). */
  files: Record<string, string> = {},
): Promise<LoadedModels> {
  const dir = modelDirectory();
  await verifyModels();
  const { nets } = backend.faceapi;
  await nets.ssdMobilenetv1.loadFromDisk(dir);
  await nets.faceLandmark68Net.loadFromDisk(dir);
  const loaded: LoadedModels = { ...backend, models: [], failed: [], onnx: new Map() };
  for (const model of KNOWN_MODELS.filter((m) => wanted.includes(m))) {
    try {
      if (model === FACE_API_MODEL) {
        await verifyEmbeddingModel(model);
        await nets.faceRecognitionNet.loadFromDisk(dir);
      } else if (model === MOBILEFACENET_MODEL) {
        const file = files[model] ?? weightFile('fr_feature', 'fr_feature.onnx');
        await verifyEmbeddingModel(model, file);
        loaded.onnx.set(model, await loadOnnxEmbedder(file));
      }
      loaded.models.push(model);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      loaded.failed.push({ model, reason });
      logger.error({ model, reason }, 'embedding model failed to load; running without it');
    }
  }
  if (loaded.models.length === 0) {
    throw new Error(
      `no embedding model could be loaded (${loaded.failed.map((f) => `${f.model}: ${f.reason}`).join('; ')})`,
    );
  }
  logger.info(
    {
      models: loaded.models,
      failed: loaded.failed.map((f) => f.model),
      providers: [...loaded.onnx.values()].map((e) => e.provider),
    },
    'embedding models loaded',
  );
  return loaded;
}

function l2normalise(v: Float32Array): number[] {
  let norm = 0;
  for (const x of v) {
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  return Array.from(v, (x) => x / norm);
}

/** Decode -> detect -> landmarks/alignment -> descriptors, for every face of one image. */
export async function analyzeImage(
  backend: LoadedModels,
  bytes: Uint8Array,
  config: PipelineConfig,
  options: AnalyzeOptions = {},
): Promise<ImageAnalysis> {
  const { faceapi } = backend;
  const t0 = performance.now();
  // Only loaded models run; asking for none of them (e.g. a model that failed here) runs all loaded.
  const asked = options.models ? backend.models.filter((m) => options.models!.includes(m)) : [];
  const run = asked.length > 0 ? asked : backend.models;
  const tiling = { ...DEFAULT_TILING, ...definedOnly(config) };
  const upright = await probe(bytes, config.maxPixels);
  // Enrollment (maxFaces) wants the main face, never tiny bystanders: no tiling there.
  const tiled =
    options.tiling ??
    (tiling.tileMinDimension > 0 &&
      options.maxFaces === undefined &&
      Math.max(upright.width, upright.height) >= tiling.tileMinDimension);
  const image = await decode(bytes, {
    maxPixels: config.maxPixels,
    maxDimension: tiled ? Math.max(tiling.tiledMaxDimension, config.maxDimension) : config.maxDimension,
  });
  const t1 = performance.now();

  // Built with face-api's own tf handle so the tensor type matches its nets.
  const input = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  let detectMs = 0;
  let embedMs = 0;
  const embedMsByModel: Record<string, number> = Object.fromEntries(run.map((m) => [m, 0]));
  let found: Found[] = [];
  const opts = new faceapi.SsdMobilenetv1Options({
    minConfidence: config.minDetectionScore,
    maxResults: 200,
  });

  /**
   * face-api's extractFaceTensors (same clipping and flooring, so the same pixels), but copying the
   * rows from the decoded buffer: tf.slice on a large WASM tensor costs ~20 ms per face at 2 Mpx and
   * ~0.3 s at 12 Mpx. `pad` is the zero border of a padded source (coordinates include it).
   */
  const faceTensors = (boxes: InstanceType<typeof faceapi.Box>[], pad = 0) => {
    const [width, height] = [image.width + 2 * pad, image.height + 2 * pad];
    return boxes.map((box) => {
      const r = box.clipAtImageBorders(width, height);
      const rect = { x: r.x, y: r.y, width: Math.max(1, r.width), height: Math.max(1, r.height) };
      return faceapi.tf.tensor3d(cropRgb(image, rect, pad), [rect.height, rect.width, 3], 'int32');
    });
  };

  /** 68 landmarks of each box, placed in source coordinates (as face-api's withFaceLandmarks). */
  const landmarksOf = async (boxes: InstanceType<typeof faceapi.Box>[], pad = 0) => {
    const crops = faceTensors(boxes, pad);
    try {
      const landmarks = await Promise.all(
        crops.map((c) => faceapi.nets.faceLandmark68Net.detectLandmarks(c)),
      );
      return landmarks.map((l, i) => asArray(l)[0]!.shiftBy(boxes[i]!.x, boxes[i]!.y));
    } finally {
      crops.forEach((c) => c.dispose());
    }
  };

  /** face-api's 128-d descriptors for faces with these landmarks, one batch (undefined when not asked). */
  const faceApiDescriptors = async (
    landmarks: InstanceType<typeof faceapi.FaceLandmarks>[],
    pad = 0,
  ): Promise<Float32Array[] | undefined> => {
    if (!run.includes(FACE_API_MODEL)) {
      return undefined;
    }
    const t = performance.now();
    const aligned = faceTensors(
      landmarks.map((l) => l.align(null, { useDlibAlignment: true })),
      pad,
    );
    const descriptors = asArray(await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned));
    aligned.forEach((a) => a.dispose());
    embedMsByModel[FACE_API_MODEL]! += performance.now() - t;
    return descriptors;
  };

  /** face-api's detection + landmark chain on the whole image, then one batched descriptor call. */
  const analyzeWhole = async (maxFaces?: number, pad = 0) => {
    // A padded copy: SSD misses a face that fills the frame or touches its edge; coordinates are
    // shifted back by the padding below.
    const source =
      pad > 0
        ? faceapi.tf.pad(input, [
            [pad, pad],
            [pad, pad],
            [0, 0],
          ])
        : input;
    try {
      return await wholePass(source, pad, maxFaces);
    } finally {
      if (source !== input) {
        source.dispose();
      }
    }
  };

  const wholePass = async (source: typeof input, pad: number, maxFaces?: number) => {
    const t = performance.now();
    // face-api's own chain, step by step (its crops and landmark shifts are what the descriptor
    // network was validated with: a hand-rolled variant drifted by 0.5 in distance); only the crops
    // are copied instead of sliced, which gives the same pixels and bit-identical embeddings.
    const detections = await faceapi.detectAllFaces(source, opts);
    const sourceWidth = image.width + 2 * pad;
    const sourceHeight = image.height + 2 * pad;
    const placed = await landmarksOf(
      detections.map((d) => d.forSize(sourceWidth, sourceHeight).box),
      pad,
    );
    const detected = detections.map((detection, i) => ({ detection, landmarks: placed[i]! }));
    const t2 = performance.now();
    detectMs += t2 - t;
    // Small faces are dropped before the descriptor stage; the largest are kept when a cap is asked.
    let kept = detected.filter(
      (d) => Math.min(d.detection.box.width, d.detection.box.height) * image.scale >= config.minFaceSize,
    );
    if (maxFaces !== undefined) {
      kept = [...kept].sort((a, b) => b.detection.box.area - a.detection.box.area).slice(0, maxFaces);
    }
    if (kept.length === 0) {
      return [];
    }
    // All faces of the photo go through the descriptor net as one batch.
    const descriptors = await faceApiDescriptors(
      kept.map((k) => k.landmarks),
      pad,
    );
    embedMs += performance.now() - t2;
    return kept.map((k, i): Found => ({
      box: {
        x: k.detection.box.x - pad,
        y: k.detection.box.y - pad,
        width: k.detection.box.width,
        height: k.detection.box.height,
      },
      score: k.detection.score,
      landmarks: k.landmarks.positions.map((p) => ({ x: p.x - pad, y: p.y - pad })),
      descriptor: descriptors?.[i],
    }));
  };

  /**
   * Detection alone on the parts of the photo that may hold small faces (skin-coloured structure,
   * away from the faces already found), packed onto detector-sized sheets; the costly landmark and
   * descriptor nets then run only for the faces the whole-image pass missed.
   */
  const smallFacesFromTiles = async (): Promise<Found[]> => {
    const t = performance.now();
    const candidates: { box: Box; score: number }[] = found.map((f) => ({ box: f.box, score: f.score }));
    const fromTiles: { box: Box; score: number }[] = [];
    for (const placements of await scanSheets(image, found, tiling)) {
      const sheet = await drawSheet(image, placements);
      const region = faceapi.tf.tensor3d(sheet, [SHEET_SIDE, SHEET_SIDE, 3], 'int32');
      try {
        for (const d of await faceapi.detectAllFaces(region, opts)) {
          const box = fromSheet(d.box, placements);
          // Sheets are for small faces; big ones are the whole-image pass's.
          if (
            box &&
            Math.max(box.width, box.height) <= tiling.tileSize / 2 &&
            Math.min(box.width, box.height) * image.scale >= config.minFaceSize
          ) {
            fromTiles.push({ box, score: d.score });
          }
        }
      } finally {
        region.dispose();
      }
    }
    const all = [...candidates, ...fromTiles];
    const fresh = suppressDuplicates(all)
      .filter((i) => i >= candidates.length)
      .map((i) => all[i]!);
    const t2 = performance.now();
    detectMs += t2 - t;
    if (fresh.length === 0) {
      return [];
    }
    const rects = fresh.map((f) => new faceapi.Rect(f.box.x, f.box.y, f.box.width, f.box.height));
    const placed = await landmarksOf(rects);
    const descriptors = await faceApiDescriptors(placed);
    embedMs += performance.now() - t2;
    return fresh.map((f, i) => ({
      box: f.box,
      score: f.score,
      landmarks: placed[i]!.positions.map((p) => ({ x: p.x, y: p.y })),
      descriptor: descriptors?.[i],
    }));
  };

  try {
    // Single-face photos (enrollment, verification) are always padded: their face is often large and
    // near an edge. Group photos are padded only as a second chance when nothing was found, since
    // padding shrinks every face in the detector's 512 px view.
    const pad = Math.round(PAD_FRACTION * Math.max(image.width, image.height));
    found = await analyzeWhole(options.maxFaces, options.maxFaces !== undefined ? pad : 0);
    if (found.length === 0 && options.maxFaces === undefined && !tiled) {
      found = await analyzeWhole(undefined, pad);
    }
    // Tiles cost a detector pass each: skip them when the whole image already shows a group of
    // faces that are all well above the size the whole pass can still see (no sign of small ones).
    if (tiled && (options.tiling === true || suggestsSmallFaces(found, image, tiling.tileSize))) {
      found = [...found, ...(await smallFacesFromTiles())];
    }
  } finally {
    input.dispose();
  }

  // The ONNX models align each face themselves (5-point similarity warp) from the 68 landmarks.
  const onnxEmbeddings = new Map<Found, Record<string, number[]>>();
  const tEmbed = performance.now();
  for (const model of run) {
    const embedder = backend.onnx.get(model);
    if (!embedder) {
      continue;
    }
    const t = performance.now();
    for (const r of found) {
      const e = await embedder.embed(image, r.landmarks);
      onnxEmbeddings.set(r, { ...onnxEmbeddings.get(r), [model]: l2normalise(e) });
    }
    embedMsByModel[model]! += performance.now() - t;
  }
  embedMs += performance.now() - tEmbed;

  const faces: DetectedFace[] = [];
  for (const r of found) {
    const b = r.box;
    const box = b;
    const grey = await faceGrey(image, box, GREY_SIZE);
    const quality = assessQuality({
      sizePx: Math.min(b.width, b.height) * image.scale,
      sharpness: sharpness(grey, GREY_SIZE),
      brightness: brightness(grey),
      detectionScore: r.score,
      pose: pose(r.landmarks),
    });
    faces.push({
      box: {
        x: b.x * image.scale,
        y: b.y * image.scale,
        width: b.width * image.scale,
        height: b.height * image.scale,
      },
      detectionScore: r.score,
      quality,
      embeddings: {
        ...(r.descriptor ? { [FACE_API_MODEL]: l2normalise(r.descriptor) } : {}),
        ...onnxEmbeddings.get(r),
      },
      thumbnail:
        options.thumbnails === false ? new Uint8Array(0) : new Uint8Array(await faceThumbnail(image, box)),
    });
  }
  faces.sort((a, b) => a.box.x - b.box.x);
  const total = performance.now() - t0;
  return {
    width: image.originalWidth,
    height: image.originalHeight,
    faces,
    backend: backend.name,
    models: run,
    model: FACE_API_MODEL,
    timings: {
      decodeMs: t1 - t0,
      detectMs,
      landmarksMs: 0,
      embedMs,
      embedMsByModel,
      totalMs: total,
    },
  };
}

/**
 * Whether the whole-image pass leaves room for faces it could not see: few faces found, or some
 * found faces already near the smallest size it detects (SSD sees the image at 512 px, so a face
 * under ~2.5% of the longer side is lost; one under twice that hints at smaller neighbours).
 */
export function suggestsSmallFaces(
  found: { box: { width: number; height: number } }[],
  image: { width: number; height: number },
  tileSize: number,
): boolean {
  if (found.length < 3) {
    return true;
  }
  const longest = Math.max(image.width, image.height);
  const smallest = Math.min(...found.map((f) => Math.min(f.box.width, f.box.height)));
  return smallest < Math.max(0.05 * longest, tileSize / 8);
}

/** The RGB bytes of one rectangle of the decoded image, or of it padded by `pad` black pixels. */
function cropRgb(image: { data: Buffer; width: number; height: number }, r: Box, pad = 0): Uint8Array {
  const out = new Uint8Array(r.width * r.height * 3);
  // Columns of the rectangle that fall on the image (the rest stays black padding).
  const x0 = Math.max(r.x - pad, 0);
  const x1 = Math.min(r.x - pad + r.width, image.width);
  for (let row = 0; row < r.height; row++) {
    const y = r.y - pad + row;
    if (y < 0 || y >= image.height || x1 <= x0) {
      continue;
    }
    const from = (y * image.width + x0) * 3;
    image.data.copy(out, (row * r.width + (x0 - (r.x - pad))) * 3, from, from + (x1 - x0) * 3);
  }
  return out;
}

/** The detector's input side: sheets are drawn at it so nothing is resized again. */
const SHEET_SIDE = 512;
/**
 * A region is drawn so that its side reaches ~REGION_SIDE sheet px: a region is a face's skin and
 * hair widened by a quarter each side, so its face then reaches the detector at ~40 px, where SSD
 * MobileNet finds it far more often than at the 25 px a 40 px face gets in an 800 px tile (measured
 * on the composed class photos: regions drawn at ~212 px found 1.00 of the 40 px faces, at ~165 px
 * 0.77). Never below the grid's own scale (a region holding several faces is no worse off than in
 * the grid), at most 1.5x.
 */
const REGION_SIDE = 212;
const MAX_REGION_SCALE = 1.5;

/**
 * The sheets to scan for small faces: the candidate regions of a 1/8 thumbnail, less those inside a
 * face already found, each widened by a quarter of its size for context (SSD misses a face with no
 * margin round it), overlapping ones merged. When the regions would take more sheets than a plain
 * grid of tiles (a photo with structure everywhere), the grid is scanned: never more passes than that.
 */
async function scanSheets(image: DecodedImage, found: Found[], tiling: TilingConfig): Promise<Placement[][]> {
  const { cell } = DEFAULT_CANDIDATES;
  const tw = Math.max(1, Math.round(image.width / cell));
  const th = Math.max(1, Math.round(image.height / cell));
  const thumb = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(tw, th, { fit: 'fill' })
    .raw()
    .toBuffer();
  const [sx, sy] = [image.width / tw, image.height / th];
  const regions = candidateRegions(candidateCells(thumb, tw, th), tw, th)
    .map((r) => ({ x: r.x * sx, y: r.y * sy, width: r.width * sx, height: r.height * sy }))
    .filter((r) => !found.some((f) => insideFace(r, f.box)))
    .map((r) => {
      const margin = 16 + Math.max(r.width, r.height) * 0.25;
      const x = Math.max(0, Math.floor(r.x - margin));
      const y = Math.max(0, Math.floor(r.y - margin));
      return {
        x,
        y,
        width: Math.min(image.width, Math.ceil(r.x + r.width + margin)) - x,
        height: Math.min(image.height, Math.ceil(r.y + r.height + margin)) - y,
      };
    });
  const gridScale = SHEET_SIDE / tiling.tileSize;
  const scaled = mergeOverlapping(regions).map((r) => ({
    ...r,
    scale: Math.min(MAX_REGION_SCALE, Math.max(gridScale, REGION_SIDE / Math.max(r.width, r.height))),
  }));
  const sheets = packRegions(scaled, SHEET_SIDE);
  const grid = tileGrid(image.width, image.height, tiling.tileSize);
  if (sheets.length <= grid.length) {
    return sheets;
  }
  return packRegions(
    [{ x: 0, y: 0, width: image.width, height: image.height, scale: gridScale }],
    SHEET_SIDE,
    0,
  );
}

/** A candidate region inside a found face (widened by half for hair, ears and neck) is that face. */
function insideFace(r: Box, face: Box): boolean {
  const grow = Math.max(face.width, face.height) * 0.5;
  return (
    r.x >= face.x - grow &&
    r.y >= face.y - grow &&
    r.x + r.width <= face.x + face.width + grow &&
    r.y + r.height <= face.y + face.height + grow
  );
}

/** Draws the pieces onto one grey sheet (grey: no edge for the detector between pieces). */
async function drawSheet(image: DecodedImage, placements: Placement[]): Promise<Uint8Array> {
  const sheet = new Uint8Array(SHEET_SIDE * SHEET_SIDE * 3).fill(128);
  for (const p of placements) {
    const piece = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .extract({ left: p.source.x, top: p.source.y, width: p.source.width, height: p.source.height })
      .resize(p.width, p.height, { fit: 'fill' })
      .raw()
      .toBuffer();
    for (let row = 0; row < p.height; row++) {
      sheet.set(
        piece.subarray(row * p.width * 3, (row + 1) * p.width * 3),
        ((p.y + row) * SHEET_SIDE + p.x) * 3,
      );
    }
  }
  return sheet;
}

/**
 * A detection on a sheet, in decoded-image pixels: clipped to the piece holding its centre, and
 * dropped when it runs over a side where the piece was cut from a larger region (that face is whole
 * in the overlapping neighbour piece).
 */
function fromSheet(box: Box, placements: Placement[], margin = 2): Box | undefined {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const p = placements.find((q) => cx >= q.x && cx < q.x + q.width && cy >= q.y && cy < q.y + q.height);
  if (!p) {
    return undefined;
  }
  const over = {
    left: box.x < p.x + margin,
    top: box.y < p.y + margin,
    right: box.x + box.width > p.x + p.width - margin,
    bottom: box.y + box.height > p.y + p.height - margin,
  };
  if (
    (over.left && p.cut.left) ||
    (over.top && p.cut.top) ||
    (over.right && p.cut.right) ||
    (over.bottom && p.cut.bottom)
  ) {
    return undefined;
  }
  const x0 = Math.max(box.x, p.x);
  const y0 = Math.max(box.y, p.y);
  const x1 = Math.min(box.x + box.width, p.x + p.width);
  const y1 = Math.min(box.y + box.height, p.y + p.height);
  const kx = p.source.width / p.width;
  const ky = p.source.height / p.height;
  return {
    x: p.source.x + (x0 - p.x) * kx,
    y: p.source.y + (y0 - p.y) * ky,
    width: (x1 - x0) * kx,
    height: (y1 - y0) * ky,
  };
}

/** The tiling fields the caller set (undefined ones keep their defaults). */
function definedOnly(config: Partial<TilingConfig>): Partial<TilingConfig> {
  return Object.fromEntries(
    (['tileMinDimension', 'tileSize', 'tiledMaxDimension'] as const)
      .filter((k) => config[k] !== undefined)
      .map((k) => [k, config[k]]),
  );
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

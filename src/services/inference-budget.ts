import type { Budget } from '../auth/rate-limit';
import { DomainError, ErrorCode, rateLimited } from './domain-error';

// What a photo costs the inference workers, known from its header alone, and the budgets that bound
// it. A file's size says nothing about its cost: a 6 KB PNG can declare 7000x7000 pixels, and a
// 4000x4000 GIF is tiled into ~50 detector passes. Cost is therefore counted in detector passes (one
// pass ~ 0.2 s of one worker on this CPU) plus decoding, and charged before any pixel is decoded.

export interface InferenceCostConfig {
  /** Largest photo (width x height) analysed at all; bigger ones answer IMAGE_TOO_LARGE. */
  maxPhotoPixels: number;
  /** Longer side from which the pipeline also scans tiles (0 = never). */
  tileMinDimension: number;
  tileSize: number;
  /** Tiled photos are decoded at most this long (the pipeline's tiledMaxDimension). */
  tiledMaxDimension: number;
}

export interface InferenceCost {
  pixels: number;
  tiles: number;
  /** Budget units: detector passes plus one unit per 2 decoded megapixels. */
  units: number;
}

/** The pipeline's worst case, charged before decoding: its small-face scan never takes more detector passes than this grid (overlapping tiles, 25% overlap). */
export function inferenceCost(width: number, height: number, config: InferenceCostConfig): InferenceCost {
  const pixels = width * height;
  const longest = Math.max(width, height);
  let tiles = 0;
  if (config.tileMinDimension > 0 && longest >= config.tileMinDimension && config.tileSize > 0) {
    const scale = Math.min(1, config.tiledMaxDimension / longest);
    const axis = (length: number) => {
      const decoded = Math.round(length * scale);
      return decoded <= config.tileSize
        ? 1
        : Math.ceil((decoded - config.tileSize) / (config.tileSize * 0.75)) + 1;
    };
    tiles = axis(width) * axis(height);
  }
  return { pixels, tiles, units: 1 + tiles + Math.ceil(pixels / 2_000_000) };
}

export interface BudgetLimits {
  /** Units per minute one caller (user, key, address) may spend. */
  perCallerPerMinute: number;
  /** Units per minute all callers together may spend on this platform. */
  totalPerMinute: number;
}

/**
 * Admits photos to inference: refuses oversized ones, then charges the caller's budget and the
 * platform's. Over budget is INFERENCE_BUDGET_EXCEEDED with `retryAfter` seconds.
 */
export class InferenceBudget {
  constructor(
    private readonly probe: (bytes: Uint8Array) => Promise<{ width: number; height: number }>,
    private readonly config: InferenceCostConfig,
    private readonly perCaller: Budget,
    private readonly total: Budget,
  ) {}

  /** Probes each photo (header only) and charges their summed cost to `callerKey`. */
  async admit(callerKey: string, photos: readonly Uint8Array[]): Promise<InferenceCost> {
    let units = 0;
    let pixels = 0;
    let tiles = 0;
    for (const [photoIndex, bytes] of photos.entries()) {
      const { width, height } = await this.probe(bytes);
      if (width * height > this.config.maxPhotoPixels) {
        throw new DomainError(
          ErrorCode.IMAGE_TOO_LARGE,
          `The image is ${width}x${height}; photos of at most ${this.config.maxPhotoPixels} pixels are analysed`,
          { photoIndex, maxPixels: this.config.maxPhotoPixels },
        );
      }
      const cost = inferenceCost(width, height, this.config);
      units += cost.units;
      pixels += cost.pixels;
      tiles += cost.tiles;
    }
    const callerWait = await this.perCaller.consume(callerKey, units);
    if (callerWait > 0) {
      throw rateLimited(
        callerWait,
        'Your photo analysis budget is spent',
        ErrorCode.INFERENCE_BUDGET_EXCEEDED,
      );
    }
    const totalWait = await this.total.consume('all', units);
    if (totalWait > 0) {
      throw rateLimited(
        totalWait,
        'The platform is analysing as many photos as it can',
        ErrorCode.INFERENCE_BUDGET_EXCEEDED,
      );
    }
    return { units, pixels, tiles };
  }
}

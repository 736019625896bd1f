// Small faces in big photos. SSD MobileNet sees every input at 512x512, so in a 4000-pixel class
// photo a 40-pixel face shrinks to 5 pixels and is lost. Detection is therefore also run on
// overlapping tiles at full resolution, and the union of all detections is de-duplicated.
// Everything here is pure geometry.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TilingConfig {
  /** Photos whose longer side reaches this (original pixels) are tiled; 0 turns tiling off. */
  tileMinDimension: number;
  /** Side of a tile in decoded pixels. A face of f px becomes f * 512 / tileSize px for the detector. */
  tileSize: number;
  /** Tiled photos are decoded at up to this longer side (memory: 12 bytes per pixel in the worker). */
  tiledMaxDimension: number;
}

export const DEFAULT_TILING: TilingConfig = {
  tileMinDimension: 2400,
  tileSize: 800,
  tiledMaxDimension: 4096,
};

/** Tiles covering width x height, overlapping by `overlap` of a tile so a face cut by one edge is whole in a neighbour. */
export function tileGrid(width: number, height: number, size: number, overlap = 0.25): Rect[] {
  const axis = (length: number): [number, number][] => {
    if (length <= size) {
      return [[0, length]];
    }
    const stride = size * (1 - overlap);
    const count = Math.ceil((length - size) / stride) + 1;
    // Spread the tiles evenly so the last one ends exactly at the edge.
    const step = (length - size) / (count - 1);
    return Array.from({ length: count }, (_, i) => [Math.round(i * step), size]);
  };
  const tiles: Rect[] = [];
  for (const [y, h] of axis(height)) {
    for (const [x, w] of axis(width)) {
      tiles.push({ x, y, width: w, height: h });
    }
  }
  return tiles;
}

const area = (r: Rect) => Math.max(0, r.width) * Math.max(0, r.height);

function intersection(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Rect, b: Rect): number {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / (area(a) + area(b) - i);
}

/**
 * Greedy non-maximum suppression over detections from the whole image and from the tiles. Two boxes
 * are the same face when they overlap (IoU) or one lies mostly inside the other (a face cut by a
 * tile edge yields a partial box inside the whole one). Returns the indices kept, best first.
 */
export function suppressDuplicates(
  detections: { box: Rect; score: number }[],
  iouThreshold = 0.4,
  containment = 0.6,
): number[] {
  const order = detections.map((_, i) => i).sort((a, b) => detections[b]!.score - detections[a]!.score);
  const kept: number[] = [];
  for (const i of order) {
    const box = detections[i]!.box;
    const duplicate = kept.some((k) => {
      const other = detections[k]!.box;
      const inter = intersection(box, other);
      return (
        inter > 0 &&
        (iou(box, other) >= iouThreshold || inter / Math.min(area(box), area(other)) >= containment)
      );
    });
    if (!duplicate) {
      kept.push(i);
    }
  }
  return kept;
}

// Selective tiling. Running the detector over every tile of a 4000x3000 photo costs ~35 detector
// passes, most of them on wall, floor or sky. A cheap look at a 1/8 thumbnail finds the cells that
// could hold a face (skin-coloured and with structure around them); only the regions around them
// are scanned, packed side by side into detector-sized sheets.

export interface CandidateOptions {
  /** Decoded pixels per thumbnail cell. */
  cell: number;
  /** Minimum standard deviation of the luminance over a cell's 5x5 neighbourhood (0-255). */
  minContrast: number;
}

export const DEFAULT_CANDIDATES: CandidateOptions = { cell: 8, minContrast: 6 };

/**
 * Cells each side over which contrast is measured: 5x5 cells (40 px) reach from a smooth cheek to
 * the eyes or mouth, so a 60 px face is one region rather than two halves either side of it.
 */
const CONTRAST_RADIUS = 2;

/**
 * Cells of an RGB thumbnail that may belong to a face: skin chroma (the YCbCr box of Chai and Ngan,
 * which holds across skin tones since it ignores luminance) with contrast around them. A photo with
 * almost no colour (greyscale, or a strong colour cast) gives no usable skin signal, so there
 * structure alone counts.
 */
export function candidateCells(
  rgb: Uint8Array,
  width: number,
  height: number,
  minContrast = DEFAULT_CANDIDATES.minContrast,
): Uint8Array {
  const n = width * height;
  const luma = new Float32Array(n);
  const skin = new Uint8Array(n);
  let chroma = 0;
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    luma[i] = y;
    skin[i] = y > 30 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173 ? 1 : 0;
    chroma += Math.abs(cb - 128) + Math.abs(cr - 128);
  }
  const colourless = chroma / Math.max(1, n) < 4;
  const mask = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!colourless && !skin[i]) {
        continue;
      }
      let sum = 0;
      let sq = 0;
      let count = 0;
      for (let dy = -CONTRAST_RADIUS; dy <= CONTRAST_RADIUS; dy++) {
        for (let dx = -CONTRAST_RADIUS; dx <= CONTRAST_RADIUS; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < height && xx >= 0 && xx < width) {
            const v = luma[yy * width + xx]!;
            sum += v;
            sq += v * v;
            count++;
          }
        }
      }
      const mean = sum / count;
      mask[i] = Math.sqrt(Math.max(0, sq / count - mean * mean)) >= minContrast ? 1 : 0;
    }
  }
  return mask;
}

/**
 * Bounding boxes (in the cell grid) of the 8-connected groups of candidate cells, after joining
 * cells up to `join` cells apart (a face's skin is broken by eyes, brows and mouth).
 */
export function candidateRegions(mask: Uint8Array, width: number, height: number, join = 1): Rect[] {
  const grown = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) {
        continue;
      }
      for (let yy = Math.max(0, y - join); yy <= Math.min(height - 1, y + join); yy++) {
        grown.fill(1, yy * width + Math.max(0, x - join), yy * width + Math.min(width - 1, x + join) + 1);
      }
    }
  }
  const seen = new Uint8Array(mask.length);
  const regions: Rect[] = [];
  const stack: number[] = [];
  for (let start = 0; start < grown.length; start++) {
    if (!grown[start] || seen[start]) {
      continue;
    }
    let [x0, y0, x1, y1] = [width, height, -1, -1];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          const j = yy * width + xx;
          if (xx >= 0 && xx < width && yy >= 0 && yy < height && grown[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    regions.push({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 });
  }
  return regions;
}

/** One piece of the photo drawn onto a sheet: `source` in decoded pixels, at (x, y) on the sheet, scaled. */
export interface Placement {
  source: Rect;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Whether each side of `source` is cut from a larger region (a face there is whole in a neighbour). */
  cut: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

/**
 * Lays the regions out on square sheets of `sheet` px, each at its `scale` (sheet px per decoded px),
 * shelf by shelf with `gap` px between pieces. A region too large for a sheet is cut into overlapping pieces.
 */
export function packRegions(regions: (Rect & { scale: number })[], sheet = 512, gap = 8): Placement[][] {
  const pieces: Omit<Placement, 'x' | 'y'>[] = [];
  for (const region of regions) {
    const { scale } = region;
    const maxSide = Math.floor((sheet - gap) / scale);
    for (const part of tileGrid(region.width, region.height, maxSide)) {
      const source = { x: region.x + part.x, y: region.y + part.y, width: part.width, height: part.height };
      pieces.push({
        source,
        width: Math.max(1, Math.round(part.width * scale)),
        height: Math.max(1, Math.round(part.height * scale)),
        cut: {
          left: part.x > 0,
          top: part.y > 0,
          right: part.x + part.width < region.width,
          bottom: part.y + part.height < region.height,
        },
      });
    }
  }
  pieces.sort((a, b) => b.height - a.height || b.width - a.width);
  const sheets: Placement[][] = [];
  let current: Placement[] = [];
  let [x, y, shelf] = [0, 0, 0];
  for (const piece of pieces) {
    if (x + piece.width > sheet) {
      [x, y, shelf] = [0, y + shelf + gap, 0];
    }
    if (y + piece.height > sheet) {
      sheets.push(current);
      [current, x, y, shelf] = [[], 0, 0, 0];
    }
    current.push({ ...piece, x, y });
    x += piece.width + gap;
    shelf = Math.max(shelf, piece.height);
  }
  if (current.length > 0) {
    sheets.push(current);
  }
  return sheets;
}

/**
 * Joins overlapping rectangles whose union is hardly larger than the two (a face's region and its
 * neck's, say); two diagonal neighbours stay apart, since their union would be mostly empty.
 */
export function mergeOverlapping(rects: Rect[], slack = 1.2): Rect[] {
  const out = rects.map((r) => ({ ...r }));
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length && !merged; j++) {
        const [a, b] = [out[i]!, out[j]!];
        if (intersection(a, b) === 0) {
          continue;
        }
        const x = Math.min(a.x, b.x);
        const y = Math.min(a.y, b.y);
        const union = {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) - x,
          height: Math.max(a.y + a.height, b.y + b.height) - y,
        };
        if (area(union) <= slack * (area(a) + area(b) - intersection(a, b))) {
          out[i] = union;
          out.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return out;
}

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

/** True when a detection touches a tile edge that is not the image edge (it may be a cut-off face). */
export function touchesInnerEdge(
  box: Rect,
  tile: Rect,
  image: { width: number; height: number },
  margin = 2,
): boolean {
  return (
    (tile.x > 0 && box.x <= tile.x + margin) ||
    (tile.y > 0 && box.y <= tile.y + margin) ||
    (tile.x + tile.width < image.width && box.x + box.width >= tile.x + tile.width - margin) ||
    (tile.y + tile.height < image.height && box.y + box.height >= tile.y + tile.height - margin)
  );
}

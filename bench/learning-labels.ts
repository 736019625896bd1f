import path from 'node:path';
import { parse } from 'csv-parse/sync';

// The learning bench's ground truth, kept apart from the bench so a unit test can check it: which
// photos are "earlier" and "later", and who each face is where the face set says it per face.

export interface BoxedFace {
  id: string;
  box: { x: number; y: number; width: number; height: number };
}

export interface Grid {
  width: number;
  height: number;
  /** Tile identities in montage order (row-major); null = not enrolled. */
  tiles: (string | null)[];
}

/** A small seeded generator (mulberry32): the same seed orders the photos the same way everywhere. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Earlier/later split per family (the name's leading word): the first half (rounded up) of each
 * family is earlier. Photos are ordered by name, or, with a seed, by a seeded shuffle of that order.
 */
export function splitByFamily(names: string[], seed?: number): { earlier: string[]; later: string[] } {
  const families = new Map<string, string[]>();
  for (const name of [...names].sort()) {
    const family = /^[a-z]+/i.exec(name)?.[0] ?? name;
    families.set(family, [...(families.get(family) ?? []), name]);
  }
  const random = seed === undefined ? null : seeded(seed);
  const earlier: string[] = [];
  const later: string[] = [];
  for (const sorted of families.values()) {
    const list = [...sorted];
    // Fisher-Yates on the sorted list, so the result depends on the seed only.
    for (let i = list.length - 1; random && i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    const cut = Math.ceil(list.length / 2);
    earlier.push(...list.slice(0, cut));
    later.push(...list.slice(cut));
  }
  return { earlier, later };
}

/**
 * Synthetic grids from manifest.csv text: each tile's source photo, in montage order ("; "-separated
 * source paths, the person's name before the image number, as LFW names its files).
 */
export function gridsFromManifest(manifest: string, people: ReadonlySet<string>): Map<string, Grid> {
  const rows = parse<{ path: string; width: string; height: string; source_path: string }>(manifest, {
    columns: true,
    skip_empty_lines: true,
  });
  const map = new Map<string, Grid>();
  for (const row of rows) {
    const name = /^groups\/(synthetic_[^/]+)$/.exec(row.path)?.[1];
    if (!name) {
      continue;
    }
    const tiles = row.source_path.split(';').map((source) => {
      const who = path
        .basename(source.trim())
        .replace(/_\d+\.[a-z]+$/i, '')
        .toLowerCase();
      return people.has(who) ? who : null;
    });
    map.set(name, { width: Number(row.width), height: Number(row.height), tiles });
  }
  return map;
}

/**
 * Who each face is, where the data says it per face (face id -> person, null for someone not
 * enrolled); faces missing from the map are ones a simulated teacher cannot tell. Real photos list
 * their people left to right, which labels each face only when the face count equals that list.
 */
export function faceLabels(
  faces: BoxedFace[],
  truth: string[],
  kind: string | undefined,
  grid: Grid | undefined,
): Map<string, string | null> {
  if (grid) {
    // Square tiles of equal size fill the montage: the tile side follows from area / tile count.
    const side = Math.sqrt((grid.width * grid.height) / grid.tiles.length);
    const cols = Math.round(grid.width / side);
    const labels = new Map<string, string | null>();
    for (const f of faces) {
      const col = Math.floor((f.box.x + f.box.width / 2) / side);
      const row = Math.floor((f.box.y + f.box.height / 2) / side);
      const tile = col < cols ? grid.tiles[row * cols + col] : undefined;
      if (tile !== undefined) {
        labels.set(f.id, tile);
      }
    }
    return labels;
  }
  if (kind === 'real' && faces.length === truth.length) {
    const centre = (f: BoxedFace) => f.box.x + f.box.width / 2;
    const ordered = [...faces].sort((a, b) => centre(a) - centre(b));
    return new Map(ordered.map((f, i) => [f.id, truth[i]!]));
  }
  return new Map();
}

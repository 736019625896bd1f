import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faceLabels, gridsFromManifest, splitByFamily } from '../../bench/learning-labels';

// The learning bench's ground truth: a wrong label here would make its simulated teacher confirm a
// wrong face, so the split and the per-face labels are checked on their own.

const box = (x: number, y: number, width = 80, height = 100) => ({ x, y, width, height });

describe('learning bench labels', () => {
  it('splits each family by name, the first half (rounded up) earlier', () => {
    const { earlier, later } = splitByFamily([
      'bbt3.jpg',
      'bbt1.jpg',
      'bbt2.jpg',
      'solo.jpg',
      'party_b.jpg',
      'party_a.jpg',
    ]);
    expect(earlier).toEqual(['bbt1.jpg', 'bbt2.jpg', 'party_a.jpg', 'solo.jpg']);
    expect(later).toEqual(['bbt3.jpg', 'party_b.jpg']);
  });

  it('shuffles within families by seed: the same seed the same split, every photo once', () => {
    const names = Array.from({ length: 8 }, (_, i) => `bbt${i + 1}.jpg`).concat(['solo.jpg']);
    const a = splitByFamily(names, 7);
    expect(splitByFamily(names, 7)).toEqual(a);
    expect([...a.earlier, ...a.later].sort()).toEqual([...names].sort());
    expect(a.earlier.filter((n) => n.startsWith('bbt'))).toHaveLength(4);
    const orders = new Set([1, 2, 3, 4, 5].map((seed) => splitByFamily(names, seed).earlier.join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('labels grid tiles from the manifest, row by row, strangers as null', () => {
    const manifest = [
      'path,identity,width,height,source_path',
      'people/a/1.jpg,ann,250,250,x/ann_0001.jpg',
      'groups/synthetic_x.jpg,,720,480,"r:images/Ann_Lee/Ann_Lee_0006.jpg; r:images/Bo/Bo_0007.jpg; other:data/images/Cy_Dee_0001.jpg; r:images/Bo/Bo_0009.jpg; r:images/Ann_Lee/Ann_Lee_0010.jpg; r:images/Bo/Bo_0011.jpg"',
    ].join('\n');
    const grid = gridsFromManifest(manifest, new Set(['ann_lee', 'bo']));
    expect([...grid.keys()]).toEqual(['synthetic_x.jpg']);
    const g = grid.get('synthetic_x.jpg')!;
    expect(g.tiles).toEqual(['ann_lee', 'bo', null, 'bo', 'ann_lee', 'bo']);
    const faces = [
      { id: 'tile4', box: box(270, 290) }, // second row, middle tile
      { id: 'tile0', box: box(60, 50) },
      { id: 'tile2', box: box(540, 60) },
      { id: 'outside', box: box(760, 60) },
    ];
    expect(Object.fromEntries(faceLabels(faces, [], 'synthetic', g))).toEqual({
      tile4: 'ann_lee',
      tile0: 'ann_lee',
      tile2: null,
    });
  });

  it('labels a real photo left to right only when every face is one of its listed people', () => {
    const faces = [
      { id: 'right', box: box(500, 40) },
      { id: 'left', box: box(20, 60) },
    ];
    expect(Object.fromEntries(faceLabels(faces, ['ann', 'bo'], 'real', undefined))).toEqual({
      left: 'ann',
      right: 'bo',
    });
    // One face more than listed people (a stranger somewhere): nobody can be told apart.
    expect(faceLabels(faces, ['ann'], 'real', undefined).size).toBe(0);
  });

  it("labels the shared set's synthetic grids with every tile its groups.json lists", async () => {
    const dir = path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');
    const manifest = await readFile(path.join(dir, 'manifest.csv'), 'utf8').catch(() => null);
    if (!manifest) {
      return; // the shared face set is not checked out here
    }
    const groups = JSON.parse(await readFile(path.join(dir, 'groups.json'), 'utf8')) as Record<
      string,
      string[]
    >;
    const people = new Set(Object.values(groups).flat());
    const grids = gridsFromManifest(manifest, people);
    expect(grids.size).toBeGreaterThan(0);
    for (const [name, grid] of grids) {
      expect(new Set(grid.tiles.filter((t) => t !== null))).toEqual(new Set(groups[name]));
    }
  });
});

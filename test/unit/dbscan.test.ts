import { describe, expect, it } from 'vitest';
import { dbscan } from '../../src/services/dbscan';

// Points on a line with distance |a - b|; eps decides neighbours.
const run = (points: number[], eps: number, minPoints: number) =>
  dbscan(points.length, (a, b) => Math.abs(points[a]! - points[b]!) <= eps, minPoints);

describe(dbscan.name, () => {
  it('finds dense groups and leaves isolated points as noise', () => {
    const labels = run([0, 0.1, 0.2, 5, 5.1, 5.2, 10], 0.15, 2);
    expect(labels.slice(0, 3)).toEqual([labels[0], labels[0], labels[0]]);
    expect(labels.slice(3, 6)).toEqual([labels[3], labels[3], labels[3]]);
    expect(labels[0]).not.toBe(labels[3]);
    expect(labels[6]).toBe(-1);
  });

  it('chains through core points but not through border points', () => {
    // eps 0.12, minPoints 4: only 0.1 is core (0, 0.05, 0.1, 0.2 in reach). 0.2 is a border point
    // (3 in reach) and must not pull 0.3 in, although 0.3 is within its reach.
    expect(run([0, 0.05, 0.1, 0.2, 0.3], 0.12, 4)).toEqual([0, 0, 0, 0, -1]);
  });

  it('honours a cannot-link rule expressed in the predicate', () => {
    const photo = [1, 1, 2];
    const labels = dbscan(3, (a, b) => photo[a] !== photo[b], 2);
    // 0 and 1 come from one photo: they join only through 2.
    expect(labels).toEqual([0, 0, 0]);
    expect(dbscan(2, (a, b) => photo[a] !== photo[b], 2)).toEqual([-1, -1]);
  });

  it('returns nothing for no points', () => {
    expect(run([], 1, 2)).toEqual([]);
  });
});

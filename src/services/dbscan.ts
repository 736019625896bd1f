/**
 * DBSCAN (Ester et al. 1996) over a neighbour predicate, as Immich clusters unknown faces. Written
 * here because the npm packages (density-clustering, last released 2016, and smaller ones) cluster
 * coordinate points, while faces need a calibrated similarity across models and a cannot-link rule
 * (two faces of one photo are never one person), both of which fit a predicate and not a metric.
 *
 * Returns a cluster index per item, or -1 for noise. O(n^2) predicate calls: fine for the few
 * hundred unknown faces of a course.
 */
export function dbscan(
  n: number,
  neighbours: (a: number, b: number) => boolean,
  minPoints: number,
): number[] {
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (neighbours(a, b)) {
        adjacency[a]!.push(b);
        adjacency[b]!.push(a);
      }
    }
  }
  // A point's neighbourhood includes itself, as in the original definition.
  const isCore = adjacency.map((list) => list.length + 1 >= minPoints);
  const label = new Array<number>(n).fill(-1);
  let cluster = 0;
  for (let start = 0; start < n; start++) {
    if (label[start] !== -1 || !isCore[start]) {
      continue;
    }
    label[start] = cluster;
    const queue = [start];
    while (queue.length > 0) {
      const p = queue.pop()!;
      if (!isCore[p]) {
        continue; // border point: joins, but does not extend the cluster
      }
      for (const q of adjacency[p]!) {
        if (label[q] === -1) {
          label[q] = cluster;
          queue.push(q);
        }
      }
    }
    cluster++;
  }
  return label;
}

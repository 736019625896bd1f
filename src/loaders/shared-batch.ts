import DataLoader from 'dataloader';

/**
 * A process-wide loader that batches the lookups made in one turn of the event loop into one query
 * and caches nothing (each answer is as fresh as its query). For checks that arrive in bursts from
 * many callers at once: every open socket re-checking its credentials before the same live event
 * made one query each (1000 API keys: 1000 queries queued in front of the next mutation).
 * setImmediate, not DataLoader's default tick: checks that await other async work first (a JWT
 * verification) land in the same batch.
 */
export function sharedBatchLoader<K, V>(batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
  return new DataLoader<K, V>((keys) => batch(keys), {
    cache: false,
    maxBatchSize: 500,
    batchScheduleFn: (run) => setImmediate(run),
  });
}

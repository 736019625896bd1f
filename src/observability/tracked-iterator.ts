/** What a proxy adds to an async iterator: a look at each result, and a call when it ends. */
export interface IteratorHooks<T> {
  /** Sees each result before the consumer; may end the stream instead (returning `done`). */
  filter?: (result: IteratorResult<T>, inner: AsyncIterator<T>) => Promise<IteratorResult<T>>;
  /** Runs exactly once when the stream ends: done, failed, or returned by the consumer. */
  onEnd?: () => void;
}

/**
 * An async iterable over `source` with `hooks`. A plain iterator, not an async generator: graphql-ws
 * calls return() while next() is pending (client leaves), and a generator would queue that return
 * behind the pending next.
 */
export function proxyIterator<T>(source: AsyncIterable<T>, hooks: IteratorHooks<T>): AsyncIterable<T> {
  const inner = source[Symbol.asyncIterator]();
  let open = true;
  const end = () => {
    if (open) {
      open = false;
      hooks.onEnd?.();
    }
  };
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      try {
        const raw = await inner.next();
        const result = hooks.filter ? await hooks.filter(raw, inner) : raw;
        if (result.done) {
          end();
        }
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
    return: async (value?: unknown) => {
      end();
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      end();
      if (inner.throw) {
        return inner.throw(error);
      }
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** `source`, with `onEnd` run exactly once when it ends (the live-subscription gauge). */
export function trackIterator<T>(source: AsyncIterable<T>, onEnd: () => void): AsyncIterable<T> {
  return proxyIterator(source, { onEnd });
}

/**
 * Wraps an async iterable so `onEnd` runs exactly once when it ends: done, failed, or returned by
 * the consumer. A plain iterator, not an async generator: graphql-ws calls return() while next() is
 * pending (client leaves), and a generator would queue that return behind the pending next.
 */
export function trackIterator<T>(source: AsyncIterable<T>, onEnd: () => void): AsyncIterable<T> {
  const inner = source[Symbol.asyncIterator]();
  let open = true;
  const end = () => {
    if (open) {
      open = false;
      onEnd();
    }
  };
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      try {
        const result = await inner.next();
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

import {
  createSourceEventStream,
  execute,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

/**
 * graphql-js' `subscribe`, except that one live event is executed once per distinct operation, not
 * once per subscriber (issue #11 fan-out). graphql-ws runs every subscription on its own, so an
 * event seen by 1000 identical dashboards was executed 1000 times (field resolution, middleware,
 * serialisation of every scalar): that, not the lookups, was most of the cost of a fan-out.
 *
 * Subscribers share a result when they run the same document with the same variables and
 * `shareKey` gives their contexts (and document) the same key: the caller's identity, since field
 * resolvers may decide what a viewer sees, or only the institution where the document selects
 * fields that are the same for every viewer (same-for-every-viewer.ts). A null key never shares.
 * The event object itself is the other half of the key (the pub/sub hands every subscriber of a
 * process the same parsed payload), held weakly, so a result lives exactly as long as the event
 * does.
 */
export function sharedEventSubscribe(
  shareKey: (contextValue: unknown, document: DocumentNode) => string | null,
) {
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) {
      return stream;
    }
    const viewer = shareKey(args.contextValue, args.document);
    const operation =
      viewer === null
        ? null
        : [
            viewer,
            args.operationName ?? '',
            args.document.loc?.source.body ?? print(args.document),
            JSON.stringify(args.variableValues ?? {}),
          ].join('\n');
    const run = (event: unknown): Promise<ExecutionResult> => {
      const once = () => Promise.resolve(execute({ ...args, rootValue: event }));
      if (operation === null || typeof event !== 'object' || event === null) {
        return once();
      }
      let byOperation = results.get(event);
      if (!byOperation) {
        byOperation = new Map();
        results.set(event, byOperation);
      }
      let result = byOperation.get(operation);
      if (!result) {
        result = once();
        byOperation.set(operation, result);
      }
      return result;
    };
    return mapEvents(stream, run);
  };
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * Maps the source stream like graphql-js does. A plain iterator, not an async generator: graphql-ws
 * calls return() while next() is pending (the client leaves), and a generator would queue it.
 */
function mapEvents(
  source: AsyncIterable<unknown>,
  run: (event: unknown) => Promise<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  const inner = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: async () => {
      const item = await inner.next();
      if (item.done) {
        return { done: true, value: undefined };
      }
      return { done: false, value: await run(item.value) };
    },
    return: async () => {
      await inner.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      if (inner.throw) {
        await inner.throw(error);
        return { done: true, value: undefined };
      }
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

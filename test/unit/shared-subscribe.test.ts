import { createPubSub } from '@graphql-yoga/subscription';
import {
  GraphQLID,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionResult,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { sharedEventSubscribe } from '../../src/schema/shared-subscribe';

// One live event, many subscribers (issue #11 fan-out): identical operations of one caller share
// one execution of the event; another caller, other variables or another document do not.

interface Ctx {
  viewer: string | null;
}

function fixture() {
  const pubsub = createPubSub<{ mark: [{ id: string }] }>();
  const resolved: string[] = [];
  const Mark = new GraphQLObjectType<{ id: string }, Ctx>({
    name: 'Mark',
    fields: {
      id: { type: GraphQLID },
      seenBy: {
        type: GraphQLString,
        resolve: (mark, _args, ctx) => {
          resolved.push(`${mark.id}:${ctx.viewer}`);
          return ctx.viewer;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType<unknown, Ctx>({
      name: 'Subscription',
      fields: {
        marked: {
          type: Mark,
          args: { tag: { type: GraphQLString } },
          subscribe: () => pubsub.subscribe('mark'),
          resolve: (event) => event,
        },
      },
    }),
  });
  const subscribe = sharedEventSubscribe((c) => (c as Ctx).viewer);
  const open = async (viewer: string | null, query: string, tag = 'a') => {
    const stream = await subscribe({
      schema,
      document: parse(query),
      variableValues: { tag },
      contextValue: { viewer } satisfies Ctx,
    });
    if (!(Symbol.asyncIterator in stream)) {
      throw new Error(JSON.stringify(stream));
    }
    return stream;
  };
  return { pubsub, resolved, open };
}

const Q = 'subscription($tag: String) { marked(tag: $tag) { id seenBy } }';

describe('sharedEventSubscribe', () => {
  it('executes an event once per caller and operation, and every subscriber gets its result', async () => {
    const { pubsub, resolved, open } = fixture();
    const streams = [
      await open('alice', Q),
      await open('alice', Q),
      await open('alice', Q),
      await open('bob', Q), // another caller
      await open('alice', Q, 'b'), // other variables
      await open('alice', 'subscription { marked { seenBy id } }'), // another document
      await open(null, Q), // no key: never shared
      await open(null, Q),
    ];
    const next = streams.map((s) => s.next());
    pubsub.publish('mark', { id: 'm1' });
    const results = (await Promise.all(next)).map((r) => r.value as ExecutionResult);
    expect(results.map((r) => r.data)).toEqual([
      { marked: { id: 'm1', seenBy: 'alice' } },
      { marked: { id: 'm1', seenBy: 'alice' } },
      { marked: { id: 'm1', seenBy: 'alice' } },
      { marked: { id: 'm1', seenBy: 'bob' } },
      { marked: { id: 'm1', seenBy: 'alice' } },
      { marked: { seenBy: 'alice', id: 'm1' } },
      { marked: { id: 'm1', seenBy: null } },
      { marked: { id: 'm1', seenBy: null } },
    ]);
    // 8 subscribers, 6 executions: the three identical ones of alice shared one.
    expect(resolved.sort()).toEqual(['m1:alice', 'm1:alice', 'm1:alice', 'm1:bob', 'm1:null', 'm1:null']);

    // The next event is executed afresh, not served from the first one's result.
    resolved.length = 0;
    const again = streams.slice(0, 2).map((s) => s.next());
    pubsub.publish('mark', { id: 'm2' });
    expect((await Promise.all(again)).map((r) => (r.value as ExecutionResult).data)).toEqual([
      { marked: { id: 'm2', seenBy: 'alice' } },
      { marked: { id: 'm2', seenBy: 'alice' } },
    ]);
    expect(resolved).toEqual(['m2:alice']);
    await Promise.all(streams.map((s) => s.return!()));
  });

  it('ends the stream when the subscriber leaves while waiting for an event', async () => {
    const { open } = fixture();
    const stream = await open('alice', Q);
    const pending = stream.next();
    await stream.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

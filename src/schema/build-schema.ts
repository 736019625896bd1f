import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { createMemoryPubSub } from '../pubsub/memory.pubsub';
import type { AppPubSub } from '../pubsub/topics';
import { RESOLVERS } from '../resolvers';

export function buildAppSchema(
  container: ContainerType,
  pubSub: AppPubSub = createMemoryPubSub(),
): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    container,
    pubSub,
    // class-validator runs on every input; off by default in type-graphql 2.
    validate: { forbidUnknownValues: false },
    // No global middleware: it would make every field async. String arguments are checked once
    // per operation instead (safe-text.ts), by the HTTP plugin and the WebSocket server.
  });
}

import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { createMemoryPubSub } from '../pubsub/memory.pubsub';
import type { AppPubSub } from '../pubsub/topics';
import { RESOLVERS } from '../resolvers';
import { RejectUnsafeText } from './middleware/safe-text';

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
    // One check of every string argument, for every field and transport.
    globalMiddlewares: [RejectUnsafeText],
  });
}

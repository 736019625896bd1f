import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from '../resolvers';

export function buildAppSchema(container: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    container,
    // class-validator runs on every input; off by default in type-graphql 2.
    validate: { forbidUnknownValues: false },
  });
}

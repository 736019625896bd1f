import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  type DocumentNode,
  type GraphQLFormattedError,
  type ValidationRule,
} from 'graphql';
import { withoutSuggestions } from '../schema/errors';
import { queryCostRule } from '../schema/query-cost';
import type { HttpOptions } from './types';

// The limits every GraphQL document meets, the same over HTTP and WebSocket.

export interface GraphQLLimits {
  /** graphql-armor's Apollo plugins (field-suggestion blocking, ...). */
  plugins: ReturnType<ApolloArmor['protect']>['plugins'];
  /** Apollo's extra validation rules (it adds the specified ones itself). */
  validationRules: ValidationRule[];
  /** Every rule a WebSocket operation is validated with (introspection off unless allowed). */
  wsRules: readonly ValidationRule[];
  /** Parses with the token limit: a syntax error or an oversized document is the client's error. */
  parseDocument(query: string): DocumentNode | GraphQLError;
  /** In production, error messages lose the schema's field suggestions. */
  shownToClient(error: GraphQLFormattedError): GraphQLFormattedError;
}

export function graphqlLimits(options: HttpOptions): GraphQLLimits {
  // Query limits (depth, aliases, cost, directives, tokens) from graphql-armor, on HTTP and WebSocket.
  const armor = new ApolloArmor({
    maxDepth: { n: options.limits.depth },
    maxAliases: { n: options.limits.aliases },
    // Replaced by queryCostRule (page sizes counted) and parse's maxTokens, the same on both transports.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: options.production },
  });
  const protection = armor.protect();
  const validationRules: ValidationRule[] = [
    ...protection.validationRules,
    queryCostRule(options.limits.cost),
  ];
  const parseDocument = (query: string): DocumentNode | GraphQLError => {
    try {
      return parse(query, { maxTokens: options.limits.tokens });
    } catch (error) {
      if (error instanceof GraphQLError) {
        const tooLong = /contains more th[ae][nt] \d+ tokens/.test(error.message);
        return new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          extensions: { code: tooLong ? 'GRAPHQL_VALIDATION_FAILED' : 'GRAPHQL_PARSE_FAILED' },
        });
      }
      throw error;
    }
  };
  const shownToClient = (error: GraphQLFormattedError): GraphQLFormattedError =>
    options.production ? { ...error, message: withoutSuggestions(error.message) } : error;

  const wsRules: readonly ValidationRule[] = [
    ...specifiedRules,
    ...validationRules,
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  return { plugins: protection.plugins, validationRules, wsRules, parseDocument, shownToClient };
}

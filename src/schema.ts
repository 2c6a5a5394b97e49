import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { PubSub, buildSchemaSync } from 'type-graphql';
import { authChecker } from './common/auth/auth-checker';
import { plainFieldResolvers } from './common/graphql/plain-field-resolvers';
import { describeSchema } from './common/graphql/schema-descriptions';
import { AGREEMENT_TEXT } from './modules/qualification/qualification.descriptions';
import { CLOSING_PROFILE_TEXT } from './modules/analytics/closing-profile/closing-profile.descriptions';
import { createContainer } from './container';
import { Deps } from './context';
import { RESOLVERS } from './resolvers';

/**
 * type-graphql wants a PubSub for topic-based subscriptions; every subscription here brings its own `subscribe` (the
 * change stream, modules/changes), so topics are refused rather than silently never firing.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('subscriptions here are fed by the change stream, not by topics');
  },
  subscribe: () => {
    throw new Error('subscriptions here are fed by the change stream, not by topics');
  },
};

/** Builds the executable schema; without deps (for emitting the SDL) resolvers are never called. */
export function buildAppSchema(
  deps: Deps = { ds: undefined as never, transactions: undefined as never },
): GraphQLSchema {
  const container = createContainer(deps);
  const schema = buildSchemaSync({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    container,
    validate: false,
    pubSub: NO_TOPICS,
  });
  plainFieldResolvers(schema, container);
  describeSchema(schema, { ...AGREEMENT_TEXT, ...CLOSING_PROFILE_TEXT });
  return schema;
}

/** The committed SDL (schema/schema.graphql): printed from the sorted schema. */
export function printAppSchema(schema: GraphQLSchema = buildAppSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}

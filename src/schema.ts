import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { authChecker } from './common/auth/auth-checker';
import { plainFieldResolvers } from './common/graphql/plain-field-resolvers';
import { createContainer } from './container';
import { Deps } from './context';
import { RESOLVERS } from './resolvers';

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
    pubSub: deps.changes?.pubSub ?? createPubSub(),
  });
  plainFieldResolvers(schema, container);
  return schema;
}

/** The committed SDL (schema/schema.graphql): printed from the sorted schema. */
export function printAppSchema(schema: GraphQLSchema = buildAppSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}

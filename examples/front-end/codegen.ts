import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents for a front end from the committed schema (no running server needed): `npx graphql-codegen --config examples/front-end/codegen.ts`. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['examples/operations/*.graphql'],
  generates: { 'examples/front-end/generated/': { preset: 'client', config: { scalars: { DateTimeISO: 'string' } } } },
};
export default config;

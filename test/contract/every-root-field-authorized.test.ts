import { getMetadataStorage } from 'type-graphql';
import { buildAppSchema } from '../../src/schema';
import { ROOT_RESOLVERS } from '../../src/resolvers';

/** Fails when a Query or Mutation field has no auth declaration (class-level @Authorized or its own). */
describe('root fields', () => {
  it('every Query and Mutation field is guarded by @Authorized', () => {
    const schema = buildAppSchema();
    const storage = getMetadataStorage();
    const guardedClasses = new Set(storage.authorizedResolver.map((a) => a.target));
    const guardedFields = new Set(storage.authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`));
    const handlers = [...storage.queries, ...storage.mutations];
    const names = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()!.getFields()),
    ];
    const unguarded = names.filter((name) => {
      const h = handlers.find((x) => x.schemaName === name);
      if (!h) return true;
      return !guardedClasses.has(h.target) && !guardedFields.has(`${h.target.name}.${h.methodName}`);
    });
    expect(unguarded).toEqual([]);
    for (const r of ROOT_RESOLVERS) expect(guardedClasses.has(r)).toBe(true);
  });
});

import { getMetadataStorage } from 'type-graphql';
import { buildAppSchema } from '../../src/schema';
import { ROOT_RESOLVERS } from '../../src/resolvers';
import { BULK_FIELDS } from '../../src/common/limits/cost';
import { getNamedType, isListType, isNonNullType } from 'graphql';

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

  it('every mutation returning BulkResult is priced per item, by the list argument that holds its items', () => {
    const mutations = Object.values(buildAppSchema().getMutationType()!.getFields());
    const bulk = mutations.filter((m) => getNamedType(m.type).name === 'BulkResult');
    // setKpiTargets returns the targets it set, and is priced per item too
    expect([...bulk.map((m) => m.name), 'setKpiTargets'].sort()).toEqual([...BULK_FIELDS.keys()].sort());
    for (const m of bulk) {
      const arg = m.args.find((a) => a.name === BULK_FIELDS.get(m.name))!;
      const t = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
      expect([m.name, isListType(t)]).toEqual([m.name, true]);
    }
  });
});

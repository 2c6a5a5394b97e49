import fs from 'node:fs';
import path from 'node:path';
import {
  DangerousChange,
  DangerousChangeType,
  GraphQLSchema,
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { printAppSchema } from '../../src/schema';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const committed = read('schema/schema.graphql');

/** Every type, field, argument and enum value of a schema that has no description (built-in scalars aside). */
function undescribed(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const t of Object.values(schema.getTypeMap())) {
    if (t.name.startsWith('__') || isSpecifiedScalarType(t)) continue;
    if (!t.description) out.push(t.name);
    if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t))
      for (const f of Object.values(t.getFields())) {
        if (!f.description) out.push(`${t.name}.${f.name}`);
        for (const a of 'args' in f ? f.args : []) if (!a.description) out.push(`${t.name}.${f.name}(${a.name})`);
      }
    if (isEnumType(t)) for (const v of t.getValues()) if (!v.description) out.push(`${t.name}.${v.name}`);
  }
  return out;
}

describe('schema/schema.graphql', () => {
  it('describes every type, field, argument and enum value (what GraphiQL and generated clients show)', () => {
    expect(undescribed(buildSchema(committed))).toEqual([]);
  });

  it('is exactly what the code builds (run `npm run schema:emit` after changing the API)', () => {
    expect(printAppSchema()).toBe(committed);
  });

  it('breaks nothing of the last released schema (schema/baseline.graphql; a deliberate break updates it and CHANGELOG.md)', () => {
    expect(findBreakingChanges(buildSchema(read('schema/baseline.graphql')), buildSchema(committed))).toEqual([]);
  });
});

/**
 * Dangerous changes that are additions a request written against the contract never sends (a new optional input field
 * or argument, a value of an enum only inputs use), so they cannot change what such a request means; every other
 * dangerous change (a changed default, a value added to an enum a client reads and switches on) stays refused.
 */
const ADDITIVE = new Set<string>([
  DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED,
  DangerousChangeType.OPTIONAL_ARG_ADDED,
]);

/** Enums no output field returns (an order field, a scope): a value added to one is never sent to a client. */
function inputOnlyEnums(schema: GraphQLSchema): Set<string> {
  const returned = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) returned.add(getNamedType(field.type).name);
  }
  return new Set(
    Object.values(schema.getTypeMap())
      .filter((t) => isEnumType(t) && !returned.has(t.name))
      .map((t) => t.name),
  );
}

/** Whether a dangerous change is an addition no request written against the contract can notice. */
function additive(change: DangerousChange, inputOnly: Set<string>): boolean {
  if (ADDITIVE.has(change.type)) return true;
  const enumName = /was added to enum type (\w+)\.$/.exec(change.description)?.[1];
  return change.type === DangerousChangeType.VALUE_ADDED_TO_ENUM && !!enumName && inputOnly.has(enumName);
}

/**
 * The team's shared contract, where the checkout has it beside it (CI does): the files this service implements must
 * find nothing breaking, and nothing dangerous beyond optional additions, in the emitted schema. A clone of the repository alone has no ../shared; CI sets
 * REQUIRE_SHARED_CONTRACT so a missing contract there fails instead of passing unchecked.
 */
const contractDir = path.join(root, '..', 'shared', 'contract');
const IMPLEMENTED = ['core.graphql', 'analytics.graphql', 'agreement.graphql'];
if (process.env.REQUIRE_SHARED_CONTRACT && !fs.existsSync(contractDir)) {
  throw new Error(`REQUIRE_SHARED_CONTRACT is set but ${contractDir} does not exist`);
}
if (fs.existsSync(contractDir)) {
  describe('../shared/contract (present beside this checkout)', () => {
    const contract = (files: string[]) =>
      buildSchema(files.map((f) => fs.readFileSync(path.join(contractDir, f), 'utf8')).join('\n'));
    it.each([[['core.graphql']], [IMPLEMENTED]])(
      '%j: findBreakingChanges is empty, findDangerousChanges has only optional inputs added',
      (files) => {
        const emitted = buildSchema(committed);
        expect(findBreakingChanges(contract(files), emitted)).toEqual([]);
        const inputOnly = inputOnlyEnums(emitted);
        expect(findDangerousChanges(contract(files), emitted).filter((c) => !additive(c, inputOnly))).toEqual([]);
      },
    );
  });
}

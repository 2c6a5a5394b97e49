import {
  GraphQLFloat,
  GraphQLInt,
  GraphQLBoolean,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLSchema,
  getNullableType,
  isListType,
  isEnumType,
  getNamedType,
} from 'graphql';
import { badInput } from '../../common/errors/app-error';
import { own } from '../../common/lookup';
import { startOfDayIn } from '../../common/time/zoned';

type Query = Record<string, string | string[] | undefined>;

/**
 * The `input` variable of an export from its query string: each parameter is a field of the GraphQL input type
 * (`from`, `interval`, `sources`…), lists comma-separated or repeated, numbers and booleans converted, an instant
 * given as a date alone (`from=2026-01-01`, as a spreadsheet writes it) taken as the start of that day in the
 * export's `timeZone` (UTC without one); GraphQL then validates the values as it does for the query itself. Unknown
 * parameters are refused, naming the known ones.
 */
export function inputFromQuery(schema: GraphQLSchema, typeName: string, query: Query): Record<string, unknown> {
  const type = schema.getType(typeName) as GraphQLInputObjectType;
  const fields = type.getFields();
  const input: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const field = own(fields, name);
    if (!field)
      throw badInput(`Unknown parameter "${name}"; ${typeName} takes ${Object.keys(fields).sort().join(', ')}`, name);
    let t: GraphQLInputType = getNullableType(field.type);
    const list = isListType(t);
    if (isListType(t)) t = getNullableType(t.ofType);
    const convert = (s: string): unknown => {
      if (t === GraphQLInt || t === GraphQLFloat) return s.trim() === '' ? s : Number(s);
      if (t === GraphQLBoolean) return s === 'true' ? true : s === 'false' ? false : s;
      return isEnumType(t) ? s.toUpperCase() : s;
    };
    const values = (Array.isArray(raw) ? raw : [raw])
      .flatMap((v) => (list ? String(v).split(',') : [String(v)]))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (!list && values.length > 1) throw badInput(`Parameter "${name}" takes one value`, name);
    input[name] = list ? values.map(convert) : values.length ? convert(values[0]) : null;
  }
  const zone = typeof input.timeZone === 'string' && input.timeZone ? input.timeZone : 'UTC';
  for (const [name, value] of Object.entries(input)) {
    if (typeof value !== 'string' || getNamedType(own(fields, name)!.type).name !== 'DateTimeISO') continue;
    const start = startOfDayIn(value, zone);
    if (start) input[name] = start.toISOString();
  }
  return input;
}

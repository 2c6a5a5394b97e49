import { buildSchema } from 'graphql';
import { inputFromQuery } from '../export.params';

const schema = buildSchema(`
  enum Interval { DAY MONTH }
  input In { from: String! interval: Interval! sources: [String!] days: Int rate: Float flag: Boolean }
  type Query { x(input: In!): Int }
`);

describe('inputFromQuery', () => {
  it('fills the input type from query parameters: lists split on commas or repeated, numbers, booleans, enums', () => {
    expect(
      inputFromQuery(schema, 'In', {
        from: '2026-01-01',
        interval: 'month',
        sources: ['EMAIL,PAID_SEARCH', 'EVENT'],
        days: '30',
        rate: '0.5',
        flag: 'true',
      }),
    ).toEqual({
      from: '2026-01-01',
      interval: 'MONTH',
      sources: ['EMAIL', 'PAID_SEARCH', 'EVENT'],
      days: 30,
      rate: 0.5,
      flag: true,
    });
  });

  it('leaves bad values for GraphQL to refuse (NaN is not an Int) and refuses unknown or repeated single parameters', () => {
    expect(inputFromQuery(schema, 'In', { days: 'many' })).toEqual({ days: NaN });
    expect(() => inputFromQuery(schema, 'In', { form: 'x' })).toThrow(
      /Unknown parameter "form"; In takes days, flag, from, interval, rate, sources/,
    );
    expect(() => inputFromQuery(schema, 'In', { from: ['a', 'b'] })).toThrow(/takes one value/);
  });
});

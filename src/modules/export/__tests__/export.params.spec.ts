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

  it('a date alone for an instant is the start of that day in the timeZone parameter (UTC without one)', () => {
    const zoned = buildSchema(`
      scalar DateTimeISO
      input In { from: DateTimeISO! to: DateTimeISO! timeZone: String label: String }
      type Query { x(input: In!): Int }
    `);
    expect(inputFromQuery(zoned, 'In', { from: '2026-03-01', to: '2026-04-01', label: '2026-01-01' })).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      label: '2026-01-01', // not an instant: left as text
    });
    expect(inputFromQuery(zoned, 'In', { from: '2026-03-01', to: '2026-04-01', timeZone: 'Europe/Berlin' })).toEqual({
      from: '2026-02-28T23:00:00.000Z',
      to: '2026-03-31T22:00:00.000Z', // after the change to summer time
      timeZone: 'Europe/Berlin',
    });
    // a full instant stays as given; an unknown zone leaves the date for GraphQL to refuse
    expect(
      inputFromQuery(zoned, 'In', { from: '2026-03-01T05:00:00Z', to: '2026-04-01', timeZone: 'Nowhere/X' }),
    ).toEqual({
      from: '2026-03-01T05:00:00Z',
      to: '2026-04-01',
      timeZone: 'Nowhere/X',
    });
  });
});

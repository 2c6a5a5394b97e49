import { compile, joinSql, param, sql } from '../sql-tag';

describe('sql tag', () => {
  it('numbers parameters once, in order of first appearance, across fragments', () => {
    const asOf = param('2025-05-01');
    const from = param('2025-03-01');
    const outcome = (id: string) => sql`SELECT category FROM c WHERE c.id = ${id} AND c.at <= ${asOf}`;
    const q = sql`SELECT * FROM d WHERE d.created_at >= ${from} AND d.created_at <= ${asOf} AND EXISTS (${outcome('d.id')})`;
    expect(compile(q)).toEqual({
      text: 'SELECT * FROM d WHERE d.created_at >= $1 AND d.created_at <= $2 AND EXISTS (SELECT category FROM c WHERE c.id = d.id AND c.at <= $2)',
      values: ['2025-03-01', '2025-05-01'],
    });
  });

  it('the same fragment spliced where other parameters come first still binds its own value', () => {
    const asOf = param('A');
    const frag = sql`x <= ${asOf}`;
    expect(compile(sql`${frag}`)).toEqual({ text: 'x <= $1', values: ['A'] });
    expect(compile(sql`${param('B')} AND ${frag}`)).toEqual({ text: '$1 AND x <= $2', values: ['B', 'A'] });
  });

  it('two param() of one value are two placeholders; joinSql joins fragments', () => {
    expect(compile(joinSql([sql`a = ${param(1)}`, sql`b = ${param(1)}`, 'c IS NULL'], ' OR '))).toEqual({
      text: 'a = $1 OR b = $2 OR c IS NULL',
      values: [1, 1],
    });
  });

  it('refuses to interpolate anything but fragments, params and constant text', () => {
    expect(() => sql`x = ${{ value: 1 } as never}`).toThrow(/param\(\)/);
    expect(() => sql`x = ${null as never}`).toThrow(TypeError);
  });
});

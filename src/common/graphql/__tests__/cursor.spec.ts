import { AppError } from '../../errors/app-error';
import { checkFirst, decodeCursor, encodeCursor, orderingTag, toConnection } from '../cursor';
import { SortSpec } from '../keyset';

const BY_CREATED: SortSpec = { expr: 'd.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'd.id' };
const BY_AMOUNT: SortSpec = { expr: 'd.amount', cast: 'numeric', direction: 'DESC', idExpr: 'd.id' };
const BY_SCORE: SortSpec = {
  expr: 'coalesce(l.score, -2147483648)',
  cast: 'integer',
  direction: 'ASC',
  idExpr: 'l.id',
};
const raw = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? [e.code, e.field] : ['not an AppError'];
  }
  return ['no error'];
};

describe('cursors', () => {
  it('round-trip a sort value and id for their ordering', () => {
    const c = { v: '2025-03-01 12:00:00.123456+00', id: '42' };
    expect(decodeCursor(encodeCursor(BY_CREATED, c), BY_CREATED)).toEqual(c);
    expect(decodeCursor(encodeCursor(BY_AMOUNT, { v: '24000.50', id: '7' }), BY_AMOUNT)).toEqual({
      v: '24000.50',
      id: '7',
    });
  });

  it.each([
    '',
    'x',
    raw([1, 'abc']),
    raw([1]),
    raw({ a: 1 }),
    'A'.repeat(600),
    raw(['x', '2025-03-01 12:00:00+00', '1']),
  ])('refuse %p with BAD_USER_INPUT on after', (s) => {
    expect(fieldOf(() => decodeCursor(s, BY_CREATED))).toEqual(['BAD_USER_INPUT', 'after']);
  });

  it('refuse an id out of bigint range', () => {
    expect(
      fieldOf(() => decodeCursor(raw([orderingTag(BY_CREATED), null, '9223372036854775808']), BY_CREATED)),
    ).toEqual(['BAD_USER_INPUT', 'after']);
    expect(decodeCursor(raw([orderingTag(BY_CREATED), null, '9223372036854775807']), BY_CREATED).id).toBe(
      '9223372036854775807',
    );
  });

  it('refuse a cursor of another ordering (CREATED_AT reused with AMOUNT, or ASC with DESC)', () => {
    const created = encodeCursor(BY_CREATED, { v: '2025-03-01 12:00:00+00', id: '1' });
    expect(fieldOf(() => decodeCursor(created, BY_AMOUNT))).toEqual(['BAD_USER_INPUT', 'after']);
    expect(fieldOf(() => decodeCursor(created, { ...BY_CREATED, direction: 'DESC' }))).toEqual([
      'BAD_USER_INPUT',
      'after',
    ]);
  });

  it.each([
    ['text for an integer', BY_SCORE, 'high'],
    ['a fraction for an integer', BY_SCORE, '1.5'],
    ['an integer out of int4 range', BY_SCORE, '9999999999'],
    ['text for a numeric', BY_AMOUNT, '1e400'],
    ['a date that is not PostgreSQL output', BY_CREATED, 'yesterday'],
    ['a number, not text', BY_AMOUNT, 5],
  ])('refuse a value that would not cast (%s)', (_what, sort, v) => {
    const forged = raw([orderingTag(sort), v, '1']);
    expect(fieldOf(() => decodeCursor(forged, sort))).toEqual(['BAD_USER_INPUT', 'after']);
  });

  it('bound first to 1..100', () => {
    expect(checkFirst(1)).toBe(1);
    expect(checkFirst(100)).toBe(100);
    for (const n of [0, 101, -1, 1.5]) expect(() => checkFirst(n)).toThrow(AppError);
  });

  it('build a connection from first + 1 rows', () => {
    const rows = [1, 2, 3].map((i) => ({ id: String(i), sortKey: `2025-01-0${i} 00:00:00+00` }));
    const c = toConnection(rows, 2, null, BY_CREATED, (r) => r.sortKey, 3);
    expect(c.nodes.map((n) => n.id)).toEqual(['1', '2']);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(c.pageInfo.endCursor!, BY_CREATED)).toEqual({ v: '2025-01-02 00:00:00+00', id: '2' });
  });
});

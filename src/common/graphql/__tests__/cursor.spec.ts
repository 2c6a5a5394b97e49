import { AppError } from '../../errors/app-error';
import { checkFirst, decodeCursor, encodeCursor, toConnection } from '../cursor';

describe('cursors', () => {
  it('round-trip a sort value and id', () => {
    const c = { v: '2025-03-01 12:00:00.123456+00', id: '42' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it.each(['', 'x', encodeCursor({ v: 1, id: 'abc' }), Buffer.from('[1]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), 'A'.repeat(600)])(
    'refuse %p with BAD_USER_INPUT',
    (s) => {
      expect(() => decodeCursor(s)).toThrow(AppError);
    },
  );

  it('bound first to 1..100', () => {
    expect(checkFirst(1)).toBe(1);
    expect(checkFirst(100)).toBe(100);
    for (const n of [0, 101, -1, 1.5]) expect(() => checkFirst(n)).toThrow(AppError);
  });

  it('build a connection from first + 1 rows', () => {
    const rows = [1, 2, 3].map((i) => ({ id: String(i), sortKey: `k${i}` }));
    const c = toConnection(rows, 2, null, (r) => r.sortKey, 3);
    expect(c.nodes.map((n) => n.id)).toEqual(['1', '2']);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(c.pageInfo.endCursor!)).toEqual({ v: 'k2', id: '2' });
  });
});

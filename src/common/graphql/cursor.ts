import { badInput } from '../errors/app-error';
import { Connection } from './connection.type';

/** A keyset position: the sort value (as text) and the id that breaks ties. Opaque to clients. */
export interface Cursor {
  v: string | number | null;
  id: string;
}

export const MAX_PAGE = 100;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.v, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(s: string, field = 'after'): Cursor {
  try {
    if (s.length > 512) throw new Error('long');
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2 || typeof v[1] !== 'string' || !/^\d{1,19}$/.test(v[1])) throw new Error('shape');
    if (!(v[0] === null || typeof v[0] === 'string' || typeof v[0] === 'number')) throw new Error('value');
    return { v: v[0], id: v[1] };
  } catch {
    throw badInput('Not a cursor this API gave out', field);
  }
}

export function checkFirst(first: number, field = 'first'): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput(`${field} must be from 1 to ${MAX_PAGE}`, field);
  return first;
}

/** An edge whose cursor is encoded only when a query reads it (most pages ask for pageInfo.endCursor alone). */
class LazyEdge<T extends { id: string }> {
  private encoded?: string;
  constructor(readonly node: T, private readonly sortValue: (row: T) => string | number | null) {}
  get cursor(): string {
    return (this.encoded ??= encodeCursor({ v: this.sortValue(this.node), id: this.node.id }));
  }
}

/** Builds the connection from up to first+1 rows (the extra row only says there is a next page). */
export function toConnection<T extends { id: string }>(
  fetched: T[], first: number, after: string | null | undefined, sortValue: (row: T) => string | number | null, totalCount: number,
): Connection<T> {
  const nodes = fetched.slice(0, first);
  const edges = nodes.map((node) => new LazyEdge(node, sortValue));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage: fetched.length > first,
      hasPreviousPage: !!after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

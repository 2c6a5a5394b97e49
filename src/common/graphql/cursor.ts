import { createHash } from 'node:crypto';
import { badInput } from '../errors/app-error';
import { Connection } from './connection.type';
import type { SortSpec } from './keyset';

/** A keyset position: the sort value (as PostgreSQL prints it) and the id that breaks ties. Opaque to clients. */
export interface Cursor {
  v: string | null;
  id: string;
}

export const MAX_PAGE = 100;

/** The ordering a cursor belongs to: a short digest of its sort expression, cast and direction. */
export function orderingTag(sort: Pick<SortSpec, 'expr' | 'cast' | 'direction'>): string {
  return createHash('sha256')
    .update(`${sort.expr}\u0000${sort.cast}\u0000${sort.direction}`)
    .digest('base64url')
    .slice(0, 8);
}

/** What a sort value must look like to be cast as its column's type (PostgreSQL's own text output of that type). */
const VALUE_SHAPES: Record<string, RegExp> = {
  timestamptz: /^(-?infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2})$/,
  numeric: /^-?\d{1,20}(\.\d{1,20})?$/,
  integer: /^-?\d{1,10}$/,
  bigint: /^-?\d{1,19}$/,
};

const INT4 = 2n ** 31n;
const INT8 = 2n ** 63n;
/** Whether a value PostgreSQL would cast to the sort column's type without an error (shape, then range). */
function castable(value: string, cast: string): boolean {
  const shape = Object.hasOwn(VALUE_SHAPES, cast) ? VALUE_SHAPES[cast] : null;
  if (shape && !shape.test(value)) return false;
  if (cast === 'integer') return BigInt(value) >= -INT4 && BigInt(value) < INT4;
  if (cast === 'bigint') return BigInt(value) >= -INT8 && BigInt(value) < INT8;
  return true;
}

export function encodeCursor(sort: Pick<SortSpec, 'expr' | 'cast' | 'direction'>, c: Cursor): string {
  return Buffer.from(JSON.stringify([orderingTag(sort), c.v, c.id]), 'utf8').toString('base64url');
}

/**
 * A cursor for this ordering, or BAD_USER_INPUT on `field`: one this API did not give out, one given out for another
 * ordering (CREATED_AT reused with orderBy AMOUNT), or one whose value would not cast to the sort column's type.
 */
export function decodeCursor(s: string, sort: Pick<SortSpec, 'expr' | 'cast' | 'direction'>, field = 'after'): Cursor {
  let v: unknown;
  try {
    if (s.length > 512) throw new Error('long');
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw badInput('Not a cursor this API gave out', field);
  }
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    typeof v[0] !== 'string' ||
    typeof v[2] !== 'string' ||
    !/^\d{1,19}$/.test(v[2]) ||
    !castable(v[2], 'bigint')
  ) {
    throw badInput('Not a cursor this API gave out', field);
  }
  if (v[0] !== orderingTag(sort))
    throw badInput(
      `${field} is a cursor of another list or ordering; page with the orderBy it was given out for`,
      field,
    );
  const value = v[1] as unknown;
  if (!(value === null || (typeof value === 'string' && value.length <= 256 && castable(value, sort.cast)))) {
    throw badInput(`${field} holds a value that does not fit its ordering`, field);
  }
  return { v: value as string | null, id: v[2] };
}

export function checkFirst(first: number, field = 'first'): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
    throw badInput(`${field} must be from 1 to ${MAX_PAGE}`, field);
  return first;
}

/** An edge whose cursor is encoded only when a query reads it (most pages ask for pageInfo.endCursor alone). */
class LazyEdge<T extends { id: string }> {
  private encoded?: string;
  constructor(
    readonly node: T,
    private readonly sort: Pick<SortSpec, 'expr' | 'cast' | 'direction'>,
    private readonly sortValue: (row: T) => string | null,
  ) {}
  get cursor(): string {
    return (this.encoded ??= encodeCursor(this.sort, { v: this.sortValue(this.node), id: this.node.id }));
  }
}

/**
 * Builds the connection from up to first+1 rows (the extra row only says there is a next page). backward: the rows
 * came in reverse order (a `last` page): they are turned back, and the extra row says there is a previous page.
 */
export function toConnection<T extends { id: string }>(
  fetched: T[],
  first: number,
  after: string | null | undefined,
  sort: Pick<SortSpec, 'expr' | 'cast' | 'direction'>,
  sortValue: (row: T) => string | null,
  totalCount: number,
  backward?: { before: string | null | undefined },
): Connection<T> {
  const nodes = backward ? fetched.slice(0, first).reverse() : fetched.slice(0, first);
  const edges = nodes.map((node) => new LazyEdge(node, sort, sortValue));
  const more = fetched.length > first;
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage: backward ? !!backward.before : more,
      hasPreviousPage: backward ? more : !!after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

import { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../dataloader/prime';
import { Connection } from './connection.type';
import { Cursor, checkFirst, decodeCursor, toConnection } from './cursor';
import { SortSpec } from './keyset';
import { DEFAULT_PAGE } from './page.args';

/** Whether the query selected this field directly on the returned object (through fragments too). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return selectedFields(info, []).has(name);
}

/** A root connection: validated paging, one page query, and a count only when totalCount was asked for. */
export async function page<T extends { id: string; sortKey: string }>(
  args: { first?: number | null; after?: string | null },
  info: GraphQLResolveInfo,
  sort: SortSpec,
  fetch: (first: number, after: Cursor | null) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Connection<T>> {
  const first = checkFirst(args.first ?? DEFAULT_PAGE);
  const after = args.after ? decodeCursor(args.after, sort) : null;
  const [rows, total] = await Promise.all([
    fetch(first, after),
    selects(info, 'totalCount') ? count() : Promise.resolve(-1),
  ]);
  return toConnection(rows, first, args.after, sort, (r) => r.sortKey, total);
}

import { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../dataloader/prime';
import { Connection } from './connection.type';
import { checkFirst, decodeCursor, toConnection } from './cursor';
import { PageWindow, SortSpec } from './keyset';
import { DEFAULT_PAGE, ListArgs } from './page.args';

/** Whether the query selected this field directly on the returned object (through fragments too). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return selectedFields(info, []).has(name);
}

/**
 * A root connection: validated paging (first/after forward, last/before backward), one page query (with the one row
 * past the page only when hasNextPage, or hasPreviousPage backward, was asked for), and a count only when totalCount
 * was asked for.
 */
export async function page<T extends { id: string; sortKey: string }>(
  args: ListArgs,
  info: GraphQLResolveInfo,
  sort: SortSpec,
  fetch: (win: PageWindow) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Connection<T>> {
  const backward = args.last != null;
  const win: PageWindow = {
    limit: backward ? checkFirst(args.last!, 'last') : checkFirst(args.first ?? DEFAULT_PAGE),
    after: args.after ? decodeCursor(args.after, sort) : null,
    before: args.before ? decodeCursor(args.before, sort, 'before') : null,
    backward,
    probe: selectedFields(info, ['pageInfo']).has(backward ? 'hasPreviousPage' : 'hasNextPage'),
  };
  const [rows, total] = await Promise.all([fetch(win), selects(info, 'totalCount') ? count() : Promise.resolve(-1)]);
  const back = backward ? { before: args.before } : undefined;
  return toConnection(rows, win.limit, args.after, sort, (r) => r.sortKey, total, back);
}

import DataLoader from 'dataloader';
import { Connection } from '../graphql/connection.type';
import { Cursor, checkFirst, decodeCursor, toConnection } from '../graphql/cursor';
import { SortSpec, Where, addKeyset, orderBy } from '../graphql/keyset';
import { Queryable } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { DEFAULT_PAGE } from '../graphql/page.args';

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** Rows of one child page query: the row (id null when the parent has no row on this page), its parent, sort key, total. */
export interface ChildRow {
  id: string | null;
  parentId: string;
  sortKey: string;
  total: string | number;
}

/** How to page one to-many relation; all SQL fragments are constants of the calling module. */
export interface ChildPageSpec {
  /** `FROM` clause naming the child table with its alias, e.g. `leads l`. */
  from: string;
  /** Selected columns of the child (aliased to the API's names). */
  columns: string;
  /** The child's parent-id expression, e.g. `l.account_id`. */
  parent: string;
  sort: SortSpec;
}

/** One statement for the page of every parent: per-parent totals, then row_number() within each parent. */
export async function queryChildPages<T>(
  db: Queryable,
  spec: ChildPageSpec,
  parentIds: readonly string[],
  first: number,
  after: Cursor | null,
): Promise<(T & ChildRow)[]> {
  const where = new Where([parentIds, first + 1]);
  where.add(`${spec.parent} = ANY($1::bigint[])`);
  addKeyset(where, spec.sort, after);
  return preparedRows<T & ChildRow>(
    db,
    `
    WITH totals AS (SELECT ${spec.parent} AS parent_id, count(*) AS total FROM ${spec.from} WHERE ${spec.parent} = ANY($1::bigint[]) GROUP BY 1),
    page AS (
      SELECT ${spec.columns}, ${spec.parent}::text AS "parentId", ${spec.sort.expr}::text AS "sortKey",
             row_number() OVER (PARTITION BY ${spec.parent} ${orderBy(spec.sort)}) AS rn
      FROM ${spec.from} ${where.sql()}
    )
    SELECT page.*, totals.parent_id::text AS "parentId", totals.total
    FROM totals LEFT JOIN page ON page."parentId" = totals.parent_id::text AND page.rn <= $2
    ORDER BY totals.parent_id, page.rn`,
    where.params,
  );
}

export type ChildPageQuery<T> = (
  parentIds: readonly string[],
  first: number,
  after: Cursor | null,
) => Promise<(T & ChildRow)[]>;

/**
 * Paged to-many children (Account.leads, Lead.touchpoints…) batched per request: one loader per distinct
 * (first, after), one statement for all parents that asked for the same page.
 */
export class ChildPages<T extends { id: string }> {
  static of<T extends { id: string }>(db: Queryable, spec: ChildPageSpec): ChildPages<T> {
    return new ChildPages<T>((ids, first, after) => queryChildPages<T>(db, spec, ids, first, after), spec.sort);
  }

  private readonly loaders = new Map<string, DataLoader<string, Connection<T>>>();
  constructor(
    private readonly query: ChildPageQuery<T>,
    private readonly sort: SortSpec,
  ) {}

  load(parentId: string, page: PageRequest): Promise<Connection<T>> {
    const first = checkFirst(page.first ?? DEFAULT_PAGE);
    const after = page.after ? decodeCursor(page.after, this.sort) : null;
    const key = `${first}|${page.after ?? ''}`;
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = new DataLoader(async (parentIds) => {
        const fetched = await this.query(parentIds, first, after);
        const byParent = new Map<string, (T & ChildRow)[]>();
        const totals = new Map<string, number>();
        for (const r of fetched) {
          totals.set(r.parentId, Number(r.total));
          if (r.id === null) continue;
          const list = byParent.get(r.parentId) ?? [];
          list.push(r);
          byParent.set(r.parentId, list);
        }
        return parentIds.map((p) =>
          toConnection(
            (byParent.get(p) ?? []) as (T & { sortKey: string })[],
            first,
            page.after,
            this.sort,
            (r) => r.sortKey,
            totals.get(p) ?? 0,
          ),
        );
      });
      this.loaders.set(key, loader);
    }
    return loader.load(parentId);
  }
}

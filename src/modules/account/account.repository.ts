import { addListFilters } from '../../common/graphql/list-filter';
import { AccountFilter, AccountOrder, AccountOrderField } from './account.inputs';
import { columnMap } from '../../common/dataloader/columns';
import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { PageWindow, SortSpec, Where, windowSql } from '../../common/graphql/keyset';
import { Account } from './account.type';

export const ACCOUNT_COLUMNS = `a.id::text AS id, a.external_id AS "externalId", a.name, a.domain, a.industry, a.region,
  a.employees, a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.archived_at AS "archivedAt",
  a.merged_into_id::text AS "mergedIntoId"`;
export const ACCOUNT_FIELDS = columnMap(ACCOUNT_COLUMNS);
export const ACCOUNT_SORT: SortSpec = { expr: 'a.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'a.id' };
const SORTS: Record<AccountOrderField, { expr: string; cast: string }> = {
  [AccountOrderField.CREATED_AT]: { expr: 'a.created_at', cast: 'timestamptz' },
  [AccountOrderField.UPDATED_AT]: { expr: 'a.updated_at', cast: 'timestamptz' },
  [AccountOrderField.NAME]: { expr: 'a.name', cast: 'text' },
};

export function accountSort(order?: AccountOrder | null): SortSpec {
  if (!order) return ACCOUNT_SORT;
  return { ...SORTS[order.field], direction: order.direction, idExpr: 'a.id' };
}

function filterWhere(f: AccountFilter | null | undefined): Where {
  const w = new Where();
  addListFilters(w, f, {
    alias: 'a',
    searchIn: [`(a.name || ' ' || coalesce(a.domain, '') || ' ' || coalesce(a.external_id, ''))`],
    lifecycle: true,
  });
  if (f?.industries) w.add(`a.industry = ANY(${w.param(f.industries)}::text[])`);
  if (f?.regions) w.add(`a.region = ANY(${w.param(f.regions)}::text[])`);
  if (f?.createdFrom) w.add(`a.created_at >= ${w.param(f.createdFrom)}::timestamptz`);
  if (f?.createdTo) w.add(`a.created_at < ${w.param(f.createdTo)}::timestamptz`);
  return w;
}

export async function accountsByExternalIds(db: Queryable, externalIds: readonly string[]): Promise<Account[]> {
  return rows<Account>(db, `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.external_id = ANY($1::text[])`, [
    externalIds,
  ]);
}

export async function accountsByIds(db: Queryable, ids: readonly string[]): Promise<Account[]> {
  return preparedRows<Account>(db, `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ANY($1::bigint[])`, [ids]);
}

export async function listAccounts(
  db: Queryable,
  filter: AccountFilter | null | undefined,
  sort: SortSpec,
  win: PageWindow,
): Promise<(Account & { sortKey: string })[]> {
  const w = filterWhere(filter);
  const tail = windowSql(w, sort, win);
  return preparedRows(
    db,
    `SELECT ${ACCOUNT_COLUMNS}, ${sort.expr}::text AS "sortKey" FROM accounts a ${w.sql()} ${tail}`,
    w.params,
  );
}

export async function countAccounts(db: Queryable, filter: AccountFilter | null | undefined): Promise<number> {
  const w = filterWhere(filter);
  return Number((await rows<{ n: string }>(db, `SELECT count(*) AS n FROM accounts a ${w.sql()}`, w.params))[0].n);
}

import { columnMap } from '../../common/dataloader/columns';
import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { Cursor } from '../../common/graphql/cursor';
import { SortSpec, Where, addKeyset, orderBy, pageLimit } from '../../common/graphql/keyset';
import { Account } from './account.type';

export const ACCOUNT_COLUMNS = `a.id::text AS id, a.external_id AS "externalId", a.name, a.domain, a.industry, a.region,
  a.employees, a.created_at AS "createdAt"`;
export const ACCOUNT_FIELDS = columnMap(ACCOUNT_COLUMNS);
export const ACCOUNT_SORT: SortSpec = { expr: 'a.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'a.id' };

export async function accountsByIds(db: Queryable, ids: readonly string[]): Promise<Account[]> {
  return preparedRows<Account>(db, `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ANY($1::bigint[])`, [ids]);
}

export async function listAccounts(
  db: Queryable,
  first: number,
  after: Cursor | null,
): Promise<(Account & { sortKey: string })[]> {
  const w = new Where();
  addKeyset(w, ACCOUNT_SORT, after);
  return preparedRows(
    db,
    `SELECT ${ACCOUNT_COLUMNS}, ${ACCOUNT_SORT.expr}::text AS "sortKey" FROM accounts a ${w.sql()} ${orderBy(ACCOUNT_SORT)} ${pageLimit(first)}`,
    w.params,
  );
}

export async function countAccounts(db: Queryable): Promise<number> {
  return Number((await rows<{ n: string }>(db, `SELECT count(*) AS n FROM accounts`))[0].n);
}

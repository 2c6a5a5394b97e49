import { addListFilters } from '../../common/graphql/list-filter';
import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { dbId } from '../../common/graphql/ids';
import { PageWindow, SortSpec, Where, windowSql } from '../../common/graphql/keyset';
import { ChildPageSpec } from '../../common/dataloader/child-pages';
import { DealFilter, DealOrder, DealOrderField } from './deal.inputs';
import { DealRow, DealStageChange } from './deal.type';
import { foldPrefixed, manyAsJson } from '../../common/dataloader/prime';
import { columnMap, jsonObject, prefixedList, selectList } from '../../common/dataloader/columns';
import { ACCOUNT_FIELDS } from '../account/account.repository';
import { LEAD_FIELDS } from '../lead/lead.repository';
import { USER_FIELDS } from '../user/user.repository';

export const DEAL_COLUMNS = `d.id::text AS id, d.external_id AS "externalId", d.name, d.amount::float8 AS amount,
  d.stage_key AS "stageKey", d.status, d.account_id::text AS "accountId", d.owner_id::text AS "ownerId",
  d.created_at AS "createdAt", d.closed_at AS "closedAt", d.expected_close_date AS "expectedCloseDate",
  d.lost_reason AS "lostReason", d.version, d.updated_at AS "updatedAt", d.archived_at AS "archivedAt"`;

const SORTS: Record<DealOrderField, { expr: string; cast: string }> = {
  [DealOrderField.CREATED_AT]: { expr: 'd.created_at', cast: 'timestamptz' },
  [DealOrderField.AMOUNT]: { expr: 'd.amount', cast: 'numeric' },
  // open deals (no close) sort after every closed one ascending, as NULLS LAST would
  [DealOrderField.CLOSED_AT]: { expr: `coalesce(d.closed_at, 'infinity'::timestamptz)`, cast: 'timestamptz' },
  [DealOrderField.UPDATED_AT]: { expr: 'd.updated_at', cast: 'timestamptz' },
};

export function dealSort(order?: DealOrder | null): SortSpec {
  const s = SORTS[order?.field ?? DealOrderField.CREATED_AT];
  return { ...s, direction: order?.direction ?? 'ASC', idExpr: 'd.id' };
}

export async function dealsByIds(db: Queryable, ids: readonly string[]): Promise<DealRow[]> {
  return preparedRows<DealRow>(db, `SELECT ${DEAL_COLUMNS} FROM deals d WHERE d.id = ANY($1::bigint[])`, [ids]);
}

export async function dealsByExternalIds(db: Queryable, externalIds: readonly string[]): Promise<DealRow[]> {
  return rows<DealRow>(db, `SELECT ${DEAL_COLUMNS} FROM deals d WHERE d.external_id = ANY($1::text[])`, [externalIds]);
}

/** What a deals filter's search, updatedSince and archived scope apply to (search: deals_search_idx's expression). */
const DEAL_LIST = { alias: 'd', searchIn: [`(d.name || ' ' || coalesce(d.external_id, ''))`], lifecycle: true };

function filterWhere(filter: DealFilter | null | undefined): Where {
  const w = new Where();
  if (!filter) {
    addListFilters(w, null, DEAL_LIST);
    return w;
  }
  if (filter.stages) w.add(`d.stage_key = ANY(${w.param(filter.stages)}::text[])`);
  if (filter.statuses) w.add(`d.status = ANY(${w.param(filter.statuses)}::text[])`);
  if (filter.ownerId != null) w.add(`d.owner_id = ${w.param(dbId(filter.ownerId))}::bigint`);
  if (filter.accountId != null) w.add(`d.account_id = ${w.param(dbId(filter.accountId))}::bigint`);
  if (filter.createdFrom) w.add(`d.created_at >= ${w.param(filter.createdFrom)}::timestamptz`);
  if (filter.createdTo) w.add(`d.created_at < ${w.param(filter.createdTo)}::timestamptz`);
  if (filter.closedFrom) w.add(`d.closed_at >= ${w.param(filter.closedFrom)}::timestamptz`);
  if (filter.closedTo) w.add(`d.closed_at < ${w.param(filter.closedTo)}::timestamptz`);
  addListFilters(w, filter, DEAL_LIST);
  return w;
}

export const DEAL_FIELDS = columnMap(DEAL_COLUMNS);

/**
 * What a deal query fetches (look-ahead, see common/dataloader/prime.ts and columns.ts): the deal's own columns
 * (all when absent) and, for each child to embed, the child's columns (absent: not embedded).
 */
export interface DealChildren {
  deal?: ReadonlySet<string>;
  account?: ReadonlySet<string>;
  owner?: ReadonlySet<string>;
  leads?: ReadonlySet<string>;
}
export type DealWithChildren = DealRow & {
  _account?: Record<string, unknown> | null;
  _owner?: Record<string, unknown> | null;
  _leads?: Record<string, unknown>[];
};

/**
 * The select list and joins of a deal statement with children embedded, the way PostGraphile v5 shapes it: to-one
 * children (account, owner) as flat columns of LEFT JOINs on their primary keys, the leads as one JSON array per deal.
 */
function childSql(c: DealChildren): ChildSql {
  let built = childSqls.get(c);
  if (!built) childSqls.set(c, (built = buildChildSql(c)));
  return built;
}

interface ChildSql {
  select: string;
  joins: string;
  /** The by-id statement, built once per DealChildren object (the same text instance: cheap to look up by). */
  byIds?: string;
}
/** DealChildren objects are kept per operation (dealChildren), so their SQL is built once, not per request. */
const childSqls = new WeakMap<DealChildren, ChildSql>();

function buildChildSql(c: DealChildren): ChildSql {
  const cols = [selectList(DEAL_FIELDS, c.deal)];
  const joins: string[] = [];
  if (c.account) {
    cols.push(prefixedList(ACCOUNT_FIELDS, c.account, '_account'));
    joins.push('LEFT JOIN accounts a ON a.id = d.account_id');
  }
  if (c.owner) {
    cols.push(prefixedList(USER_FIELDS, c.owner, '_owner'));
    joins.push('LEFT JOIN users u ON u.id = d.owner_id');
  }
  if (c.leads)
    cols.push(
      manyAsJson(
        '_leads',
        jsonObject(LEAD_FIELDS, c.leads),
        'deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id',
        'l.created_at, l.id',
      ),
    );
  return { select: cols.join(', '), joins: joins.join(' ') };
}

/** The rows of a childSql statement with the to-one children folded into `_account` and `_owner`. */
function folded<T extends DealWithChildren>(c: DealChildren, rows: T[]): T[] {
  for (const r of rows) {
    const row = r as unknown as Record<string, unknown>;
    if (c.account) foldPrefixed(row, '_account', c.account);
    if (c.owner) foldPrefixed(row, '_owner', c.owner);
  }
  return rows;
}

export async function listDeals(
  db: Queryable,
  filter: DealFilter | null | undefined,
  sort: SortSpec,
  win: PageWindow,
  children: DealChildren = {},
): Promise<(DealWithChildren & { sortKey: string })[]> {
  const w = filterWhere(filter);
  const tail = windowSql(w, sort, win);
  const { select, joins } = childSql(children);
  return folded(
    children,
    await preparedRows(
      db,
      `SELECT ${select}, ${sort.expr}::text AS "sortKey" FROM deals d ${joins} ${w.sql()} ${tail}`,
      w.params,
    ),
  );
}

/** Deals by id with the asked-for columns and children embedded. */
export async function dealsByIdsWithChildren(
  db: Queryable,
  ids: readonly string[],
  children: DealChildren,
): Promise<DealWithChildren[]> {
  const built = childSql(children);
  built.byIds ??= `SELECT ${built.select} FROM deals d ${built.joins} WHERE d.id = ANY($1::bigint[])`;
  return folded(children, await preparedRows(db, built.byIds, [ids]));
}

export async function countDeals(db: Queryable, filter: DealFilter | null | undefined): Promise<number> {
  const w = filterWhere(filter);
  return Number((await rows<{ n: string }>(db, `SELECT count(*) AS n FROM deals d ${w.sql()}`, w.params))[0].n);
}

/** Account.deals, oldest first. */
export const ACCOUNT_DEALS: ChildPageSpec = {
  from: 'deals d',
  columns: DEAL_COLUMNS,
  parent: 'd.account_id',
  sort: { expr: 'd.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'd.id' },
};

/** Lead.deals for many leads: [leadId, deal] pairs. */
export async function dealsByLeadIds(
  db: Queryable,
  leadIds: readonly string[],
): Promise<(DealRow & { leadId: string })[]> {
  return preparedRows(
    db,
    `SELECT dl.lead_id::text AS "leadId", ${DEAL_COLUMNS}
    FROM deal_leads dl JOIN deals d ON d.id = dl.deal_id WHERE dl.lead_id = ANY($1::bigint[]) ORDER BY d.created_at, d.id`,
    [leadIds],
  );
}

/** The replay order of a deal's stage log (definitions.md section 1): time, ladder rank (LOST last), arrival. */
export const DEAL_CHANGE_ORDER = `c.occurred_at, coalesce(pipeline_rank(s.category, s.position), 2000000000), c.recorded_at, c.id`;
/** The same order, latest first. */
export const DEAL_CHANGE_ORDER_DESC = `c.occurred_at DESC, coalesce(pipeline_rank(s.category, s.position), 2000000000) DESC, c.recorded_at DESC, c.id DESC`;

/** Deal.stageHistory for many deals, in replay order, fromStage being the stage before each change. */
export async function stageHistoryByDealIds(
  db: Queryable,
  dealIds: readonly string[],
): Promise<(DealStageChange & { dealId: string })[]> {
  return rows(
    db,
    `
    SELECT c.deal_id::text AS "dealId", c.id::text AS id,
           lag(c.to_stage) OVER (PARTITION BY c.deal_id ORDER BY ${DEAL_CHANGE_ORDER}) AS "fromStage",
           c.to_stage AS "toStage", c.amount::float8 AS amount, c.reason, c.occurred_at AS "occurredAt",
           c.recorded_at AS "recordedAt", c.actor
    FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
    WHERE c.deal_id = ANY($1::bigint[])
    ORDER BY c.deal_id, ${DEAL_CHANGE_ORDER}`,
    [dealIds],
  );
}

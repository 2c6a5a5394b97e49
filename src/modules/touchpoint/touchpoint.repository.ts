import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { dbId } from '../../common/graphql/ids';
import { PageWindow, SortSpec, Where, windowSql } from '../../common/graphql/keyset';
import { ChildPageSpec } from '../../common/dataloader/child-pages';
import { TouchpointFilter } from './touchpoint.inputs';
import { TouchpointRow } from './touchpoint.type';

export const TOUCHPOINT_COLUMNS = `t.id::text AS id, t.external_id AS "externalId", t.lead_id::text AS "leadId",
  t.campaign_id::text AS "campaignId", t.channel, t.type, t.occurred_at AS "occurredAt"`;
export const TOUCHPOINT_SORT: SortSpec = {
  expr: 't.occurred_at',
  cast: 'timestamptz',
  direction: 'ASC',
  idExpr: 't.id',
};

function filterWhere(filter: TouchpointFilter | null | undefined): Where {
  const w = new Where();
  if (!filter) return w;
  if (filter.leadId != null) w.add(`t.lead_id = ${w.param(dbId(filter.leadId))}::bigint`);
  if (filter.campaignId != null) w.add(`t.campaign_id = ${w.param(dbId(filter.campaignId))}::bigint`);
  if (filter.channels) w.add(`t.channel = ANY(${w.param(filter.channels)}::text[])`);
  if (filter.occurredFrom) w.add(`t.occurred_at >= ${w.param(filter.occurredFrom)}::timestamptz`);
  if (filter.occurredTo) w.add(`t.occurred_at < ${w.param(filter.occurredTo)}::timestamptz`);
  if (filter.updatedSince) w.add(`t.recorded_at >= ${w.param(filter.updatedSince)}::timestamptz`);
  return w;
}

export async function listTouchpoints(
  db: Queryable,
  filter: TouchpointFilter | null | undefined,
  win: PageWindow,
): Promise<(TouchpointRow & { sortKey: string })[]> {
  const w = filterWhere(filter);
  const tail = windowSql(w, TOUCHPOINT_SORT, win);
  return preparedRows(
    db,
    `SELECT ${TOUCHPOINT_COLUMNS}, ${TOUCHPOINT_SORT.expr}::text AS "sortKey" FROM touchpoints t ${w.sql()} ${tail}`,
    w.params,
  );
}

export async function countTouchpoints(db: Queryable, filter: TouchpointFilter | null | undefined): Promise<number> {
  const w = filterWhere(filter);
  return Number((await rows<{ n: string }>(db, `SELECT count(*) AS n FROM touchpoints t ${w.sql()}`, w.params))[0].n);
}

/** Lead.touchpoints, oldest first. */
export const LEAD_TOUCHPOINTS: ChildPageSpec = {
  from: 'touchpoints t',
  columns: TOUCHPOINT_COLUMNS,
  parent: 't.lead_id',
  sort: TOUCHPOINT_SORT,
};

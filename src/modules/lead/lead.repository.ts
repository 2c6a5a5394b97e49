import { addListFilters } from '../../common/graphql/list-filter';
import { columnMap } from '../../common/dataloader/columns';
import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { dbId } from '../../common/graphql/ids';
import { PageWindow, SortSpec, Where, windowSql } from '../../common/graphql/keyset';
import { ChildPageSpec } from '../../common/dataloader/child-pages';
import { LeadFilter, LeadOrder, LeadOrderField } from './lead.inputs';
import { LeadRow, LeadStageChange } from './lead.type';
import { replayStageMoves } from './lead-history.calc';

export const LEAD_COLUMNS = `l.id::text AS id, l.external_id AS "externalId", l.email, l.first_name AS "firstName",
  l.last_name AS "lastName", l.title, l.account_id::text AS "accountId", l.owner_id::text AS "ownerId", l.source,
  l.score, l.stage, l.status, l.rejection_reason AS "rejectionReason", l.created_at AS "createdAt",
  l.mql_at AS "mqlAt", l.sal_at AS "salAt", l.sql_at AS "sqlAt", l.opportunity_at AS "opportunityAt",
  l.customer_at AS "customerAt", l.updated_at AS "updatedAt", l.archived_at AS "archivedAt",
  l.merged_into_id::text AS "mergedIntoId", l.personal_data_erased_at AS "personalDataErasedAt"`;
export const LEAD_FIELDS = columnMap(LEAD_COLUMNS);

const SORTS: Record<LeadOrderField, string> = {
  [LeadOrderField.CREATED_AT]: 'l.created_at',
  [LeadOrderField.SCORE]: 'coalesce(l.score, -2147483648)',
  [LeadOrderField.UPDATED_AT]: 'l.updated_at',
};
const CASTS: Record<LeadOrderField, string> = {
  [LeadOrderField.CREATED_AT]: 'timestamptz',
  [LeadOrderField.SCORE]: 'integer',
  [LeadOrderField.UPDATED_AT]: 'timestamptz',
};

export function leadSort(order?: LeadOrder | null): SortSpec {
  const field = order?.field ?? LeadOrderField.CREATED_AT;
  return { expr: SORTS[field], cast: CASTS[field], direction: order?.direction ?? 'ASC', idExpr: 'l.id' };
}

export async function leadsByIds(db: Queryable, ids: readonly string[]): Promise<LeadRow[]> {
  return preparedRows<LeadRow>(db, `SELECT ${LEAD_COLUMNS} FROM leads l WHERE l.id = ANY($1::bigint[])`, [ids]);
}

export async function leadsByExternalIds(db: Queryable, externalIds: readonly string[]): Promise<LeadRow[]> {
  return rows<LeadRow>(db, `SELECT ${LEAD_COLUMNS} FROM leads l WHERE l.external_id = ANY($1::text[])`, [externalIds]);
}

/** The text a leads search matches: the personal fields (leads_search_personal_idx's expression) and the key. */
const PERSONAL_TEXT = `(coalesce(l.email, '') || ' ' || coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, ''))`;

/** personal: whether the caller may see personal data (ANALYST may not, so its search does not look there). */
function filterWhere(filter: LeadFilter | null | undefined, personal: boolean): Where {
  const w = new Where();
  addListFilters(w, filter, {
    alias: 'l',
    searchIn: personal ? [PERSONAL_TEXT, 'l.external_id'] : ['l.external_id'],
    lifecycle: true,
  });
  if (!filter) return w;
  if (filter.stages) w.add(`l.stage = ANY(${w.param(filter.stages)}::text[])`);
  if (filter.statuses) w.add(`l.status = ANY(${w.param(filter.statuses)}::text[])`);
  if (filter.sources) w.add(`l.source = ANY(${w.param(filter.sources)}::text[])`);
  if (filter.ownerId != null) w.add(`l.owner_id = ${w.param(dbId(filter.ownerId))}::bigint`);
  if (filter.accountId != null) w.add(`l.account_id = ${w.param(dbId(filter.accountId))}::bigint`);
  if (filter.createdFrom) w.add(`l.created_at >= ${w.param(filter.createdFrom)}::timestamptz`);
  if (filter.createdTo) w.add(`l.created_at < ${w.param(filter.createdTo)}::timestamptz`);
  return w;
}

/** One page (first + 1 rows, keyset after the cursor) of leads matching the filter. */
export async function listLeads(
  db: Queryable,
  filter: LeadFilter | null | undefined,
  sort: SortSpec,
  win: PageWindow,
  personal: boolean,
): Promise<(LeadRow & { sortKey: string })[]> {
  const w = filterWhere(filter, personal);
  const tail = windowSql(w, sort, win);
  return preparedRows(
    db,
    `SELECT ${LEAD_COLUMNS}, ${sort.expr}::text AS "sortKey" FROM leads l ${w.sql()} ${tail}`,
    w.params,
  );
}

export async function countLeads(
  db: Queryable,
  filter: LeadFilter | null | undefined,
  personal: boolean,
): Promise<number> {
  const w = filterWhere(filter, personal);
  const r = await rows<{ n: string }>(db, `SELECT count(*) AS n FROM leads l ${w.sql()}`, w.params);
  return Number(r[0].n);
}

/** Account.leads, oldest first. */
export const ACCOUNT_LEADS: ChildPageSpec = {
  from: 'leads l',
  columns: LEAD_COLUMNS,
  parent: 'l.account_id',
  sort: { expr: 'l.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'l.id' },
};

/** Deal.leads for many deals: [dealId, lead] pairs. */
export async function leadsByDealIds(
  db: Queryable,
  dealIds: readonly string[],
): Promise<(LeadRow & { dealId: string })[]> {
  return preparedRows(
    db,
    `SELECT dl.deal_id::text AS "dealId", ${LEAD_COLUMNS}
    FROM deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = ANY($1::bigint[]) ORDER BY l.created_at, l.id`,
    [dealIds],
  );
}

interface HistoryRow {
  leadId: string;
  logId: string | null;
  event: string;
  reason: string | null;
  note: string | null;
  occurredAt: Date;
  recordedAt: Date;
  actor: string | null;
  qualificationVersion: number | null;
}

/** Lead.stageHistory for many leads, in replay order, with fromStage/toStage from the replay. */
export async function stageHistoryByLeadIds(
  db: Queryable,
  leadIds: readonly string[],
): Promise<Map<string, LeadStageChange[]>> {
  const r = await rows<HistoryRow>(
    db,
    `
    SELECT e.lead_id::text AS "leadId", e.log_id::text AS "logId", e.event, e.reason, c.note,
           e.occurred_at AS "occurredAt", e.recorded_at AS "recordedAt", c.actor,
           c.qualification_version AS "qualificationVersion"
    FROM lead_events($1::bigint[]) e LEFT JOIN lead_stage_changes c ON c.id = e.log_id
    ORDER BY e.lead_id, e.occurred_at, e.rnk, e.recorded_at, e.seq`,
    [leadIds],
  );
  const byLead = new Map<string, HistoryRow[]>();
  for (const row of r) {
    const list = byLead.get(row.leadId);
    if (list) list.push(row);
    else byLead.set(row.leadId, [row]);
  }
  const out = new Map<string, LeadStageChange[]>();
  for (const [leadId, events] of byLead) {
    const byLog = new Map(events.filter((e) => e.logId).map((e) => [e.logId!, e]));
    out.set(
      leadId,
      replayStageMoves(events).map((m) => {
        const e = byLog.get(m.logId)!;
        return {
          id: m.logId,
          event: e.event as LeadStageChange['event'],
          fromStage: m.fromStage,
          toStage: m.toStage,
          reason: e.reason as LeadStageChange['reason'],
          note: e.note,
          occurredAt: e.occurredAt,
          recordedAt: e.recordedAt,
          actor: e.actor,
          qualificationVersion: e.qualificationVersion,
        };
      }),
    );
  }
  return out;
}

/** The external ids among these whose lead had its personal data erased. */
export async function erasedLeads(db: Queryable, externalIds: string[]): Promise<Set<string>> {
  const r = await rows<{ external_id: string }>(
    db,
    `SELECT external_id FROM leads WHERE external_id = ANY($1::text[]) AND personal_data_erased_at IS NOT NULL`,
    [externalIds],
  );
  return new Set(r.map((x) => x.external_id));
}

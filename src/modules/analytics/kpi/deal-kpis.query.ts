import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { Param, sql, Sql } from '../../../db/sql-tag';
import { KpiScope, kpiParams, period, PERIODS, scopeEnd, scopeStart } from './lead-kpis.query';
import { latestChangeAsOf } from '../core/deal-outcome.sql';

export interface DealKpiRow {
  opportunities: number;
  pipelineCreated: number;
  wonDeals: number;
  lostDeals: number;
  revenue: number;
  lostAmount: number;
  cycleMeanDays: number | null;
  cycleMedianDays: number | null;
  cycleCount: number;
  openDeals: number;
  openPipeline: number;
  weightedPipeline: number;
  newCustomers: number;
  marketingSourcedRevenue: number;
  marketingInfluencedRevenue: number;
  spend: number;
}

/**
 * Whether a won deal was marketing-influenced (definitions.md section 5): a touch of a linked lead in a marketing
 * channel (`channels`) from 180 days before its creation until its close (and, when given, at or before asOf).
 */
export const influencedSql = (
  dealId: string,
  createdAt: string,
  closedAt: string,
  channels: Param | Sql,
  asOf: Param | null,
): Sql => sql`EXISTS (
          SELECT 1 FROM live_deal_leads dl JOIN touchpoints t ON t.lead_id = dl.lead_id
          WHERE dl.deal_id = ${dealId} AND t.channel = ANY(${channels}::text[])
            AND t.occurred_at >= ${createdAt} - interval '180 days' AND t.occurred_at <= ${closedAt}${asOf ? sql` AND t.occurred_at <= ${asOf}` : ''})`;

/** Is the instant column inside the whole scope [edges[1], edges[n+1])? */
export const inScope = (col: string, edges: Param) =>
  sql`${col} >= ${scopeStart(edges)} AND ${col} < ${scopeEnd(edges)}`;

/** Spend per period (`i`) as of asOf over the edges, of campaigns in the channels `channels` (all when null). */
export const spendSql = (channels: Param, asOf: Param, edges: Param) => sql`
      SELECT ${period('x.at', edges)} AS i, sum(x.amount) AS spend FROM (
        SELECT sp.day::timestamp AT TIME ZONE 'UTC' AS at, sp.amount FROM campaign_spend sp JOIN campaigns c ON c.id = sp.campaign_id
        WHERE ${channels}::text[] IS NULL OR c.channel = ANY(${channels}::text[])
      ) x WHERE x.at <= ${asOf} AND ${inScope('x.at', edges)} GROUP BY 1`;

/**
 * Deal, revenue and spend KPIs of definitions.md section 5 in one statement, one row per period (in order). A deal's
 * outcome as of asOf is its latest stage change at or before asOf (ties: ladder rank, LOST last, arrival); the sources
 * filter applies to a deal through its earliest-created linked lead, and to spend through the campaign's channel.
 * The open and weighted pipeline are the snapshot at asOf, the same for every period.
 */
export async function queryDealKpis(db: Queryable, s: KpiScope): Promise<DealKpiRow[]> {
  const p = kpiParams(s);
  return preparedSqlRows<DealKpiRow>(
    db,
    sql`
    WITH base AS (
      SELECT d.id, d.amount, d.created_at, d.account_id,
        (SELECT l.source FROM live_deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) AS lead_source
      FROM live_deals d WHERE d.created_at <= ${p.asOf} AND (${p.owners}::bigint[] IS NULL OR d.owner_id = ANY(${p.owners}))
    ),
    scoped AS (SELECT * FROM base WHERE ${p.sources}::text[] IS NULL OR lead_source = ANY(${p.sources})),
    outcome AS (
      SELECT b.*, o.category, o.at, o.probability FROM scoped b CROSS JOIN LATERAL (${latestChangeAsOf('b.id', p.asOf)}) o
    ),
    created AS (
      SELECT ${period('created_at', p.edges)} AS i, count(*) AS opportunities, sum(amount) AS "pipelineCreated" FROM scoped GROUP BY 1
    ),
    closed AS (SELECT *, ${period('at', p.edges)} AS i FROM outcome WHERE category <> 'OPEN' AND ${inScope('at', p.edges)}),
    closes AS (
      SELECT i, count(*) FILTER (WHERE category = 'WON') AS "wonDeals", count(*) FILTER (WHERE category = 'LOST') AS "lostDeals",
        sum(amount) FILTER (WHERE category = 'WON') AS revenue, sum(amount) FILTER (WHERE category = 'LOST') AS "lostAmount"
      FROM closed GROUP BY i
    ),
    won AS (
      SELECT i, amount, extract(epoch FROM at - created_at) / 86400 AS cycle, lead_source = ANY(${p.marketing}::text[]) AS sourced,
        ${influencedSql('w.id', 'w.created_at', 'w.at', p.marketing, p.asOf)} AS influenced
      FROM closed w WHERE category = 'WON'
    ),
    wins AS (
      SELECT i, count(*) AS "cycleCount", avg(cycle) AS "cycleMeanDays", percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle) AS "cycleMedianDays",
        sum(amount) FILTER (WHERE sourced) AS "marketingSourcedRevenue", sum(amount) FILTER (WHERE influenced) AS "marketingInfluencedRevenue"
      FROM won GROUP BY i
    ),
    snapshot AS (
      SELECT count(*) AS "openDeals", coalesce(sum(amount), 0) AS "openPipeline", coalesce(sum(amount * probability), 0) AS "weightedPipeline"
      FROM outcome WHERE category = 'OPEN'
    ),
    customers AS (
      SELECT ${period('first_win', p.edges)} AS i, count(*) AS "newCustomers" FROM (
        SELECT coalesce('a' || account_id::text, 'd' || id::text) AS customer, min(at) AS first_win FROM outcome WHERE category = 'WON' GROUP BY 1
      ) x GROUP BY 1
    ),
    spend AS (${spendSql(p.sources, p.asOf, p.edges)})
    SELECT
      coalesce(c.opportunities, 0)::int AS opportunities, coalesce(c."pipelineCreated", 0)::float8 AS "pipelineCreated",
      coalesce(k."wonDeals", 0)::int AS "wonDeals", coalesce(k."lostDeals", 0)::int AS "lostDeals",
      coalesce(k.revenue, 0)::float8 AS revenue, coalesce(k."lostAmount", 0)::float8 AS "lostAmount",
      w."cycleMeanDays"::float8 AS "cycleMeanDays", w."cycleMedianDays"::float8 AS "cycleMedianDays", coalesce(w."cycleCount", 0)::int AS "cycleCount",
      n."openDeals"::int AS "openDeals", n."openPipeline"::float8 AS "openPipeline", n."weightedPipeline"::float8 AS "weightedPipeline",
      coalesce(u."newCustomers", 0)::int AS "newCustomers",
      coalesce(w."marketingSourcedRevenue", 0)::float8 AS "marketingSourcedRevenue",
      coalesce(w."marketingInfluencedRevenue", 0)::float8 AS "marketingInfluencedRevenue",
      coalesce(sp.spend, 0)::float8 AS spend
    FROM (${PERIODS(p.edges)}) p CROSS JOIN snapshot n
      LEFT JOIN created c USING (i) LEFT JOIN closes k USING (i) LEFT JOIN wins w USING (i)
      LEFT JOIN customers u USING (i) LEFT JOIN spend sp USING (i)
    ORDER BY p.i`,
  );
}

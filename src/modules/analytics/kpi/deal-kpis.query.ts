import { Queryable, rows } from '../../../db/sql';
import { MARKETING_CHANNELS } from '../../../common/graphql/enums';
import { KpiScope } from './lead-kpis.query';

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
 * Deal, revenue and spend KPIs of definitions.md section 5 in one statement. A deal's outcome as of $1 is its latest
 * stage change at or before $1 (ties: ladder rank, LOST last, arrival); the sources filter applies to a deal through
 * its earliest-created linked lead, and to spend through the campaign's channel.
 */
export async function queryDealKpis(db: Queryable, s: KpiScope): Promise<DealKpiRow> {
  const r = await rows<DealKpiRow>(db, `
    WITH base AS (
      SELECT d.id, d.amount, d.created_at, d.account_id,
        (SELECT l.source FROM deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) AS lead_source
      FROM deals d WHERE d.created_at <= $1 AND ($5::bigint[] IS NULL OR d.owner_id = ANY($5))
    ),
    scoped AS (SELECT * FROM base WHERE $4::text[] IS NULL OR lead_source = ANY($4)),
    outcome AS (
      SELECT b.*, o.category, o.at, o.probability FROM scoped b CROSS JOIN LATERAL (
        SELECT s.category, c.occurred_at AS at, s.probability FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
        WHERE c.deal_id = b.id AND c.occurred_at <= $1
        ORDER BY c.occurred_at DESC, coalesce(pipeline_rank(s.category, s.position), 2000000000) DESC, c.recorded_at DESC, c.id DESC
        LIMIT 1) o
    ),
    closed AS (SELECT * FROM outcome WHERE category <> 'OPEN' AND at >= $2 AND at < $3),
    won AS (SELECT *, extract(epoch FROM at - created_at) / 86400 AS cycle FROM closed WHERE category = 'WON')
    SELECT
      (SELECT count(*) FROM scoped WHERE created_at >= $2 AND created_at < $3)::int AS opportunities,
      (SELECT coalesce(sum(amount), 0) FROM scoped WHERE created_at >= $2 AND created_at < $3)::float8 AS "pipelineCreated",
      (SELECT count(*) FROM won)::int AS "wonDeals",
      (SELECT count(*) FROM closed WHERE category = 'LOST')::int AS "lostDeals",
      (SELECT coalesce(sum(amount), 0) FROM won)::float8 AS revenue,
      (SELECT coalesce(sum(amount), 0) FROM closed WHERE category = 'LOST')::float8 AS "lostAmount",
      (SELECT avg(cycle) FROM won)::float8 AS "cycleMeanDays",
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle) FROM won)::float8 AS "cycleMedianDays",
      (SELECT count(*) FROM won)::int AS "cycleCount",
      (SELECT count(*) FROM outcome WHERE category = 'OPEN')::int AS "openDeals",
      (SELECT coalesce(sum(amount), 0) FROM outcome WHERE category = 'OPEN')::float8 AS "openPipeline",
      (SELECT coalesce(sum(amount * probability), 0) FROM outcome WHERE category = 'OPEN')::float8 AS "weightedPipeline",
      (SELECT count(*) FROM (
         SELECT coalesce('a' || account_id::text, 'd' || id::text) AS customer, min(at) AS first_win FROM outcome WHERE category = 'WON' GROUP BY 1
       ) x WHERE first_win >= $2 AND first_win < $3)::int AS "newCustomers",
      (SELECT coalesce(sum(amount), 0) FROM won WHERE lead_source = ANY($6::text[]))::float8 AS "marketingSourcedRevenue",
      (SELECT coalesce(sum(w.amount), 0) FROM won w WHERE EXISTS (
         SELECT 1 FROM deal_leads dl JOIN touchpoints t ON t.lead_id = dl.lead_id
         WHERE dl.deal_id = w.id AND t.channel = ANY($6::text[])
           AND t.occurred_at >= w.created_at - interval '180 days' AND t.occurred_at <= w.at AND t.occurred_at <= $1))::float8 AS "marketingInfluencedRevenue",
      (SELECT coalesce(sum(sp.amount), 0) FROM campaign_spend sp JOIN campaigns c ON c.id = sp.campaign_id
        WHERE (sp.day::timestamp AT TIME ZONE 'UTC') >= $2 AND (sp.day::timestamp AT TIME ZONE 'UTC') < $3
          AND (sp.day::timestamp AT TIME ZONE 'UTC') <= $1 AND ($4::text[] IS NULL OR c.channel = ANY($4)))::float8 AS spend`,
    [s.asOf, s.from, s.to, s.sources, s.ownerIds, MARKETING_CHANNELS]);
  return r[0];
}

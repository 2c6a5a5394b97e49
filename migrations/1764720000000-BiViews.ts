import { MigrationInterface, QueryRunner } from 'typeorm';

/** The funnel's ladder: each stage with the column holding its reach (skipped stages inferred, definitions.md §2). */
const LADDER = [
  ['LEAD', 'lead_at'],
  ['MQL', 'mql_at'],
  ['SAL', 'sal_at'],
  ['SQL', 'sql_at'],
  ['OPPORTUNITY', 'opportunity_at'],
  ['CUSTOMER', 'customer_at'],
];

/** attribution_credit_daily's column suffix of each model it holds (default lookback 365 days, half-life 7 days). */
const MODELS = [
  ['FIRST_TOUCH', 'first_touch'],
  ['LAST_TOUCH', 'last_touch'],
  ['LINEAR', 'linear'],
  ['U_SHAPED', 'u_shaped'],
  ['W_SHAPED', 'w_shaped'],
  ['FULL_PATH', 'full_path'],
  ['TIME_DECAY', 'time_decay'],
];

/**
 * The BI door (docs/research/ecosystem.md §3.3): a `bi` schema of read-only views, flat and tidy, over the same
 * definitions as the API (definitions.md §2, §5, §6), and a `bi_reader` role that can read them and nothing else.
 * Days are UTC days; everything is as of now (the maintained milestones, outcomes and attribution rollup). Personal
 * data of leads (email, names) is not in any view.
 */
export class BiViews1764720000000 implements MigrationInterface {
  name = 'BiViews1764720000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA bi`);
    await q.query(
      `COMMENT ON SCHEMA bi IS 'Read-only views for BI tools: flat facts and tidy daily rows (UTC days, as of now), the definitions of definitions.md'`,
    );
    await q.query(`
CREATE VIEW bi.leads AS
  SELECT l.id, l.external_id, l.source AS channel, l.title, l.score, l.account_id, l.owner_id, l.created_at, l.stage, l.status,
         l.rejection_reason, ${LADDER.map(([, c]) => `l.${c}`).join(', ')}
  FROM leads l`);
    await q.query(`
CREATE VIEW bi.deals AS
  SELECT d.id, d.external_id, d.name, d.amount, d.stage_key AS stage, d.status, d.account_id, d.owner_id, d.created_at, d.closed_at,
         d.expected_close_date, d.lost_reason,
         (SELECT l.source FROM deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) AS channel
  FROM deals d`);
    await q.query(`CREATE VIEW bi.deal_leads AS SELECT deal_id, lead_id FROM deal_leads`);
    await q.query(`
CREATE VIEW bi.deal_stage_changes AS
  SELECT c.id, c.deal_id, c.to_stage AS stage, s.category, c.amount, c.reason, c.occurred_at, c.recorded_at
  FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage`);
    await q.query(
      `CREATE VIEW bi.lead_stage_changes AS SELECT id, lead_id, event, reason, occurred_at, recorded_at FROM lead_stage_changes`,
    );
    await q.query(
      `CREATE VIEW bi.campaigns AS SELECT id, external_id, name, channel, starts_at, ends_at, budget, created_at FROM campaigns`,
    );
    await q.query(`
CREATE VIEW bi.campaign_spend AS
  SELECT sp.day, sp.campaign_id, c.name AS campaign_name, c.channel, sp.amount FROM campaign_spend sp JOIN campaigns c ON c.id = sp.campaign_id`);
    await q.query(
      `CREATE VIEW bi.touchpoints AS SELECT id, external_id, lead_id, campaign_id, channel, type, occurred_at FROM touchpoints`,
    );
    await q.query(
      `CREATE VIEW bi.pipeline_stages AS SELECT key, label, position, category, probability FROM pipeline_stages`,
    );
    // flow counts per UTC day: leads whose reach of the stage fell on that day, by lead source
    await q.query(`
CREATE VIEW bi.funnel_daily AS
  SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.stage, v.rank, l.source AS channel, count(*)::int AS entered
  FROM leads l CROSS JOIN LATERAL (VALUES ${LADDER.map(([s, c], i) => `('${s}', ${i + 1}, l.${c})`).join(', ')}) v(stage, rank, at)
  WHERE v.at IS NOT NULL
  GROUP BY 1, 2, 3, 4`);
    // tidy KPI rows per UTC day and channel (lead metrics by lead source, deal metrics by their earliest lead's source,
    // spend by campaign channel: the kpis query's `sources` filter); ratios carry numerator and denominator
    await q.query(`
CREATE VIEW bi.kpi_daily AS
  WITH lead_rows AS (
    SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.metric, l.source AS channel, count(*)::numeric AS value
    FROM leads l CROSS JOIN LATERAL (VALUES ('LEADS', l.lead_at), ('MQLS', l.mql_at), ('SALS', l.sal_at), ('SQLS', l.sql_at)) v(metric, at)
    WHERE v.at IS NOT NULL GROUP BY 1, 2, 3
  ),
  deal_rows AS (
    SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.metric, d.channel, sum(v.x) AS value
    FROM bi.deals d CROSS JOIN LATERAL (VALUES
      ('OPPORTUNITIES', d.created_at, 1::numeric), ('PIPELINE_CREATED', d.created_at, d.amount),
      ('WON_DEALS', CASE WHEN d.status = 'WON' THEN d.closed_at END, 1), ('LOST_DEALS', CASE WHEN d.status = 'LOST' THEN d.closed_at END, 1),
      ('REVENUE', CASE WHEN d.status = 'WON' THEN d.closed_at END, d.amount)) v(metric, at, x)
    WHERE v.at IS NOT NULL GROUP BY 1, 2, 3
  ),
  win_rows AS (
    SELECT (d.closed_at AT TIME ZONE 'UTC')::date AS day, d.channel,
      count(*) FILTER (WHERE d.status = 'WON')::numeric AS won, count(*)::numeric AS closed
    FROM bi.deals d WHERE d.status IN ('WON', 'LOST') AND d.closed_at IS NOT NULL GROUP BY 1, 2
  ),
  spend_rows AS (SELECT day, 'SPEND'::text AS metric, channel, sum(amount) AS value FROM bi.campaign_spend GROUP BY 1, 3)
  SELECT day, metric, channel, value, NULL::numeric AS numerator, NULL::numeric AS denominator FROM lead_rows
  UNION ALL SELECT day, metric, channel, value, NULL, NULL FROM deal_rows
  UNION ALL SELECT day, 'SPEND', channel, value, NULL, NULL FROM spend_rows
  UNION ALL SELECT day, 'WIN_RATE', channel, round(won / closed, 6), won, closed FROM win_rows`);
    // attributed revenue per UTC close day, model and campaign, from the credit rollup (default windows)
    await q.query(`
CREATE VIEW bi.attribution_daily AS
  SELECT a.close_day AS day, m.model, a.campaign_id, c.name AS campaign_name, a.channel, m.deals AS attributed_deals,
         m.revenue AS attributed_revenue, a.touchpoints
  FROM attribution_credit_daily a JOIN campaigns c ON c.id = a.campaign_id
  CROSS JOIN LATERAL (VALUES ${MODELS.map(([m, c]) => `('${m}', a.deals_${c}, a.revenue_${c})`).join(', ')},
    ('SHAPLEY', a.deals_shapley_campaign, a.revenue_shapley_campaign)) m(model, deals, revenue)`);
    await q.query(`
DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') THEN
      CREATE ROLE bi_reader LOGIN CONNECTION LIMIT 10;
    END IF;
    ALTER ROLE bi_reader SET default_transaction_read_only = on;
    ALTER ROLE bi_reader SET statement_timeout = '30s';
    COMMENT ON ROLE bi_reader IS 'BI tools: SELECT on the views of schema bi, nothing else';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') THEN
    GRANT USAGE ON SCHEMA bi TO bi_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA bi TO bi_reader;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO bi_reader', current_database());
  END IF;
END
$do$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $do$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA bi FROM bi_reader;
        REVOKE ALL ON SCHEMA bi FROM bi_reader;
      END IF; END $do$`);
    await q.query(`DROP SCHEMA IF EXISTS bi CASCADE`);
  }
}

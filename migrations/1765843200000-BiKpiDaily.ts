import { MigrationInterface, QueryRunner } from 'typeorm';

/** The view as the ArchiveAnalytics migration left it (what `down` restores), and its rows this one keeps. */
const BASE_ROWS = `
  lead_rows AS (
    SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.metric, l.source AS channel, count(*)::numeric AS value
    FROM live_leads l CROSS JOIN LATERAL (VALUES ('LEADS', l.lead_at), ('MQLS', l.mql_at), ('SALS', l.sal_at), ('SQLS', l.sql_at)) v(metric, at)
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
  spend_rows AS (SELECT day, 'SPEND'::text AS metric, channel, sum(amount) AS value FROM bi.campaign_spend GROUP BY 1, 3)`;
const BASE_SELECT = `
  SELECT day, metric, channel, value, NULL::numeric AS numerator, NULL::numeric AS denominator FROM lead_rows
  UNION ALL SELECT day, metric, channel, value, NULL, NULL FROM deal_rows
  UNION ALL SELECT day, 'SPEND', channel, value, NULL, NULL FROM spend_rows
  UNION ALL SELECT day, 'WIN_RATE', channel, round(won / closed, 6), won, closed FROM win_rows`;

/**
 * Every KPI of definitions §5 in bi.kpi_daily (issue 21), as rows a BI tool sums: counts and amounts in `value`, rates
 * and means as numerator and denominator (sum both over the days and channels wanted, then divide; `value` is the
 * day's own ratio). Hand-off KPIs come from the KPI rollup's hand-off units (kpi_handoff: each MQL's first
 * disposition, as the API computes it), deal KPIs from its deal units (kpi_deal: outcome as of now, cycle, sourced,
 * influenced, first win) — the rows the API's `kpis` reads, so the numbers are the API's. The SLA is the active
 * definition's, else 24 h (the API's default). NEW_CUSTOMERS counts each customer once, on the day and in the
 * channel of its first win (so channels add up to the total; `kpis(sources:)` instead counts a customer's first win
 * among that source's deals). The open-pipeline rows are a snapshot as of now, by the day each open deal was created.
 * Pipeline velocity is not additive: open deals × win rate × average deal size / mean cycle, from these rows.
 */
export class BiKpiDaily1765843200000 implements MigrationInterface {
  name = 'BiKpiDaily1765843200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE OR REPLACE VIEW bi.kpi_daily AS
  WITH ${BASE_ROWS},
  sla AS (SELECT coalesce((SELECT response_sla_hours FROM qualification_definitions WHERE status = 'ACTIVE'), 24)::float8 AS hours),
  mql_rows AS (
    SELECT (l.mql_at AT TIME ZONE 'UTC')::date AS day, l.source AS channel,
      count(*) FILTER (WHERE l.sql_at IS NOT NULL)::numeric AS reached_sql, count(*)::numeric AS mqls
    FROM live_leads l WHERE l.mql_at IS NOT NULL GROUP BY 1, 2
  ),
  handoff_rows AS (
    SELECT (h.mql_at AT TIME ZONE 'UTC')::date AS day, nullif(h.channel, 'UNKNOWN') AS channel,
      count(*) FILTER (WHERE h.kind = 'RETURNED')::numeric AS returned, count(*) FILTER (WHERE h.kind <> 'NONE')::numeric AS disposed,
      sum(h.h) FILTER (WHERE h.kind <> 'NONE')::numeric AS hours,
      count(*) FILTER (WHERE h.kind <> 'NONE' AND h.h <= s.hours)::numeric AS on_time,
      count(*) FILTER (WHERE (h.kind <> 'NONE' AND h.h > s.hours)
        OR (h.kind = 'NONE' AND h.mql_at + make_interval(secs => s.hours * 3600) <= now()))::numeric AS breached
    FROM kpi_handoff h CROSS JOIN sla s GROUP BY 1, 2
  ),
  closed_rows AS (
    SELECT (u.at AT TIME ZONE 'UTC')::date AS day, nullif(u.channel, 'NONE') AS channel,
      coalesce(sum(u.amount) FILTER (WHERE u.category = 'WON'), 0) AS won_amount, sum(u.amount) AS closed_amount,
      count(*) FILTER (WHERE u.category = 'WON')::numeric AS won,
      coalesce(sum(u.cycle) FILTER (WHERE u.category = 'WON'), 0)::numeric AS cycle_days,
      count(*) FILTER (WHERE u.category = 'WON' AND u.first_win[1])::numeric AS new_customers,
      coalesce(sum(u.amount) FILTER (WHERE u.category = 'WON' AND u.sourced), 0) AS sourced,
      coalesce(sum(u.amount) FILTER (WHERE u.category = 'WON' AND u.influenced), 0) AS influenced
    FROM kpi_deal u WHERE u.category IN ('WON', 'LOST') GROUP BY 1, 2
  ),
  open_rows AS (
    SELECT (u.created_at AT TIME ZONE 'UTC')::date AS day, nullif(u.channel, 'NONE') AS channel, count(*)::numeric AS deals,
      sum(u.amount) AS amount, sum(u.amount * u.probability) AS weighted
    FROM kpi_deal u WHERE u.category = 'OPEN' GROUP BY 1, 2
  ),
  cac_rows AS (
    SELECT day, channel, coalesce(s.value, 0) AS spend, coalesce(c.new_customers, 0) AS new_customers
    FROM (SELECT day, channel, value FROM spend_rows) s
    FULL JOIN (SELECT day, channel, new_customers FROM closed_rows WHERE new_customers > 0) c USING (day, channel)
  )
  ${BASE_SELECT}
  UNION ALL SELECT day, m.metric, channel, round(m.n / nullif(m.d, 0), 6), m.n, m.d FROM mql_rows
    CROSS JOIN LATERAL (VALUES ('MQL_TO_SQL_RATE', reached_sql, mqls)) m(metric, n, d)
  UNION ALL SELECT day, m.metric, channel, round(m.n / nullif(m.d, 0), 6), m.n, m.d FROM handoff_rows
    CROSS JOIN LATERAL (VALUES ('LEAD_REJECTION_RATE', returned, disposed), ('LEAD_RESPONSE_HOURS', hours, disposed),
      ('SLA_COMPLIANCE', on_time, on_time + breached)) m(metric, n, d)
  UNION ALL SELECT day, m.metric, channel, m.v, NULL, NULL FROM closed_rows
    CROSS JOIN LATERAL (VALUES ('NEW_CUSTOMERS', new_customers), ('MARKETING_SOURCED_REVENUE', sourced),
      ('MARKETING_INFLUENCED_REVENUE', influenced)) m(metric, v)
  UNION ALL SELECT day, m.metric, channel, round(m.n / nullif(m.d, 0), 6), m.n, m.d FROM closed_rows
    CROSS JOIN LATERAL (VALUES ('WIN_RATE_BY_VALUE', won_amount, closed_amount), ('AVERAGE_DEAL_SIZE', won_amount, won),
      ('SALES_CYCLE_DAYS', cycle_days, won)) m(metric, n, d)
  UNION ALL SELECT day, m.metric, channel, m.v, NULL, NULL FROM open_rows
    CROSS JOIN LATERAL (VALUES ('OPEN_DEALS', deals), ('OPEN_PIPELINE', amount), ('WEIGHTED_PIPELINE', weighted)) m(metric, v)
  UNION ALL SELECT day, 'CAC', channel, round(spend / nullif(new_customers, 0), 6), spend, new_customers FROM cac_rows;
COMMENT ON VIEW bi.kpi_daily IS 'Every shared KPI (definitions §5) per UTC day and channel, as of now: counts and amounts in value; rates and means as numerator and denominator (sum both, then divide). NEW_CUSTOMERS: each customer once, on the day and channel of its first win. OPEN_*: open deals now, by the day they were created. Pipeline velocity: OPEN_DEALS × WIN_RATE × AVERAGE_DEAL_SIZE / SALES_CYCLE_DAYS';
COMMENT ON COLUMN bi.kpi_daily.day IS 'UTC day: of the reach (lead metrics; the MQL reach for MQL_TO_SQL_RATE and the hand-off metrics), the close (deal outcomes, NEW_CUSTOMERS), the creation (OPPORTUNITIES, PIPELINE_CREATED, OPEN_*), the spend';
COMMENT ON COLUMN bi.kpi_daily.metric IS 'LEADS, MQLS, SALS, SQLS, OPPORTUNITIES, PIPELINE_CREATED, WON_DEALS, LOST_DEALS, REVENUE, SPEND, NEW_CUSTOMERS, MARKETING_SOURCED_REVENUE, MARKETING_INFLUENCED_REVENUE, OPEN_DEALS, OPEN_PIPELINE, WEIGHTED_PIPELINE (values); WIN_RATE, WIN_RATE_BY_VALUE, AVERAGE_DEAL_SIZE, SALES_CYCLE_DAYS (mean days), MQL_TO_SQL_RATE, LEAD_REJECTION_RATE, LEAD_RESPONSE_HOURS (mean hours), SLA_COMPLIANCE, CAC (numerator / denominator)';
COMMENT ON COLUMN bi.kpi_daily.value IS 'Count or currency amount; for numerator/denominator metrics the day''s own ratio (6 decimals, null when the denominator is 0)';
COMMENT ON COLUMN bi.kpi_daily.numerator IS 'Ratio metrics: won deals, won amount, revenue, days of cycle, MQLs reaching SQL, returned MQLs, hours to respond, on-time responses, spend';
COMMENT ON COLUMN bi.kpi_daily.denominator IS 'Ratio metrics: closed deals, closed amount, won deals, won deals, MQLs, disposed MQLs, disposed MQLs, on-time + breached, new customers';`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE VIEW bi.kpi_daily AS WITH ${BASE_ROWS} ${BASE_SELECT}`);
  }
}

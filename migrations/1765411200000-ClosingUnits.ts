import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The closing profile (issue 20, definitions.md §10) for BI tools and the service alike:
 * - profile_title_seniority(), profile_employees_band(), profile_amount_band(): the bands of §10 as immutable SQL
 *   expressions (inlined by the planner), used by closingProfile's statement and by the view;
 * - bi.closing_units: one row per unit of either population as of now — a closed deal, or an MQL lead sales accepted
 *   or returned — with every dimension's value and no personal data (the owner by id), for slicing in BI.
 */
export class ClosingUnits1765411200000 implements MigrationInterface {
  name = 'ClosingUnits1765411200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
-- lower-cased words (split on non-letters); the first rule that applies
CREATE FUNCTION profile_title_seniority(title text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE
    WHEN lower(title) ~ '(^|[^[:alpha:]])(vp|svp|evp)([^[:alpha:]]|$)' OR strpos(lower(title), 'vice president') > 0 THEN 'VP'
    WHEN lower(title) ~ '(^|[^[:alpha:]])(chief|ceo|cfo|cto|cmo|coo|cro|cio|founder|cofounder|owner|president)([^[:alpha:]]|$)' THEN 'C_LEVEL'
    WHEN lower(title) ~ '(^|[^[:alpha:]])(director|head)([^[:alpha:]]|$)' THEN 'DIRECTOR'
    WHEN lower(title) ~ '(^|[^[:alpha:]])(manager|lead|supervisor)([^[:alpha:]]|$)' THEN 'MANAGER'
    WHEN btrim(title, E' \\t\\r\\n') <> '' THEN 'INDIVIDUAL'
    ELSE 'UNKNOWN' END
$fn$;

CREATE FUNCTION profile_employees_band(employees integer) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN employees IS NULL THEN 'UNKNOWN' WHEN employees <= 10 THEN '1-10' WHEN employees <= 50 THEN '11-50'
    WHEN employees <= 200 THEN '51-200' WHEN employees <= 1000 THEN '201-1000' WHEN employees <= 5000 THEN '1001-5000'
    ELSE '5001+' END
$fn$;

CREATE FUNCTION profile_amount_band(amount numeric) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN amount < 5000 THEN '<5k' WHEN amount < 25000 THEN '5k-25k' WHEN amount < 100000 THEN '25k-100k'
    ELSE '100k+' END
$fn$;

CREATE VIEW bi.closing_units AS
  SELECT 'DEALS'::text AS population, d.id AS unit_id, d.status = 'WON' AS success, d.closed_at AS at,
    coalesce(a.industry, 'UNKNOWN') AS industry, coalesce(a.region, 'UNKNOWN') AS region,
    profile_employees_band(a.employees) AS employees_band, profile_title_seniority(fl.title) AS title_seniority,
    coalesce(fl.source, 'UNKNOWN') AS source, coalesce(ft.channel, 'NONE') AS first_touch_channel,
    coalesce(ft.campaign, 'NONE') AS first_touch_campaign, d.owner_id, profile_amount_band(d.amount) AS amount_band,
    CASE WHEN fl.score IS NULL THEN 'UNKNOWN' WHEN fl.score < 25 THEN '<25' WHEN fl.score < 50 THEN '25-49'
      WHEN fl.score < 75 THEN '50-74' ELSE '75+' END AS score_band
  FROM live_deals d
  LEFT JOIN accounts a ON a.id = d.account_id
  LEFT JOIN LATERAL (
    SELECT l.title, l.source, l.score FROM live_deal_leads dl JOIN leads l ON l.id = dl.lead_id
    WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) fl ON true
  LEFT JOIN LATERAL (
    SELECT t.channel, coalesce(k.external_id, k.id::text) AS campaign
    FROM live_deal_leads dl JOIN touchpoints t ON t.lead_id = dl.lead_id JOIN campaigns k ON k.id = t.campaign_id
    WHERE dl.deal_id = d.id AND t.occurred_at >= d.created_at - interval '365 days' AND t.occurred_at <= d.closed_at
    ORDER BY t.occurred_at, t.external_id, t.id LIMIT 1) ft ON true
  WHERE d.status IN ('WON', 'LOST')
  UNION ALL
  SELECT 'MQLS', l.id, u.kind = 'ACCEPTED', u.mql_at,
    coalesce(a.industry, 'UNKNOWN'), coalesce(a.region, 'UNKNOWN'), profile_employees_band(a.employees),
    profile_title_seniority(l.title), coalesce(l.source, 'UNKNOWN'), coalesce(ft.channel, 'NONE'),
    coalesce(ft.campaign, 'NONE'), l.owner_id, NULL,
    CASE WHEN l.score IS NULL THEN 'UNKNOWN' WHEN l.score < 25 THEN '<25' WHEN l.score < 50 THEN '25-49'
      WHEN l.score < 75 THEN '50-74' ELSE '75+' END
  FROM kpi_handoff u
  JOIN live_leads l ON l.id = u.lead_id
  LEFT JOIN accounts a ON a.id = l.account_id
  LEFT JOIN LATERAL (
    SELECT t.channel, coalesce(k.external_id, k.id::text) AS campaign
    FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id
    WHERE t.lead_id = l.id AND t.occurred_at <= u.mql_at
    ORDER BY t.occurred_at, t.external_id, t.id LIMIT 1) ft ON true
  WHERE u.kind <> 'NONE';

COMMENT ON VIEW bi.closing_units IS 'Units of the closing profile as of now (definitions.md §10): closed deals (success = WON) and MQL leads sales accepted or returned (success = accepted), with every dimension''s value; no personal data';
COMMENT ON COLUMN bi.closing_units.population IS 'DEALS or MQLS';
COMMENT ON COLUMN bi.closing_units.unit_id IS 'The deal id (DEALS) or the lead id (MQLS)';
COMMENT ON COLUMN bi.closing_units.success IS 'DEALS: won; MQLS: accepted by sales';
COMMENT ON COLUMN bi.closing_units.at IS 'DEALS: the close; MQLS: reach_MQL (UTC instant)';
COMMENT ON COLUMN bi.closing_units.employees_band IS '1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+ or UNKNOWN';
COMMENT ON COLUMN bi.closing_units.title_seniority IS 'VP, C_LEVEL, DIRECTOR, MANAGER, INDIVIDUAL or UNKNOWN (a deal: its earliest-created linked lead)';
COMMENT ON COLUMN bi.closing_units.first_touch_channel IS 'A deal: its first touch in [created − 365 days, close]; an MQL: its first touch up to reach_MQL; NONE without one';
COMMENT ON COLUMN bi.closing_units.first_touch_campaign IS 'The external id of that touch''s campaign; NONE without one';
COMMENT ON COLUMN bi.closing_units.owner_id IS 'The owner (a user id); null when unassigned';
COMMENT ON COLUMN bi.closing_units.amount_band IS '<5k, 5k-25k, 25k-100k, 100k+ (DEALS only)';
COMMENT ON COLUMN bi.closing_units.score_band IS '<25, 25-49, 50-74, 75+ or UNKNOWN (a deal: its earliest-created linked lead''s score)';

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') THEN
    GRANT SELECT ON bi.closing_units TO bi_reader;
  END IF;
END
$do$;`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP VIEW bi.closing_units;
DROP FUNCTION profile_amount_band(numeric);
DROP FUNCTION profile_employees_band(integer);
DROP FUNCTION profile_title_seniority(text);`);
  }
}

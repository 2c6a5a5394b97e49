import { MigrationInterface, QueryRunner } from 'typeorm';

const LADDER = ['lead_at', 'mql_at', 'sal_at', 'sql_at', 'opportunity_at', 'customer_at'];
const STAGES = ['LEAD', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CUSTOMER'];

/** audit_row() as AuditLog made it; this migration widens what it redacts. */
const AUDIT_ROW = `
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  row_id jsonb := coalesce(new_row, old_row);
  diff jsonb;
BEGIN
  SELECT jsonb_object_agg(k, CASE
           WHEN TG_TABLE_NAME = 'leads' AND k IN ('email', 'first_name', 'last_name') THEN '["[redacted]", "[redacted]"]'::jsonb
           ELSE jsonb_build_array(old_row -> k, new_row -> k) END)
    INTO diff
    FROM jsonb_object_keys(row_id) AS k
   WHERE k <> ALL (TG_ARGV) AND (old_row -> k) IS DISTINCT FROM (new_row -> k);
  IF diff IS NULL THEN
    RETURN NULL; -- only derived columns moved
  END IF;
  INSERT INTO audit_log (actor, actor_role, request_id, idempotency_key, entity, entity_id, action, changes)
  VALUES (
    coalesce(nullif(current_setting('app.actor', true), ''), 'system:' || session_user),
    nullif(current_setting('app.actor_role', true), ''),
    nullif(current_setting('app.request_id', true), ''),
    nullif(current_setting('app.idempotency_key', true), ''),
    TG_TABLE_NAME,
    coalesce(row_id ->> 'id', (row_id ->> 'deal_id') || ':' || (row_id ->> 'lead_id')),
    TG_OP,
    diff);
  RETURN NULL;
END
$fn$;`;
const REDACTED =
  "k IN ('email', 'first_name', 'last_name') OR (TG_TABLE_NAME = 'lead_stage_changes' AND k = 'note') OR (TG_TABLE_NAME = 'webhook_endpoints' AND k = 'secret')";

/** The BI views over records (same columns as before, so CREATE OR REPLACE keeps bi_reader's grants): active ones. */
const BI_VIEWS = `
CREATE OR REPLACE VIEW bi.leads AS
  SELECT l.id, l.external_id, l.source AS channel, l.title, l.score, l.account_id, l.owner_id, l.created_at, l.stage, l.status,
         l.rejection_reason, ${LADDER.map((c) => `l.${c}`).join(', ')}
  FROM live_leads l;
CREATE OR REPLACE VIEW bi.deals AS
  SELECT d.id, d.external_id, d.name, d.amount, d.stage_key AS stage, d.status, d.account_id, d.owner_id, d.created_at, d.closed_at,
         d.expected_close_date, d.lost_reason,
         (SELECT l.source FROM live_deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) AS channel
  FROM live_deals d;
CREATE OR REPLACE VIEW bi.deal_leads AS SELECT deal_id, lead_id FROM live_deal_leads;
CREATE OR REPLACE VIEW bi.touchpoints AS SELECT id, external_id, lead_id, campaign_id, channel, type, occurred_at FROM live_touchpoints;
CREATE OR REPLACE VIEW bi.deal_stage_changes AS
  SELECT c.id, c.deal_id, c.to_stage AS stage, s.category, c.amount, c.reason, c.occurred_at, c.recorded_at
  FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
  WHERE EXISTS (SELECT 1 FROM live_deals d WHERE d.id = c.deal_id);
CREATE OR REPLACE VIEW bi.lead_stage_changes AS
  SELECT c.id, c.lead_id, c.event, c.reason, c.occurred_at, c.recorded_at FROM lead_stage_changes c
  WHERE EXISTS (SELECT 1 FROM live_leads l WHERE l.id = c.lead_id);
CREATE OR REPLACE VIEW bi.funnel_daily AS
  SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.stage, v.rank, l.source AS channel, count(*)::int AS entered
  FROM live_leads l CROSS JOIN LATERAL (VALUES ${STAGES.map((st, i) => `('${st}', ${i + 1}, l.${LADDER[i]})`).join(', ')}) v(stage, rank, at)
  WHERE v.at IS NOT NULL
  GROUP BY 1, 2, 3, 4;
CREATE OR REPLACE VIEW bi.kpi_daily AS
  WITH lead_rows AS (
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
  spend_rows AS (SELECT day, 'SPEND'::text AS metric, channel, sum(amount) AS value FROM bi.campaign_spend GROUP BY 1, 3)
  SELECT day, metric, channel, value, NULL::numeric AS numerator, NULL::numeric AS denominator FROM lead_rows
  UNION ALL SELECT day, metric, channel, value, NULL, NULL FROM deal_rows
  UNION ALL SELECT day, 'SPEND', channel, value, NULL, NULL FROM spend_rows
  UNION ALL SELECT day, 'WIN_RATE', channel, round(won / closed, 6), won, closed FROM win_rows;`;

/**
 * What analytics read (definitions §7, archive): views of the records that are not archived. Every analytic query,
 * rollup fact and BI view reads these instead of the tables, so an archived lead is in no funnel, KPI or journey, its
 * touches credit nothing; an archived deal is in no pipeline, KPI or attribution. They are plain views (inlined by
 * the planner: a filter on archived_at, and for links and touches the lead's and deal's primary keys).
 * Archiving or restoring marks what it moves in every rollup's dirty set, so the rollups follow before commit.
 * Erasure: hand-off notes are redacted in the audit log like a lead's email and names, and an erased lead's personal
 * fields stay empty.
 */
export class ArchiveAnalytics1765065600000 implements MigrationInterface {
  name = 'ArchiveAnalytics1765065600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE VIEW live_leads AS SELECT * FROM leads WHERE archived_at IS NULL;
CREATE VIEW live_deals AS SELECT * FROM deals WHERE archived_at IS NULL;
CREATE VIEW live_deal_leads AS
  SELECT dl.* FROM deal_leads dl
  WHERE EXISTS (SELECT 1 FROM leads l WHERE l.id = dl.lead_id AND l.archived_at IS NULL)
    AND EXISTS (SELECT 1 FROM deals d WHERE d.id = dl.deal_id AND d.archived_at IS NULL);
CREATE VIEW live_touchpoints AS
  SELECT t.* FROM touchpoints t WHERE EXISTS (SELECT 1 FROM leads l WHERE l.id = t.lead_id AND l.archived_at IS NULL);

CREATE FUNCTION archive_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'leads' THEN
    INSERT INTO funnel_dirty VALUES (NEW.id);
    INSERT INTO markov_dirty VALUES (NEW.id);
    INSERT INTO kpi_deal_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id = NEW.id;
    INSERT INTO attribution_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id = NEW.id ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO kpi_deal_dirty VALUES (NEW.id);
    INSERT INTO attribution_dirty VALUES (NEW.id) ON CONFLICT DO NOTHING;
    INSERT INTO markov_dirty SELECT DISTINCT dl.lead_id FROM deal_leads dl WHERE dl.deal_id = NEW.id;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER leads_archive_dirty AFTER UPDATE OF archived_at ON leads FOR EACH ROW
  WHEN ((OLD.archived_at IS NULL) IS DISTINCT FROM (NEW.archived_at IS NULL)) EXECUTE FUNCTION archive_mark_dirty();
CREATE TRIGGER deals_archive_dirty AFTER UPDATE OF archived_at ON deals FOR EACH ROW
  WHEN ((OLD.archived_at IS NULL) IS DISTINCT FROM (NEW.archived_at IS NULL)) EXECUTE FUNCTION archive_mark_dirty();
`);
    await q.query(BI_VIEWS);
    // a hand-off note is free text about a person: the audit log keeps that a note changed, not what it said, as it
    // does for a lead's email and names (so erasing a lead's personal data leaves nothing of it in the log); a
    // webhook endpoint's signing secret is never written there either
    // an erased lead's personal fields stay empty whatever writes it later (the upsert path skips them too)
    await q.query(`
CREATE FUNCTION keep_erased() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF OLD.personal_data_erased_at IS NOT NULL AND NEW.personal_data_erased_at IS NOT NULL THEN
    NEW.email := NULL; NEW.first_name := NULL; NEW.last_name := NULL;
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER leads_keep_erased BEFORE UPDATE OF email, first_name, last_name ON leads FOR EACH ROW EXECUTE FUNCTION keep_erased();`);
    await q.query(AUDIT_ROW.replace("k IN ('email', 'first_name', 'last_name')", REDACTED));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_ROW);
    await q.query(`DROP TRIGGER leads_keep_erased ON leads; DROP FUNCTION keep_erased();`);
    // the BI views over the tables again, as BiViews made them (the stage changes without the archived filter)
    await q.query(
      BI_VIEWS.replace(/\n {2}WHERE EXISTS \(SELECT 1 FROM live_\w+ \w WHERE \w\.id = c\.\w+\)/g, '').replace(
        /live_(leads|deals|deal_leads|touchpoints)/g,
        '$1',
      ),
    );
    await q.query(`
DROP TRIGGER deals_archive_dirty ON deals;
DROP TRIGGER leads_archive_dirty ON leads;
DROP FUNCTION archive_mark_dirty();
DROP VIEW live_touchpoints, live_deal_leads, live_deals, live_leads;`);
  }
}

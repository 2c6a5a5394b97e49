import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * KPI rollups (issue 6): the KPIs' units as of now, one row per MQL lead (its hand-off) and per deal (its outcome,
 * cycle, source, influence and whether it is its customer's first win), and their per-UTC-day sums per breakdown group
 * (none, channel, owner) and value bucket. A KPI report over whole UTC days reads a few thousand day rows; a median
 * reads the bucket sums to find the bucket holding it, and then only that bucket's units (none when all its values are
 * equal), so it stays exact.
 *
 * Kept current in the writing transaction like funnel_day: lead writes (and now every lead event) note the lead in
 * funnel_dirty, deal-side writes note the deal in kpi_deal_dirty (append-only); before commit the app recomputes
 * those units (a deal's customer siblings too: first wins) and then the day rows of every day they were or are on,
 * under a per-day advisory lock (the SQL lives in kpi-rollup.ts, one definition for the incremental path and the
 * rebuild). Existing leads and deals are marked dirty here; reads fall back to the on-the-fly queries while any dirty
 * row is committed.
 */
export class KpiRollup1764460800000 implements MigrationInterface {
  name = 'KpiRollup1764460800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
-- a value's bucket: monotone, 1.2x wide from one minute (or 1/60 day) up; the buckets need no meaning beyond order
CREATE FUNCTION kpi_bucket(v float8) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT width_bucket(v, '{0,0.01667,0.02,0.024,0.0288,0.03456,0.04147,0.04977,0.05972,0.07166,0.086,0.1032,0.1238,0.1486,0.1783,0.214,0.2568,0.3081,0.3698,0.4437,0.5325,0.639,0.7668,0.9201,1.104,1.325,1.59,1.908,2.29,2.747,3.297,3.956,4.748,5.697,6.836,8.204,9.844,11.81,14.18,17.01,20.41,24.5,29.4,35.27,42.33,50.8,60.95,73.15,87.77,105.3,126.4,151.7,182,218.4,262.1,314.5,377.4,452.9,543.5,652.2,782.6,939.1,1127,1352,1623,1947,2337,2804,3365,4038,4846,5815,6978,8373,10050,12060,14470,17360,20840,25000,30000,36000,43200,51850,62210,74660,89590,107500,129000,154800,185800,222900}'::float8[])::smallint
$fn$;

CREATE TABLE kpi_handoff (
  lead_id bigint NOT NULL CONSTRAINT kpi_handoff_pkey PRIMARY KEY,
  mql_at timestamptz NOT NULL,
  channel text NOT NULL,
  owner text NOT NULL,
  kind text NOT NULL CONSTRAINT kpi_handoff_kind_check CHECK (kind IN ('ACCEPTED', 'RETURNED', 'NONE')),
  reason text NOT NULL,
  at timestamptz,
  h float8,
  hb smallint NOT NULL
);
CREATE INDEX kpi_handoff_mql_at_idx ON kpi_handoff (mql_at);
CREATE INDEX kpi_handoff_hb_idx ON kpi_handoff (hb, mql_at) INCLUDE (h, channel, owner) WHERE kind <> 'NONE';
CREATE INDEX kpi_handoff_at_idx ON kpi_handoff (at);

CREATE TABLE kpi_handoff_day (
  day date NOT NULL,
  dim text NOT NULL,
  grp text NOT NULL,
  kind text NOT NULL,
  reason text NOT NULL,
  hb smallint NOT NULL,
  n integer NOT NULL,
  sum_h float8,
  min_h float8,
  max_h float8,
  CONSTRAINT kpi_handoff_day_pkey PRIMARY KEY (dim, grp, day, kind, reason, hb)
);
CREATE INDEX kpi_handoff_day_day_idx ON kpi_handoff_day (day);

CREATE TABLE kpi_deal (
  deal_id bigint NOT NULL CONSTRAINT kpi_deal_pkey PRIMARY KEY,
  customer text NOT NULL,
  created_at timestamptz NOT NULL,
  amount numeric(18,2) NOT NULL,
  channel text NOT NULL,
  owner text NOT NULL,
  category text,
  at timestamptz,
  probability numeric(5,4),
  cycle float8,
  cb smallint NOT NULL,
  sourced boolean NOT NULL,
  influenced boolean NOT NULL,
  first_win boolean[] NOT NULL
);
CREATE INDEX kpi_deal_customer_idx ON kpi_deal (customer);
CREATE INDEX kpi_deal_created_at_idx ON kpi_deal (created_at);
CREATE INDEX kpi_deal_at_idx ON kpi_deal (at);
CREATE INDEX kpi_deal_cb_idx ON kpi_deal (cb, at) INCLUDE (cycle, channel, owner) WHERE category = 'WON';

CREATE TABLE kpi_deal_day (
  day date NOT NULL,
  dim text NOT NULL,
  grp text NOT NULL,
  kind text NOT NULL,
  cb smallint NOT NULL,
  n integer NOT NULL,
  amount numeric NOT NULL,
  weighted numeric NOT NULL,
  sourced numeric NOT NULL,
  influenced numeric NOT NULL,
  firsts integer NOT NULL,
  sum_cycle float8,
  min_cycle float8,
  max_cycle float8,
  CONSTRAINT kpi_deal_day_pkey PRIMARY KEY (dim, grp, day, kind, cb)
);
CREATE INDEX kpi_deal_day_day_idx ON kpi_deal_day (day);

CREATE TABLE kpi_deal_dirty (deal_id bigint NOT NULL);

CREATE FUNCTION kpi_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'lead_stage_changes' THEN -- a lead's hand-off (funnel_dirty: one set of dirty leads)
    INSERT INTO funnel_dirty SELECT DISTINCT x FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.lead_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.lead_id END]) x
      WHERE x IS NOT NULL;
  ELSIF TG_TABLE_NAME = 'deals' THEN
    INSERT INTO kpi_deal_dirty VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSIF TG_TABLE_NAME IN ('deal_stage_changes', 'deal_leads') THEN
    INSERT INTO kpi_deal_dirty SELECT DISTINCT x FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.deal_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.deal_id END]) x
      WHERE x IS NOT NULL;
  ELSIF TG_TABLE_NAME = 'pipeline_stages' THEN -- category or probability: every deal that ever entered the stage
    INSERT INTO kpi_deal_dirty SELECT DISTINCT c.deal_id FROM deal_stage_changes c WHERE c.to_stage = NEW.key;
  ELSIF TG_TABLE_NAME = 'leads' THEN -- source and creation: its deals' source
    INSERT INTO kpi_deal_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id = NEW.id;
  ELSE -- touchpoints (influence): the deals of the touched lead(s)
    INSERT INTO kpi_deal_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl
      WHERE dl.lead_id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.lead_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.lead_id END);
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER lead_stage_changes_kpi_dirty AFTER INSERT OR UPDATE OR DELETE ON lead_stage_changes FOR EACH ROW EXECUTE FUNCTION kpi_mark_dirty();
CREATE TRIGGER deals_kpi_dirty AFTER INSERT OR DELETE OR UPDATE OF created_at, amount, owner_id, account_id, status, closed_at, stage_key ON deals
  FOR EACH ROW EXECUTE FUNCTION kpi_mark_dirty();
CREATE TRIGGER deal_stage_changes_kpi_dirty AFTER INSERT OR UPDATE OR DELETE ON deal_stage_changes FOR EACH ROW EXECUTE FUNCTION kpi_mark_dirty();
CREATE TRIGGER deal_leads_kpi_dirty AFTER INSERT OR UPDATE OR DELETE ON deal_leads FOR EACH ROW EXECUTE FUNCTION kpi_mark_dirty();
CREATE TRIGGER pipeline_stages_kpi_dirty AFTER UPDATE OF category, probability ON pipeline_stages FOR EACH ROW
  WHEN ((OLD.category, OLD.probability) IS DISTINCT FROM (NEW.category, NEW.probability)) EXECUTE FUNCTION kpi_mark_dirty();
CREATE TRIGGER leads_kpi_dirty AFTER UPDATE OF source, created_at ON leads FOR EACH ROW
  WHEN ((OLD.source, OLD.created_at) IS DISTINCT FROM (NEW.source, NEW.created_at)) EXECUTE FUNCTION kpi_mark_dirty();
CREATE TRIGGER touchpoints_kpi_dirty AFTER INSERT OR DELETE OR UPDATE OF lead_id, channel, occurred_at ON touchpoints
  FOR EACH ROW EXECUTE FUNCTION kpi_mark_dirty();

INSERT INTO funnel_dirty SELECT id FROM leads;
INSERT INTO kpi_deal_dirty SELECT id FROM deals;
`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER IF EXISTS touchpoints_kpi_dirty ON touchpoints;
DROP TRIGGER IF EXISTS leads_kpi_dirty ON leads;
DROP TRIGGER IF EXISTS pipeline_stages_kpi_dirty ON pipeline_stages;
DROP TRIGGER IF EXISTS deal_leads_kpi_dirty ON deal_leads;
DROP TRIGGER IF EXISTS deal_stage_changes_kpi_dirty ON deal_stage_changes;
DROP TRIGGER IF EXISTS deals_kpi_dirty ON deals;
DROP TRIGGER IF EXISTS lead_stage_changes_kpi_dirty ON lead_stage_changes;
DROP FUNCTION IF EXISTS kpi_mark_dirty();
DROP TABLE IF EXISTS kpi_deal_dirty;
DROP TABLE IF EXISTS kpi_deal_day;
DROP TABLE IF EXISTS kpi_deal;
DROP TABLE IF EXISTS kpi_handoff_day;
DROP TABLE IF EXISTS kpi_handoff;
DROP FUNCTION IF EXISTS kpi_bucket(float8);`);
  }
}

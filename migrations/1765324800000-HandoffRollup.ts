import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hand-off feedback rollup (issue 19, definitions.md §9): kpi_handoff's units (one per MQL lead, as of now) get the
 * groups handoffFeedback breaks down by that kpi_handoff did not hold — the campaign and channel of the touch that
 * qualified the lead (its latest at or before reach_MQL), the version on its first MQL event, its score band — and
 * handoff_day holds their per-UTC-day sums per group, for every groupBy at once (and ALL), like kpi_handoff_day.
 *
 * Kept current by the KPI rollup's before-commit step (src/modules/analytics/kpi/kpi-rollup.ts) for the leads marked
 * in funnel_dirty; two more writes can change a unit now and mark it: a touch written at or before the lead's MQL
 * reach (it may be the qualifying one), and a change of the lead's score. Every MQL lead is marked here: until a write
 * (or `npm run rollups:rebuild`) applies them, handoffFeedback is computed on the fly.
 */
export class HandoffRollup1765324800000 implements MigrationInterface {
  name = 'HandoffRollup1765324800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE kpi_handoff
  ADD COLUMN campaign text NOT NULL DEFAULT 'NONE',
  ADD COLUMN touch_channel text NOT NULL DEFAULT 'NONE',
  ADD COLUMN version text NOT NULL DEFAULT 'MANUAL',
  ADD COLUMN band text NOT NULL DEFAULT 'UNKNOWN';

CREATE TABLE handoff_day (
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
  CONSTRAINT handoff_day_pkey PRIMARY KEY (dim, grp, day, kind, reason, hb)
);
CREATE INDEX handoff_day_day_idx ON handoff_day (day);
CREATE INDEX kpi_handoff_groups_idx ON kpi_handoff (hb, mql_at) INCLUDE (h, campaign, touch_channel, version, band) WHERE kind <> 'NONE';

CREATE FUNCTION handoff_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'leads' THEN
    INSERT INTO funnel_dirty VALUES (NEW.id);
  ELSE -- touchpoints: a touch at or before its lead's MQL reach may be the one that qualified it
    INSERT INTO funnel_dirty SELECT l.id FROM leads l
      WHERE TG_OP <> 'DELETE' AND l.id = NEW.lead_id AND l.mql_at IS NOT NULL AND NEW.occurred_at <= l.mql_at
      UNION
      SELECT l.id FROM leads l
      WHERE TG_OP <> 'INSERT' AND l.id = OLD.lead_id AND l.mql_at IS NOT NULL AND OLD.occurred_at <= l.mql_at;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER touchpoints_handoff_dirty AFTER INSERT OR DELETE OR UPDATE OF lead_id, campaign_id, channel, occurred_at, external_id
  ON touchpoints FOR EACH ROW EXECUTE FUNCTION handoff_mark_dirty();
CREATE TRIGGER leads_handoff_dirty AFTER UPDATE OF score ON leads FOR EACH ROW
  WHEN (OLD.score IS DISTINCT FROM NEW.score AND NEW.mql_at IS NOT NULL) EXECUTE FUNCTION handoff_mark_dirty();

INSERT INTO funnel_dirty SELECT lead_id FROM kpi_handoff;`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER leads_handoff_dirty ON leads;
DROP TRIGGER touchpoints_handoff_dirty ON touchpoints;
DROP FUNCTION handoff_mark_dirty();
DROP INDEX kpi_handoff_groups_idx;
DROP TABLE handoff_day;
ALTER TABLE kpi_handoff DROP COLUMN campaign, DROP COLUMN touch_channel, DROP COLUMN version, DROP COLUMN band;`);
  }
}

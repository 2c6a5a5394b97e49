import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The closing profile's rollup (issue 20, definitions.md §10), so that closingProfile as of now reads day sums instead
 * of finding every unit's lead, account and first touch again:
 * - closing_unit: one row per unit of either population as of now (a closed deal; an MQL lead sales accepted or
 *   returned) with its instant (close, reach_MQL), success and every dimension's value — the first touch's campaign
 *   and the owner by id, looked up when read, so that renaming either changes no row;
 * - closing_day: per population, UTC day, dimension (0 = the population) and value, the units' successes and failures,
 *   kept by deltas (a unit that changes takes its old row back and adds its new one);
 * - closing_dirty: the units a write may have changed (append-only, so concurrent writers never wait on each other
 *   there), marked by the triggers below and applied before the write commits
 *   (src/modules/analytics/closing-profile/closing-rollup.ts). An MQL unit also changes with its hand-off, which the
 *   KPI rollup's step hands over (the leads in funnel_dirty).
 *
 * Every unit is marked here: until a write (or `npm run rollups:rebuild`) applies them, closingProfile is computed on
 * the fly.
 */
export class ClosingRollup1765497600000 implements MigrationInterface {
  name = 'ClosingRollup1765497600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE closing_unit (
  population text NOT NULL,
  unit_id bigint NOT NULL,
  at timestamptz NOT NULL,
  success boolean NOT NULL,
  industry text NOT NULL,
  region text NOT NULL,
  employees_band text NOT NULL,
  title_seniority text NOT NULL,
  source text NOT NULL,
  first_touch_channel text NOT NULL,
  first_touch_campaign bigint,
  owner_id bigint,
  amount_band text,
  score_band text NOT NULL,
  PRIMARY KEY (population, unit_id)
);
CREATE INDEX closing_unit_at_idx ON closing_unit (population, at);

CREATE TABLE closing_day (
  population text NOT NULL,
  day date NOT NULL,
  dim smallint NOT NULL,
  value text NOT NULL,
  successes integer NOT NULL,
  failures integer NOT NULL,
  PRIMARY KEY (population, day, dim, value)
);

CREATE TABLE closing_dirty (population text NOT NULL, unit_id bigint NOT NULL);

CREATE FUNCTION closing_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  ids bigint[];
BEGIN
  IF TG_TABLE_NAME = 'deals' THEN
    INSERT INTO closing_dirty VALUES ('DEALS', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSIF TG_TABLE_NAME = 'deal_leads' THEN
    INSERT INTO closing_dirty SELECT DISTINCT 'DEALS', x
      FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.deal_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.deal_id END]) x
      WHERE x IS NOT NULL;
  ELSIF TG_TABLE_NAME = 'accounts' THEN -- industry, region, employees: every unit of the account
    INSERT INTO closing_dirty SELECT 'MQLS', l.id FROM leads l WHERE l.account_id = NEW.id
      UNION ALL SELECT 'DEALS', d.id FROM deals d WHERE d.account_id = NEW.id;
  ELSE -- leads (their id), touchpoints (their lead): the lead's MQL unit and its deals'
    IF TG_TABLE_NAME = 'leads' THEN
      ids := ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.id END];
    ELSE
      ids := ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.lead_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.lead_id END];
    END IF;
    INSERT INTO closing_dirty SELECT DISTINCT 'MQLS', v FROM unnest(ids) v WHERE v IS NOT NULL
      UNION ALL SELECT DISTINCT 'DEALS', dl.deal_id FROM deal_leads dl WHERE dl.lead_id = ANY(ids);
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER deals_closing_dirty AFTER INSERT OR DELETE OR UPDATE OF created_at, amount, owner_id, account_id, status, closed_at, archived_at
  ON deals FOR EACH ROW EXECUTE FUNCTION closing_mark_dirty();
CREATE TRIGGER deal_leads_closing_dirty AFTER INSERT OR UPDATE OR DELETE ON deal_leads FOR EACH ROW EXECUTE FUNCTION closing_mark_dirty();
CREATE TRIGGER accounts_closing_dirty AFTER UPDATE OF industry, region, employees ON accounts FOR EACH ROW
  WHEN ((OLD.industry, OLD.region, OLD.employees) IS DISTINCT FROM (NEW.industry, NEW.region, NEW.employees))
  EXECUTE FUNCTION closing_mark_dirty();
CREATE TRIGGER leads_closing_dirty_insert AFTER INSERT OR DELETE ON leads FOR EACH ROW EXECUTE FUNCTION closing_mark_dirty();
CREATE TRIGGER leads_closing_dirty_update AFTER UPDATE OF created_at, title, source, score, account_id, owner_id, archived_at ON leads
  FOR EACH ROW
  WHEN ((OLD.created_at, OLD.title, OLD.source, OLD.score, OLD.account_id, OLD.owner_id, OLD.archived_at) IS DISTINCT FROM
        (NEW.created_at, NEW.title, NEW.source, NEW.score, NEW.account_id, NEW.owner_id, NEW.archived_at))
  EXECUTE FUNCTION closing_mark_dirty();
CREATE TRIGGER touchpoints_closing_dirty AFTER INSERT OR DELETE OR UPDATE OF lead_id, campaign_id, channel, occurred_at, external_id
  ON touchpoints FOR EACH ROW EXECUTE FUNCTION closing_mark_dirty();

INSERT INTO closing_dirty SELECT 'DEALS', id FROM deals WHERE status IN ('WON', 'LOST');
INSERT INTO closing_dirty SELECT 'MQLS', lead_id FROM kpi_handoff WHERE kind <> 'NONE';`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER touchpoints_closing_dirty ON touchpoints;
DROP TRIGGER leads_closing_dirty_update ON leads;
DROP TRIGGER leads_closing_dirty_insert ON leads;
DROP TRIGGER accounts_closing_dirty ON accounts;
DROP TRIGGER deal_leads_closing_dirty ON deal_leads;
DROP TRIGGER deals_closing_dirty ON deals;
DROP FUNCTION closing_mark_dirty();
DROP TABLE closing_dirty, closing_day, closing_unit;`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-deal attribution credit (the Marketo Measure pattern): for every currently won deal, each eligible touch's share
 * under the seven rule-based models at the default lookback (365 days) and half-life (7 days), and the same summed
 * per UTC close day and campaign. Kept current in the
 * writing transaction: triggers mark the deals a write may affect in attribution_dirty, and the app recomputes them
 * before commit (the SQL lives in the attribution module, one definition for both paths). Existing won deals are
 * marked dirty here, so the first write (or `npm run rollups:rebuild`) fills the table.
 */
export class AttributionCredit1764201600000 implements MigrationInterface {
  name = 'AttributionCredit1764201600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE attribution_credit (
  deal_id bigint NOT NULL CONSTRAINT attribution_credit_deal_id_fkey REFERENCES deals(id) ON DELETE CASCADE,
  touchpoint_id bigint NOT NULL CONSTRAINT attribution_credit_touchpoint_id_fkey REFERENCES touchpoints(id) ON DELETE CASCADE,
  campaign_id bigint NOT NULL,
  channel text NOT NULL,
  close_day date NOT NULL,
  amount numeric(18,2) NOT NULL,
  first_touch float8 NOT NULL,
  last_touch float8 NOT NULL,
  linear float8 NOT NULL,
  u_shaped float8 NOT NULL,
  w_shaped float8 NOT NULL,
  full_path float8 NOT NULL,
  time_decay float8 NOT NULL,
  CONSTRAINT attribution_credit_pkey PRIMARY KEY (deal_id, touchpoint_id)
);
CREATE INDEX attribution_credit_touchpoint_id_idx ON attribution_credit (touchpoint_id);
CREATE INDEX attribution_credit_close_day_idx ON attribution_credit (close_day);

-- the same credit summed per UTC close day and campaign: reports over whole UTC days read a few hundred rows per year
CREATE TABLE attribution_credit_daily (
  close_day date NOT NULL,
  campaign_id bigint NOT NULL,
  channel text NOT NULL,
  touchpoints integer NOT NULL,
  deals_first_touch float8 NOT NULL, revenue_first_touch float8 NOT NULL,
  deals_last_touch float8 NOT NULL, revenue_last_touch float8 NOT NULL,
  deals_linear float8 NOT NULL, revenue_linear float8 NOT NULL,
  deals_u_shaped float8 NOT NULL, revenue_u_shaped float8 NOT NULL,
  deals_w_shaped float8 NOT NULL, revenue_w_shaped float8 NOT NULL,
  deals_full_path float8 NOT NULL, revenue_full_path float8 NOT NULL,
  deals_time_decay float8 NOT NULL, revenue_time_decay float8 NOT NULL,
  CONSTRAINT attribution_credit_daily_pkey PRIMARY KEY (close_day, campaign_id)
);

CREATE TABLE attribution_dirty (
  deal_id bigint NOT NULL CONSTRAINT attribution_dirty_pkey PRIMARY KEY
);

CREATE FUNCTION attribution_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'deals' THEN
    INSERT INTO attribution_dirty VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END) ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'deal_leads' THEN
    INSERT INTO attribution_dirty
      SELECT DISTINCT x FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.deal_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.deal_id END]) x
      WHERE x IS NOT NULL ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'leads' THEN -- its creation instant decides the LC position of its deals
    INSERT INTO attribution_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id = NEW.id ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'INSERT' THEN -- touchpoints: every deal of the touched lead(s)
    INSERT INTO attribution_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id = NEW.lead_id ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO attribution_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id = OLD.lead_id ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO attribution_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id IN (OLD.lead_id, NEW.lead_id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER deals_attribution_dirty AFTER INSERT OR DELETE OR UPDATE OF status, closed_at, created_at, amount ON deals
  FOR EACH ROW EXECUTE FUNCTION attribution_mark_dirty();
CREATE TRIGGER deal_leads_attribution_dirty AFTER INSERT OR UPDATE OR DELETE ON deal_leads FOR EACH ROW EXECUTE FUNCTION attribution_mark_dirty();
CREATE TRIGGER touchpoints_attribution_dirty AFTER INSERT OR UPDATE OR DELETE ON touchpoints FOR EACH ROW EXECUTE FUNCTION attribution_mark_dirty();
CREATE TRIGGER leads_attribution_dirty AFTER UPDATE OF created_at ON leads FOR EACH ROW EXECUTE FUNCTION attribution_mark_dirty();

INSERT INTO attribution_dirty SELECT id FROM deals WHERE status = 'WON';
`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER IF EXISTS deals_attribution_dirty ON deals;
DROP TRIGGER IF EXISTS deal_leads_attribution_dirty ON deal_leads;
DROP TRIGGER IF EXISTS touchpoints_attribution_dirty ON touchpoints;
DROP TRIGGER IF EXISTS leads_attribution_dirty ON leads;
DROP FUNCTION IF EXISTS attribution_mark_dirty();
DROP TABLE IF EXISTS attribution_dirty;
DROP TABLE IF EXISTS attribution_credit_daily;
DROP TABLE IF EXISTS attribution_credit;`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups for the data-driven attribution models (the SQL lives in the attribution module's markov-rollup.ts and
 * attribution-credit.ts, one definition for the incremental path and the rebuild):
 * - attribution_credit gains each touch's position in its deal's journey and its SHAPLEY share by campaign and by
 *   channel (1 / (distinct states × the deal's touches in that state)), and the daily sums gain the SHAPLEY columns.
 *   Existing credit rows are dropped and every won deal marked dirty, so the first write (or `npm run rollups:rebuild`)
 *   refills them; reads compute on the fly until then.
 * - markov_touch: every touchpoint of every lead in journey order (occurredAt, externalId, id), as a UTC day and its
 *   states (campaign, channel), with the next touch's. Its GiST index finds the touch pairs that straddle a midnight.
 * - markov_won: per lead with touches, each UTC close day of its currently won deals (n_x of them) and the lead's first
 *   and last touch days: the leads a report's won deals exclude from the non-converting journeys.
 * - markov_day: transition counts (s1 → s2; '' is START as s1, CONVERSION or NULL as s2) per kind, dimension (CAMPAIGN,
 *   CHANNEL) and UTC day: C = converting journeys by close day (from attribution_credit), T = every lead's journey
 *   events by touch day, W = the whole journeys of leads with exactly one won close day, by that day.
 * - markov_dirty (append-only): leads whose touches or won deals a write changed; the app applies them before commit.
 */
export class MarkovRollup1764547200000 implements MigrationInterface {
  name = 'MarkovRollup1764547200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
DELETE FROM attribution_credit_daily;
DELETE FROM attribution_credit;
ALTER TABLE attribution_credit ADD COLUMN pos integer NOT NULL, ADD COLUMN shapley_campaign float8 NOT NULL, ADD COLUMN shapley_channel float8 NOT NULL;
ALTER TABLE attribution_credit_daily
  ADD COLUMN deals_shapley_campaign float8 NOT NULL, ADD COLUMN revenue_shapley_campaign float8 NOT NULL,
  ADD COLUMN deals_shapley_channel float8 NOT NULL, ADD COLUMN revenue_shapley_channel float8 NOT NULL;
INSERT INTO attribution_dirty SELECT id FROM deals WHERE status = 'WON' ON CONFLICT DO NOTHING;

CREATE TABLE markov_touch (
  lead_id bigint NOT NULL,
  seq integer NOT NULL,
  day date NOT NULL,
  campaign text NOT NULL,
  channel text NOT NULL,
  next_day date,
  next_campaign text,
  next_channel text,
  CONSTRAINT markov_touch_pkey PRIMARY KEY (lead_id, seq)
);
CREATE INDEX markov_touch_day_idx ON markov_touch (day);
CREATE INDEX markov_touch_span_idx ON markov_touch USING gist (daterange(day, next_day, '(]')) WHERE next_day > day;

CREATE TABLE markov_won (
  lead_id bigint NOT NULL,
  x_day date NOT NULL,
  n_x integer NOT NULL,
  first_day date NOT NULL,
  last_day date NOT NULL,
  CONSTRAINT markov_won_pkey PRIMARY KEY (lead_id, x_day)
);
CREATE INDEX markov_won_x_day_idx ON markov_won (x_day) INCLUDE (lead_id, n_x, first_day, last_day);

CREATE TABLE markov_day (
  kind char(1) NOT NULL CONSTRAINT markov_day_kind_check CHECK (kind IN ('C', 'T', 'W')),
  dim text NOT NULL,
  day date NOT NULL,
  s1 text NOT NULL,
  s2 text NOT NULL,
  n integer NOT NULL,
  CONSTRAINT markov_day_pkey PRIMARY KEY (kind, dim, day, s1, s2)
);

CREATE TABLE markov_dirty (lead_id bigint NOT NULL);

CREATE FUNCTION markov_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'deals' THEN
    INSERT INTO markov_dirty SELECT DISTINCT dl.lead_id FROM deal_leads dl WHERE dl.deal_id = NEW.id;
  ELSE -- touchpoints, deal_leads: the lead(s) of the row, before and after
    INSERT INTO markov_dirty SELECT DISTINCT x FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.lead_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.lead_id END]) x
      WHERE x IS NOT NULL;
  END IF;
  RETURN NULL;
END
$fn$;
-- a deal's deletion deletes its deal_leads rows, whose trigger marks the leads
CREATE TRIGGER deals_markov_dirty AFTER UPDATE OF status, closed_at ON deals FOR EACH ROW EXECUTE FUNCTION markov_mark_dirty();
CREATE TRIGGER deal_leads_markov_dirty AFTER INSERT OR UPDATE OR DELETE ON deal_leads FOR EACH ROW EXECUTE FUNCTION markov_mark_dirty();
CREATE TRIGGER touchpoints_markov_dirty AFTER INSERT OR DELETE OR UPDATE OF lead_id, campaign_id, channel, occurred_at, external_id ON touchpoints
  FOR EACH ROW EXECUTE FUNCTION markov_mark_dirty();

INSERT INTO markov_dirty SELECT DISTINCT lead_id FROM touchpoints;
`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER IF EXISTS deals_markov_dirty ON deals;
DROP TRIGGER IF EXISTS deal_leads_markov_dirty ON deal_leads;
DROP TRIGGER IF EXISTS touchpoints_markov_dirty ON touchpoints;
DROP FUNCTION IF EXISTS markov_mark_dirty();
DROP TABLE IF EXISTS markov_dirty, markov_day, markov_won, markov_touch;
DELETE FROM attribution_credit_daily;
DELETE FROM attribution_credit;
ALTER TABLE attribution_credit DROP COLUMN IF EXISTS pos, DROP COLUMN IF EXISTS shapley_campaign, DROP COLUMN IF EXISTS shapley_channel;
ALTER TABLE attribution_credit_daily DROP COLUMN IF EXISTS deals_shapley_campaign, DROP COLUMN IF EXISTS revenue_shapley_campaign,
  DROP COLUMN IF EXISTS deals_shapley_channel, DROP COLUMN IF EXISTS revenue_shapley_channel;
INSERT INTO attribution_dirty SELECT id FROM deals WHERE status = 'WON' ON CONFLICT DO NOTHING;`);
  }
}

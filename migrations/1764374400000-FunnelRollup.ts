import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-day funnel counts (issue 6): for every UTC day, anchor stage a, later stage b ≥ a and breakdown group, how many
 * leads reached a on that day and b by now, as a cumulative array over the whole days from reach_a to reach_b
 * (n[i + 1] = units with reach_b − reach_a ≤ i days, trailing repeats trimmed), and the same for those whose reach_b
 * is inferred. A cohort funnel over whole UTC days with any whole-day conversion window, and a flow funnel (a = b),
 * read a few thousand of these rows instead of every lead.
 *
 * Kept current in the writing transaction like attribution_credit: triggers note the leads a write may change in
 * funnel_dirty (append-only, so concurrent writers never wait on each other there); before commit the app locks those
 * leads, takes back their last applied facts (funnel_lead) and adds the difference (the SQL lives in
 * funnel-rollup.ts, one definition for the incremental path and the rebuild). Existing leads are marked dirty here;
 * reads fall back to the on-the-fly query while any dirty lead is committed, so a report is never stale.
 */
export class FunnelRollup1764374400000 implements MigrationInterface {
  name = 'FunnelRollup1764374400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE funnel_lead (
  lead_id bigint NOT NULL CONSTRAINT funnel_lead_pkey PRIMARY KEY,
  reach timestamptz[] NOT NULL,
  inferred boolean[] NOT NULL,
  channel text NOT NULL,
  industry text NOT NULL,
  region text NOT NULL,
  owner text NOT NULL,
  campaign text NOT NULL
);

CREATE TABLE funnel_day (
  a smallint NOT NULL,
  dim text NOT NULL,
  day date NOT NULL,
  b smallint NOT NULL,
  grp text NOT NULL,
  n integer[] NOT NULL,
  inf integer[] NOT NULL,
  CONSTRAINT funnel_day_pkey PRIMARY KEY (a, dim, day, b, grp)
);

CREATE TABLE funnel_dirty (lead_id bigint NOT NULL);

-- the elementwise sum of two cumulative arrays (the shorter one continues with its last value), trailing repeats
-- trimmed (plpgsql: a SQL function here was planned on every call, 10x slower on the write path)
CREATE FUNCTION funnel_cum_sum(x integer[], y integer[]) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  nx integer := cardinality(x); ny integer := cardinality(y); n integer := greatest(nx, ny, 1);
  r integer[] := array_fill(0, ARRAY[n]); keep integer := 1;
BEGIN
  FOR i IN 1..n LOOP
    r[i] := coalesce(x[least(i, nx)], 0) + coalesce(y[least(i, ny)], 0);
    IF i > 1 AND r[i] <> r[i - 1] THEN keep := i; END IF;
  END LOOP;
  RETURN r[1:keep];
END
$fn$;

-- the cumulative array of counts given per whole-day lag (lags need not be sorted or distinct)
CREATE FUNCTION funnel_cum(lags integer[], counts integer[]) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  n integer := coalesce((SELECT max(l) FROM unnest(lags) l), 0) + 1;
  r integer[] := array_fill(0, ARRAY[n]);
BEGIN
  FOR j IN 1..coalesce(cardinality(lags), 0) LOOP
    r[lags[j] + 1] := r[lags[j] + 1] + counts[j];
  END LOOP;
  FOR i IN 2..n LOOP
    r[i] := r[i] + r[i - 1];
  END LOOP;
  RETURN funnel_cum_sum(r, '{}');
END
$fn$;

CREATE FUNCTION funnel_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'leads' THEN
    INSERT INTO funnel_dirty VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSIF TG_TABLE_NAME = 'accounts' THEN -- industry and region are breakdown groups of its leads
    INSERT INTO funnel_dirty SELECT l.id FROM leads l WHERE l.account_id = NEW.id;
  ELSIF TG_OP = 'INSERT' THEN -- touchpoints: only a touch that may be the lead's new first one (CAMPAIGN breakdown)
    INSERT INTO funnel_dirty SELECT NEW.lead_id WHERE NOT EXISTS (
      SELECT 1 FROM touchpoints t WHERE t.lead_id = NEW.lead_id AND t.id <> NEW.id AND (t.occurred_at, t.external_id) < (NEW.occurred_at, NEW.external_id));
  ELSE
    INSERT INTO funnel_dirty SELECT DISTINCT x FROM unnest(ARRAY[OLD.lead_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.lead_id END]) x WHERE x IS NOT NULL;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER leads_funnel_dirty_insert AFTER INSERT OR DELETE ON leads FOR EACH ROW EXECUTE FUNCTION funnel_mark_dirty();
CREATE TRIGGER leads_funnel_dirty_update AFTER UPDATE OF created_at, first_mql_at, first_sal_at, first_sql_at, first_opportunity_at,
  first_customer_at, source, owner_id, account_id ON leads FOR EACH ROW
  WHEN ((OLD.created_at, OLD.first_mql_at, OLD.first_sal_at, OLD.first_sql_at, OLD.first_opportunity_at, OLD.first_customer_at,
         OLD.source, OLD.owner_id, OLD.account_id) IS DISTINCT FROM
        (NEW.created_at, NEW.first_mql_at, NEW.first_sal_at, NEW.first_sql_at, NEW.first_opportunity_at, NEW.first_customer_at,
         NEW.source, NEW.owner_id, NEW.account_id))
  EXECUTE FUNCTION funnel_mark_dirty();
CREATE TRIGGER accounts_funnel_dirty AFTER UPDATE OF industry, region ON accounts FOR EACH ROW
  WHEN ((OLD.industry, OLD.region) IS DISTINCT FROM (NEW.industry, NEW.region)) EXECUTE FUNCTION funnel_mark_dirty();
CREATE TRIGGER touchpoints_funnel_dirty AFTER INSERT OR DELETE OR UPDATE OF lead_id, campaign_id, occurred_at, external_id ON touchpoints
  FOR EACH ROW EXECUTE FUNCTION funnel_mark_dirty();

INSERT INTO funnel_dirty SELECT id FROM leads;
`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TRIGGER IF EXISTS touchpoints_funnel_dirty ON touchpoints;
DROP TRIGGER IF EXISTS accounts_funnel_dirty ON accounts;
DROP TRIGGER IF EXISTS leads_funnel_dirty_update ON leads;
DROP TRIGGER IF EXISTS leads_funnel_dirty_insert ON leads;
DROP FUNCTION IF EXISTS funnel_mark_dirty();
DROP FUNCTION IF EXISTS funnel_cum(integer[], integer[]);
DROP FUNCTION IF EXISTS funnel_cum_sum(integer[], integer[]);
DROP TABLE IF EXISTS funnel_dirty;
DROP TABLE IF EXISTS funnel_day;
DROP TABLE IF EXISTS funnel_lead;`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose rows can be archived (hidden from lists and analytics, restorable) and merged into another. */
const LIFECYCLE = ['leads', 'accounts', 'deals', 'campaigns'];

/**
 * Lists and the data lifecycle (issue 18):
 * - text search: pg_trgm GIN indexes on the text a list's `search` matches (case-insensitive substring, ILIKE);
 * - incremental sync: `updated_at` moves whenever anything of the row changes, derived state included (a lead's
 *   milestones when its deal is won, a deal's stage when a change is recorded): a BEFORE UPDATE trigger sets it when
 *   the new row differs from the old one, so `updatedSince` misses nothing; indexes on (updated_at, id);
 * - archive and merge: `archived_at` (null = active) and `merged_into_id` (the survivor a merged record points to);
 *   partial indexes keep active rows' lists as fast as before;
 * - erasure: `personal_data_erased_at` on leads.
 */
export class ListsAndLifecycle1764979200000 implements MigrationInterface {
  name = 'ListsAndLifecycle1764979200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX leads_search_personal_idx ON leads
  USING gin ((coalesce(email, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops);
CREATE INDEX leads_search_key_idx ON leads USING gin (external_id gin_trgm_ops);
CREATE INDEX accounts_search_idx ON accounts
  USING gin ((name || ' ' || coalesce(domain, '') || ' ' || coalesce(external_id, '')) gin_trgm_ops);
CREATE INDEX deals_search_idx ON deals USING gin ((name || ' ' || coalesce(external_id, '')) gin_trgm_ops);
CREATE INDEX campaigns_search_idx ON campaigns USING gin ((name || ' ' || coalesce(external_id, '')) gin_trgm_ops);

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW IS DISTINCT FROM OLD THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$fn$;
`);
    for (const t of ['leads', 'accounts', 'deals', 'campaigns']) {
      await q.query(`
CREATE TRIGGER ${t}_touch_updated_at BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX ${t}_updated_at_id_idx ON ${t} (updated_at, id);`);
    }
    await q.query(`CREATE INDEX touchpoints_recorded_at_id_idx ON touchpoints (recorded_at, id);`);
    for (const t of LIFECYCLE) {
      await q.query(`
ALTER TABLE ${t} ADD COLUMN archived_at timestamptz,
  ADD COLUMN merged_into_id bigint CONSTRAINT ${t}_merged_into_id_fkey REFERENCES ${t}(id),
  ADD CONSTRAINT ${t}_merged_archived_check CHECK (merged_into_id IS NULL OR archived_at IS NOT NULL);
CREATE INDEX ${t}_archived_at_idx ON ${t} (archived_at) WHERE archived_at IS NOT NULL;`);
    }
    await q.query(`ALTER TABLE leads ADD COLUMN personal_data_erased_at timestamptz;`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads DROP COLUMN personal_data_erased_at;`);
    for (const t of LIFECYCLE) {
      await q.query(`ALTER TABLE ${t} DROP COLUMN merged_into_id, DROP COLUMN archived_at;`);
    }
    await q.query(`DROP INDEX touchpoints_recorded_at_id_idx;`);
    for (const t of ['leads', 'accounts', 'deals', 'campaigns']) {
      await q.query(`DROP TRIGGER ${t}_touch_updated_at ON ${t}; DROP INDEX ${t}_updated_at_id_idx;`);
    }
    await q.query(`
DROP FUNCTION touch_updated_at();
DROP INDEX leads_search_personal_idx, leads_search_key_idx, accounts_search_idx, deals_search_idx, campaigns_search_idx;`);
  }
}

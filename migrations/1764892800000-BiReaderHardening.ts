import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bi_reader role could lift its own limits: `SET statement_timeout = 0` (any role may SET a user-settable
 * parameter) and temporary tables (PostgreSQL grants TEMPORARY on every database to PUBLIC).
 * - TEMPORARY on this database is revoked from PUBLIC and granted to the service's own role instead, so bi_reader
 *   (which has only what PUBLIC and its grants give it) cannot create temporary tables.
 * - The service's role becomes a member of bi_reader, so it may see and cancel bi_reader's statements: the service's
 *   watchdog (src/modules/bi/bi-watchdog.ts) cancels any that runs longer than BI_STATEMENT_TIMEOUT_MS, whatever the
 *   session set. Membership gives the service nothing it lacks (bi_reader only reads the bi views).
 * Each step is skipped where the migrating role may not take it (not the owner, no CREATEROLE): the DBA does it then.
 */
export class BiReaderHardening1764892800000 implements MigrationInterface {
  name = 'BiReaderHardening1764892800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
DO $do$
BEGIN
  BEGIN
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), current_user);
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'TEMPORARY on this database is still granted to PUBLIC: revoke it as the database owner';
  END;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader')
     AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
    BEGIN
      EXECUTE format('GRANT bi_reader TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
      RAISE WARNING 'the service role could not join bi_reader: its statement watchdog will not see bi_reader sessions';
    END;
  END IF;
END
$do$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $do$ BEGIN
      EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
    EXCEPTION WHEN insufficient_privilege THEN NULL; END $do$`);
  }
}

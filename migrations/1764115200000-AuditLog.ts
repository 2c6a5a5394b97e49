import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose writes are audited, with the derived columns (maintained by refresh_*()) that are not audited. */
const AUDITED: [string, string[]][] = [
  ['users', []],
  ['accounts', ['updated_at', 'version']],
  ['campaigns', ['updated_at', 'version']],
  ['campaign_spend', ['recorded_at']],
  ['pipeline_stages', []],
  ['kpi_targets', ['updated_at']],
  [
    'leads',
    [
      'updated_at',
      'version',
      'recorded_at',
      'stage',
      'status',
      'rejection_reason',
      'first_mql_at',
      'first_sal_at',
      'first_sql_at',
      'first_opportunity_at',
      'first_customer_at',
      'lead_at',
      'mql_at',
      'sal_at',
      'sql_at',
      'opportunity_at',
      'customer_at',
    ],
  ],
  ['lead_stage_changes', ['recorded_at']],
  ['touchpoints', ['recorded_at']],
  ['deals', ['updated_at', 'version', 'recorded_at', 'stage_key', 'status', 'closed_at', 'lost_reason']],
  ['deal_leads', []],
  ['deal_stage_changes', ['recorded_at']],
];

/**
 * Append-only audit log: every insert, update and delete of the business tables records who (the token's sub and
 * role), the request id, the Idempotency-Key and what changed (column → [before, after]; personal data of leads
 * redacted), written by triggers in the same transaction as the change. The app sets the actor per transaction
 * (transaction-local settings app.actor, app.actor_role, app.request_id, app.idempotency_key). Nobody — the
 * service's own role included — can update, delete or truncate it; where the migrating role may create roles, the
 * table also belongs to a NOLOGIN role, so the service cannot disable those triggers either.
 */
export class AuditLog1764115200000 implements MigrationInterface {
  name = 'AuditLog1764115200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_log_pkey PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  actor_role text,
  request_id text,
  idempotency_key text,
  entity text NOT NULL,
  entity_id text,
  action text NOT NULL CONSTRAINT audit_log_action_check CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
  changes jsonb NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);
CREATE INDEX audit_log_request_id_idx ON audit_log (request_id);

CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
$fn$;

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
`);
    for (const [table, derived] of AUDITED) {
      const args = derived.map((c) => `'${c}'`).join(', ');
      await q.query(
        `CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_row(${args})`,
      );
    }
    await q.query(`
DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'funnel_audit_owner') THEN
      CREATE ROLE funnel_audit_owner NOLOGIN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT ON audit_log TO %I', current_user);
    ALTER TABLE audit_log OWNER TO funnel_audit_owner;
  END IF;
END
$do$;`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [table] of AUDITED) await q.query(`DROP TRIGGER IF EXISTS ${table}_audit ON ${table}`);
    await q.query(
      `DROP TABLE IF EXISTS audit_log; DROP FUNCTION IF EXISTS audit_row(); DROP FUNCTION IF EXISTS audit_log_is_append_only();`,
    );
  }
}

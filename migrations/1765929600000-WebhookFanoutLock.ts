import { MigrationInterface, QueryRunner } from 'typeorm';

const FUNCTION = (lock: string) => `
CREATE OR REPLACE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  ev bigint;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NULL; -- a derived refresh that changed nothing
  END IF;
  INSERT INTO change_events (kind, entity_id, external_id, version, op)
  VALUES (TG_ARGV[0], NEW.id, NEW.external_id, NEW.version, CASE TG_OP WHEN 'INSERT' THEN 'CREATED' ELSE 'UPDATED' END)
  ON CONFLICT (tx, kind, entity_id) DO UPDATE SET version = EXCLUDED.version, external_id = EXCLUDED.external_id
  RETURNING id INTO ev;
  INSERT INTO webhook_deliveries (endpoint_id, event_id)
  SELECT e.id, ev FROM webhook_endpoints e WHERE e.enabled AND TG_ARGV[0] = ANY (e.events)${lock}
  ON CONFLICT (endpoint_id, event_id) DO NOTHING;
  PERFORM pg_notify('funnel_changes', '');
  RETURN NULL;
END
$fn$;`;

/**
 * A write's change event fans out to the enabled webhook endpoints it reads; an endpoint deleted by a transaction
 * that committed after that read made the delivery's foreign key fail (23503), so the unrelated deal or lead write
 * failed with NOT_FOUND (a CI run caught it: the faults test's writers beside the webhook test's deletes). The
 * endpoints are now read FOR KEY SHARE — the lock the foreign key check takes anyway: an endpoint being deleted is
 * waited for and then skipped, and a delete waits for the writes already fanning out to it (then cascades their rows).
 */
export class WebhookFanoutLock1765929600000 implements MigrationInterface {
  name = 'WebhookFanoutLock1765929600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(FUNCTION('\n    FOR KEY SHARE OF e'));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(FUNCTION(''));
  }
}

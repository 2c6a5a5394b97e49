import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change notifications for subscriptions: every committed insert or update of a deal or a lead sends
 * NOTIFY funnel_changes '{"kind":"deal|lead","id":"…","op":"INSERT|UPDATE"}'. PostgreSQL delivers them at commit (a
 * rolled-back write sends nothing), once per distinct payload per transaction, to every API instance listening, so a
 * change made through any instance (or straight in SQL) reaches every subscriber.
 */
export class ChangeNotify1764806400000 implements MigrationInterface {
  name = 'ChangeNotify1764806400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('funnel_changes', json_build_object('kind', TG_ARGV[0], 'id', NEW.id::text, 'op', TG_OP)::text);
  RETURN NULL;
END
$fn$`);
    await q.query(
      `CREATE TRIGGER deals_notify AFTER INSERT OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION notify_change('deal')`,
    );
    await q.query(
      `CREATE TRIGGER leads_notify AFTER INSERT OR UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION notify_change('lead')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS deals_notify ON deals`);
    await q.query(`DROP TRIGGER IF EXISTS leads_notify ON leads`);
    await q.query(`DROP FUNCTION IF EXISTS notify_change()`);
  }
}

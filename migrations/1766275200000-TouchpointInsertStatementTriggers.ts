import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What inserting touchpoints sets off (the audit rows and every rollup's dirty marks), once per statement over its
 * inserted rows instead of eight row triggers per row. A 500-touchpoint call spent about 140 ms of its ~570 ms in
 * those triggers at 100,000 leads: one SPI statement per trigger per row, and a FOR SHARE of qualification_state per
 * row. The marks are the row triggers' own, taken as sets (definitions unchanged, so the rollups' contents are too);
 * UPDATE and DELETE keep their row triggers (a transition table cannot go with an UPDATE OF column list, and neither
 * is on the ingest path).
 */
const ROW_TRIGGERS: [name: string, events: string, fn: string][] = [
  ['touchpoints_attribution_dirty', 'DELETE OR UPDATE', 'attribution_mark_dirty()'],
  ['touchpoints_audit', 'DELETE OR UPDATE', `audit_row('recorded_at')`],
  [
    'touchpoints_closing_dirty',
    'DELETE OR UPDATE OF lead_id, campaign_id, channel, occurred_at, external_id',
    'closing_mark_dirty()',
  ],
  [
    'touchpoints_funnel_dirty',
    'DELETE OR UPDATE OF lead_id, campaign_id, occurred_at, external_id',
    'funnel_mark_dirty()',
  ],
  [
    'touchpoints_handoff_dirty',
    'DELETE OR UPDATE OF lead_id, campaign_id, channel, occurred_at, external_id',
    'handoff_mark_dirty()',
  ],
  ['touchpoints_kpi_dirty', 'DELETE OR UPDATE OF lead_id, channel, occurred_at', 'kpi_mark_dirty()'],
  [
    'touchpoints_markov_dirty',
    'DELETE OR UPDATE OF lead_id, campaign_id, channel, occurred_at, external_id',
    'markov_mark_dirty()',
  ],
  ['touchpoints_qualification', 'DELETE OR UPDATE OF lead_id, type, channel, occurred_at', 'qualification_mark_rows()'],
];

const INSERTED = `
CREATE FUNCTION touchpoints_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- audit_row('recorded_at') for each inserted row: every column but recorded_at, as [null, value]
  INSERT INTO audit_log (actor, actor_role, request_id, idempotency_key, entity, entity_id, action, changes)
  SELECT coalesce(nullif(current_setting('app.actor', true), ''), 'system:' || session_user),
    nullif(current_setting('app.actor_role', true), ''),
    nullif(current_setting('app.request_id', true), ''),
    nullif(current_setting('app.idempotency_key', true), ''),
    'touchpoints', n.id::text, 'INSERT',
    (SELECT jsonb_object_agg(k, jsonb_build_array(NULL::jsonb, n.r -> k)) FROM jsonb_object_keys(n.r) k WHERE k <> 'recorded_at')
  FROM (SELECT i.id, to_jsonb(i) AS r FROM inserted i) n ORDER BY n.id;
  -- attribution credit: every deal of a touched lead
  INSERT INTO attribution_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id IN (SELECT lead_id FROM inserted)
    ON CONFLICT DO NOTHING;
  -- funnel: a touch that may be its lead's new first one (CAMPAIGN breakdown)
  INSERT INTO funnel_dirty SELECT DISTINCT n.lead_id FROM inserted n WHERE NOT EXISTS (
    SELECT 1 FROM touchpoints t WHERE t.lead_id = n.lead_id AND t.id <> n.id AND (t.occurred_at, t.external_id) < (n.occurred_at, n.external_id));
  -- hand-off: a touch at or before its lead's MQL reach may be the one that qualified it
  INSERT INTO funnel_dirty SELECT DISTINCT l.id FROM inserted n JOIN leads l ON l.id = n.lead_id
    WHERE l.mql_at IS NOT NULL AND n.occurred_at <= l.mql_at;
  -- closing profile: the lead's MQL unit and its deals'
  INSERT INTO closing_dirty SELECT DISTINCT 'MQLS', lead_id FROM inserted
    UNION ALL SELECT DISTINCT 'DEALS', dl.deal_id FROM deal_leads dl WHERE dl.lead_id IN (SELECT lead_id FROM inserted);
  -- KPI influence: the deals of the touched leads
  INSERT INTO kpi_deal_dirty SELECT DISTINCT dl.deal_id FROM deal_leads dl WHERE dl.lead_id IN (SELECT lead_id FROM inserted);
  -- MARKOV: the touched leads
  INSERT INTO markov_dirty SELECT DISTINCT lead_id FROM inserted;
  -- the qualification agreement: the touched leads, while a definition is active
  PERFORM qualification_mark(ARRAY(SELECT DISTINCT lead_id FROM inserted));
  RETURN NULL;
END
$$;
CREATE TRIGGER touchpoints_inserted AFTER INSERT ON touchpoints REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION touchpoints_inserted();`;

export class TouchpointInsertStatementTriggers1766275200000 implements MigrationInterface {
  name = 'TouchpointInsertStatementTriggers1766275200000';

  public async up(q: QueryRunner): Promise<void> {
    for (const [name, events, fn] of ROW_TRIGGERS)
      await q.query(
        `DROP TRIGGER ${name} ON touchpoints;
         CREATE TRIGGER ${name} AFTER ${events} ON touchpoints FOR EACH ROW EXECUTE FUNCTION ${fn};`,
      );
    await q.query(INSERTED);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER touchpoints_inserted ON touchpoints; DROP FUNCTION touchpoints_inserted();`);
    for (const [name, events, fn] of ROW_TRIGGERS)
      await q.query(
        `DROP TRIGGER ${name} ON touchpoints;
         CREATE TRIGGER ${name} AFTER INSERT OR ${events} ON touchpoints FOR EACH ROW EXECUTE FUNCTION ${fn};`,
      );
  }
}

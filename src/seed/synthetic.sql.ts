/**
 * Deterministic synthetic funnel loaded with generate_series (no row-by-row API calls): leads with hand-off
 * history over 2025, ~5 touchpoints per lead, ~0.2 deals per lead with stage history; milestones refreshed in bulk.
 */
/**
 * Bump when the generated data changes, so cached benchmark clusters are rebuilt. 4: every statement whose row order
 * assigns ids or draws random() says its order (ORDER BY: PostgreSQL evaluates volatile functions after the sort), so
 * the same seed gives the same data whatever plan the load gets; under 3 a deal's id, and with it whether it was won,
 * followed the hash join's output order.
 */
export const GENERATOR_VERSION = 4;

/** Every table generateSql writes (the caller defers their secondary indexes and analyzes them after the load). */
export const LOADED_TABLES = [
  'users',
  'accounts',
  'campaigns',
  'campaign_spend',
  'leads',
  'lead_stage_changes',
  'touchpoints',
  'deals',
  'deal_leads',
  'deal_stage_changes',
  'deal_stage_reaches',
] as const;

export interface GenerationStep {
  label: string;
  sql: string;
}

export function generateSql(leads: number, seed = 0.42): GenerationStep[] {
  return labelled([
    // bulk load: no triggers (session_replication_role = replica skips audit and rollup bookkeeping); milestones are
    // refreshed explicitly below and the caller rebuilds the rollups
    `SET session_replication_role = replica`,
    `SELECT setseed(${seed})`,
    `INSERT INTO users (email, name, role) SELECT 'rep' || g || '@bench.example', 'Rep ' || g, 'SALES' FROM generate_series(1, 20) g ON CONFLICT DO NOTHING`,
    `INSERT INTO accounts (external_id, name, industry, region)
       SELECT 'bacc-' || g, 'Account ' || g, (ARRAY['Software','Retail','Finance','Health'])[1 + g % 4], (ARRAY['EMEA','NA','APAC'])[1 + g % 3]
       FROM generate_series(1, ${Math.max(100, leads / 20)}) g ORDER BY g`,
    `INSERT INTO campaigns (external_id, name, channel)
       SELECT 'bcmp-' || g, 'Campaign ' || g, (ARRAY['EMAIL','PAID_SEARCH','PAID_SOCIAL','CONTENT','WEBINAR','EVENT','OUTBOUND','PARTNER'])[1 + g % 8]
       FROM generate_series(1, 40) g ORDER BY g`,
    `INSERT INTO campaign_spend (campaign_id, day, amount)
       SELECT c.id, d::date, round((50 + random() * 500)::numeric, 2) FROM campaigns c, generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d
       WHERE c.external_id LIKE 'bcmp-%' ORDER BY c.id, d`,
    `INSERT INTO leads (external_id, source, owner_id, account_id, created_at, email)
       SELECT 'blead-' || g, (ARRAY['EMAIL','PAID_SEARCH','PAID_SOCIAL','CONTENT','WEBINAR','EVENT','OUTBOUND','PARTNER'])[1 + (g * 7) % 8],
              (SELECT min(id) FROM users) + g % 20, (SELECT min(id) FROM accounts WHERE external_id LIKE 'bacc-%') + g % ${Math.max(100, leads / 20)},
              timestamptz '2025-01-01' + random() * interval '365 days', 'lead' || g || '@bench.example'
       FROM generate_series(1, ${leads}) g ORDER BY g`,
    `INSERT INTO lead_stage_changes (lead_id, event, occurred_at) SELECT id, 'LEAD', created_at FROM leads WHERE external_id LIKE 'blead-%' ORDER BY id`,
    `CREATE TEMP TABLE bench_lead AS SELECT id, created_at, random() AS p, random() AS q FROM leads WHERE external_id LIKE 'blead-%' ORDER BY id`,
    `INSERT INTO lead_stage_changes (lead_id, event, occurred_at) SELECT id, 'MQL', created_at + p * interval '10 days' FROM bench_lead WHERE p < 0.6 ORDER BY id`,
    `INSERT INTO lead_stage_changes (lead_id, event, reason, occurred_at)
       SELECT id, 'REJECTED', (ARRAY['NO_BUDGET','TIMING','BAD_FIT'])[1 + (id % 3)], created_at + p * interval '10 days' + interval '2 days' FROM bench_lead WHERE p < 0.6 AND q < 0.2 ORDER BY id`,
    `INSERT INTO lead_stage_changes (lead_id, event, occurred_at) SELECT id, 'SAL', created_at + p * interval '10 days' + interval '1 day' FROM bench_lead WHERE p < 0.45 AND q >= 0.2 ORDER BY id`,
    `INSERT INTO lead_stage_changes (lead_id, event, occurred_at) SELECT id, 'SQL', created_at + p * interval '10 days' + interval '5 days' FROM bench_lead WHERE p < 0.3 AND q >= 0.2 ORDER BY id`,
    `INSERT INTO touchpoints (external_id, lead_id, campaign_id, channel, type, occurred_at)
       SELECT 'btp-' || l.id || '-' || k, l.id, c.id, c.channel, 'WEB_VISIT', l.created_at - (k * 3) * interval '1 day'
       FROM bench_lead l CROSS JOIN generate_series(1, 5) k JOIN campaigns c ON c.external_id = 'bcmp-' || (1 + (l.id + k) % 40) ORDER BY l.id, k`,
    `INSERT INTO deals (external_id, name, amount, owner_id, account_id, created_at, stage_key)
       SELECT 'bdeal-' || l.id, 'Deal ' || l.id, round((5000 + l.q * 50000)::numeric, 2), le.owner_id, le.account_id,
              l.created_at + interval '20 days', 'QUALIFICATION'
       FROM bench_lead l JOIN leads le ON le.id = l.id WHERE l.p < 0.2 ORDER BY l.id`,
    `INSERT INTO deal_leads (deal_id, lead_id) SELECT d.id, substr(d.external_id, 7)::bigint FROM deals d WHERE d.external_id LIKE 'bdeal-%' ORDER BY d.id`,
    `INSERT INTO deal_stage_changes (deal_id, to_stage, amount, occurred_at) SELECT id, 'QUALIFICATION', amount, created_at FROM deals WHERE external_id LIKE 'bdeal-%' ORDER BY id`,
    `INSERT INTO deal_stage_changes (deal_id, to_stage, occurred_at) SELECT id, 'PROPOSAL', created_at + interval '15 days' FROM deals WHERE external_id LIKE 'bdeal-%' AND id % 3 <> 0 ORDER BY id`,
    `INSERT INTO deal_stage_changes (deal_id, to_stage, occurred_at)
       SELECT id, CASE WHEN id % 25 < 12 THEN 'WON' ELSE 'LOST' END, created_at + interval '40 days' FROM deals WHERE external_id LIKE 'bdeal-%' AND id % 4 <> 0 ORDER BY id`,
    // set-based over every row (migration SetBasedRefresh): deals first, a lead's CUSTOMER comes from its won deals
    `SELECT refresh_deals_all()`,
    `SELECT refresh_leads_all()`,
    `SET session_replication_role = DEFAULT`,
  ]);
}

/** A short label per statement for the progress bar: its verb and table. */
function labelled(statements: string[]): GenerationStep[] {
  return statements.map((sql) => {
    const m = /^\s*(INSERT INTO|SELECT (?:count\()?(refresh_\w+)|CREATE TEMP TABLE|SET|SELECT|ANALYZE)\s*(\w+)?/i.exec(
      sql,
    );
    const label = m ? (m[2] ? m[2] : `${m[1].split(' ')[0].toLowerCase()} ${m[3] ?? ''}`.trim()) : 'sql';
    return { label, sql };
  });
}

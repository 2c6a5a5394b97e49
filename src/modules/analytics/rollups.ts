import { DataSource, EntityManager } from 'typeorm';
import { TransactionRunner } from '../../db/transaction';
import { processDirtyCredit, rebuildCredit } from './attribution/attribution-credit';
import { processDirtyFunnel, rebuildFunnel } from './funnel/funnel-rollup';
import { processDirtyMarkov, rebuildMarkov } from './attribution/markov-rollup';
import { processDirtyKpi, rebuildKpi } from './kpi/kpi-rollup';

/** Every rollup with its rebuild: the one list `npm run rollups:rebuild` and the bench dataset go through. */
const ROLLUPS = [
  { table: 'attribution_credit', dirty: 'attribution_dirty', rebuild: rebuildCredit },
  { table: 'funnel_day', dirty: 'funnel_dirty', rebuild: rebuildFunnel },
  { table: 'kpi_handoff_day + kpi_deal_day', dirty: 'kpi_deal_dirty', rebuild: rebuildKpi },
  { table: 'markov_day', dirty: 'markov_dirty', rebuild: rebuildMarkov },
];

/** Whether any rollup has rows marked dirty and not yet applied (a migration that adds one marks everything). */
export async function rollupsPending(ds: DataSource): Promise<boolean> {
  const [{ dirty }] = await ds.query(
    `SELECT ${ROLLUPS.map((r) => `EXISTS (SELECT 1 FROM ${r.dirty})`).join(' OR ')} AS dirty`,
  );
  return dirty;
}

/**
 * Before every write transaction commits (a step of the service's transaction runner, container.ts): the rollups take
 * the rows its writes marked dirty.
 * The funnel's dirty leads (locked by it) are also the KPI rollup's. The MARKOV rollup comes after the credit rollup,
 * whose close days carry its converting transitions.
 */
export async function processDirtyRollups(tx: EntityManager): Promise<void> {
  await processDirtyCredit(tx);
  await processDirtyKpi(tx, await processDirtyFunnel(tx));
  await processDirtyMarkov(tx);
}

/** Rebuilds every rollup from scratch, each in its own transaction; rows and milliseconds per rollup. */
export async function rebuildRollups(ds: DataSource): Promise<{ table: string; rows: number; ms: number }[]> {
  const out = [];
  for (const r of ROLLUPS) {
    const t = Date.now();
    const rows = await new TransactionRunner(ds).run((tx) => r.rebuild(tx));
    out.push({ table: r.table, rows, ms: Date.now() - t });
  }
  return out;
}

import { DataSource, EntityManager } from 'typeorm';
import { runInTransaction } from '../../db/transaction';
import { processDirtyCredit, rebuildCredit } from './attribution/attribution-credit';
import { processDirtyFunnel, rebuildFunnel } from './funnel/funnel-rollup';
import { processDirtyMarkov, rebuildMarkov } from './attribution/markov-rollup';
import { processDirtyKpi, rebuildKpi } from './kpi/kpi-rollup';

/** Every rollup with its rebuild: the one list `npm run rollups:rebuild` and the bench dataset go through. */
const ROLLUPS = [
  { table: 'attribution_credit', rebuild: rebuildCredit },
  { table: 'funnel_day', rebuild: rebuildFunnel },
  { table: 'kpi_handoff_day + kpi_deal_day', rebuild: rebuildKpi },
  { table: 'markov_day', rebuild: rebuildMarkov },
];

/**
 * Before every write transaction commits (registered by the server): the rollups take the rows its writes marked dirty.
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
    const rows = await runInTransaction(ds, (tx) => r.rebuild(tx));
    out.push({ table: r.table, rows, ms: Date.now() - t });
  }
  return out;
}

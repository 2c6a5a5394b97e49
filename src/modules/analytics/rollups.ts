import { DataSource } from 'typeorm';
import { runInTransaction } from '../../db/transaction';
import { rebuildCredit } from './attribution/attribution-credit';
import { rebuildFunnel } from './funnel/funnel-rollup';

/** Every rollup with its rebuild: the one list `npm run rollups:rebuild` and the bench dataset go through. */
const ROLLUPS = [
  { table: 'attribution_credit', rebuild: rebuildCredit },
  { table: 'funnel_day', rebuild: rebuildFunnel },
];

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

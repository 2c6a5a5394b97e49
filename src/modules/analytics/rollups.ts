import { availableParallelism } from 'node:os';
import { DataSource, EntityManager } from 'typeorm';
import { TransactionRunner } from '../../db/transaction';
import { runScheduled } from './rebuild-schedule';
import { processDirtyCredit, rebuildCredit, refreshCreditDays } from './attribution/attribution-credit';
import { applyDirtyFunnel, processDirtyFunnel, rebuildFunnel } from './funnel/funnel-rollup';
import { applyMarkovDeltas, processDirtyMarkov, rebuildMarkov } from './attribution/markov-rollup';
import { processDirtyKpi, rebuildKpi, recomputeKpiDays } from './kpi/kpi-rollup';
import { applyClosingDeltas, processDirtyClosing, rebuildClosing } from './closing-profile/closing-rollup';

/**
 * Every rollup with its rebuild: the one list `npm run rollups:rebuild` and the bench dataset go through. `after`: the
 * rollup whose rebuilt rows this one's rebuild reads (it starts when that one has committed).
 */
const ROLLUPS: { table: string; dirty: string[]; rebuild: (tx: EntityManager) => Promise<number>; after?: string }[] = [
  // the longest first: the list's order is the schedule's priority (at a million leads MARKOV takes 40% of the time)
  { table: 'markov_day', dirty: ['markov_dirty'], rebuild: rebuildMarkov },
  { table: 'funnel_day', dirty: ['funnel_dirty'], rebuild: rebuildFunnel },
  // the funnel's dirty leads are also the KPI rollup's
  { table: 'kpi_handoff_day + kpi_deal_day', dirty: ['kpi_deal_dirty', 'funnel_dirty'], rebuild: rebuildKpi },
  // it also writes MARKOV's converting (C) rows of markov_day, from its own rows
  { table: 'attribution_credit', dirty: ['attribution_dirty'], rebuild: rebuildCredit },
  // its MQL units take their hand-offs from the KPI rollup
  {
    table: 'closing_unit + closing_day',
    dirty: ['closing_dirty', 'funnel_dirty'],
    rebuild: rebuildClosing,
    after: 'kpi_handoff_day + kpi_deal_day',
  },
];

/** Every rollup's dirty queue (the backlog /metrics reports). */
export const DIRTY_TABLES = [...new Set(ROLLUPS.flatMap((r) => r.dirty))];

/** SQL: whether any of the dirty tables has a row. */
const anyDirtySql = (tables: string[]) => tables.map((t) => `EXISTS (SELECT 1 FROM ${t})`).join(' OR ');

/** Whether any rollup has rows marked dirty and not yet applied (a migration that adds one marks everything). */
export async function rollupsPending(ds: DataSource): Promise<boolean> {
  const [{ dirty }] = await ds.query(`SELECT ${anyDirtySql(ROLLUPS.flatMap((r) => r.dirty))} AS dirty`);
  return dirty;
}

/**
 * Before every write transaction commits (a step of the service's transaction runner, container.ts): the rollups take
 * the rows its writes marked dirty.
 * The funnel's dirty leads (locked by it) are also the KPI rollup's. The closing rollup comes after the KPI rollup,
 * whose hand-offs its MQL units take. What concurrent writers share comes last: the day sums re-summed under a lock
 * per day (credit, with MARKOV's converting transitions, and KPI), then the closing_day, funnel_day and markov_day rows
 * (added to under row locks; the closing and MARKOV deltas were computed with their units, the funnel's are computed
 * here; the most contended last, so it is held the shortest).
 * Writers of random leads share most days, and each had held those locks from early in its rollups until its commit,
 * so four parallel bulk calls ran one after another: two thirds of their backends' samples were waiting on a lock,
 * 610 touches/s against 560/s on one connection.
 */
export async function processDirtyRollups(tx: EntityManager): Promise<void> {
  const creditDays = await processDirtyCredit(tx);
  const leads = await processDirtyFunnel(tx);
  const kpiDays = await processDirtyKpi(tx, leads);
  const markov = await processDirtyMarkov(tx);
  const closing = await processDirtyClosing(tx, leads);
  await refreshCreditDays(tx, creditDays);
  await recomputeKpiDays(tx, kpiDays);
  await applyClosingDeltas(tx, closing);
  await applyDirtyFunnel(tx, leads);
  await applyMarkovDeltas(tx, markov);
}

/**
 * Rebuilds the rollups from scratch, each in its own transaction — every one, or (`pendingOnly`) those with rows marked
 * dirty, as a migration that adds one leaves them; rows and milliseconds per rollup rebuilt, in the list's order.
 * Rollups that do not read each other's rows are rebuilt side by side, up to `parallel` transactions at once
 * (default: the cores, within the pool; each statement of a rebuild runs on one core: an INSERT … SELECT gets no
 * parallel workers), and one that reads another's rebuilt rows (`after`) starts when that one has committed
 * (runScheduled). At a million leads on 2 cores, in a fresh seed: about 140 s (MARKOV 65 s, funnel 88, KPI 52, credit
 * 22, closing 21, two at a time).
 */
export async function rebuildRollups(
  ds: DataSource,
  pendingOnly = false,
  parallel = Math.min(availableParallelism(), (ds.options as { poolSize?: number }).poolSize ?? 2),
): Promise<{ table: string; rows: number; ms: number }[]> {
  // which are pending, before any rebuild takes the dirty rows another shares
  const [pending] = await ds.query(`SELECT ${ROLLUPS.map((r, i) => `${anyDirtySql(r.dirty)} AS r${i}`).join(', ')}`);
  return runScheduled(
    ROLLUPS.filter((_, i) => !pendingOnly || pending[`r${i}`]).map((r) => ({
      name: r.table,
      after: r.after,
      run: async () => {
        const t = Date.now();
        const rows = await new TransactionRunner(ds).run((tx) => r.rebuild(tx));
        return { table: r.table, rows, ms: Date.now() - t };
      },
    })),
    parallel,
  );
}

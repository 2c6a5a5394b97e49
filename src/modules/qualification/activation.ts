import { logger } from '../../common/log/logger';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { activeDefinition, qualifyLeads } from './auto-mql';

/**
 * Leads per backfill transaction: each holds the row locks of the eligible ones, and the day rows of the rollups its
 * MQLs move, for one batch only (well under a second; bench/results/agreement-*.md).
 */
export const BACKFILL_BATCH = 2000;

export interface BackfillReport {
  batches: number;
  leads: number;
  qualified: number;
}

/**
 * Activation's one evaluation of every lead (definitions.md §8), in short transactions over the leads in id order:
 * each batch locks only the eligible leads it evaluates, records their MQLs, and moves the definition's cursor, so a
 * crash resumes where it stopped (resumeBackfill at start) and writes are never blocked for long. One instance works
 * on it at a time (a transaction advisory lock per batch); writes that commit meanwhile evaluate their own leads.
 */
export async function runBackfill(transactions: TransactionRunner, batch = BACKFILL_BATCH): Promise<BackfillReport> {
  const report: BackfillReport = { batches: 0, leads: 0, qualified: 0 };
  for (;;) {
    const step = await transactions.run(async (tx) => {
      const [lock] = await rows<{ ok: boolean }>(tx, `SELECT pg_try_advisory_xact_lock(1903, 1) AS ok`);
      if (!lock.ok) return null;
      const def = await activeDefinition(tx);
      if (!def) return null;
      const [state] = await rows<{ cursor: string | null }>(
        tx,
        `SELECT backfill_cursor::text AS cursor FROM qualification_definitions
         WHERE id = $1 AND backfill_done_at IS NULL FOR UPDATE`,
        [def.id],
      );
      if (!state) return null;
      const ids = await rows<{ id: string }>(
        tx,
        `SELECT id::text AS id FROM leads WHERE id > $1::bigint ORDER BY id LIMIT $2`,
        [state.cursor ?? '0', batch],
      );
      const qualified = await qualifyLeads(
        tx,
        def,
        ids.map((i) => i.id),
        new Date(),
      );
      const done = ids.length < batch;
      await tx.query(
        `UPDATE qualification_definitions SET backfill_cursor = coalesce($2::bigint, backfill_cursor),
           backfill_done_at = CASE WHEN $3 THEN now() END WHERE id = $1`,
        [def.id, ids.at(-1)?.id ?? null, done],
      );
      return { leads: ids.length, qualified: qualified.length, done };
    });
    if (!step) return report;
    report.batches++;
    report.leads += step.leads;
    report.qualified += step.qualified;
    if (step.done) return report;
  }
}

/** At start: finishes an activation's backfill a crash interrupted (nothing when none is pending). */
export function resumeBackfill(transactions: TransactionRunner): Promise<void> {
  return runBackfill(transactions).then(
    (r) => {
      if (r.batches) logger.info('qualification backfill resumed', { ...r });
    },
    (err: unknown) => logger.error('qualification backfill failed', { err }),
  );
}

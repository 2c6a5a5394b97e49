import { logger } from '../../common/log/logger';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { activeDefinition, qualifyingLeads, qualifyLeads } from './auto-mql';

/**
 * Leads per backfill transaction: it reads them without locks and locks only those that qualify (and the rollups'
 * day rows their MQLs move) for one batch (bench/results/agreement-*.md: writes meanwhile).
 */
export const BACKFILL_BATCH = 10_000;
/** Qualifying leads recorded per transaction. */
const RECORD_CHUNK = 200;

export interface BackfillReport {
  batches: number;
  leads: number;
  qualified: number;
}

/**
 * Activation's one evaluation of every lead (definitions.md §8), over the leads in id order: each batch is read
 * without row locks to find the leads that qualify; those are recorded in transactions of RECORD_CHUNK leads (locked,
 * evaluated again, MQL recorded: qualifyLeads), and then the definition's cursor moves, so a crash resumes where it
 * stopped (resumeBackfill at start; recording twice is impossible, a recorded lead is no longer eligible) and no
 * write waits long. One instance reads a batch at a time (a transaction advisory lock); writes that commit meanwhile
 * evaluate their own leads.
 */
export async function runBackfill(transactions: TransactionRunner, batch = BACKFILL_BATCH): Promise<BackfillReport> {
  const report: BackfillReport = { batches: 0, leads: 0, qualified: 0 };
  for (;;) {
    // a batch read without row locks: which of its leads qualify now
    const step = await transactions.run(async (tx) => {
      const [lock] = await rows<{ ok: boolean }>(tx, `SELECT pg_try_advisory_xact_lock(1903, 1) AS ok`);
      if (!lock.ok) return null;
      const def = await activeDefinition(tx);
      if (!def) return null;
      const [state] = await rows<{ cursor: string | null }>(
        tx,
        `SELECT backfill_cursor::text AS cursor FROM qualification_definitions WHERE id = $1 AND backfill_done_at IS NULL`,
        [def.id],
      );
      if (!state) return null;
      const ids = await rows<{ id: string }>(
        tx,
        `SELECT id::text AS id FROM leads WHERE id > $1::bigint ORDER BY id LIMIT $2`,
        [state.cursor ?? '0', batch],
      );
      const candidates = await qualifyingLeads(
        tx,
        def,
        ids.map((i) => i.id),
        new Date(),
      );
      return { def, candidates, leads: ids.length, last: ids.at(-1)?.id ?? null };
    });
    if (!step) return report;
    // those are locked, evaluated again and recorded in small transactions (each holds its leads for a moment)
    for (let i = 0; i < step.candidates.length; i += RECORD_CHUNK) {
      const chunk = step.candidates.slice(i, i + RECORD_CHUNK);
      report.qualified += await transactions.run(async (tx) => {
        const def = await activeDefinition(tx, true);
        return def?.id === step.def.id ? (await qualifyLeads(tx, def, chunk, new Date())).length : 0;
      });
    }
    const done = step.leads < batch;
    await transactions.run((tx) =>
      tx.query(
        `UPDATE qualification_definitions SET backfill_cursor = coalesce($2::bigint, backfill_cursor),
           backfill_done_at = CASE WHEN $3 THEN now() END WHERE id = $1 AND status = 'ACTIVE'`,
        [step.def.id, step.last, done],
      ),
    );
    report.batches++;
    report.leads += step.leads;
    if (done) return report;
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

import { DataSource } from 'typeorm';
import { TransactionRunner } from '../../db/transaction';

/**
 * Recomputes every deal's and lead's derived columns (stage, status, close, stage reaches, lead milestones) from their
 * logs, set-based (refresh_deals_all, then refresh_leads_all: a lead's CUSTOMER comes from its won deals), in one
 * transaction; rows whose derived columns do not change are not written. Milliseconds per step.
 */
export async function rebuildMilestones(ds: DataSource): Promise<{ deals: number; leads: number }> {
  return new TransactionRunner(ds).run(async (tx) => {
    let t = Date.now();
    await tx.query(`SELECT refresh_deals_all()`);
    const deals = Date.now() - t;
    t = Date.now();
    await tx.query(`SELECT refresh_leads_all()`);
    return { deals, leads: Date.now() - t };
  });
}

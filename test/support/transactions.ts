import { DataSource, EntityManager } from 'typeorm';

/** Every reading in `work` sees one snapshot (REPEATABLE READ): other test files write concurrently. */
export function snapshot<T>(ds: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return ds.transaction('REPEATABLE READ', work);
}

/** Runs `work` in a transaction that is then rolled back, whatever it wrote (other test files never see it). */
export async function rolledBack(ds: DataSource, work: (tx: EntityManager) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await ds.transaction(async (tx) => {
    await work(tx);
    throw rollback;
  }).catch((e) => { if (e !== rollback) throw e; });
}

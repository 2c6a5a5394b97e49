import { DataSource, EntityManager } from 'typeorm';

/**
 * Advisory lock held shared by every snapshot and exclusively while a test keeps a dirty row committed (every rollup
 * then computes on the fly), so a test file checking that the rollups answer never reads during another's pending row.
 */
const PENDING_WRITE_LOCK = 4_242_001;

/**
 * Every reading in `work` sees one snapshot (REPEATABLE READ): other test files write concurrently. The shared lock is
 * taken before the transaction, so the snapshot is never older than the lock.
 */
export async function snapshot<T>(ds: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query(`SELECT pg_advisory_lock_shared(${PENDING_WRITE_LOCK})`);
    await qr.startTransaction('REPEATABLE READ');
    try {
      const result = await work(qr.manager);
      await qr.commitTransaction();
      return result;
    } catch (e) {
      await qr.rollbackTransaction();
      throw e;
    }
  } finally {
    await qr.query(`SELECT pg_advisory_unlock_shared(${PENDING_WRITE_LOCK})`).catch(() => undefined);
    await qr.release();
  }
}

/** Runs `work`, which commits a dirty row and later applies it, while no snapshot reads. */
export async function withPendingWrite<T>(ds: DataSource, work: () => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query(`SELECT pg_advisory_lock(${PENDING_WRITE_LOCK})`);
    return await work();
  } finally {
    await qr.query(`SELECT pg_advisory_unlock(${PENDING_WRITE_LOCK})`).catch(() => undefined);
    await qr.release();
  }
}

/** Runs `work` in a transaction that is then rolled back, whatever it wrote (other test files never see it). */
export async function rolledBack(ds: DataSource, work: (tx: EntityManager) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await ds
    .transaction(async (tx) => {
      await work(tx);
      throw rollback;
    })
    .catch((e) => {
      if (e !== rollback) throw e;
    });
}

import { DataSource, EntityManager } from 'typeorm';
import { currentScope } from '../common/request/request-scope';

const RETRYABLE = new Set(['40001', '40P01']);
/**
 * Attempts of a write that meets a deadlock or serialization failure. Three with 10-50 ms between them were not
 * always enough: five bulk calls writing the same units at once (an account's industry, its leads, their deals) met the
 * same cycle again on each of a call's three attempts in one CI run, and the call failed as a retryable CONFLICT.
 */
const MAX_ATTEMPTS = 5;

function sqlState(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}

/** A serialization failure or deadlock: the transaction is worth running again from the start (run() does, up to 5 times). */
export const isRetryableConflict = (err: unknown): boolean => RETRYABLE.has(sqlState(err) ?? '');

/** Who is writing, for the audit triggers: transaction-local settings, gone at commit (safe with a pool). */
async function setActor(tx: EntityManager): Promise<void> {
  const s = currentScope();
  if (!s?.actor) return;
  await tx.query(
    `SELECT set_config('app.actor', $1, true), set_config('app.actor_role', $2, true), set_config('app.request_id', $3, true), set_config('app.idempotency_key', $4, true)`,
    [s.actor.sub, s.actor.role, s.requestId, s.idempotencyKey ?? ''],
  );
}

/** Work a write transaction does last, before it commits (the rollups kept current in the writing transaction). */
export type BeforeCommit = (tx: EntityManager) => Promise<void>;

/**
 * Runs write transactions: READ COMMITTED, the actor set for the audit log first, the before-commit steps it was built
 * with last; retried (up to 5 attempts, with exponential backoff and full jitter, so the writers in a cycle do not meet again in step) on serialization failure or deadlock. The composition root
 * (container.ts) builds the service's one runner with its steps and hands it to everything that writes, so a script
 * writing through the services does exactly what the API does; a runner built here with no steps does only the work.
 */
export class TransactionRunner {
  constructor(
    readonly ds: DataSource,
    private readonly beforeCommit: readonly BeforeCommit[] = [],
  ) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ds.transaction(async (tx) => {
          await setActor(tx);
          const result = await work(tx);
          for (const step of this.beforeCommit) await step(tx);
          return result;
        });
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(err)) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt)); // up to 50, 100, 200, 400 ms
      }
    }
  }
}

import { DataSource, EntityManager } from 'typeorm';
import { currentScope } from '../common/request/request-scope';

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

function sqlState(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}

/** A serialization failure or deadlock: the transaction is worth running again from the start (run() does, 3 times). */
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
 * with last; retried (at most 3 times, with jitter) on serialization failure or deadlock. The composition root
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
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
      }
    }
  }
}

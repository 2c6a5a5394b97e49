import { EntityManager } from 'typeorm';
import { AppError } from '../errors/app-error';
import { fromDbFault, fromPgError } from '../errors/pg-error';
import { findUnstorableText } from '../validation/checks';
import { Viewer } from '../auth/viewer';
import { BulkItemResult, BulkOutcome, BulkResult, ItemError } from './bulk.types';
import { isRetryableConflict, TransactionRunner } from '../../db/transaction';

export const MAX_BULK_ITEMS = 500;

/** What a write step can see: the transaction, the caller, one clock, and the records whose milestones it moved. */
export interface WriteContext {
  tx: EntityManager;
  viewer: Viewer;
  now: Date;
  touchedLeads: Set<string>;
  touchedDeals: Set<string>;
}

export interface Written {
  id: string;
  created: boolean;
  /** Whether anything was written: false when the item equals what is stored (a re-run of the same sync). */
  changed: boolean;
}

export type Prepared<P> = { ok: true; value: P } | { ok: false; errors: ItemError[] };

/** One bulk mutation: validation and reference lookups batched in prepare, then one write per item. */
export interface BulkSpec<I, P> {
  /** The key an upsert is matched on; two items with one key in a call both fail as DUPLICATE_IN_REQUEST. */
  key(item: I): string;
  externalId(item: I): string | null;
  prepare(items: I[], ctx: WriteContext): Promise<Prepared<P>[]>;
  write(value: P, ctx: WriteContext): Promise<Written>;
  /** Optional set-based fast path for many valid items; on a database error the runner falls back to write(). */
  writeMany?(values: P[], ctx: WriteContext): Promise<Written[]>;
  /** Recompute derived state (milestones) of what the call touched, inside the same transaction. */
  finish?(ctx: WriteContext): Promise<void>;
}

export const itemError = (e: AppError): ItemError => ({ code: e.code, message: e.message, field: e.field ?? null });

/** Converts an error thrown by a write into item errors; rethrows what is not the client's fault. */
export function toItemErrors(err: unknown): ItemError[] {
  if (err instanceof AppError) return [itemError(err)];
  const mapped = fromPgError(err);
  if (mapped) return [itemError(mapped)];
  throw err;
}

class RollbackAll extends Error {}

/**
 * Runs a bulk mutation in one transaction with a savepoint per item, reporting one result per item in input order.
 * allOrNone: any failed item rolls everything back and every other item reports ROLLED_BACK.
 */
export async function runBulk<I, P>(
  transactions: TransactionRunner,
  viewer: Viewer,
  items: I[],
  allOrNone: boolean,
  spec: BulkSpec<I, P>,
): Promise<BulkResult> {
  if (items.length > MAX_BULK_ITEMS) {
    throw new AppError('BAD_USER_INPUT', `At most ${MAX_BULK_ITEMS} items per call (got ${items.length})`, {
      field: 'input',
    });
  }
  const counts = new Map<string, number>();
  for (const item of items) counts.set(spec.key(item), (counts.get(spec.key(item)) ?? 0) + 1);
  const isDuplicate = (item: I) => counts.get(spec.key(item))! > 1;
  const fresh = (): BulkItemResult[] =>
    items.map((item, index) => ({
      index,
      externalId: spec.externalId(item),
      id: null,
      created: false,
      outcome: BulkOutcome.FAILED,
      success: false,
      errors: isDuplicate(item)
        ? [{ code: 'DUPLICATE_IN_REQUEST', message: 'The same key appears more than once in this call', field: null }]
        : [],
    }));
  // text no lookup or column can take as given (NUL, a lone surrogate), anywhere in an item, fails that item alone,
  // with its field, before any batched lookup sees it
  const unstorable = items.map((item) => findUnstorableText(item));
  const withTextErrors = (r: BulkItemResult[]) => {
    unstorable.forEach((hit, index) => {
      if (hit && !r[index].errors.length)
        r[index].errors = [{ code: 'BAD_USER_INPUT', message: `${hit.field} ${hit.why}`, field: hit.field }];
    });
    return r;
  };
  const candidates = items
    .map((item, index) => ({ item, index }))
    .filter(({ item, index }) => !isDuplicate(item) && !unstorable[index]);
  let results = withTextErrors(fresh());

  try {
    await transactions.run(async (tx) => {
      results = withTextErrors(fresh());
      const ctx: WriteContext = { tx, viewer, now: new Date(), touchedLeads: new Set(), touchedDeals: new Set() };
      const prepared = await spec.prepare(
        candidates.map((c) => c.item),
        ctx,
      );
      const valid: { index: number; value: P }[] = [];
      prepared.forEach((p, i) => {
        const index = candidates[i].index;
        if (p.ok) valid.push({ index, value: p.value });
        else results[index].errors = p.errors;
      });
      await writeAll(spec, ctx, valid, results);
      const failed = results.some((r) => !r.success);
      if (allOrNone && failed) throw new RollbackAll();
      if (spec.finish) await spec.finish(ctx);
    });
  } catch (err) {
    if (!(err instanceof RollbackAll)) throw err;
    for (const r of results) {
      if (!r.success) continue;
      Object.assign(r, { id: null, created: false, outcome: BulkOutcome.FAILED, success: false });
      r.errors = [
        { code: 'ROLLED_BACK', message: 'Not written: another item failed and allOrNone is true', field: null },
      ];
    }
  }
  const successCount = results.filter((r) => r.success).length;
  return { results, successCount, errorCount: results.length - successCount };
}

/**
 * Rolls back to a savepoint after a failed write. When the connection itself is gone (the backend was killed, the
 * server restarts), the rollback fails too: the write's own error is the one that says why, so that is what is
 * thrown (a database fault, which the client sees as retryable), never the rollback's "connection reset".
 */
async function rollbackTo(ctx: WriteContext, savepoint: string, cause: unknown): Promise<void> {
  try {
    await ctx.tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
  } catch (rollbackError) {
    throw fromDbFault(cause) ? cause : rollbackError;
  }
}

const succeeded = (w: Written) => ({
  id: w.id,
  created: w.created,
  outcome: w.created ? BulkOutcome.CREATED : w.changed ? BulkOutcome.UPDATED : BulkOutcome.UNCHANGED,
  success: true,
});

async function writeAll<I, P>(
  spec: BulkSpec<I, P>,
  ctx: WriteContext,
  valid: { index: number; value: P }[],
  results: BulkItemResult[],
): Promise<void> {
  if (spec.writeMany && valid.length > 1) {
    await ctx.tx.query('SAVEPOINT bulk_many');
    try {
      const written = await spec.writeMany(
        valid.map((v) => v.value),
        ctx,
      );
      await ctx.tx.query('RELEASE SAVEPOINT bulk_many');
      written.forEach((w, i) => Object.assign(results[valid[i].index], succeeded(w)));
      return;
    } catch (err) {
      await rollbackTo(ctx, 'bulk_many', err);
      // a deadlock or serialization failure reruns the whole call (the transaction runner): written again one by one in this
      // transaction, every item met the other transaction's locks again and failed as CONFLICT
      if (isRetryableConflict(err) || (!(err instanceof AppError) && !fromPgError(err))) throw err;
      ctx.touchedLeads.clear();
      ctx.touchedDeals.clear();
    }
  }
  for (const { index, value } of valid) {
    await ctx.tx.query('SAVEPOINT bulk_item');
    try {
      const w = await spec.write(value, ctx);
      await ctx.tx.query('RELEASE SAVEPOINT bulk_item');
      Object.assign(results[index], succeeded(w));
    } catch (err) {
      await rollbackTo(ctx, 'bulk_item', err);
      if (isRetryableConflict(err)) throw err;
      results[index].errors = toItemErrors(err);
    }
  }
}

/** Validates/maps each item; an AppError thrown for an item becomes that item's error. */
export function prepareEach<I, P>(items: I[], fn: (item: I) => P): Prepared<P>[] {
  return items.map((item) => {
    try {
      return { ok: true as const, value: fn(item) };
    } catch (e) {
      if (e instanceof AppError) return { ok: false as const, errors: [itemError(e)] };
      throw e;
    }
  });
}

import { DataSource } from 'typeorm';
import { rows } from '../../db/sql';

export const RETENTION = '24 hours';
/** How long a claimed key is held for a request that never reports back (a crash): then a retry may run it again. */
export const LEASE_SECONDS = 60;

export interface StoredKey {
  status: 'IN_PROGRESS' | 'DONE';
  request_hash: string;
  http_status: number | null;
  response: Record<string, unknown> | null;
}

/**
 * Claims (principal, key) for a request: a new key, one older than the retention, or a lapsed claim of the same
 * request. One autocommitted statement, so of concurrent claims exactly one wins. Returns the existing row otherwise.
 */
export async function claimKey(
  ds: DataSource,
  principal: string,
  key: string,
  hash: string,
  now: Date = new Date(),
): Promise<{ claimed: true } | { claimed: false; stored: StoredKey | null }> {
  // the service's clock, not the database's: leases and retention move with it (tests advance it instead of sleeping)
  const won = await rows(
    ds,
    `
    INSERT INTO idempotency_keys AS k (principal, key, request_hash, status, locked_until, created_at)
    VALUES ($1, $2, $3, 'IN_PROGRESS', $5::timestamptz + make_interval(secs => $4), $5::timestamptz)
    ON CONFLICT (principal, key) DO UPDATE
      SET request_hash = EXCLUDED.request_hash, status = 'IN_PROGRESS', response = NULL, http_status = NULL,
          locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at
      WHERE k.created_at < $5::timestamptz - interval '${RETENTION}'
         OR (k.status = 'IN_PROGRESS' AND k.locked_until < $5::timestamptz AND k.request_hash = EXCLUDED.request_hash)
    RETURNING 1`,
    [principal, key, hash, LEASE_SECONDS, now],
  );
  if (won.length) return { claimed: true };
  const stored = await rows<StoredKey>(
    ds,
    `SELECT status, request_hash, http_status, response FROM idempotency_keys WHERE principal = $1 AND key = $2`,
    [principal, key],
  );
  return { claimed: false, stored: stored[0] ?? null };
}

export async function completeKey(
  ds: DataSource,
  principal: string,
  key: string,
  httpStatus: number,
  response: unknown,
): Promise<void> {
  await rows(
    ds,
    `UPDATE idempotency_keys SET status = 'DONE', http_status = $3, response = $4 WHERE principal = $1 AND key = $2`,
    [principal, key, httpStatus, JSON.stringify(response)],
  );
}

/** A request refused before it did anything (bad input) keeps no key: the corrected retry may use it. */
export async function releaseKey(ds: DataSource, principal: string, key: string): Promise<void> {
  await rows(ds, `DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND status = 'IN_PROGRESS'`, [
    principal,
    key,
  ]);
}

export async function purgeExpiredKeys(ds: DataSource, now: Date = new Date()): Promise<number> {
  return (
    await rows(
      ds,
      `DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz - interval '${RETENTION}' RETURNING 1`,
      [now],
    )
  ).length;
}

import { Queryable, exec, rows } from '../../db/sql';
import { encodeKey } from '../changes/change-stream.query';

/** A claimed delivery: everything one attempt needs. */
export interface ClaimedDelivery {
  id: string;
  attempt: number;
  url: string;
  secret: string;
  eventId: string;
  body: string;
}

interface ClaimRow {
  id: string;
  attempts: number;
  url: string;
  secret: string;
  event_id: string;
  tx: string;
  kind: 'DEAL' | 'LEAD';
  op: 'CREATED' | 'UPDATED';
  entity_id: string;
  external_id: string | null;
  version: number | null;
  occurred_at: Date;
}

/** The body every attempt of a delivery sends (the same bytes each time, so a receiver can deduplicate on them). */
const payload = (r: ClaimRow): string =>
  JSON.stringify({
    type: `${r.kind.toLowerCase()}.${r.op.toLowerCase()}`,
    timestamp: r.occurred_at.toISOString(),
    data: {
      id: r.entity_id,
      externalId: r.external_id,
      version: r.version,
      cursor: encodeKey({ tx: r.tx, id: r.event_id }),
    },
  });

/**
 * Claims up to `limit` due deliveries of enabled endpoints (SKIP LOCKED: instances never take the same one) and
 * leases them for `leaseMs`: a delivery whose instance dies mid-attempt is due again when the lease ends, so it is
 * delivered at least once. The attempt is counted when claimed.
 */
export async function claimDue(db: Queryable, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const r = await rows<ClaimRow>(
    db,
    `
    WITH due AS (
      SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND e.enabled
      ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED
    ),
    claimed AS (
      UPDATE webhook_deliveries d SET attempts = d.attempts + 1, last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => $2 / 1000.0)
      FROM due WHERE d.id = due.id
      RETURNING d.id, d.attempts, d.endpoint_id, d.event_id
    )
    SELECT c.id::text, c.attempts, e.url, e.secret, c.event_id::text, ev.tx::text, ev.kind, ev.op, ev.entity_id::text,
           ev.external_id, ev.version, ev.occurred_at
    FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id JOIN change_events ev ON ev.id = c.event_id`,
    [limit, leaseMs],
  );
  return r.map((x) => ({
    id: x.id,
    attempt: x.attempts,
    url: x.url,
    secret: x.secret,
    eventId: x.event_id,
    body: payload(x),
  }));
}

export interface AttemptOutcome {
  startedAt: Date;
  ms: number;
  status: number | null;
  error: string | null;
}

/**
 * Records an attempt and what follows: a 2xx delivers; anything else retries at `retryAt`, or, past the last attempt
 * (retryAt null), leaves the delivery DEAD until replayed.
 */
export async function finishAttempt(
  db: Queryable,
  d: ClaimedDelivery,
  o: AttemptOutcome,
  retryAt: Date | null,
): Promise<void> {
  const ok = o.status !== null && o.status >= 200 && o.status < 300;
  const error = ok ? null : (o.error ?? `HTTP ${o.status}`).slice(0, 500);
  await exec(
    db,
    `
    WITH a AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status, error)
      VALUES ($1, $2, $3, $4, $5, $6)
    )
    UPDATE webhook_deliveries SET last_status = $5, last_error = $6,
      status = CASE WHEN $7 THEN 'DELIVERED' WHEN $8::timestamptz IS NULL THEN 'DEAD' ELSE 'PENDING' END,
      delivered_at = CASE WHEN $7 THEN now() END,
      next_attempt_at = coalesce($8::timestamptz, next_attempt_at)
    WHERE id = $1 AND attempts = $2`,
    [d.id, d.attempt, o.startedAt, o.ms, o.status, error, ok, ok ? null : retryAt],
  );
}

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
  delivery: ClaimedDelivery;
  startedAt: Date;
  ms: number;
  status: number | null;
  error: string | null;
  /** When to try again; null after a success, or after the last attempt (the delivery is then DEAD). */
  retryAt: Date | null;
}

export const succeeded = (o: Pick<AttemptOutcome, 'status'>): boolean =>
  o.status !== null && o.status >= 200 && o.status < 300;

/**
 * Records a batch of attempts in one statement, and what follows each: a 2xx delivers; anything else retries at its
 * retryAt, or, past the last attempt, leaves the delivery DEAD until replayed. An outcome whose claim was taken over
 * (its lease ran out and another instance claimed it again) is logged as an attempt but decides nothing.
 */
export async function finishAttempts(db: Queryable, outcomes: AttemptOutcome[]): Promise<void> {
  if (!outcomes.length) return;
  const col = <T>(f: (o: AttemptOutcome) => T) => outcomes.map(f);
  await exec(
    db,
    `
    WITH o AS (
      SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::bool[], $8::timestamptz[])
        AS o(id, attempt, started_at, ms, status, error, ok, retry_at)
    ),
    a AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status, error)
      SELECT id, attempt, started_at, ms, status, error FROM o
    )
    UPDATE webhook_deliveries d SET last_status = o.status, last_error = o.error,
      status = CASE WHEN o.ok THEN 'DELIVERED' WHEN o.retry_at IS NULL THEN 'DEAD' ELSE 'PENDING' END,
      delivered_at = CASE WHEN o.ok THEN now() END,
      next_attempt_at = coalesce(o.retry_at, d.next_attempt_at)
    FROM o WHERE d.id = o.id AND d.attempts = o.attempt`,
    [
      col((o) => o.delivery.id),
      col((o) => o.delivery.attempt),
      col((o) => o.startedAt),
      col((o) => Math.round(o.ms)),
      col((o) => o.status),
      col((o) => (succeeded(o) ? null : (o.error ?? `HTTP ${o.status}`).slice(0, 500))),
      col((o) => succeeded(o)),
      col((o) => (succeeded(o) ? null : o.retryAt)),
    ],
  );
}

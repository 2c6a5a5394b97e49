import { AppError, badInput } from '../../common/errors/app-error';
import { Queryable, rows } from '../../db/sql';

export type ChangeKind = 'DEAL' | 'LEAD';

/** A position in the change stream: the writing transaction's id (xid8, as text) and the event's id. */
export interface StreamKey {
  tx: string;
  id: string;
}

/** One committed change, as the outbox holds it. */
export interface ChangeEvent {
  key: StreamKey;
  kind: ChangeKind;
  /** The deal's or lead's id. */
  id: string;
  externalId: string | null;
  version: number | null;
  op: 'CREATED' | 'UPDATED';
  occurredAt: Date;
}

const BATCH = 500;

/** The opaque cursor of a position (what a subscriber passes back as `after`). */
export const encodeKey = (k: StreamKey): string => Buffer.from(`${k.tx}.${k.id}`, 'utf8').toString('base64url');

export function decodeKey(cursor: string, field = 'after'): StreamKey {
  const m =
    cursor.length <= 64 ? /^(\d{1,20})\.(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  if (!m || BigInt(m[1]) >= 2n ** 64n || BigInt(m[2]) >= 2n ** 63n)
    throw badInput('Not a change cursor this API gave out', field);
  return { tx: m[1], id: m[2] };
}

export const keyAfter = (a: StreamKey, b: StreamKey): boolean =>
  BigInt(a.tx) > BigInt(b.tx) || (a.tx === b.tx && BigInt(a.id) > BigInt(b.id));

interface Row {
  id: string;
  tx: string;
  kind: ChangeKind;
  entity_id: string;
  external_id: string | null;
  version: number | null;
  op: 'CREATED' | 'UPDATED';
  occurred_at: Date;
}

const toEvent = (r: Row): ChangeEvent => ({
  key: { tx: r.tx, id: r.id },
  kind: r.kind,
  id: r.entity_id,
  externalId: r.external_id,
  version: r.version,
  op: r.op,
  occurredAt: r.occurred_at,
});

/**
 * The next events after `after` (the start when null) that are final: written by transactions older than every one
 * still running, so nothing can appear before them later. In stream order; at most one batch; kinds filter.
 */
export async function finalEventsAfter(
  db: Queryable,
  after: StreamKey | null,
  kinds: ChangeKind[] = ['DEAL', 'LEAD'],
): Promise<ChangeEvent[]> {
  const r = await rows<Row>(
    db,
    `SELECT id::text, tx::text, kind, entity_id::text, external_id, version, op, occurred_at FROM change_events
     WHERE ($1::xid8 IS NULL OR (tx, id) > ($1::xid8, $2::bigint)) AND tx < pg_snapshot_xmin(pg_current_snapshot())
       AND kind = ANY($3::text[])
     ORDER BY tx, id LIMIT ${BATCH}`,
    [after?.tx ?? null, after?.id ?? null, kinds],
  );
  return r.map(toEvent);
}

export const isFullBatch = (events: unknown[]): boolean => events.length >= BATCH;

/**
 * The ids of the events after `after` that are committed now but not final yet (held back behind an older running
 * transaction): changes committed before a live subscriber arrived, which it is not to be sent.
 */
export async function committedAfter(db: Queryable, after: StreamKey | null): Promise<Set<string>> {
  const r = await rows<{ id: string }>(
    db,
    `SELECT id::text FROM change_events WHERE $1::xid8 IS NULL OR (tx, id) > ($1::xid8, $2::bigint)`,
    [after?.tx ?? null, after?.id ?? null],
  );
  return new Set(r.map((x) => x.id));
}

/** The last final position now: where a reader that wants only what comes next starts. */
export async function currentFinalKey(db: Queryable): Promise<StreamKey | null> {
  const [r] = await rows<{ tx: string; id: string }>(
    db,
    `SELECT tx::text, id::text FROM change_events WHERE tx < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY tx DESC, id DESC LIMIT 1`,
  );
  return r ?? null;
}

/** CURSOR_EXPIRED when retention has purged events after the cursor's position (resuming would skip them). */
export async function checkNotExpired(db: Queryable, key: StreamKey, field = 'after'): Promise<void> {
  const [purged] = await rows<{ tx: string; id: string }>(db, `SELECT tx::text, id::text FROM change_events_purged`);
  if (purged && !keyAfter(key, purged))
    throw new AppError(
      'BAD_USER_INPUT',
      'This cursor is older than the change retention: resume from a fresh subscription and re-read the current state',
      { field, details: { reason: 'CURSOR_EXPIRED' } },
    );
}

/**
 * Retention: drops events older than `days` that no pending webhook delivery needs, and delivered or dead deliveries
 * older than `deliveryDays`; records how far the stream was purged. Returns the events purged.
 */
export async function purgeChanges(db: Queryable, days: number, deliveryDays: number): Promise<number> {
  await rows(
    db,
    `DELETE FROM webhook_deliveries WHERE status <> 'PENDING' AND created_at < now() - make_interval(days => $1)`,
    [deliveryDays],
  );
  const gone = await rows<{ tx: string; id: string }>(
    db,
    `DELETE FROM change_events e WHERE e.occurred_at < now() - make_interval(days => $1)
       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
     RETURNING tx::text, id::text`,
    [days],
  );
  if (!gone.length) return 0;
  const last = gone.reduce((a, b) => (keyAfter(b, a) ? b : a));
  await rows(
    db,
    `INSERT INTO change_events_purged (tx, id) VALUES ($1::xid8, $2::bigint)
     ON CONFLICT (one) DO UPDATE SET tx = EXCLUDED.tx, id = EXCLUDED.id
       WHERE (change_events_purged.tx, change_events_purged.id) < (EXCLUDED.tx, EXCLUDED.id)`,
    [last.tx, last.id],
  );
  return gone.length;
}

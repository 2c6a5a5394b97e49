import { Queryable, rows } from '../../db/sql';
import { PageWindow, SortSpec, Where, windowSql } from '../../common/graphql/keyset';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.types';

export const ENDPOINT_COLUMNS = `e.id::text AS id, e.url, e.description, e.events, e.enabled, e.created_at AS "createdAt",
  e.updated_at AS "updatedAt"`;

export const endpoints = (db: Queryable, ids?: string[]): Promise<WebhookEndpoint[]> =>
  rows<WebhookEndpoint>(
    db,
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE $1::bigint[] IS NULL OR e.id = ANY($1::bigint[]) ORDER BY e.id`,
    [ids ?? null],
  );

export const DELIVERY_SORT: SortSpec = { expr: 'd.id', cast: 'bigint', direction: 'DESC', idExpr: 'd.id' };

const DELIVERY_COLUMNS = `d.id::text AS id, d.endpoint_id::text AS "endpointId", 'evt_' || d.event_id AS "webhookId",
  lower(ev.kind) || '.' || lower(ev.op) AS type, ev.entity_id::text AS "recordId", d.status, d.attempts,
  d.next_attempt_at AS "nextAttemptAt", d.last_status AS "lastStatus", d.last_error AS "lastError",
  d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"`;

export interface DeliveryFilter {
  endpointId: string | null;
  status: WebhookDeliveryStatus | null;
}

function deliveryWhere(f: DeliveryFilter): Where {
  const w = new Where();
  if (f.endpointId) w.add(`d.endpoint_id = ${w.param(f.endpointId)}::bigint`);
  if (f.status) w.add(`d.status = ${w.param(f.status)}`);
  return w;
}

/** The delivery log, newest first. */
export async function listDeliveries(
  db: Queryable,
  f: DeliveryFilter,
  win: PageWindow,
): Promise<(WebhookDelivery & { sortKey: string })[]> {
  const w = deliveryWhere(f);
  const tail = windowSql(w, DELIVERY_SORT, win);
  return rows(
    db,
    `SELECT ${DELIVERY_COLUMNS}, d.id::text AS "sortKey" FROM webhook_deliveries d JOIN change_events ev ON ev.id = d.event_id
     ${w.sql()} ${tail}`,
    w.params,
  );
}

export async function countDeliveries(db: Queryable, f: DeliveryFilter): Promise<number> {
  const w = deliveryWhere(f);
  const [r] = await rows<{ n: string }>(db, `SELECT count(*) AS n FROM webhook_deliveries d ${w.sql()}`, w.params);
  return Number(r.n);
}

/** Attempts of many deliveries, in order (the delivery log's attemptLog, one statement per page). */
export async function attemptsByDeliveryIds(
  db: Queryable,
  ids: readonly string[],
): Promise<(WebhookAttempt & { deliveryId: string })[]> {
  return rows(
    db,
    `SELECT delivery_id::text AS "deliveryId", attempt, started_at AS "startedAt", duration_ms AS "durationMs", status, error
     FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt, id`,
    [ids],
  );
}

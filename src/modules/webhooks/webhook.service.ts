import { Viewer } from '../../common/auth/viewer';
import { badInput, notFound } from '../../common/errors/app-error';
import { dbId } from '../../common/graphql/ids';
import { checkText, has } from '../../common/validation/checks';
import { exec, rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { ENDPOINT_COLUMNS } from './webhook.repository';
import { newSecret } from './webhook.signing';
import { checkWebhookUrl } from './webhook-target';
import {
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookEventKind,
} from './webhook.types';

const MAX_ENDPOINTS = 50;

function checkEvents(events: WebhookEventKind[] | null | undefined, field = 'events'): WebhookEventKind[] {
  if (!events?.length) throw badInput('events must name at least one kind', field);
  return [...new Set(events)];
}

const endpointId = (id: string) => {
  const key = dbId(id);
  if (!key) throw notFound('WebhookEndpoint', id, 'id');
  return key;
};

/** Creates an endpoint with a fresh secret (returned once). Audited, like every change of an endpoint. */
export async function createEndpoint(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: WebhookEndpointInput,
  allowPrivate: boolean,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  checkWebhookUrl(input.url, allowPrivate);
  const events = checkEvents(input.events);
  checkText(input.description, 'description', 500);
  const secret = newSecret();
  return transactions.run(async (tx) => {
    const [{ n }] = await rows<{ n: number }>(tx, `SELECT count(*)::int AS n FROM webhook_endpoints`);
    if (n >= MAX_ENDPOINTS) throw badInput(`At most ${MAX_ENDPOINTS} webhook endpoints`, 'url');
    const [endpoint] = await rows<WebhookEndpoint>(
      tx,
      `INSERT INTO webhook_endpoints AS e (url, description, events, secret, enabled, created_by)
       VALUES ($1, $2, $3::text[], $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [input.url, input.description ?? null, events, secret, input.enabled ?? true, viewer.sub],
    );
    return { endpoint, secret };
  });
}

/** Changes an endpoint's URL, kinds, description or state; left-out fields stay. */
export async function updateEndpoint(
  transactions: TransactionRunner,
  id: string,
  patch: WebhookEndpointPatch,
  allowPrivate: boolean,
): Promise<WebhookEndpoint> {
  const key = endpointId(id);
  if (patch.url != null) checkWebhookUrl(patch.url, allowPrivate);
  if (has(patch, 'url') && patch.url === null) throw badInput('url cannot be cleared', 'url');
  if (has(patch, 'events')) checkEvents(patch.events);
  if (has(patch, 'enabled') && patch.enabled === null) throw badInput('enabled cannot be cleared', 'enabled');
  checkText(patch.description, 'description', 500);
  return transactions.run(async (tx) => {
    const [endpoint] = await rows<WebhookEndpoint>(
      tx,
      `UPDATE webhook_endpoints e SET url = coalesce($2, e.url), events = coalesce($3::text[], e.events),
         description = CASE WHEN $4 THEN $5 ELSE e.description END, enabled = coalesce($6, e.enabled),
         version = e.version + 1
       WHERE e.id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        key,
        patch.url ?? null,
        patch.events ? checkEvents(patch.events) : null,
        has(patch, 'description'),
        patch.description ?? null,
        patch.enabled ?? null,
      ],
    );
    if (!endpoint) throw notFound('WebhookEndpoint', id, 'id');
    return endpoint;
  });
}

/** Deletes an endpoint and its delivery log. */
export async function deleteEndpoint(transactions: TransactionRunner, id: string): Promise<boolean> {
  const key = endpointId(id);
  return transactions.run(async (tx) => {
    const r = await exec(tx, `DELETE FROM webhook_endpoints WHERE id = $1`, [key]);
    if (!r.count) throw notFound('WebhookEndpoint', id, 'id');
    return true;
  });
}

/** A new secret for an endpoint (the old one stops working at once); returned once. */
export async function rotateSecret(
  transactions: TransactionRunner,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const key = endpointId(id);
  const secret = newSecret();
  return transactions.run(async (tx) => {
    const [endpoint] = await rows<WebhookEndpoint>(
      tx,
      `UPDATE webhook_endpoints e SET secret = $2, version = e.version + 1 WHERE e.id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [key, secret],
    );
    if (!endpoint) throw notFound('WebhookEndpoint', id, 'id');
    return { endpoint, secret };
  });
}

/**
 * Sends deliveries again from their first attempt: the given ones, or every one of an endpoint in a status (DEAD by
 * default). Delivered ones may be replayed too (a receiver that lost data). Wakes the dispatchers. Returns how many.
 */
export async function replayDeliveries(
  transactions: TransactionRunner,
  ids: string[] | null | undefined,
  endpoint: string | null | undefined,
  status: WebhookDeliveryStatus,
): Promise<number> {
  if (!ids?.length && !endpoint) throw badInput('Name deliveries (ids) or an endpoint (endpointId)', 'ids');
  const keys = ids?.map((x) => dbId(x) ?? '0') ?? null;
  const ep = endpoint ? endpointId(endpoint) : null;
  return transactions.run(async (tx) => {
    const r = await exec(
      tx,
      `UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = now(), delivered_at = NULL
       WHERE ($1::bigint[] IS NULL OR id = ANY($1::bigint[])) AND ($2::bigint IS NULL OR endpoint_id = $2)
         AND ($1::bigint[] IS NOT NULL OR status = $3) AND status <> 'PENDING'`,
      [keys, ep, status],
    );
    await tx.query(`SELECT pg_notify('funnel_changes', '')`);
    return r.count;
  });
}

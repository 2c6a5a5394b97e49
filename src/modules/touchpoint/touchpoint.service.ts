import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, WriteContext, Written, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { checkExternalId, checkInstant } from '../../common/validation/checks';
import { rows } from '../../db/sql';
import { TouchpointInput } from './touchpoint.inputs';
import { TransactionRunner } from '../../db/transaction';

interface TouchpointWrite {
  externalId: string;
  leadId: string;
  campaignId: string;
  type: string;
  occurredAt: Date;
}

/** Upserts touchpoints by external id in one statement; the channel is the campaign's. */
async function upsertTouchpoints(values: TouchpointWrite[], ctx: WriteContext): Promise<Written[]> {
  const written = await rows<{ id: string; externalId: string; created: boolean }>(
    ctx.tx,
    `
    INSERT INTO touchpoints AS t (external_id, lead_id, campaign_id, channel, type, occurred_at)
    SELECT v.external_id, v.lead_id, v.campaign_id, c.channel, v.type, v.occurred_at
    FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[])
         AS v(external_id, lead_id, campaign_id, type, occurred_at)
    JOIN campaigns c ON c.id = v.campaign_id
    ON CONFLICT (external_id) DO UPDATE SET lead_id = EXCLUDED.lead_id, campaign_id = EXCLUDED.campaign_id,
      channel = EXCLUDED.channel, type = EXCLUDED.type, occurred_at = EXCLUDED.occurred_at, recorded_at = now()
      WHERE (t.lead_id, t.campaign_id, t.type, t.occurred_at) IS DISTINCT FROM
            (EXCLUDED.lead_id, EXCLUDED.campaign_id, EXCLUDED.type, EXCLUDED.occurred_at)
    RETURNING t.id::text AS id, t.external_id AS "externalId", (xmax = 0) AS created`,
    [
      values.map((v) => v.externalId),
      values.map((v) => v.leadId),
      values.map((v) => v.campaignId),
      values.map((v) => v.type),
      values.map((v) => v.occurredAt),
    ],
  );
  const byExt = new Map<string, Written>(written.map((w) => [w.externalId, { ...w, changed: true }]));
  const unchanged = values.filter((v) => !byExt.has(v.externalId)).map((v) => v.externalId);
  if (unchanged.length) {
    const ids = await idsByExternalId(ctx.tx, 'touchpoints', unchanged);
    for (const [ext, id] of ids) byExt.set(ext, { id, created: false, changed: false });
  }
  return values.map((v) => {
    const w = byExt.get(v.externalId)!;
    return { id: w.id, created: w.created, changed: w.changed };
  });
}

const spec: BulkSpec<TouchpointInput, TouchpointWrite> = {
  key: (t) => t.externalId,
  externalId: (t) => t.externalId,
  async prepare(items, ctx) {
    const leads = await idsByExternalId(
      ctx.tx,
      'leads',
      items.map((t) => t.leadExternalId),
    );
    const campaigns = await idsByExternalId(
      ctx.tx,
      'campaigns',
      items.map((t) => t.campaignExternalId),
    );
    return prepareEach(items, (t) => {
      checkExternalId(t.externalId);
      checkInstant(t.occurredAt, 'occurredAt', ctx.now);
      return {
        externalId: t.externalId,
        leadId: resolveRef(leads, t.leadExternalId, 'Lead', 'leadExternalId')!,
        campaignId: resolveRef(campaigns, t.campaignExternalId, 'Campaign', 'campaignExternalId')!,
        type: t.type,
        occurredAt: t.occurredAt,
      };
    });
  },
  write: async (v, ctx) => (await upsertTouchpoints([v], ctx))[0],
  writeMany: upsertTouchpoints,
};

export const recordTouchpoints = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: TouchpointInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, spec);

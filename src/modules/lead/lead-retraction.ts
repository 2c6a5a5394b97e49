import { Field, InputType } from 'type-graphql';
import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { AppError, badInput } from '../../common/errors/app-error';
import { LeadEvent } from '../../common/graphql/enums';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { bumpLeadVersions, refreshLeads } from './lead.write';

@InputType({ description: 'One recorded hand-off event of a lead, named by its natural key (lead, event, instant).' })
export class LeadStageChangeKeyInput {
  @Field({ description: 'The externalId of the lead whose history holds the entry.' }) leadExternalId: string;
  @Field(() => LeadEvent, { description: 'The event of the entry.' }) event: LeadEvent;
  @Field({ description: 'The instant of the entry, exactly as recorded.' }) occurredAt: Date;
}

interface Retraction {
  leadId: string;
  key: LeadStageChangeKeyInput;
}

/**
 * Deletes one wrongly recorded hand-off event (audited by the log's trigger). The LEAD entry is the lead's createdAt
 * and cannot be retracted. Stage, status and milestones are recomputed in the same transaction (rollups follow).
 */
const retractionSpec: BulkSpec<LeadStageChangeKeyInput, Retraction> = {
  key: (k) => `${k.leadExternalId}|${k.event}|${k.occurredAt?.toISOString?.() ?? ''}`,
  externalId: (k) => k.leadExternalId,
  async prepare(items, ctx) {
    const leads = await idsByExternalId(
      ctx.tx,
      'leads',
      items.map((k) => k.leadExternalId),
    );
    return prepareEach(items, (k) => {
      if (k.event === LeadEvent.LEAD)
        throw badInput("The LEAD entry is the lead's creation: change createdAt with upsertLeads instead", 'event');
      return { leadId: resolveRef(leads, k.leadExternalId, 'Lead', 'leadExternalId')!, key: k };
    });
  },
  async write({ leadId, key }, ctx) {
    const deleted = await rows(
      ctx.tx,
      `DELETE FROM lead_stage_changes WHERE lead_id = $1 AND event = $2 AND occurred_at = $3 RETURNING id`,
      [leadId, key.event, key.occurredAt],
    );
    if (!deleted.length)
      throw new AppError(
        'NOT_FOUND',
        `No ${key.event} event of lead ${JSON.stringify(key.leadExternalId)} at that instant`,
        {
          field: 'occurredAt',
          details: { entity: 'LeadStageChange' },
        },
      );
    await bumpLeadVersions(ctx.tx, [leadId]);
    ctx.touchedLeads.add(leadId);
    return { id: leadId, created: false, changed: true };
  },
  finish: (ctx) => refreshLeads(ctx.tx, ctx.touchedLeads),
};

export const retractLeadStageChanges = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: LeadStageChangeKeyInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, retractionSpec);

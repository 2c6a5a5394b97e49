import { Field, InputType } from 'type-graphql';
import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { AppError, badInput } from '../../common/errors/app-error';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { checkCanChange, dealOwnership, lockDealOwners } from './deal-ownership';
import { bumpDealVersion, refreshDealsAndLeads } from './deal.write';

@InputType({ description: 'One recorded deal stage change, named by its natural key (deal, stage, instant).' })
export class DealStageChangeKeyInput {
  @Field({ description: 'The externalId of the deal whose history holds the entry.' }) dealExternalId: string;
  @Field({ description: 'The pipeline stage key the entry moved the deal into.' }) stage: string;
  @Field({ description: 'The instant of the entry, exactly as recorded.' }) occurredAt: Date;
}

interface Retraction {
  dealId: string;
  key: DealStageChangeKeyInput;
}

const notRecorded = (k: DealStageChangeKeyInput) =>
  new AppError('NOT_FOUND', `No ${k.stage} change of deal ${JSON.stringify(k.dealExternalId)} at that instant`, {
    field: 'occurredAt',
    details: { entity: 'DealStageChange' },
  });

/**
 * Deletes one wrongly recorded stage change (audited by the log's trigger as a DELETE with the caller). The deal's
 * creation entry cannot be retracted: it is the deal's createdAt. The deal's stage, outcome, reaches and its leads'
 * milestones are recomputed in the same transaction, and the rollups follow them before it commits.
 */
const retractionSpec: BulkSpec<DealStageChangeKeyInput, Retraction> = {
  key: (k) => `${k.dealExternalId}|${k.stage}|${k.occurredAt?.toISOString?.() ?? ''}`,
  externalId: (k) => k.dealExternalId,
  async prepare(items, ctx) {
    const deals = await idsByExternalId(
      ctx.tx,
      'deals',
      items.map((k) => k.dealExternalId),
    );
    const ownership = await dealOwnership(ctx.tx, ctx.viewer);
    const owners = await lockDealOwners(
      ctx.tx,
      ownership,
      items.map((k) => k.dealExternalId),
    );
    return prepareEach(items, (k) => {
      checkCanChange(ownership, owners.get(k.dealExternalId), k.dealExternalId, 'dealExternalId');
      return { dealId: resolveRef(deals, k.dealExternalId, 'Deal', 'dealExternalId')!, key: k };
    });
  },
  async write({ dealId, key }, ctx) {
    const [entry] = await rows<{ id: string; first: boolean }>(
      ctx.tx,
      `
      SELECT c.id::text AS id,
             c.id = (SELECT f.id FROM deal_stage_changes f WHERE f.deal_id = $1 ORDER BY f.occurred_at, f.id LIMIT 1) AS first
      FROM deals d JOIN deal_stage_changes c ON c.deal_id = d.id
      WHERE d.id = $1 AND c.to_stage = $2 AND c.occurred_at = $3
      FOR UPDATE OF d, c`,
      [dealId, key.stage, key.occurredAt],
    );
    if (!entry) throw notRecorded(key);
    if (entry.first)
      throw badInput("The first entry is the deal's creation: change createdAt with upsertDeals instead", 'occurredAt');
    await ctx.tx.query(`DELETE FROM deal_stage_changes WHERE id = $1`, [entry.id]);
    await bumpDealVersion(ctx.tx, dealId);
    ctx.touchedDeals.add(dealId);
    return { id: dealId, created: false, changed: true };
  },
  finish: (ctx) => refreshDealsAndLeads(ctx.tx, ctx.touchedDeals, ctx.touchedLeads),
};

export const retractDealStageChanges = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: DealStageChangeKeyInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, retractionSpec);

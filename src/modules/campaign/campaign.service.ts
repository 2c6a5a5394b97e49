import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, prepareEach, runBulk, Written } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { column, requiredColumn, upsertByExternalId, upsertByNaturalKey } from '../../common/bulk/upsert';
import { badInput } from '../../common/errors/app-error';
import {
  checkAmount,
  checkDate,
  checkExternalId,
  checkInstant,
  checkKeptFields,
  checkText,
} from '../../common/validation/checks';
import { CampaignInput, CampaignSpendInput } from './campaign.inputs';
import { TransactionRunner } from '../../db/transaction';

const campaignSpec: BulkSpec<CampaignInput, CampaignInput> = {
  key: (c) => c.externalId,
  externalId: (c) => c.externalId,
  prepare: async (items) =>
    prepareEach(items, (c) => {
      checkExternalId(c.externalId);
      checkKeptFields(c, ['name', 'channel']);
      checkText(c.name, 'name', 500);
      checkDate(c.startsAt, 'startsAt');
      checkDate(c.endsAt, 'endsAt');
      if (c.startsAt && c.endsAt && c.endsAt < c.startsAt) throw badInput('endsAt is before startsAt', 'endsAt');
      checkAmount(c.budget, 'budget');
      return c;
    }),
  async write(c, ctx): Promise<Written> {
    const out = await upsertByExternalId(
      ctx.tx,
      'campaigns',
      c.externalId,
      [
        requiredColumn('name', 'text', c.name, 'name'),
        requiredColumn('channel', 'text', c.channel, 'channel'),
        column('starts_at', 'timestamptz', c.startsAt),
        column('ends_at', 'timestamptz', c.endsAt),
        column('budget', 'numeric', c.budget),
      ],
      ['channel'],
    );
    // Touchpoints carry their campaign's channel; keep them in step when it changes.
    if (!out.created && c.channel && out.before!.channel !== c.channel) {
      await ctx.tx.query(`UPDATE touchpoints SET channel = $2 WHERE campaign_id = $1`, [out.id, c.channel]);
    }
    return out;
  },
};

interface SpendWrite {
  campaignId: string;
  day: string;
  amount: number;
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

const spendSpec: BulkSpec<CampaignSpendInput, SpendWrite> = {
  key: (s) => `${s.campaignExternalId}|${Number.isFinite(s.day?.getTime?.()) ? utcDay(s.day) : 'invalid'}`,
  externalId: (s) => s.campaignExternalId,
  async prepare(items, ctx) {
    const campaigns = await idsByExternalId(
      ctx.tx,
      'campaigns',
      items.map((s) => s.campaignExternalId),
    );
    return prepareEach(items, (s) => {
      checkInstant(s.day, 'day', ctx.now);
      checkAmount(s.amount, 'amount');
      return {
        campaignId: resolveRef(campaigns, s.campaignExternalId, 'Campaign', 'campaignExternalId')!,
        day: utcDay(s.day),
        amount: s.amount,
      };
    });
  },
  write: (s, ctx) =>
    upsertByNaturalKey(
      ctx.tx,
      'campaign_spend',
      [
        { col: 'campaign_id', value: s.campaignId, cast: 'bigint' },
        { col: 'day', value: s.day, cast: 'date' },
      ],
      [{ col: 'amount', value: s.amount, cast: 'numeric' }],
    ),
};

export const upsertCampaigns = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: CampaignInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, campaignSpec);

/** Spend is one amount per campaign and UTC day: re-recording a day replaces its amount (idempotent re-sends). */
export const recordCampaignSpend = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: CampaignSpendInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, spendSpec);

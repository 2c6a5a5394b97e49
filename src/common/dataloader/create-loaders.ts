import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { accountsByIds } from '../../modules/account/account.repository';
import { Account } from '../../modules/account/account.type';
import { campaignsByIds, spendByCampaignIds } from '../../modules/campaign/campaign.repository';
import { Campaign } from '../../modules/campaign/campaign.type';
import { ACCOUNT_DEALS, dealsByIds, dealsByLeadIds, stageHistoryByDealIds } from '../../modules/deal/deal.repository';
import { DealRow, DealStageChange } from '../../modules/deal/deal.type';
import { ACCOUNT_LEADS, leadsByDealIds, leadsByIds, stageHistoryByLeadIds } from '../../modules/lead/lead.repository';
import { LeadRow, LeadStageChange } from '../../modules/lead/lead.type';
import { allStages } from '../../modules/pipeline-stage/pipeline-stage.repository';
import { PipelineStage } from '../../modules/pipeline-stage/pipeline-stage.type';
import { LEAD_TOUCHPOINTS } from '../../modules/touchpoint/touchpoint.repository';
import { TouchpointRow } from '../../modules/touchpoint/touchpoint.type';
import { usersByIds } from '../../modules/user/user.repository';
import { User } from '../../modules/user/user.type';
import { byIdLoader, byKey, groupByKey, listLoader, PrimedLoader } from './batch';
import { ChildPages } from './child-pages';

/** Every parent → child lookup of one request; created fresh per request in the context. */
export interface Loaders {
  user: PrimedLoader<string, User | null>;
  account: PrimedLoader<string, Account | null>;
  campaign: PrimedLoader<string, Campaign | null>;
  lead: PrimedLoader<string, LeadRow | null>;
  deal: PrimedLoader<string, DealRow | null>;
  stage: DataLoader<string, PipelineStage | null>;
  leadsByDeal: PrimedLoader<string, LeadRow[]>;
  dealsByLead: PrimedLoader<string, DealRow[]>;
  leadHistory: DataLoader<string, LeadStageChange[]>;
  dealHistory: DataLoader<string, DealStageChange[]>;
  /** Campaign.spend(from, to): one loader per range, keyed by campaign id. */
  campaignSpend(from: Date | null, to: Date | null): DataLoader<string, number>;
  accountLeads: ChildPages<LeadRow>;
  accountDeals: ChildPages<DealRow>;
  leadTouchpoints: ChildPages<TouchpointRow>;
}

export function createLoaders(ds: DataSource): Loaders {
  const spend = new Map<string, DataLoader<string, number>>();
  return {
    user: byIdLoader((ids) => usersByIds(ds, ids)),
    account: byIdLoader((ids) => accountsByIds(ds, ids)),
    campaign: byIdLoader((ids) => campaignsByIds(ds, ids)),
    lead: byIdLoader((ids) => leadsByIds(ds, ids)),
    deal: byIdLoader((ids) => dealsByIds(ds, ids)),
    stage: new DataLoader(async (keys) => byKey(keys, await allStages(ds), (s) => s.key)),
    leadsByDeal: listLoader((ids) => leadsByDealIds(ds, ids), (r) => r.dealId),
    dealsByLead: listLoader((ids) => dealsByLeadIds(ds, ids), (r) => r.leadId),
    leadHistory: new DataLoader(async (ids) => {
      const m = await stageHistoryByLeadIds(ds, ids);
      return ids.map((id) => m.get(id) ?? []);
    }),
    dealHistory: new DataLoader(async (ids) => groupByKey(ids, await stageHistoryByDealIds(ds, ids), (r) => r.dealId)),
    campaignSpend(from, to) {
      const range = `${from?.toISOString() ?? ''}|${to?.toISOString() ?? ''}`;
      let loader = spend.get(range);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const sums = await spendByCampaignIds(ds, ids, from, to);
          return ids.map((id) => sums.get(id) ?? 0);
        });
        spend.set(range, loader);
      }
      return loader;
    },
    accountLeads: ChildPages.of<LeadRow>(ds, ACCOUNT_LEADS),
    accountDeals: ChildPages.of<DealRow>(ds, ACCOUNT_DEALS),
    leadTouchpoints: ChildPages.of<TouchpointRow>(ds, LEAD_TOUCHPOINTS),
  };
}

import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { byIdLoader } from '../../common/dataloader/batch';
import { campaignsByIds, spendByCampaignIds } from './campaign.repository';

/** A request's campaign lookups, and Campaign.spend(from, to): one loader per range, keyed by campaign id. */
export const campaignLoaders = (ds: DataSource) => {
  const spend = new Map<string, DataLoader<string, number>>();
  return {
    campaign: byIdLoader((ids) => campaignsByIds(ds, ids)),
    campaignSpend(from: Date | null, to: Date | null): DataLoader<string, number> {
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
  };
};

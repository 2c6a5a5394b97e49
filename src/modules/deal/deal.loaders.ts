import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { byIdLoader, groupByKey, listLoader } from '../../common/dataloader/batch';
import { ChildPages } from '../../common/dataloader/child-pages';
import { ACCOUNT_DEALS, dealsByIds, dealsByLeadIds, stageHistoryByDealIds } from './deal.repository';
import { DealRow } from './deal.type';

/** A request's deal lookups: by id, a lead's deals, a deal's stage history, an account's page of deals. */
export const dealLoaders = (ds: DataSource) => ({
  deal: byIdLoader((ids) => dealsByIds(ds, ids)),
  dealsByLead: listLoader(
    (ids) => dealsByLeadIds(ds, ids),
    (r) => r.leadId,
  ),
  dealHistory: new DataLoader(async (ids: readonly string[]) =>
    groupByKey(ids, await stageHistoryByDealIds(ds, ids), (r) => r.dealId),
  ),
  accountDeals: ChildPages.of<DealRow>(ds, ACCOUNT_DEALS),
});

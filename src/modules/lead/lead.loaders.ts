import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { byIdLoader, listLoader, PrimedLoader } from '../../common/dataloader/batch';
import { ChildPages } from '../../common/dataloader/child-pages';
import { ACCOUNT_LEADS, leadsByDealIds, leadsByIds, stageHistoryByLeadIds } from './lead.repository';
import { LeadRow } from './lead.type';

/** A request's lead lookups: by id, a deal's leads, a lead's stage history, an account's page of leads. */
export const leadLoaders = (ds: DataSource) => ({
  lead: byIdLoader((ids) => leadsByIds(ds, ids)),
  leadsByDeal: listLoader<LeadRow & { dealId: string }>(
    (ids) => leadsByDealIds(ds, ids),
    (r) => r.dealId,
  ) as PrimedLoader<string, LeadRow[]>,
  leadHistory: new DataLoader(async (ids: readonly string[]) => {
    const m = await stageHistoryByLeadIds(ds, ids);
    return ids.map((id) => m.get(id) ?? []);
  }),
  accountLeads: ChildPages.of<LeadRow>(ds, ACCOUNT_LEADS),
});

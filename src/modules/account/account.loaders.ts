import { DataSource } from 'typeorm';
import { byIdLoader } from '../../common/dataloader/batch';
import { accountsByIds } from './account.repository';

/** A request's account lookups (the account of a lead or a deal). */
export const accountLoaders = (ds: DataSource) => ({
  account: byIdLoader((ids) => accountsByIds(ds, ids)),
});

import { DataSource } from 'typeorm';
import { byIdLoader } from '../../common/dataloader/batch';
import { usersByIds } from './user.repository';

/** A request's user lookups (owners of leads and deals). */
export const userLoaders = (ds: DataSource) => ({
  user: byIdLoader((ids) => usersByIds(ds, ids)),
});

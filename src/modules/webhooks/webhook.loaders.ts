import { DataSource } from 'typeorm';
import { listLoader } from '../../common/dataloader/batch';
import { attemptsByDeliveryIds } from './webhook.repository';

/** A request's attempt logs of webhook deliveries. */
export const webhookLoaders = (ds: DataSource) => ({
  webhookAttempts: listLoader(
    (ids) => attemptsByDeliveryIds(ds, ids),
    (a) => a.deliveryId,
  ),
});

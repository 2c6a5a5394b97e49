import { DataSource } from 'typeorm';
import { accountLoaders } from './modules/account/account.loaders';
import { campaignLoaders } from './modules/campaign/campaign.loaders';
import { dealLoaders } from './modules/deal/deal.loaders';
import { leadLoaders } from './modules/lead/lead.loaders';
import { pipelineStageLoaders } from './modules/pipeline-stage/pipeline-stage.loaders';
import { touchpointLoaders } from './modules/touchpoint/touchpoint.loaders';
import { userLoaders } from './modules/user/user.loaders';
import { webhookLoaders } from './modules/webhooks/webhook.loaders';
import { qualificationLoaders } from './modules/qualification/qualification.loaders';
import { analyticsLoaders } from './modules/analytics/analytics.loaders';

/** Every parent → child lookup of one request (and the analytics batches), assembled from each feature's `<feature>.loaders.ts`. */
export function createLoaders(ds: DataSource) {
  return {
    ...userLoaders(ds),
    ...accountLoaders(ds),
    ...campaignLoaders(ds),
    ...leadLoaders(ds),
    ...dealLoaders(ds),
    ...pipelineStageLoaders(ds),
    ...touchpointLoaders(ds),
    ...webhookLoaders(ds),
    ...qualificationLoaders(ds),
    ...analyticsLoaders(ds),
  };
}

/** The loaders of one request; created fresh per request in the context. */
export type Loaders = ReturnType<typeof createLoaders>;

import { AccountFieldsResolver, AccountResolver } from './modules/account/account.resolver';
import { AnalyticsResolver } from './modules/analytics/analytics.resolver';
import { ChangeResolver } from './modules/changes/change.resolver';
import { AttributionRowFieldsResolver } from './modules/analytics/attribution/attribution-row.resolver';
import { CampaignFieldsResolver, CampaignResolver } from './modules/campaign/campaign.resolver';
import { DealFieldsResolver } from './modules/deal/deal-fields.resolver';
import { DealResolver } from './modules/deal/deal.resolver';
import { LeadFieldsResolver } from './modules/lead/lead-fields.resolver';
import { LeadResolver } from './modules/lead/lead.resolver';
import { PipelineStageResolver } from './modules/pipeline-stage/pipeline-stage.resolver';
import { TouchpointFieldsResolver, TouchpointResolver } from './modules/touchpoint/touchpoint.resolver';
import { UserResolver } from './modules/user/user.resolver';
import { LifecycleResolver } from './modules/lifecycle/lifecycle.resolver';
import { WebhookDeliveryFieldsResolver, WebhookResolver } from './modules/webhooks/webhook.resolver';
import { QualificationResolver } from './modules/qualification/qualification.resolver';
import { ClosingProfileResolver } from './modules/analytics/closing-profile/closing-profile.resolver';
import { ExportTokenResolver } from './modules/export/export-token.resolver';
import { FunnelGroupFieldsResolver } from './modules/analytics/funnel/funnel-group.resolver';

/** Root resolvers carry @Authorized; *FieldsResolver classes serve child fields of already-authorized parents. */
export const ROOT_RESOLVERS = [
  UserResolver,
  AccountResolver,
  CampaignResolver,
  LeadResolver,
  TouchpointResolver,
  DealResolver,
  PipelineStageResolver,
  AnalyticsResolver,
  ChangeResolver,
  LifecycleResolver,
  WebhookResolver,
  QualificationResolver,
  ClosingProfileResolver,
  ExportTokenResolver,
] as const;
export const FIELD_RESOLVERS = [
  AccountFieldsResolver,
  CampaignFieldsResolver,
  LeadFieldsResolver,
  TouchpointFieldsResolver,
  DealFieldsResolver,
  AttributionRowFieldsResolver,
  WebhookDeliveryFieldsResolver,
  FunnelGroupFieldsResolver,
] as const;
export const RESOLVERS = [...ROOT_RESOLVERS, ...FIELD_RESOLVERS] as const;

import { AccountEntity } from './modules/account/account.entity';
import { KpiTargetEntity } from './modules/analytics/kpi/kpi-target.entity';
import { CampaignEntity, CampaignSpendEntity } from './modules/campaign/campaign.entity';
import { DealEntity, DealLeadEntity, DealStageChangeEntity, DealStageReachEntity } from './modules/deal/deal.entity';
import { LeadStageChangeEntity } from './modules/lead/lead-stage-change.entity';
import { LeadEntity } from './modules/lead/lead.entity';
import { PipelineStageEntity } from './modules/pipeline-stage/pipeline-stage.entity';
import { TouchpointEntity } from './modules/touchpoint/touchpoint.entity';
import { UserEntity } from './modules/user/user.entity';

/** Every table the migrations create, mapped; a test checks these match the migrated schema exactly. */
export const ENTITIES = [
  UserEntity,
  AccountEntity,
  CampaignEntity,
  CampaignSpendEntity,
  PipelineStageEntity,
  LeadEntity,
  LeadStageChangeEntity,
  TouchpointEntity,
  DealEntity,
  DealLeadEntity,
  DealStageChangeEntity,
  DealStageReachEntity,
  KpiTargetEntity,
];

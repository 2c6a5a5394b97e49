import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel, Role, TouchpointType } from '../../common/graphql/enums';
import { DurationStats, Ratio } from '../analytics/analytics.types';
import { ReasonCount } from '../analytics/kpi/kpi.types';

export enum QualificationStatus {
  DRAFT = 'DRAFT',
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
}
export enum FitAttribute {
  INDUSTRY = 'INDUSTRY',
  REGION = 'REGION',
  EMPLOYEES = 'EMPLOYEES',
  TITLE = 'TITLE',
  SOURCE = 'SOURCE',
}
export enum FitOperator {
  IN = 'IN',
  NOT_IN = 'NOT_IN',
  BETWEEN = 'BETWEEN',
  CONTAINS_ANY = 'CONTAINS_ANY',
}
export enum HandoffGroupBy {
  CAMPAIGN = 'CAMPAIGN',
  CHANNEL = 'CHANNEL',
  SOURCE = 'SOURCE',
  OWNER = 'OWNER',
  QUALIFICATION_VERSION = 'QUALIFICATION_VERSION',
  SCORE_BAND = 'SCORE_BAND',
}
registerEnumType(QualificationStatus, { name: 'QualificationStatus' });
registerEnumType(FitAttribute, { name: 'FitAttribute' });
registerEnumType(FitOperator, { name: 'FitOperator' });
registerEnumType(HandoffGroupBy, { name: 'HandoffGroupBy' });

@ObjectType({ simpleResolvers: true })
export class FitRule {
  @Field(() => FitAttribute) attribute: FitAttribute;
  @Field(() => FitOperator) op: FitOperator;
  @Field(() => [String], { nullable: true }) values?: string[] | null;
  @Field(() => Float, { nullable: true }) min?: number | null;
  @Field(() => Float, { nullable: true }) max?: number | null;
  @Field(() => Int) points: number;
}

@ObjectType({ simpleResolvers: true })
export class EngagementRule {
  @Field(() => TouchpointType, { nullable: true }) touchType?: TouchpointType | null;
  @Field(() => Channel, { nullable: true }) channel?: Channel | null;
  @Field(() => Int) points: number;
  @Field(() => Int, { nullable: true }) maxCount?: number | null;
}

@ObjectType({ simpleResolvers: true })
export class QualificationApproval {
  @Field() sub: string;
  @Field(() => Role) role: Role;
  @Field() at: Date;
}

@ObjectType({ simpleResolvers: true })
export class QualificationDefinition {
  @Field(() => ID) id: string;
  @Field(() => Int) version: number;
  @Field() name: string;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field(() => QualificationStatus) status: QualificationStatus;
  @Field(() => [FitRule]) fitRules: FitRule[];
  @Field(() => [EngagementRule]) engagementRules: EngagementRule[];
  @Field(() => Int) fitThreshold: number;
  @Field(() => Float) engagementThreshold: number;
  @Field(() => Int) engagementWindowDays: number;
  @Field(() => Float, { nullable: true }) engagementHalfLifeDays: number | null;
  @Field(() => Float) responseSlaHours: number;
  @Field() createdBy: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) proposedAt: Date | null;
  @Field(() => [QualificationApproval]) approvals: QualificationApproval[];
  @Field(() => Date, { nullable: true }) activatedAt: Date | null;
  @Field(() => Date, { nullable: true }) retiredAt: Date | null;
  @Field(() => [QualificationTransition]) history: QualificationTransition[];
  @Field(() => Int, { nullable: true }) maxFitScore: number | null;
}

@ObjectType({ simpleResolvers: true })
export class QualificationTransition {
  @Field() action: string;
  @Field() sub: string;
  @Field(() => Role) role: Role;
  @Field() at: Date;
}

@InputType()
export class FitRuleInput {
  @Field(() => FitAttribute) attribute: FitAttribute;
  @Field(() => FitOperator) op: FitOperator;
  @Field(() => [String], { nullable: true }) values?: string[] | null;
  @Field(() => Float, { nullable: true }) min?: number | null;
  @Field(() => Float, { nullable: true }) max?: number | null;
  @Field(() => Int) points: number;
}

@InputType()
export class EngagementRuleInput {
  @Field(() => TouchpointType, { nullable: true }) touchType?: TouchpointType | null;
  @Field(() => Channel, { nullable: true }) channel?: Channel | null;
  @Field(() => Int) points: number;
  @Field(() => Int, { nullable: true }) maxCount?: number | null;
}

@InputType()
export class QualificationDefinitionInput {
  @Field() name: string;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => [FitRuleInput]) fitRules: FitRuleInput[];
  @Field(() => [EngagementRuleInput]) engagementRules: EngagementRuleInput[];
  @Field(() => Int) fitThreshold: number;
  @Field(() => Float) engagementThreshold: number;
  @Field(() => Int, { nullable: true, defaultValue: 90 }) engagementWindowDays?: number | null;
  @Field(() => Float, { nullable: true }) engagementHalfLifeDays?: number | null;
  @Field(() => Float, { nullable: true, defaultValue: 24 }) responseSlaHours?: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description: "One rule's contribution to a lead's qualification at the qualifying instant.",
})
export class QualificationReason {
  @Field() kind: string;
  @Field() rule: string;
  @Field(() => Float) points: number;
}

@ObjectType({ simpleResolvers: true })
export class LeadQualification {
  @Field(() => Int) version: number;
  @Field() qualifiedAt: Date;
  @Field(() => [QualificationReason]) reasons: QualificationReason[];
}

@InputType()
export class QualificationBacktestInput {
  @Field(() => ID, { nullable: true }) definitionId?: string | null;
  @Field(() => QualificationDefinitionInput, { nullable: true }) definition?: QualificationDefinitionInput | null;
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class BacktestSide {
  @Field(() => Int) qualified: number;
  @Field(() => Ratio) precisionSql: Ratio;
  @Field(() => Ratio) recallSql: Ratio;
  @Field(() => Ratio) precisionCustomer: Ratio;
  @Field(() => Ratio) recallCustomer: Ratio;
  @Field(() => Int) rejected: number;
  @Field(() => [ReasonCount]) rejectionReasons: ReasonCount[];
  @Field(() => Float, { nullable: true }) medianDaysToQualify: number | null;
}

@ObjectType({ simpleResolvers: true })
export class QualificationBacktest {
  @Field(() => Int) leads: number;
  @Field(() => BacktestSide) definition: BacktestSide;
  @Field(() => BacktestSide) actual: BacktestSide;
  @Field(() => Int) both: number;
  @Field(() => Int) onlyDefinition: number;
  @Field(() => Int) onlyActual: number;
}

@InputType()
export class HandoffFeedbackInput {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => HandoffGroupBy) groupBy: HandoffGroupBy;
  @Field(() => Float, { nullable: true }) slaHours?: number | null;
}

@ObjectType({ simpleResolvers: true })
export class HandoffGroup {
  @Field() key: string;
  @Field() label: string;
  @Field(() => Int) mqls: number;
  @Field(() => Int) accepted: number;
  @Field(() => Int) returned: number;
  @Field(() => Int) pending: number;
  @Field(() => Ratio) acceptanceRate: Ratio;
  @Field(() => [ReasonCount]) rejectionReasons: ReasonCount[];
  @Field(() => DurationStats) responseHours: DurationStats;
  @Field(() => Ratio) slaCompliance: Ratio;
}

@ObjectType({ simpleResolvers: true })
export class HandoffFeedback {
  @Field(() => HandoffGroup) total: HandoffGroup;
  @Field(() => [HandoffGroup]) groups: HandoffGroup[];
  @Field(() => Float) slaHours: number;
}

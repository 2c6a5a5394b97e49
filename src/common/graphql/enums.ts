import { registerEnumType } from 'type-graphql';

/** Contract enums (core.graphql). The TS enum values equal their names, which is also what the database stores. */
export enum Role {
  ADMIN = 'ADMIN',
  REVOPS = 'REVOPS',
  MARKETING = 'MARKETING',
  SALES = 'SALES',
  ANALYST = 'ANALYST',
  SERVICE = 'SERVICE',
}
export enum Channel {
  EMAIL = 'EMAIL',
  PAID_SEARCH = 'PAID_SEARCH',
  PAID_SOCIAL = 'PAID_SOCIAL',
  ORGANIC_SEARCH = 'ORGANIC_SEARCH',
  ORGANIC_SOCIAL = 'ORGANIC_SOCIAL',
  CONTENT = 'CONTENT',
  WEBINAR = 'WEBINAR',
  EVENT = 'EVENT',
  REFERRAL = 'REFERRAL',
  PARTNER = 'PARTNER',
  DIRECT = 'DIRECT',
  OUTBOUND = 'OUTBOUND',
  OTHER = 'OTHER',
}
export enum TouchpointType {
  AD_CLICK = 'AD_CLICK',
  EMAIL_CLICK = 'EMAIL_CLICK',
  FORM_SUBMISSION = 'FORM_SUBMISSION',
  CONTENT_DOWNLOAD = 'CONTENT_DOWNLOAD',
  WEBINAR_ATTENDED = 'WEBINAR_ATTENDED',
  EVENT_ATTENDED = 'EVENT_ATTENDED',
  WEB_VISIT = 'WEB_VISIT',
  MEETING = 'MEETING',
  SALES_CALL = 'SALES_CALL',
  OTHER = 'OTHER',
}
export enum LifecycleStage {
  LEAD = 'LEAD',
  MQL = 'MQL',
  SAL = 'SAL',
  SQL = 'SQL',
  OPPORTUNITY = 'OPPORTUNITY',
  CUSTOMER = 'CUSTOMER',
}

/** The lifecycle ladder, lowest rung first (definitions.md section 2): the one list every rank and step order uses. */
export const LADDER: readonly LifecycleStage[] = [
  LifecycleStage.LEAD,
  LifecycleStage.MQL,
  LifecycleStage.SAL,
  LifecycleStage.SQL,
  LifecycleStage.OPPORTUNITY,
  LifecycleStage.CUSTOMER,
];

/** A ladder stage's rank, 1 (LEAD) to 6 (CUSTOMER). */
export const ladderRank = (s: LifecycleStage): number => LADDER.indexOf(s) + 1;
export enum LeadEvent {
  LEAD = 'LEAD',
  MQL = 'MQL',
  SAL = 'SAL',
  SQL = 'SQL',
  REJECTED = 'REJECTED',
  RECYCLED = 'RECYCLED',
  DISQUALIFIED = 'DISQUALIFIED',
}
export enum LeadStatus {
  OPEN = 'OPEN',
  REJECTED = 'REJECTED',
  DISQUALIFIED = 'DISQUALIFIED',
}
export enum RejectionReason {
  BAD_FIT = 'BAD_FIT',
  NO_BUDGET = 'NO_BUDGET',
  NO_AUTHORITY = 'NO_AUTHORITY',
  NO_NEED = 'NO_NEED',
  TIMING = 'TIMING',
  NO_RESPONSE = 'NO_RESPONSE',
  DUPLICATE = 'DUPLICATE',
  COMPETITOR = 'COMPETITOR',
  OTHER = 'OTHER',
}
export enum StageCategory {
  OPEN = 'OPEN',
  WON = 'WON',
  LOST = 'LOST',
}
export enum DealStatus {
  OPEN = 'OPEN',
  WON = 'WON',
  LOST = 'LOST',
}
export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'Who a token speaks for. Permissions per role: definitions.md, section Access.',
});
registerEnumType(Channel, { name: 'Channel', description: 'Marketing or sales channel of a campaign.' });
registerEnumType(TouchpointType, { name: 'TouchpointType' });
registerEnumType(LifecycleStage, {
  name: 'LifecycleStage',
  description:
    "Ladder stages of the shared funnel, in order. LEAD..SQL are moved by people and scripts; OPPORTUNITY and CUSTOMER are reached through the lead's deals (created, won).",
});
registerEnumType(LeadEvent, {
  name: 'LeadEvent',
  description: "Events a lead's history can hold: a ladder stage, or a hand-off outcome that is not progress.",
});
registerEnumType(LeadStatus, { name: 'LeadStatus' });
registerEnumType(RejectionReason, { name: 'RejectionReason' });
registerEnumType(StageCategory, { name: 'StageCategory' });
registerEnumType(DealStatus, { name: 'DealStatus' });
registerEnumType(OrderDirection, { name: 'OrderDirection' });

/** SQL list of the channel names, for CHECK constraints that mirror the enum. */
export const CHANNEL_CHECK = Object.values(Channel)
  .map((c) => `'${c}'`)
  .join(',');
export const MARKETING_CHANNELS: readonly Channel[] = [
  Channel.EMAIL,
  Channel.PAID_SEARCH,
  Channel.PAID_SOCIAL,
  Channel.ORGANIC_SEARCH,
  Channel.ORGANIC_SOCIAL,
  Channel.CONTENT,
  Channel.WEBINAR,
  Channel.EVENT,
];

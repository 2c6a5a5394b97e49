import {
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';

/**
 * The descriptions of the schema elements whose decorators give none, by schema coordinate (`Type`, `Type.field`,
 * `Type.field(arg)`, `Enum.VALUE`), written from docs/definitions.md; then rules for the elements every type has (ids,
 * external ids, periods, paging, bulk arguments). A test fails on any element that still has no description.
 */
const TEXT: Record<string, string> = {
  // roots
  Query: 'Reads: records, lists with filters and paging, and the shared analytics. Every field needs a bearer token.',
  Mutation:
    'Writes: bulk upserts by externalId, history, the data lifecycle, targets and webhooks; by role (definitions §7).',
  Subscription: 'Committed changes over graphql-ws (ws://…/graphql), resumable from a cursor.',
  'Query.account': 'One account by id, or null.',
  'Query.accounts': 'Accounts, oldest first unless ordered otherwise; archived ones only when filter.archived asks.',
  'Query.campaign': 'One campaign by id, or null.',
  'Query.campaigns': 'Campaigns, oldest first.',
  'Query.deal': 'One deal by id, or null (archived deals too, with archivedAt).',
  'Query.dealByExternalId': 'The deal with this externalId, or null.',
  'Query.deals': 'Deals, oldest first unless ordered otherwise.',
  'Query.lead': 'One lead by id, or null (archived and merged-away leads too).',
  'Query.leadByExternalId': 'The lead with this externalId, or null.',
  'Query.leads': 'Leads, oldest first unless ordered otherwise.',
  'Query.touchpoints': 'Touchpoints, in time order.',
  'Query.users': 'Every user (the owners of leads and deals, and who may sign in).',
  'Query.pipelineStages': 'The pipeline stages in order, with category and win probability (definitions §3).',
  'Query.funnel':
    'Stage conversion of leads up the lifecycle ladder, COHORT or FLOW, with breakdowns (definitions §4).',
  'Query.pipelineFunnel': 'Stage conversion of deals up the pipeline (definitions §4).',
  'Query.kpis':
    'The shared KPIs of a period as of an instant, each rate with numerator and denominator (definitions §5).',
  'Query.kpiSeries': 'KPIs per day, week, month or quarter in a time zone, as flat points for charts and BI tools.',
  'Query.kpiTargets': 'KPI targets overlapping a period, each with its actual value and attainment.',
  'Query.kpiTargets(from)': 'Targets whose period ends after this instant.',
  'Query.kpiTargets(to)': 'Targets whose period starts before this instant.',
  'Query.attribution': 'Won revenue of a period split over campaigns or channels by a model (definitions §6).',
  'Mutation.upsertUsers': 'Creates or updates users by email (ADMIN).',
  'Mutation.upsertAccounts': 'Creates or updates accounts by externalId; an update names only what it changes.',
  'Mutation.upsertCampaigns': 'Creates or updates campaigns by externalId; an update names only what it changes.',
  'Mutation.recordCampaignSpend': 'Records spend per campaign and day; the same campaign and day again corrects it.',
  'Mutation.upsertLeads': "Creates or updates leads by externalId; an erased lead's personal fields stay empty.",
  'Mutation.recordTouchpoints': 'Records touchpoints by externalId (the channel is the campaign’s).',
  'Mutation.recordLeadStageChanges':
    'Records hand-off events at their instants (backdated ones too); the same lead, event and instant again is one event.',
  'Mutation.upsertDeals': 'Creates or updates deals by externalId; stage and stageAt record the stage (see DealInput).',
  'Mutation.recordDealStageChanges':
    'Records deal stage changes at their instants; without occurredAt, "in this stage now" (a no-op when it already is).',
  'Mutation.moveDealStage':
    'Moves one deal at the version the caller read (stale: CONFLICT, nothing written); already in that stage: no-op.',
  'Mutation.setKpiTargets': 'Sets KPI targets (one per metric and period; the same again replaces its number).',
  // records
  Account: 'A company: leads and deals belong to it; industry and region are breakdown groups.',
  'Account.name': 'Its name.',
  'Account.domain': 'Its web domain.',
  'Account.industry': 'Its industry (free text; a breakdown group).',
  'Account.region': 'Its region (free text; a breakdown group).',
  'Account.employees': 'How many people work there.',
  'Account.createdAt': 'When it was created (in the source system, or here).',
  'Account.leads': 'Its leads, oldest first.',
  'Account.deals': 'Its deals, oldest first.',
  Campaign: 'A marketing campaign: touchpoints belong to it, spend is recorded per day.',
  'Campaign.name': 'Its name.',
  'Campaign.channel': 'Its channel; its touchpoints carry it.',
  'Campaign.startsAt': 'When it starts.',
  'Campaign.endsAt': 'When it ends.',
  'Campaign.budget': 'Its planned budget (spend is recorded separately).',
  'Campaign.createdAt': 'When it was created.',
  'Campaign.spend(from)': 'Spend from this day on (UTC).',
  'Campaign.spend(to)': 'Spend before this day (UTC).',
  Lead: 'A person in the funnel: its hand-off history, touchpoints and deals, and the milestones derived from them.',
  'Lead.title': 'Job title (not personal data here: ANALYST sees it).',
  'Lead.source': 'The channel the lead came from (the CHANNEL breakdown).',
  'Lead.score': 'A score from the source system.',
  'Lead.stage': 'Its current ladder stage (definitions §2).',
  'Lead.status': 'OPEN, or REJECTED / DISQUALIFIED by its latest such event.',
  'Lead.rejectionReason': 'The reason of the latest rejection while rejected.',
  'Lead.createdAt': 'When it entered the funnel (its LEAD entry).',
  'Lead.salAt': 'Its SAL reach (skipped stages inferred).',
  'Lead.sqlAt': 'Its SQL reach (skipped stages inferred).',
  'Lead.opportunityAt': 'Its OPPORTUNITY reach: the creation of its first deal.',
  'Lead.customerAt': 'Its CUSTOMER reach: the close of its first won deal.',
  'Lead.account': 'Its account.',
  'Lead.owner': 'Its owner.',
  'Lead.deals': 'Its deals.',
  'Lead.touchpoints': 'Its touchpoints, in time order.',
  'Lead.stageHistory': 'Its hand-off events in replay order, with the stage before and after each.',
  LeadStageChange: 'One event of a lead’s history.',
  'LeadStageChange.event': 'The event.',
  'LeadStageChange.fromStage': 'The stage before it (replayed).',
  'LeadStageChange.toStage': 'The stage after it (replayed).',
  'LeadStageChange.reason': 'Why it was returned (REJECTED, RECYCLED, DISQUALIFIED).',
  'LeadStageChange.note': 'A free-text note (cleared by erasure).',
  'LeadStageChange.occurredAt': 'When it happened.',
  'LeadStageChange.recordedAt': 'When it was recorded here.',
  'LeadStageChange.actor': 'Who recorded it (the token’s subject).',
  Deal: 'An opportunity: its stage history, amount, outcome and the leads it came from.',
  'Deal.name': 'Its name.',
  'Deal.amount': 'Its amount (the last one given).',
  'Deal.status': 'OPEN, WON or LOST: the category of its latest stage change.',
  'Deal.expectedCloseDate': 'When it is expected to close.',
  'Deal.lostReason': 'Why it was lost (the losing change’s reason).',
  'Deal.stage': 'Its current pipeline stage.',
  'Deal.account': 'Its account.',
  'Deal.owner': 'Its owner.',
  'Deal.leads': 'The leads it came from.',
  'Deal.stageHistory': 'Its stage changes in order.',
  DealStageChange: 'One stage change of a deal.',
  'DealStageChange.fromStage': 'The stage before it.',
  'DealStageChange.toStage': 'The stage it moved the deal into.',
  'DealStageChange.amount': 'The deal’s amount as of this change, when given.',
  'DealStageChange.reason': 'Why (a lost reason, for example).',
  'DealStageChange.occurredAt': 'When it happened.',
  'DealStageChange.recordedAt': 'When it was recorded here.',
  'DealStageChange.actor': 'Who recorded it (the token’s subject).',
  Touchpoint: 'One interaction of a lead with a campaign.',
  'Touchpoint.campaign': 'The campaign.',
  'Touchpoint.channel': 'The campaign’s channel.',
  'Touchpoint.lead': 'The lead.',
  'Touchpoint.occurredAt': 'When it happened.',
  'Touchpoint.type': 'What kind of interaction it was.',
  User: 'A person who owns leads and deals or signs in; the token’s subject is their email.',
  'User.email': 'Their email (lower case; the key).',
  'User.name': 'Their name.',
  'User.role': 'What they may do (definitions §7).',
  PipelineStage: 'A stage of the deal pipeline (definitions §3).',
  'PipelineStage.key': 'Its key (what inputs name).',
  'PipelineStage.label': 'Its label for people.',
  'PipelineStage.position': 'Its place on the pipeline ladder.',
  'PipelineStage.category': 'OPEN, WON or LOST.',
  BulkResult: 'What a bulk call did: one result per item, in input order.',
  'BulkResult.results': 'One result per item, in input order.',
  'BulkResult.successCount': 'Items written (or unchanged).',
  'BulkResult.errorCount': 'Items that failed (nothing written for them).',
  BulkItemResult: 'What one item of a bulk call did.',
  'BulkItemResult.index': 'The item’s position in the input list.',
  'BulkItemResult.externalId': 'The item’s key.',
  'BulkItemResult.id': 'The record’s id when the item succeeded.',
  'BulkItemResult.created': 'Whether the item created the record (outcome CREATED).',
  'BulkItemResult.success': 'Whether the item was written (or was already so).',
  'BulkItemResult.errors': 'Why it failed; empty on success.',
  ItemError: 'Why one item of a bulk call failed.',
  'ItemError.message': 'What went wrong, for people.',
  // analytics outputs
  Ratio:
    'A rate: value = numerator / denominator, null when the denominator is 0. Add numerators and denominators, never values.',
  'Ratio.numerator': 'What was counted.',
  'Ratio.denominator': 'What it is counted out of.',
  'Ratio.value': 'numerator / denominator; null when the denominator is 0.',
  DurationStats: 'A duration over a set of units.',
  'DurationStats.count': 'How many units it is over.',
  'DurationStats.mean': 'The mean (null when count is 0).',
  'DurationStats.median': 'The median (an even count’s is the mean of the two middle values; null when count is 0).',
  FunnelReport: 'Stage conversion (definitions §4): the steps, and the same per breakdown group.',
  'FunnelReport.basis': 'COHORT or FLOW.',
  'FunnelReport.steps': 'The steps over every unit.',
  'FunnelReport.groups': 'The steps per breakdown group (groups add up to steps).',
  'FunnelReport.isComplete': 'COHORT with a window: every cohort unit has had its whole window by asOf.',
  FunnelGroup: 'One breakdown group.',
  'FunnelGroup.key': 'The group (a channel, campaign id, industry, region or owner email; UNKNOWN/NONE/UNASSIGNED).',
  'FunnelGroup.steps': 'Its steps.',
  'FunnelGroup.label': "What to show for it: the campaign's name for a campaign id, otherwise the key.",
  FunnelStep: 'One step of a funnel.',
  'FunnelStep.stage': 'The stage.',
  'FunnelStep.label': 'The stage’s label.',
  'FunnelStep.count': 'Units counted at this step.',
  'FunnelStep.inferredCount': 'Of those, units whose reach of this step was inferred.',
  'FunnelStep.conversionFromFirst': 'count over the first step’s count.',
  'FunnelStep.conversionFromPrevious': 'count over the previous step’s count (null for the first step).',
  KpiReport: 'The shared KPIs of a period (definitions §5).',
  'KpiReport.leads': 'Leads whose LEAD reach falls in the period.',
  'KpiReport.mqls': 'Leads whose MQL reach falls in the period.',
  'KpiReport.sals': 'Leads whose SAL reach falls in the period.',
  'KpiReport.sqls': 'Leads whose SQL reach falls in the period.',
  'KpiReport.opportunities': 'Deals created in the period.',
  'KpiReport.pipelineCreated': 'The amounts of the deals created in the period.',
  'KpiReport.wonDeals': 'Deals closed in the period and won as of asOf.',
  'KpiReport.lostDeals': 'Deals closed in the period and lost as of asOf.',
  'KpiReport.revenue': 'The amounts of those won deals.',
  'KpiReport.winRate': 'Won over won + lost, of the deals closed in the period.',
  'KpiReport.winRateByValue': 'The same with amounts.',
  'KpiReport.averageDealSize': 'revenue / wonDeals (null when none was won).',
  'KpiReport.salesCycleDays': 'Days from creation to close of the won deals.',
  'KpiReport.mqlToSqlRate':
    'COHORT: of the leads reaching MQL in the period, those reaching SQL by asOf (within the window).',
  'KpiReport.leadRejectionRate': 'Of the MQLs of the period with a disposition: returned over accepted + returned.',
  'KpiReport.rejectionReasons': 'Those returns by reason.',
  'KpiReport.leadResponseHours': 'Hours from MQL to disposition.',
  'KpiReport.slaCompliance': 'Dispositions within slaHours over on time + breached.',
  'KpiReport.spend': 'Campaign spend of the period.',
  'KpiReport.newCustomers': 'Accounts whose first won deal closed in the period.',
  'KpiReport.cac': 'spend / newCustomers.',
  'KpiReport.marketingSourcedRevenue': 'Won revenue whose deal’s first lead came from a marketing channel.',
  'KpiReport.marketingInfluencedRevenue':
    'Won revenue whose deal’s leads touched a marketing campaign from 180 days before creation to close.',
  'KpiReport.openPipeline': 'Snapshot at asOf: amounts of the deals open then.',
  'KpiReport.weightedPipeline': 'The same weighted by each stage’s win probability.',
  'KpiReport.pipelineVelocity': 'Per day: open deals × win rate × average deal size / mean sales cycle.',
  ReasonCount: 'Returns with one reason.',
  'ReasonCount.reason': 'The reason (none given: OTHER).',
  'ReasonCount.count': 'How many.',
  'KpiPoint.metric': 'The metric.',
  'KpiPoint.periodStart': 'Start of the interval (inclusive).',
  'KpiPoint.periodEnd': 'End of the interval (exclusive).',
  'KpiPoint.value': 'The metric over the interval (a rate: numerator / denominator, null when that is 0).',
  'KpiPoint.numerator': 'For a rate, its numerator; null otherwise.',
  'KpiPoint.denominator': 'For a rate, its denominator; null otherwise.',
  KpiTarget: 'A number to reach for one metric over one period, with the actual as of now.',
  'KpiTarget.metric': 'The metric.',
  'KpiTarget.periodStart': 'Start of its period.',
  'KpiTarget.periodEnd': 'End of its period.',
  'KpiTarget.target': 'The number to reach.',
  'KpiTarget.actual': 'The metric’s value over the period as of now.',
  'KpiTarget.attainment': 'actual over target.',
  AttributionReport: 'Won revenue of a period split by one model (definitions §6); rows and unattributed add up.',
  'AttributionReport.model': 'The model.',
  'AttributionReport.revenue': 'Won revenue of the period.',
  'AttributionReport.wonDeals': 'Won deals of the period.',
  'AttributionReport.attributedRevenue': 'The revenue the rows share (revenue − unattributedRevenue).',
  'AttributionReport.unattributedDeals': 'Won deals with no eligible touchpoint.',
  'AttributionReport.rows': 'One row per campaign (or channel), credited ones and those with spend.',
  AttributionRow: 'The credit of one campaign or channel.',
  'AttributionRow.campaign': 'The campaign (groupBy CAMPAIGN).',
  'AttributionRow.channel': 'Its channel.',
  'AttributionRow.label': 'A name to show (the campaign’s name or the channel).',
  'AttributionRow.touchpoints': 'Eligible touches in it.',
  // inputs
  AccountInput: 'An account to create or update, by externalId.',
  'AccountInput.domain': 'Its web domain (null clears).',
  'AccountInput.industry': 'Its industry (null clears).',
  'AccountInput.region': 'Its region (null clears).',
  'AccountInput.employees': 'Head count (null clears).',
  'AccountInput.createdAt': 'When it was created (defaults to now on create).',
  CampaignInput: 'A campaign to create or update, by externalId.',
  'CampaignInput.startsAt': 'When it starts (null clears).',
  'CampaignInput.endsAt': 'When it ends (null clears).',
  'CampaignInput.budget': 'Its planned budget (null clears).',
  CampaignSpendInput: 'Money spent on a campaign on one day.',
  'CampaignSpendInput.campaignExternalId': 'The campaign.',
  'CampaignSpendInput.amount': 'The amount (the same campaign and day again replaces it).',
  LeadInput: 'A lead to create or update, by externalId.',
  'LeadInput.email': 'Email (personal data; null clears).',
  'LeadInput.firstName': 'First name (personal data; null clears).',
  'LeadInput.lastName': 'Last name (personal data; null clears).',
  'LeadInput.title': 'Job title (null clears).',
  'LeadInput.source': 'The channel it came from (null clears).',
  'LeadInput.score': 'A score (null clears).',
  LeadStageChangeInput: 'One hand-off event to record.',
  'LeadStageChangeInput.event': 'The event (not LEAD: that is the lead’s createdAt).',
  'LeadStageChangeInput.reason': 'Why, for REJECTED, RECYCLED and DISQUALIFIED.',
  'LeadStageChangeInput.note': 'A free-text note.',
  MoveLeadStageInput: 'One hand-off step on one lead.',
  'MoveLeadStageInput.leadId': 'The lead.',
  'MoveLeadStageInput.event': 'The event.',
  'MoveLeadStageInput.occurredAt': "When (default now; without it, the lead's latest event again is a no-op).",
  'MoveLeadStageInput.reason': 'Why, for REJECTED, RECYCLED and DISQUALIFIED.',
  'MoveLeadStageInput.note': 'A free-text note.',
  TouchpointInput: 'A touchpoint to record, by externalId.',
  'TouchpointInput.leadExternalId': 'The lead.',
  'TouchpointInput.campaignExternalId': 'The campaign.',
  'TouchpointInput.type': 'What kind of interaction.',
  'TouchpointInput.occurredAt': 'When it happened.',
  DealInput: 'A deal to create or update, by externalId; an update names only what it changes.',
  'DealInput.expectedCloseDate': 'When it is expected to close (null clears).',
  DealStageChangeInput: 'One deal stage change to record.',
  'DealStageChangeInput.stage': 'The pipeline stage key.',
  'DealStageChangeInput.reason': 'Why (a lost reason, for example).',
  MoveDealStageInput: 'One stage move of one deal, guarded by the version the caller read.',
  'MoveDealStageInput.dealId': 'The deal.',
  'MoveDealStageInput.stage': 'The pipeline stage key.',
  'MoveDealStageInput.occurredAt': 'When (default now).',
  'MoveDealStageInput.amount': 'The deal’s amount as of this move.',
  'MoveDealStageInput.reason': 'Why (a lost reason, for example).',
  ConvertLeadInput: 'A lead to turn into a deal.',
  'ConvertLeadInput.leadId': 'The lead; it reaches OPPORTUNITY at the deal’s creation.',
  'ConvertLeadInput.deal': 'The deal to create.',
  UserInput: 'A user to create or update, by email.',
  'UserInput.email': 'Their email (the key; stored lower case).',
  'UserInput.name': 'Their name.',
  'UserInput.role': 'Their role.',
  KpiTargetInput: 'A target to set.',
  'KpiTargetInput.metric': 'The metric.',
  'KpiTargetInput.periodStart': 'Start of its period.',
  'KpiTargetInput.periodEnd': 'End of its period.',
  'KpiTargetInput.target': 'The number to reach.',
  FunnelInput: 'What a lifecycle funnel covers.',
  'FunnelInput.basis': 'COHORT (the default) or FLOW (definitions §4).',
  'FunnelInput.breakdown': 'Groups to split every step into.',
  'FunnelInput.skippedStages': 'INFER skipped stages (the default) or STRICT.',
  PipelineFunnelInput: 'What a pipeline funnel covers.',
  'PipelineFunnelInput.basis': 'COHORT (the default) or FLOW.',
  'PipelineFunnelInput.breakdown': 'Groups to split every step into (OWNER, INDUSTRY, REGION).',
  'PipelineFunnelInput.skippedStages': 'INFER skipped stages (the default) or STRICT.',
  KpiInput: 'What the KPIs cover.',
  'KpiInput.slaHours':
    "The response SLA for slaCompliance, in hours (default: the active qualification definition's responseSlaHours, 24 when none).",
  KpiSeriesInput: 'What a KPI series covers.',
  'KpiSeriesInput.metrics': 'The metrics to compute.',
  'KpiSeriesInput.interval': 'DAY, WEEK, MONTH or QUARTER.',
  'KpiSeriesInput.timeZone': 'The IANA time zone intervals are cut in (default UTC).',
  'KpiSeriesInput.weekStart': 'The first day of a week (WEEK interval).',
  AttributionInput: 'What an attribution report covers.',
  'AttributionInput.model': 'The model.',
  'AttributionInput.groupBy': 'Rows per CAMPAIGN (the default) or CHANNEL.',
  'CampaignFilter.channels': 'Campaigns of these channels.',
  'DealFilter.stages': 'Deals in these stages.',
  'DealFilter.statuses': 'Deals with these outcomes.',
  'LeadFilter.stages': 'Leads at these stages.',
  'LeadFilter.statuses': 'Leads with these statuses.',
  'TouchpointFilter.leadId': 'One lead’s touchpoints.',
  'TouchpointFilter.campaignId': 'One campaign’s touchpoints.',
  'TouchpointFilter.channels': 'Touchpoints of these channels.',
  'WebhookDelivery.status': 'PENDING, DELIVERED or DEAD.',
  // enums
  Channel: 'Where a lead or campaign comes from. Marketing channels: EMAIL to EVENT in definitions §5.',
  'Channel.EMAIL': 'Email (marketing).',
  'Channel.PAID_SEARCH': 'Paid search ads (marketing).',
  'Channel.PAID_SOCIAL': 'Paid social ads (marketing).',
  'Channel.ORGANIC_SEARCH': 'Organic search (marketing).',
  'Channel.ORGANIC_SOCIAL': 'Organic social (marketing).',
  'Channel.CONTENT': 'Content (marketing).',
  'Channel.WEBINAR': 'Webinars (marketing).',
  'Channel.EVENT': 'Events (marketing).',
  'Channel.OUTBOUND': 'Sales outreach (sales’, not marketing).',
  'Channel.REFERRAL': 'Referrals (neither team’s).',
  'Channel.PARTNER': 'Partners (neither team’s).',
  'Channel.DIRECT': 'Direct (neither team’s).',
  'Channel.OTHER': 'Anything else (neither team’s).',
  LifecycleStage: 'The rungs of the lead ladder, lowest first (definitions §2).',
  'LifecycleStage.LEAD': 'Entered the funnel.',
  'LifecycleStage.MQL': 'Marketing-qualified.',
  'LifecycleStage.SAL': 'Accepted by sales.',
  'LifecycleStage.SQL': 'Sales-qualified.',
  'LifecycleStage.OPPORTUNITY': 'Has a deal.',
  'LifecycleStage.CUSTOMER': 'Has a won deal.',
  LeadEvent: 'What a lead’s history records.',
  'LeadEvent.LEAD': 'Creation (the lead’s createdAt).',
  'LeadEvent.MQL': 'Marketing-qualified.',
  'LeadEvent.SAL': 'Sales accepted it.',
  'LeadEvent.SQL': 'Sales-qualified.',
  'LeadEvent.REJECTED': 'Sales sent it back, with a reason.',
  'LeadEvent.RECYCLED': 'Back to LEAD, to nurture.',
  'LeadEvent.DISQUALIFIED': 'Out for good.',
  LeadStatus: 'Whether a lead is still being worked.',
  'LeadStatus.OPEN': 'Being worked.',
  'LeadStatus.REJECTED': 'Returned by sales.',
  'LeadStatus.DISQUALIFIED': 'Out.',
  RejectionReason: 'Why sales returned a lead.',
  'RejectionReason.BAD_FIT': 'Not the profile sales wants.',
  'RejectionReason.NO_BUDGET': 'No budget.',
  'RejectionReason.NO_AUTHORITY': 'Cannot decide.',
  'RejectionReason.NO_NEED': 'No need.',
  'RejectionReason.TIMING': 'Not now.',
  'RejectionReason.NO_RESPONSE': 'Did not answer.',
  'RejectionReason.DUPLICATE': 'Another lead is the same person.',
  'RejectionReason.COMPETITOR': 'A competitor.',
  'RejectionReason.OTHER': 'Anything else.',
  DealStatus: 'A deal’s outcome.',
  'DealStatus.OPEN': 'Not closed.',
  'DealStatus.WON': 'Won.',
  'DealStatus.LOST': 'Lost.',
  StageCategory: 'What a pipeline stage means for the outcome.',
  'StageCategory.OPEN': 'Still open.',
  'StageCategory.WON': 'Won.',
  'StageCategory.LOST': 'Lost.',
  Role: 'What a token may do (definitions §7).',
  'Role.ADMIN': 'Everything, users included.',
  'Role.REVOPS': 'Everything but users.',
  'Role.MARKETING': 'Marketing’s records and lead hand-offs.',
  'Role.SALES': 'Deals it owns, accounts and lead hand-offs.',
  'Role.ANALYST': 'Reads, without leads’ personal data.',
  'Role.SERVICE': 'Scripts and syncs: every record.',
  TouchpointType: 'What kind of interaction a touchpoint was.',
  'TouchpointType.AD_CLICK': 'Clicked an ad.',
  'TouchpointType.CONTENT_DOWNLOAD': 'Downloaded content.',
  'TouchpointType.EMAIL_CLICK': 'Clicked an email.',
  'TouchpointType.EVENT_ATTENDED': 'Attended an event.',
  'TouchpointType.FORM_SUBMISSION': 'Submitted a form.',
  'TouchpointType.MEETING': 'A meeting.',
  'TouchpointType.OTHER': 'Anything else.',
  'TouchpointType.SALES_CALL': 'A sales call.',
  'TouchpointType.WEBINAR_ATTENDED': 'Attended a webinar.',
  'TouchpointType.WEB_VISIT': 'Visited the website.',
  ConversionBasis: 'How a funnel counts (definitions §4).',
  'ConversionBasis.COHORT': 'The units whose first step falls in the period, followed up the steps.',
  'ConversionBasis.FLOW': 'Each step counts the units reaching it in the period.',
  SkippedStagePolicy: 'What a skipped stage counts as.',
  'SkippedStagePolicy.INFER': 'Reached when a higher stage is (the default).',
  'SkippedStagePolicy.STRICT': 'Only when actually entered, in order.',
  FunnelBreakdown: 'Groups a funnel splits into (definitions §4).',
  'FunnelBreakdown.CHANNEL': 'The lead’s source.',
  'FunnelBreakdown.CAMPAIGN': 'The campaign of the lead’s first touch.',
  'FunnelBreakdown.INDUSTRY': 'The account’s industry.',
  'FunnelBreakdown.REGION': 'The account’s region.',
  'FunnelBreakdown.OWNER': 'The owner’s email.',
  AttributionModel: 'How won revenue is split (definitions §6).',
  'AttributionModel.FIRST_TOUCH': 'All to the first touch.',
  'AttributionModel.LAST_TOUCH': 'All to the last touch before close.',
  'AttributionModel.LINEAR': 'Equal shares to every touch.',
  'AttributionModel.U_SHAPED': '40% first touch, 40% lead creation, 20% the rest.',
  'AttributionModel.W_SHAPED': '30% first touch, lead creation and opportunity creation each, 10% the rest.',
  'AttributionModel.FULL_PATH': '22.5% each to first touch, lead and opportunity creation and close, 10% the rest.',
  'AttributionModel.TIME_DECAY': 'Touches weigh 2^(−age / halfLifeDays) before close.',
  'AttributionModel.MARKOV': 'First-order Markov removal effect over converting and non-converting journeys.',
  'AttributionModel.SHAPLEY': 'Simplified Shapley value over the converting journeys.',
  AttributionGroupBy: 'What an attribution row is.',
  'AttributionGroupBy.CAMPAIGN': 'One row per campaign.',
  'AttributionGroupBy.CHANNEL': 'One row per channel.',
  KpiMetric: 'A KPI of definitions §5, for series and targets.',
  Interval: 'A KPI series’ interval.',
  'Interval.DAY': 'Calendar days.',
  'Interval.WEEK': 'Weeks starting on weekStart.',
  'Interval.MONTH': 'Calendar months.',
  'Interval.QUARTER': 'Calendar quarters.',
  Weekday: 'A day of the week.',
  OrderDirection: 'Ascending or descending.',
  'OrderDirection.ASC': 'Smallest first.',
  'OrderDirection.DESC': 'Largest first.',
  DealOrderField: 'What the deals list is ordered by.',
  'DealOrderField.CREATED_AT': 'Creation.',
  'DealOrderField.AMOUNT': 'Amount.',
  'DealOrderField.CLOSED_AT': 'Close (open deals after every closed one ascending).',
  'DealOrderField.UPDATED_AT': 'Last change (incremental sync).',
  LeadOrderField: 'What the leads list is ordered by.',
  'LeadOrderField.CREATED_AT': 'Creation.',
  'LeadOrderField.SCORE': 'Score (none lowest).',
  'LeadOrderField.UPDATED_AT': 'Last change (incremental sync).',
  'AccountOrderField.CREATED_AT': 'Creation.',
  'AccountOrderField.UPDATED_AT': 'Last change (incremental sync).',
  'AccountOrderField.NAME': 'Name.',
  DealOrder: 'The order of the deals list (ties broken by id).',
  LeadOrder: 'The order of the leads list (ties broken by id).',
};

const LOWER = (s: string) => s[0].toLowerCase() + s.slice(1);

/** Descriptions every type's ids, keys, periods, paging and bulk arguments share. */
function rule(type: string, field: string | null, arg: string | null): string | null {
  if (arg) {
    if (arg === 'id')
      return `The ${field === 'account' || field === 'campaign' || field === 'deal' || field === 'lead' ? field : 'record'}'s id.`;
    if (arg === 'externalId') return 'The externalId.';
    if (arg === 'allOrNone')
      return 'true: if any item fails, nothing is written and every other item reports ROLLED_BACK; false (the default): each item stands alone.';
    if (arg === 'input' && type === 'Mutation')
      return /^(upsert|record|retract|set)/.test(field!)
        ? 'The items, at most 500 per call (BulkItemResult.index points into this list).'
        : 'What to do.';
    if (arg === 'input') return 'What to compute.';
    if (arg === 'filter') return 'Only the records matching every given field.';
    if (arg === 'orderBy') return 'The order (ties broken by id).';
  }
  if (!field) return null;
  if (field === 'id') return `The ${LOWER(type)}'s id (opaque).`;
  if (field === 'externalId')
    return 'Its id in the system it comes from (a CRM, a marketing platform): unique per kind, the key upserts match on.';
  if (field === 'version') return 'Optimistic-concurrency version; every change increments it.';
  if (field === 'createdAt') return 'When it was created.';
  if (field === 'asOf')
    return type.endsWith('Input')
      ? 'Compute as the data stood at this instant (default now): anything recorded as happening later is not seen.'
      : 'The instant the numbers are as of.';
  if (field === 'from') return type.endsWith('Input') ? 'Start of the period (inclusive).' : 'Start of the period.';
  if (field === 'to') return type.endsWith('Input') ? 'End of the period (exclusive).' : 'End of the period.';
  if (field === 'sources') return 'Only leads from these channels (deal metrics: deals whose first lead is).';
  if (field === 'ownerIds') return 'Only leads and deals owned by these users.';
  if (field === 'conversionWindowDays')
    return 'How long a unit has to convert, in days (COHORT; no bound when left out).';
  if (field === 'direction') return 'Ascending or descending.';
  if (field === 'field') return 'What to order by.';
  if (/^(created|closed|occurred)(From|To)$/.test(field))
    return field.endsWith('From')
      ? `At or after this instant (${field.replace(/From$/, '')}).`
      : `Before this instant (${field.replace(/To$/, '')}).`;
  if (field === 'ownerId') return 'Owned by this user.';
  if (field === 'accountId') return 'Of this account.';
  if (field === 'channels') return 'Of these channels.';
  if (field === 'ownerEmail') return 'The owner, by their email (null clears; SALES may only name itself).';
  if (field === 'accountExternalId') return 'The account, by its externalId (null clears).';
  if (field === 'leadExternalIds') return 'The leads it came from, by externalId (replaces the links when given).';
  if (field === 'dealExternalId') return 'The deal, by its externalId.';
  if (field === 'leadExternalId') return 'The lead, by its externalId.';
  if (field === 'occurredAt') return 'When it happened.';
  return null;
}

const KPI_METRIC = (value: string) =>
  `The KPI ${LOWER(value.toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase()))} of definitions §5.`;

/** Sets the description of every element that has none from TEXT or the shared rules. */
export function describeSchema(schema: GraphQLSchema, features: Record<string, string> = {}): void {
  const pick = (coordinate: string, fallback: () => string | null) =>
    TEXT[coordinate] ?? features[coordinate] ?? fallback();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isSpecifiedScalarType(type)) continue; // String, Int…: graphql-js's own, shared by every schema
    type.description ??= pick(type.name, () => null);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        f.description ??= pick(`${type.name}.${f.name}`, () => rule(type.name, f.name, null));
        for (const a of 'args' in f ? f.args : [])
          a.description ??= pick(`${type.name}.${f.name}(${a.name})`, () => rule(type.name, f.name, a.name));
      }
    }
    if (isEnumType(type))
      for (const v of type.getValues())
        v.description ??= pick(`${type.name}.${v.name}`, () =>
          type.name === 'KpiMetric'
            ? KPI_METRIC(v.name)
            : type.name === 'Weekday'
              ? `${v.name[0]}${v.name.slice(1).toLowerCase()}.`
              : null,
        );
  }
}

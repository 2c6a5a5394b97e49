/** GraphQL documents shared by the integration tests. */
const RESULT = `successCount errorCount results { index externalId id created outcome success errors { code field message } }`;

export const bulk = (mutation: string, inputType: string) =>
  `mutation($input: [${inputType}!]!, $allOrNone: Boolean) { ${mutation}(input: $input, allOrNone: $allOrNone) { ${RESULT} } }`;

export const UPSERT_USERS = bulk('upsertUsers', 'UserInput');
export const UPSERT_ACCOUNTS = bulk('upsertAccounts', 'AccountInput');
export const UPSERT_CAMPAIGNS = bulk('upsertCampaigns', 'CampaignInput');
export const RECORD_SPEND = bulk('recordCampaignSpend', 'CampaignSpendInput');
export const UPSERT_LEADS = bulk('upsertLeads', 'LeadInput');
export const RECORD_LEAD_EVENTS = bulk('recordLeadStageChanges', 'LeadStageChangeInput');
export const RECORD_TOUCHPOINTS = bulk('recordTouchpoints', 'TouchpointInput');
export const UPSERT_DEALS = bulk('upsertDeals', 'DealInput');
export const RECORD_DEAL_CHANGES = bulk('recordDealStageChanges', 'DealStageChangeInput');
export const RETRACT_DEAL_CHANGES = bulk('retractDealStageChanges', 'DealStageChangeKeyInput');
export const RETRACT_LEAD_EVENTS = bulk('retractLeadStageChanges', 'LeadStageChangeKeyInput');

export const LEAD_FIELDS = `id externalId email firstName lastName stage status rejectionReason createdAt mqlAt salAt sqlAt opportunityAt customerAt`;
export const LEAD_BY_EXT = `query($e: String!) { leadByExternalId(externalId: $e) { ${LEAD_FIELDS} stageHistory { event fromStage toStage reason occurredAt } } }`;
export const DEAL_FIELDS = `id externalId name amount status version createdAt closedAt lostReason stage { key } leads { externalId }`;
export const DEAL_BY_EXT = `query($e: String!) { dealByExternalId(externalId: $e) { ${DEAL_FIELDS} stageHistory { fromStage toStage amount occurredAt } } }`;
export const MOVE_DEAL = `mutation($input: MoveDealStageInput!) { moveDealStage(input: $input) { id version stage { key } status } }`;

export interface BulkOut {
  successCount: number;
  errorCount: number;
  results: {
    index: number;
    externalId: string | null;
    id: string | null;
    created: boolean;
    outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'FAILED';
    success: boolean;
    errors: { code: string; field: string | null }[];
  }[];
}

export const at = (s: string) => new Date(`${s}T12:00:00.000Z`).toISOString();

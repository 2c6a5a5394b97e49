/**
 * The fixed operations of the benchmark: our GraphQL document, PostGraphile v4's and v5's equivalents where they have one, and the
 * raw SQL baseline (hand-written single json statements for lists; for analytics, the SQL our service runs, captured).
 */
export interface Op {
  name: string;
  kind: 'list' | 'analytics';
  ours: string;
  /** PostGraphile v4's equivalent document. */
  postgraphile?: string;
  /** PostGraphile v5's (Amber preset: `rowId`, `dealByRowId`). */
  postgraphile5?: string;
  /** Hand-written raw SQL; analytics ops use the captured SQL instead. */
  raw?: { sql: string; params: unknown[] };
}

const DEAL_JSON = `json_build_object('id', d.id::text, 'name', d.name, 'amount', d.amount,
  'account', (SELECT json_build_object('name', a.name) FROM accounts a WHERE a.id = d.account_id),
  'owner', (SELECT json_build_object('email', u.email) FROM users u WHERE u.id = d.owner_id),
  'leads', (SELECT coalesce(json_agg(json_build_object('email', l.email)), '[]'::json) FROM deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id))`;
const OURS_DEAL = `id name amount account { name } owner { email } leads { email }`;
const PG_DEAL = `id name amount accountByAccountId { name } userByOwnerId { email } dealLeadsByDealId { nodes { leadByLeadId { email } } }`;
const PG5_DEAL = `rowId name amount accountByAccountId { name } userByOwnerId { email } dealLeadsByDealId { nodes { leadByLeadId { email } } }`;
const YEAR = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
export const MODELS = [
  'FIRST_TOUCH',
  'LAST_TOUCH',
  'LINEAR',
  'U_SHAPED',
  'W_SHAPED',
  'FULL_PATH',
  'TIME_DECAY',
  'MARKOV',
  'SHAPLEY',
];
export const RULE_BASED = MODELS.slice(0, 7);

export interface ListContext {
  ourCursor: string;
  pgCursor: string;
  pg5Cursor: string;
  page1Last: { created_at: string; id: string };
  dealId: string;
}

export function buildOps(c: ListContext): Op[] {
  const months = Array.from({ length: 12 }, (_, i) => {
    const from = new Date(Date.UTC(2025, i, 1)).toISOString();
    const to = new Date(Date.UTC(2025, i + 1, 1)).toISOString();
    return `m${i + 1}: funnel(input: { from: "${from}", to: "${to}", basis: FLOW, breakdown: CHANNEL }) { steps { stage count } groups { key steps { count } } }`;
  });
  return [
    {
      name: 'nested deals list (50: account, owner, leads)',
      kind: 'list',
      ours: `{ deals(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { ${OURS_DEAL} } pageInfo { endCursor } } }`,
      postgraphile: `{ allDeals(first: 50, orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { ${PG_DEAL} } pageInfo { endCursor } } }`,
      postgraphile5: `{ allDeals(first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { ${PG5_DEAL} } pageInfo { endCursor } } }`,
      raw: {
        sql: `SELECT json_agg(${DEAL_JSON} ORDER BY d.created_at DESC, d.id DESC) FROM (SELECT * FROM deals ORDER BY created_at DESC, id DESC LIMIT 50) d`,
        params: [],
      },
    },
    {
      name: 'keyset page 2 (50)',
      kind: 'list',
      ours: `{ deals(first: 50, after: "${c.ourCursor}", orderBy: { field: CREATED_AT, direction: DESC }) { nodes { ${OURS_DEAL} } pageInfo { endCursor } } }`,
      postgraphile: `{ allDeals(first: 50, after: "${c.pgCursor}", orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { ${PG_DEAL} } pageInfo { endCursor } } }`,
      postgraphile5: `{ allDeals(first: 50, after: "${c.pg5Cursor}", orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { ${PG5_DEAL} } pageInfo { endCursor } } }`,
      raw: {
        sql: `SELECT json_agg(${DEAL_JSON} ORDER BY d.created_at DESC, d.id DESC) FROM (SELECT * FROM deals WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 50) d`,
        params: [c.page1Last.created_at, c.page1Last.id],
      },
    },
    {
      name: 'deal by id',
      kind: 'list',
      ours: `{ deal(id: "${c.dealId}") { ${OURS_DEAL} } }`,
      postgraphile: `{ dealById(id: "${c.dealId}") { ${PG_DEAL} } }`,
      postgraphile5: `{ dealByRowId(rowId: "${c.dealId}") { ${PG5_DEAL} } }`,
      raw: { sql: `SELECT ${DEAL_JSON} FROM deals d WHERE d.id = $1`, params: [c.dealId] },
    },
    {
      name: 'funnel 1y, whole ladder, by channel',
      kind: 'analytics',
      ours: `{ funnel(input: { from: "${YEAR.from}", to: "${YEAR.to}", breakdown: CHANNEL, conversionWindowDays: 90 }) { isComplete steps { stage count inferredCount conversionFromPrevious { value } } groups { key steps { count } } } }`,
    },
    {
      // days between steps need every unit's instants: computed on the fly, not from the per-day rollup
      name: 'funnel 1y with days between steps (on the fly)',
      kind: 'analytics',
      ours: `{ funnel(input: { from: "${YEAR.from}", to: "${YEAR.to}", breakdown: CHANNEL, conversionWindowDays: 90 }) { steps { stage count conversionFromPrevious { value } daysFromPrevious { mean median } } groups { key steps { count } } } }`,
    },
    { name: 'funnel by channel × month (12 FLOW funnels)', kind: 'analytics', ours: `{ ${months.join(' ')} }` },
    ...MODELS.map((m): Op => ({
      name: `attribution 1y ${m}`,
      kind: 'analytics',
      ours: `{ attribution(input: { model: ${m}, from: "${YEAR.from}", to: "${YEAR.to}" }) { wonDeals revenue unattributedRevenue rows { key label revenue deals spend roi { value } } } }`,
    })),
    {
      name: 'kpis 1y',
      kind: 'analytics',
      ours: `{ kpis(input: { from: "${YEAR.from}", to: "${YEAR.to}" }) { leads mqls sqls wonDeals revenue winRate { value } salesCycleDays { mean median } mqlToSqlRate { value } leadRejectionRate { value } slaCompliance { value } openPipeline weightedPipeline pipelineVelocity cac marketingInfluencedRevenue } }`,
    },
  ];
}

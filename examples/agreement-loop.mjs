#!/usr/bin/env node
// The qualification agreement end to end, as marketing and sales run it (definitions §8, §9):
//   1. marketing drafts a definition of a qualified lead;
//   2. both teams look at its backtest over the last year beside the definition in force and the actual practice;
//   3. marketing proposes it and approves it, sales approves it: the second approval activates it;
//   4. a lead that fits gets engaged: the service records its MQL itself, with the version and the reasons;
//   5. sales returns it (BAD_FIT): the hand-off feedback by version shows it, with the response time.
// Each run makes a new version and a new lead (names carry the run's time), so it can be run again.
//
//   MARKETING_TOKEN=… SALES_TOKEN=… node examples/agreement-loop.mjs [--url http://localhost:4000/graphql]
//
// The tokens must belong to two different people (token `sub`): one MARKETING (or REVOPS/ADMIN), one SALES (or
// REVOPS/ADMIN). `npm run token -- --role MARKETING --sub mia@example.com` mints one for a local server.
// The last line printed is a JSON summary. Plain Node (20 or later); no packages needed.

const args = process.argv.slice(2);
const url = args.includes('--url')
  ? args[args.indexOf('--url') + 1]
  : (process.env.API_URL ?? 'http://localhost:4000/graphql');
const tokens = { marketing: process.env.MARKETING_TOKEN, sales: process.env.SALES_TOKEN };
if (!tokens.marketing || !tokens.sales) {
  console.error('Set MARKETING_TOKEN and SALES_TOKEN (two different people).');
  process.exit(2);
}

async function gql(who, query, variables = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new Error(
      `${e.extensions?.code ?? 'ERROR'}${e.extensions?.field ? ` (${e.extensions.field})` : ''}: ${e.message}`,
    );
  }
  return body.data;
}

const run = new Date()
  .toISOString()
  .replace(/[-:.TZ]/g, '')
  .slice(0, 14);
const DEFINITION = {
  name: `Senior buyers who engaged (${run})`,
  note: 'A senior title at a mid-size or larger company, and a webinar or a form in the last 30 days.',
  fitRules: [
    { attribute: 'TITLE', op: 'CONTAINS_ANY', values: ['vp', 'head', 'chief', 'director'], points: 30 },
    { attribute: 'EMPLOYEES', op: 'BETWEEN', min: 100, points: 20 },
    { attribute: 'TITLE', op: 'CONTAINS_ANY', values: ['student', 'intern'], points: -50 },
  ],
  engagementRules: [
    { touchType: 'WEBINAR_ATTENDED', points: 40 },
    { touchType: 'FORM_SUBMISSION', points: 30 },
    { touchType: 'EMAIL_CLICK', points: 10, maxCount: 2 },
  ],
  fitThreshold: 50,
  engagementThreshold: 40,
  engagementWindowDays: 30,
  engagementHalfLifeDays: 14,
  responseSlaHours: 24,
};
const DEF = 'id version status activatedAt approvals { sub role at }';
const SIDE = 'qualified precisionSql { value } recallSql { value } rejected medianDaysToQualify';
const pct = (v) => (v == null ? '–' : `${(100 * v).toFixed(1)}%`);

// 1. the draft
const { createQualificationDefinition: draft } = await gql(
  'marketing',
  `mutation($input: QualificationDefinitionInput!) { createQualificationDefinition(input: $input) { ${DEF} } }`,
  { input: DEFINITION },
);
console.log(`1. draft v${draft.version} created`);

// 2. its backtest over the last 12 months, beside the definition in force and the actual practice
const now = new Date();
const period = { from: new Date(now.getTime() - 365 * 86_400_000).toISOString(), to: now.toISOString() };
const { activeQualificationDefinition: inForce } = await gql(
  'sales',
  `{ activeQualificationDefinition { id version } }`,
);
const backtest = async (id) =>
  (
    await gql(
      'sales',
      `query($input: QualificationBacktestInput!) { qualificationBacktest(input: $input) { leads definition { ${SIDE} } actual { ${SIDE} } } }`,
      { input: { definitionId: id, ...period } },
    )
  ).qualificationBacktest;
const proposed = await backtest(draft.id);
const current = inForce ? await backtest(inForce.id) : null;
console.log(`2. backtest over ${proposed.leads} leads of the last 12 months:`);
for (const [name, side] of [
  [`draft v${draft.version}`, proposed.definition],
  ...(current ? [[`in force v${inForce.version}`, current.definition]] : []),
  ['actual practice', proposed.actual],
])
  console.log(
    `   ${name.padEnd(16)} qualified ${String(side.qualified).padStart(5)} · reach SQL ${pct(side.precisionSql.value)} · ` +
      `SQLs caught ${pct(side.recallSql.value)} · returned by sales ${side.rejected}`,
  );

// 3. propose, then one approval per side (two different people): the second activates it
await gql('marketing', `mutation($id: ID!) { proposeQualificationDefinition(id: $id) { id } }`, { id: draft.id });
await gql('marketing', `mutation($id: ID!) { approveQualificationDefinition(id: $id) { id } }`, { id: draft.id });
const { approveQualificationDefinition: active } = await gql(
  'sales',
  `mutation($id: ID!) { approveQualificationDefinition(id: $id) { ${DEF} } }`,
  { id: draft.id },
);
console.log(
  `3. v${active.version} is ${active.status} since ${active.activatedAt}, approved by ${active.approvals.map((a) => `${a.sub} (${a.role})`).join(' and ')}`,
);

// 4. a lead that fits engages: the service makes it an MQL by itself
const lead = `agreement-demo-${run}`;
await gql(
  'marketing',
  `mutation($a: [AccountInput!]!, $l: [LeadInput!]!, $c: [CampaignInput!]!) {
     upsertAccounts(input: $a) { errorCount } upsertLeads(input: $l) { errorCount } upsertCampaigns(input: $c) { errorCount } }`,
  {
    a: [{ externalId: `${lead}-acct`, name: 'Northwind', employees: 800 }],
    l: [{ externalId: lead, title: 'Head of Operations', accountExternalId: `${lead}-acct`, source: 'WEBINAR' }],
    c: [{ externalId: 'agreement-demo-webinar', name: 'Agreement demo webinar', channel: 'WEBINAR' }],
  },
);
await gql('marketing', `mutation($t: [TouchpointInput!]!) { recordTouchpoints(input: $t) { errorCount } }`, {
  t: ['WEBINAR_ATTENDED', 'FORM_SUBMISSION'].map((type) => ({
    externalId: `${lead}-${type.toLowerCase()}`,
    leadExternalId: lead,
    campaignExternalId: 'agreement-demo-webinar',
    type,
    occurredAt: new Date(Date.now() - 1000).toISOString(),
  })),
});
const LEAD = `query($e: String!) { leadByExternalId(externalId: $e) { id stage fitScore engagementScore
  qualification { version qualifiedAt reasons { kind rule points } } } }`;
const { leadByExternalId: mql } = await gql('sales', LEAD, { e: lead });
console.log(
  `4. ${lead}: ${mql.stage} (fit ${mql.fitScore}, engagement ${mql.engagementScore.toFixed(2)}), qualified by v${mql.qualification?.version} at ${mql.qualification?.qualifiedAt}: ` +
    mql.qualification?.reasons.map((r) => `${r.rule} ${+r.points.toFixed(2)}`).join(', '),
);

// 5. sales returns it, and the feedback by version shows why
await gql('sales', `mutation($input: MoveLeadStageInput!) { moveLeadStage(input: $input) { status } }`, {
  input: { leadId: mql.id, event: 'REJECTED', reason: 'BAD_FIT', note: 'Operations, not a buyer' },
});
const { handoffFeedback } = await gql(
  'marketing',
  `query($input: HandoffFeedbackInput!) { handoffFeedback(input: $input) { slaHours
     groups { key label mqls accepted returned pending rejectionReasons { reason count } responseHours { median } } } }`,
  {
    input: {
      from: new Date(now.getTime() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      groupBy: 'QUALIFICATION_VERSION',
    },
  },
);
const mine = handoffFeedback.groups.find((g) => g.key === String(active.version));
console.log(
  `5. hand-off of v${active.version}'s MQLs today: ${mine.mqls} MQL, ${mine.accepted} accepted, ${mine.returned} returned ` +
    `(${mine.rejectionReasons.map((r) => `${r.reason} ${r.count}`).join(', ')}), median response ${mine.responseHours.median?.toFixed(4)} h, SLA ${handoffFeedback.slaHours} h`,
);
console.log(
  JSON.stringify({
    version: active.version,
    status: active.status,
    lead,
    qualified: mql.stage === 'MQL' && mql.qualification?.version === active.version,
    returned: mine.returned,
  }),
);

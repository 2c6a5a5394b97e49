import { Role } from '../../../src/common/graphql/enums';
import {
  BulkOut,
  LEAD_BY_EXT,
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_USERS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { expectFunnelKpiMarkovEqualScratch } from '../../support/rollup-scratch';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

/** This file's years (no other test writes there): the merged data in 1978, the same data loaded fresh in 2018. */
const MERGED_YEAR = 1978;
const FRESH_YEAR = 2018;
const ERASE_YEAR = 2021;

const RATIO = 'numerator denominator value';
const STEP = `stage count inferredCount dropOff conversionFromFirst { ${RATIO} } conversionFromPrevious { ${RATIO} } daysFromPrevious { count mean median }`;
const ANALYTICS = `query($from: DateTimeISO!, $to: DateTimeISO!, $basis: ConversionBasis!, $by: FunnelBreakdown, $owners: [ID!]) {
  kpis(input: { from: $from, to: $to, ownerIds: $owners }) {
    leads mqls sals sqls opportunities wonDeals lostDeals revenue pipelineCreated openPipeline weightedPipeline averageDealSize
    marketingSourcedRevenue marketingInfluencedRevenue winRate { ${RATIO} } mqlToSqlRate { ${RATIO} }
    leadRejectionRate { ${RATIO} } salesCycleDays { count mean median } leadResponseHours { count mean median } }
  funnel(input: { from: $from, to: $to, basis: $basis, breakdown: $by, ownerIds: $owners }) { steps { ${STEP} } groups { key steps { ${STEP} } } }
}`;
const ATTRIBUTION = `query($from: DateTimeISO!, $to: DateTimeISO!, $model: AttributionModel!) {
  attribution(input: { from: $from, to: $to, model: $model, groupBy: CHANNEL }) {
    revenue wonDeals attributedRevenue unattributedDeals unattributedRevenue rows { key revenue deals touchpoints } } }`;
const MODELS = [
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
const MERGE_LEADS = `mutation($i: MergeInput!) { mergeLeads(input: $i) { externalId email title source createdAt mqlAt salAt } }`;
const MERGE_ACCOUNTS = `mutation($i: MergeInput!) { mergeAccounts(input: $i) { externalId industry region } }`;

const year = (y: number) => ({ from: `${y}-01-01T00:00:00.000Z`, to: `${y + 1}-01-01T00:00:00.000Z` });
const at = (y: number, md: string) => `${y}-${md}T10:00:00.000Z`;

describe('data lifecycle: archive, merge, erase', () => {
  let api: TestApi;
  let campaigns: { email: string; search: string };
  /** The owner of this file's leads and deals: point-in-time KPIs (open pipeline) count every deal ever created, so
   * the comparisons are scoped to this owner, whom no other test file touches. */
  let owner: { id: string; email: string };
  beforeAll(async () => {
    api = await startTestApi();
    owner = { id: '', email: `${unique('owner')}@lifecycle.example` };
    owner.id = (
      await bulk(UPSERT_USERS, 'upsertUsers', [{ email: owner.email, role: 'SALES' }], Role.ADMIN)
    ).results[0].id!;
    const p = unique('cmp');
    campaigns = { email: `${p}-email`, search: `${p}-search` };
    await bulk(UPSERT_CAMPAIGNS, 'upsertCampaigns', [
      { externalId: campaigns.email, name: 'Newsletter', channel: 'EMAIL' },
      { externalId: campaigns.search, name: 'Search ads', channel: 'PAID_SEARCH' },
    ]);
  });
  afterAll(() => api.close());

  const bulk = async (doc: string, name: string, input: unknown[], role = Role.SERVICE) => {
    const out = (await api.ok<Record<string, BulkOut>>(doc, { input }, role))[name];
    expect(out.results.filter((r) => !r.success)).toEqual([]);
    return out;
  };

  /**
   * One small funnel in year y: lead 1 and its duplicate lead 2 (their accounts duplicates too), lead 3, a won and a
   * lost deal. merged = the same data as one lead and one account would have been loaded from the start.
   */
  async function load(y: number, p: string, merged: boolean) {
    const acc = merged ? `${p}-acc` : `${p}-acc-dup`;
    await bulk(UPSERT_ACCOUNTS, 'upsertAccounts', [
      { externalId: `${p}-acc`, name: 'Acme', industry: 'Retail', region: 'EMEA', createdAt: at(y, '01-02') },
      ...(merged ? [] : [{ externalId: `${p}-acc-dup`, name: 'ACME Inc', createdAt: at(y, '01-03') }]),
    ]);
    const l2 = merged ? `${p}-l1` : `${p}-l2`;
    const owned = (xs: Record<string, unknown>[]) => xs.map((x) => ({ ...x, ownerEmail: owner.email }));
    await bulk(
      UPSERT_LEADS,
      'upsertLeads',
      owned([
        merged
          ? {
              externalId: `${p}-l1`,
              email: `l1-${p}@x.example`,
              source: 'EMAIL',
              title: 'CFO',
              accountExternalId: `${p}-acc`,
              createdAt: at(y, '01-20'),
            }
          : {
              externalId: `${p}-l1`,
              email: `l1-${p}@x.example`,
              source: 'EMAIL',
              accountExternalId: `${p}-acc`,
              createdAt: at(y, '02-01'),
            },
        ...(merged
          ? []
          : [
              {
                externalId: `${p}-l2`,
                source: 'PAID_SEARCH',
                title: 'CFO',
                accountExternalId: acc,
                createdAt: at(y, '01-20'),
              },
            ]),
        { externalId: `${p}-l3`, source: 'PAID_SEARCH', accountExternalId: acc, createdAt: at(y, '03-01') },
      ]),
    );
    await bulk(RECORD_LEAD_EVENTS, 'recordLeadStageChanges', [
      { leadExternalId: `${p}-l1`, event: 'MQL', occurredAt: at(y, '02-05') },
      { leadExternalId: l2, event: 'MQL', occurredAt: at(y, '01-25') },
      { leadExternalId: l2, event: 'SAL', occurredAt: at(y, '02-10'), note: 'called back' },
      { leadExternalId: `${p}-l3`, event: 'MQL', occurredAt: at(y, '03-02') },
      { leadExternalId: `${p}-l3`, event: 'REJECTED', reason: 'BAD_FIT', occurredAt: at(y, '03-04') },
    ]);
    await bulk(RECORD_TOUCHPOINTS, 'recordTouchpoints', [
      {
        externalId: `${p}-t1`,
        leadExternalId: `${p}-l1`,
        campaignExternalId: campaigns.email,
        type: 'AD_CLICK',
        occurredAt: at(y, '02-02'),
      },
      {
        externalId: `${p}-t2`,
        leadExternalId: l2,
        campaignExternalId: campaigns.search,
        type: 'AD_CLICK',
        occurredAt: at(y, '01-21'),
      },
      {
        externalId: `${p}-t3`,
        leadExternalId: `${p}-l3`,
        campaignExternalId: campaigns.search,
        type: 'WEB_VISIT',
        occurredAt: at(y, '03-01'),
      },
    ]);
    await bulk(
      UPSERT_DEALS,
      'upsertDeals',
      owned([
        {
          externalId: `${p}-d1`,
          name: 'Big',
          amount: 1000,
          accountExternalId: acc,
          leadExternalIds: [l2],
          createdAt: at(y, '02-15'),
        },
        {
          externalId: `${p}-d2`,
          name: 'Lost',
          amount: 400,
          accountExternalId: `${p}-acc`,
          leadExternalIds: [`${p}-l1`, `${p}-l3`],
          createdAt: at(y, '03-05'),
        },
      ]),
    );
    await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [
      { dealExternalId: `${p}-d1`, stage: 'PROPOSAL', occurredAt: at(y, '03-01') },
      { dealExternalId: `${p}-d1`, stage: 'WON', occurredAt: at(y, '04-01') },
      { dealExternalId: `${p}-d2`, stage: 'LOST', occurredAt: at(y, '05-01'), reason: 'price' },
    ]);
  }

  /** Every analytic of a year, as an API user sees it (funnel both bases and by industry and channel, KPIs, every model). */
  async function analytics(y: number) {
    const out: Record<string, unknown> = {};
    for (const basis of ['COHORT', 'FLOW'])
      for (const by of [null, 'INDUSTRY', 'CHANNEL'])
        out[`${basis}/${by}`] = await api.ok(ANALYTICS, { ...year(y), basis, by, owners: [owner.id] }, Role.ANALYST);
    for (const model of MODELS)
      out[model] = (await api.ok(ATTRIBUTION, { ...year(y), model }, Role.ANALYST)).attribution;
    return JSON.parse(JSON.stringify(out), (_k, v) => (typeof v === 'number' ? Number(v.toFixed(9)) : v));
  }

  const rollupsEqualScratch = () => expectFunnelKpiMarkovEqualScratch(api.ds);

  it('mergeAccounts + mergeLeads: every analytic equals the merged data loaded fresh; duplicates stay archived with mergedInto', async () => {
    const p = unique('mrg');
    const f = unique('fresh');
    await load(MERGED_YEAR, p, false);
    await load(FRESH_YEAR, f, true);
    const before = await analytics(MERGED_YEAR);

    const acc = await api.ok(
      MERGE_ACCOUNTS,
      { i: { survivorExternalId: `${p}-acc`, duplicateExternalIds: [`${p}-acc-dup`] } },
      Role.REVOPS,
    );
    expect(acc.mergeAccounts).toEqual({ externalId: `${p}-acc`, industry: 'Retail', region: 'EMEA' });
    const lead = await api.ok(
      MERGE_LEADS,
      { i: { survivorExternalId: `${p}-l1`, duplicateExternalIds: [`${p}-l2`] } },
      Role.REVOPS,
    );
    expect(lead.mergeLeads).toEqual({
      externalId: `${p}-l1`,
      email: `l1-${p}@x.example`, // the survivor's own value
      title: 'CFO', // filled from the duplicate
      source: 'EMAIL',
      createdAt: at(MERGED_YEAR, '01-20'), // the earliest creation
      mqlAt: at(MERGED_YEAR, '01-25'),
      salAt: at(MERGED_YEAR, '02-10'),
    });

    const merged = await analytics(MERGED_YEAR);
    expect(merged).not.toEqual(before);
    expect(merged).toEqual(await analytics(FRESH_YEAR));
    await rollupsEqualScratch();

    const dup = (
      await api.ok(`query($e: String!) { leadByExternalId(externalId: $e) { archivedAt mergedInto { externalId } } }`, {
        e: `${p}-l2`,
      })
    ).leadByExternalId;
    expect(dup.archivedAt).not.toBeNull();
    expect(dup.mergedInto).toEqual({ externalId: `${p}-l1` });
    const listed = await api.ok(
      `query($s: String!) { leads(filter: { search: $s }, first: 10) { nodes { externalId } } }`,
      { s: p },
    );
    expect(listed.leads.nodes.map((n: { externalId: string }) => n.externalId).sort()).toEqual([`${p}-l1`, `${p}-l3`]);
    const audit = await api.ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'leads' AND action = 'UPDATE' AND actor_role = 'REVOPS' AND changes ? 'merged_into_id'`,
    );
    expect(audit[0].n).toBeGreaterThan(0);

    // refused: merging into an archived record, a duplicate twice, an unknown one; MARKETING may not merge
    const again = await api.gql(
      MERGE_LEADS,
      { i: { survivorExternalId: `${p}-l1`, duplicateExternalIds: [`${p}-l2`] } },
      Role.REVOPS,
    );
    expect(again.body.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'duplicateExternalIds[0]',
    });
    const unknown = await api.gql(
      MERGE_LEADS,
      { i: { survivorExternalId: `${p}-l1`, duplicateExternalIds: ['nope-x'] } },
      Role.REVOPS,
    );
    expect(unknown.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const marketing = await api.gql(
      MERGE_LEADS,
      { i: { survivorExternalId: `${p}-l1`, duplicateExternalIds: [`${p}-l3`] } },
      Role.MARKETING,
    );
    expect(marketing.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const restore = await api.ok(
      `mutation($x: [String!]!) { restoreLeads(externalIds: $x) { results { errors { code field } } } }`,
      { x: [`${p}-l2`] },
    );
    expect(restore.restoreLeads.results[0].errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'externalId' }]);
  });

  it('archive hides a lead and a deal from lists and every analytic; restore brings back exactly the numbers before', async () => {
    const p = unique('arc');
    await load(MERGED_YEAR, p, true); // beside the merge test's data: each compares its own before and after
    const before = await analytics(MERGED_YEAR);
    const archive = await api.ok(
      `mutation($l: [String!]!, $d: [String!]!) {
        archiveLeads(externalIds: $l) { results { outcome } } archiveDeals(externalIds: $d) { results { outcome } } }`,
      { l: [`${p}-l3`], d: [`${p}-d1`] },
      Role.REVOPS,
    );
    expect(archive).toEqual({
      archiveLeads: { results: [{ outcome: 'UPDATED' }] },
      archiveDeals: { results: [{ outcome: 'UPDATED' }] },
    });
    const hidden = await analytics(MERGED_YEAR);
    const k0 = (before['COHORT/null'] as { kpis: Record<string, number> }).kpis;
    const k1 = (hidden['COHORT/null'] as { kpis: Record<string, number> }).kpis;
    expect([k1.leads, k1.wonDeals, k1.revenue, k1.opportunities]).toEqual([
      k0.leads - 1,
      k0.wonDeals - 1,
      k0.revenue - 1000,
      k0.opportunities - 1,
    ]);
    expect((hidden.LINEAR as { revenue: number }).revenue).toBe((before.LINEAR as { revenue: number }).revenue - 1000);
    await rollupsEqualScratch();

    const search = (archived?: string) =>
      api.ok(`query($f: LeadFilter) { leads(filter: $f, first: 10) { nodes { externalId archivedAt } } }`, {
        f: { search: p, ...(archived ? { archived } : {}) },
      });
    expect((await search()).leads.nodes.map((n: { externalId: string }) => n.externalId)).not.toContain(`${p}-l3`);
    expect((await search('ARCHIVED')).leads.nodes.map((n: { externalId: string }) => n.externalId)).toEqual([
      `${p}-l3`,
    ]);
    expect((await search('ALL')).leads.nodes).toHaveLength(2);
    // by id and externalId it is still there, saying it is archived
    expect((await api.ok(LEAD_BY_EXT, { e: `${p}-l3` })).leadByExternalId.externalId).toBe(`${p}-l3`);

    const again = await api.ok(`mutation($l: [String!]!) { archiveLeads(externalIds: $l) { results { outcome } } }`, {
      l: [`${p}-l3`],
    });
    expect(again.archiveLeads.results[0].outcome).toBe('UNCHANGED');
    await api.ok(
      `mutation($l: [String!]!, $d: [String!]!) { restoreLeads(externalIds: $l) { successCount } restoreDeals(externalIds: $d) { successCount } }`,
      { l: [`${p}-l3`], d: [`${p}-d1`] },
    );
    expect(await analytics(MERGED_YEAR)).toEqual(before);
    await rollupsEqualScratch();
  });

  it('eraseLeadPersonalData: fields and notes gone, nothing of them in the audit log or stored responses, analytics unchanged, and a later sync cannot bring them back', async () => {
    const p = unique('ers');
    await load(ERASE_YEAR, p, true);
    const email = `l1-${p}@x.example`;
    // a stored idempotent response that quotes the email
    const moved = await api.gql(
      `mutation($id: ID!) { moveLeadStage(input: { leadId: $id, event: SQL, occurredAt: "${at(ERASE_YEAR, '02-20')}" }) { email } }`,
      { id: (await api.ok(LEAD_BY_EXT, { e: `${p}-l1` })).leadByExternalId.id },
      Role.REVOPS,
      { 'idempotency-key': `erase-${p}` },
    );
    expect(moved.body.data?.moveLeadStage.email).toBe(email);
    const before = await analytics(ERASE_YEAR);

    const forbidden = await api.gql(
      `mutation($e: String!) { eraseLeadPersonalData(externalId: $e) { id } }`,
      { e: `${p}-l1` },
      Role.REVOPS,
    );
    expect(forbidden.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const erased = await api.ok(
      `mutation($e: String!) { eraseLeadPersonalData(externalId: $e) { email firstName lastName title personalDataErasedAt stageHistory { note } } }`,
      { e: `${p}-l1` },
      Role.ADMIN,
    );
    expect(erased.eraseLeadPersonalData).toMatchObject({ email: null, firstName: null, lastName: null, title: 'CFO' });
    expect(erased.eraseLeadPersonalData.personalDataErasedAt).not.toBeNull();
    expect(erased.eraseLeadPersonalData.stageHistory.every((h: { note: string | null }) => h.note === null)).toBe(true);
    const [{ leaks }] = await api.ds.query(
      `SELECT count(*)::int AS leaks FROM audit_log WHERE changes::text LIKE '%' || $1 || '%' OR changes::text LIKE '%called back%' AND entity_id IN (
         SELECT id::text FROM lead_stage_changes WHERE lead_id = (SELECT id FROM leads WHERE external_id = $2))`,
      [email, `${p}-l1`],
    );
    expect(leaks).toBe(0);
    expect(await api.ds.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [`erase-${p}`])).toEqual([]);
    expect(await analytics(ERASE_YEAR)).toEqual(before);

    // the CRM sync sends the email again: it stays erased; the rest of the row still syncs
    const sync = await bulk(UPSERT_LEADS, 'upsertLeads', [
      { externalId: `${p}-l1`, email, firstName: 'Lee', score: 7 },
    ]);
    expect(sync.results[0].outcome).toBe('UPDATED');
    const row = await api.ds.query(`SELECT email, first_name, score FROM leads WHERE external_id = $1`, [`${p}-l1`]);
    expect(row).toEqual([{ email: null, first_name: null, score: 7 }]);
  });
});

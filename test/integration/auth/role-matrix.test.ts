import jwt from 'jsonwebtoken';
import { Role } from '../../../src/common/graphql/enums';
import { buildAppSchema } from '../../../src/schema';
import { at, LEAD_BY_EXT, UPSERT_DEALS, UPSERT_LEADS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig } from '../../support/tokens';
import { unique } from '../../support/unique';

const ALL = Object.values(Role);
const R = Role;
/** definitions.md section 7, written out by hand (not imported) so the test checks the code against the doc. */
const WRITE: Record<string, Role[]> = {
  upsertUsers: [R.ADMIN],
  upsertAccounts: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES, R.SERVICE],
  upsertCampaigns: [R.ADMIN, R.REVOPS, R.MARKETING, R.SERVICE],
  recordCampaignSpend: [R.ADMIN, R.REVOPS, R.MARKETING, R.SERVICE],
  upsertLeads: [R.ADMIN, R.REVOPS, R.MARKETING, R.SERVICE],
  recordTouchpoints: [R.ADMIN, R.REVOPS, R.MARKETING, R.SERVICE],
  recordLeadStageChanges: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES, R.SERVICE],
  moveLeadStage: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES, R.SERVICE],
  upsertDeals: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  recordDealStageChanges: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  moveDealStage: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  convertLead: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  retractDealStageChanges: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  retractLeadStageChanges: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES, R.SERVICE],
  setKpiTargets: [R.ADMIN, R.REVOPS],
  archiveLeads: [R.ADMIN, R.REVOPS, R.MARKETING, R.SERVICE],
  restoreLeads: [R.ADMIN, R.REVOPS, R.MARKETING, R.SERVICE],
  archiveDeals: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  restoreDeals: [R.ADMIN, R.REVOPS, R.SALES, R.SERVICE],
  archiveAccounts: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES, R.SERVICE],
  restoreAccounts: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES, R.SERVICE],
  mergeLeads: [R.ADMIN, R.REVOPS],
  mergeAccounts: [R.ADMIN, R.REVOPS],
  eraseLeadPersonalData: [R.ADMIN],
  webhookEndpoints: [R.ADMIN, R.REVOPS],
  webhookDeliveries: [R.ADMIN, R.REVOPS],
  createWebhookEndpoint: [R.ADMIN, R.REVOPS],
  updateWebhookEndpoint: [R.ADMIN, R.REVOPS],
  deleteWebhookEndpoint: [R.ADMIN, R.REVOPS],
  rotateWebhookSecret: [R.ADMIN, R.REVOPS],
  replayWebhookDeliveries: [R.ADMIN, R.REVOPS],
  exportTokens: [R.ADMIN, R.REVOPS],
  createExportToken: [R.ADMIN, R.REVOPS],
  revokeExportToken: [R.ADMIN, R.REVOPS],
  createQualificationDefinition: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES],
  updateQualificationDefinition: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES],
  proposeQualificationDefinition: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES],
  approveQualificationDefinition: [R.ADMIN, R.REVOPS, R.MARKETING, R.SALES],
  retireQualificationDefinition: [R.ADMIN, R.REVOPS],
};
/** A valid definition (an allowed role creates a DRAFT: drafts change nothing else). */
const DEFINITION = `{ name: "role matrix", fitRules: [], engagementRules: [], fitThreshold: 0, engagementThreshold: 0 }`;
const PERIOD = `from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z"`;
const archiveOp = (name: string) => `mutation { ${name}(externalIds: []) { successCount } }`;
const mergeOp = (name: string) =>
  `mutation { ${name}(input: { survivorExternalId: "no-such-record", duplicateExternalIds: ["no-such-dup"] }) { id } }`;
const bulkOp = (name: string) => `mutation { ${name}(input: []) { successCount } }`;
const OPS: Record<string, string> = {
  me: `{ me { role } }`,
  lead: `{ lead(id: "1") { id } }`,
  leadByExternalId: `{ leadByExternalId(externalId: "x") { id } }`,
  leads: `{ leads(first: 1) { totalCount } }`,
  deal: `{ deal(id: "1") { id } }`,
  dealByExternalId: `{ dealByExternalId(externalId: "x") { id } }`,
  deals: `{ deals(first: 1) { totalCount } }`,
  campaign: `{ campaign(id: "1") { id } }`,
  campaigns: `{ campaigns(first: 1) { totalCount } }`,
  account: `{ account(id: "1") { id } }`,
  accounts: `{ accounts(first: 1) { totalCount } }`,
  accountByExternalId: `{ accountByExternalId(externalId: "x") { id } }`,
  touchpoints: `{ touchpoints(first: 1) { totalCount } }`,
  pipelineStages: `{ pipelineStages { key } }`,
  users: `{ users { id } }`,
  pipelineFunnel: `{ pipelineFunnel(input: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { basis } }`,
  kpis: `{ kpis(input: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { leads } }`,
  kpiSeries: `{ kpiSeries(input: { metrics: [LEADS], interval: MONTH, from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { value } }`,
  kpiTargets: `{ kpiTargets(from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z") { id } }`,
  setKpiTargets: `mutation { setKpiTargets(input: []) { id } }`,
  attribution: `{ attribution(input: { model: LINEAR, from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { revenue rows { key label channel campaign { id } } } }`,
  funnel: `{ funnel(input: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { basis } }`,
  upsertUsers: bulkOp('upsertUsers'),
  upsertAccounts: bulkOp('upsertAccounts'),
  upsertCampaigns: bulkOp('upsertCampaigns'),
  recordCampaignSpend: bulkOp('recordCampaignSpend'),
  upsertLeads: bulkOp('upsertLeads'),
  recordTouchpoints: bulkOp('recordTouchpoints'),
  recordLeadStageChanges: bulkOp('recordLeadStageChanges'),
  upsertDeals: bulkOp('upsertDeals'),
  recordDealStageChanges: bulkOp('recordDealStageChanges'),
  moveLeadStage: `mutation { moveLeadStage(input: { leadId: "999999999", event: MQL }) { id } }`,
  moveDealStage: `mutation { moveDealStage(input: { dealId: "999999999", stage: "WON", expectedVersion: 1 }) { id } }`,
  retractDealStageChanges: bulkOp('retractDealStageChanges'),
  retractLeadStageChanges: bulkOp('retractLeadStageChanges'),
  archiveLeads: archiveOp('archiveLeads'),
  restoreLeads: archiveOp('restoreLeads'),
  archiveDeals: archiveOp('archiveDeals'),
  restoreDeals: archiveOp('restoreDeals'),
  archiveAccounts: archiveOp('archiveAccounts'),
  restoreAccounts: archiveOp('restoreAccounts'),
  mergeLeads: mergeOp('mergeLeads'),
  mergeAccounts: mergeOp('mergeAccounts'),
  eraseLeadPersonalData: `mutation { eraseLeadPersonalData(externalId: "no-such-lead") { id } }`,
  webhookEndpoints: `{ webhookEndpoints { id } }`,
  webhookDeliveries: `{ webhookDeliveries(first: 1) { totalCount } }`,
  createWebhookEndpoint: `mutation { createWebhookEndpoint(input: { url: "https://hooks.example.com/in", events: [DEAL], enabled: false }) { secret } }`,
  updateWebhookEndpoint: `mutation { updateWebhookEndpoint(id: "999999999", input: { enabled: true }) { id } }`,
  deleteWebhookEndpoint: `mutation { deleteWebhookEndpoint(id: "999999999") }`,
  rotateWebhookSecret: `mutation { rotateWebhookSecret(id: "999999999") { secret } }`,
  replayWebhookDeliveries: `mutation { replayWebhookDeliveries(ids: ["999999999"]) }`,
  exportTokens: `{ exportTokens { id } }`,
  createExportToken: `mutation { createExportToken(input: { name: "role matrix", expiresInDays: 1 }) { token } }`,
  revokeExportToken: `mutation { revokeExportToken(id: "999999999") { id } }`,
  qualificationDefinitions: `{ qualificationDefinitions { id } }`,
  activeQualificationDefinition: `{ activeQualificationDefinition { id } }`,
  qualificationBacktest: `{ qualificationBacktest(input: { definitionId: "999999999", ${PERIOD} }) { leads } }`,
  handoffFeedback: `{ handoffFeedback(input: { ${PERIOD}, groupBy: CAMPAIGN }) { total { mqls } } }`,
  closingProfile: `{ closingProfile(input: { ${PERIOD} }) { successes signals { key } } }`,
  createQualificationDefinition: `mutation { createQualificationDefinition(input: ${DEFINITION}) { id } }`,
  updateQualificationDefinition: `mutation { updateQualificationDefinition(id: "999999999", input: ${DEFINITION}) { id } }`,
  proposeQualificationDefinition: `mutation { proposeQualificationDefinition(id: "999999999") { id } }`,
  approveQualificationDefinition: `mutation { approveQualificationDefinition(id: "999999999") { id } }`,
  retireQualificationDefinition: `mutation { retireQualificationDefinition(id: "999999999") { id } }`,
  convertLead: `mutation { convertLead(input: { leadId: "999999999", deal: { externalId: "x", name: "x", amount: 1 } }) { id } }`,
};

describe('access: every root field × role (definitions.md section 7)', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  it('the table covers every root field of the schema', () => {
    const schema = buildAppSchema();
    const fields = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()!.getFields()),
    ];
    expect(fields.filter((f) => !OPS[f]).sort()).toEqual([]);
  });

  it('no token: UNAUTHENTICATED (HTTP 401) on every root field', async () => {
    for (const [field, op] of Object.entries(OPS)) {
      const r = await api.gql(op, {}, null);
      expect([field, r.status, r.body.errors?.[0].extensions?.code]).toEqual([field, 401, 'UNAUTHENTICATED']);
    }
  });

  it('reads are open to every role; writes to the roles of the table, FORBIDDEN otherwise', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [field, op] of Object.entries(OPS)) {
      for (const role of ALL) {
        const r = await api.gql(op, {}, role);
        const code = r.body.errors?.[0].extensions?.code;
        outcomes.push(`${field} ${role} ${code === 'FORBIDDEN' ? 'FORBIDDEN' : 'allowed'}`);
        expected.push(`${field} ${role} ${!WRITE[field] || WRITE[field].includes(role) ? 'allowed' : 'FORBIDDEN'}`);
        if (code && code !== 'FORBIDDEN') expect([field, role, code]).toEqual([field, role, 'NOT_FOUND']);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('a forbidden write writes nothing', async () => {
    const p = unique('forbidden');
    const r = await api.gql(UPSERT_DEALS, { input: [{ externalId: p, name: 'x', amount: 1 }] }, Role.MARKETING);
    expect(r.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await api.ds.query(`SELECT 1 FROM deals WHERE external_id = $1`, [p])).toEqual([]);
  });

  it('ANALYST reads leads with personal fields null', async () => {
    const p = unique('pii');
    await api.ok(UPSERT_LEADS, {
      input: [
        {
          externalId: p,
          email: 'jo@x.example',
          firstName: 'Jo',
          lastName: 'Doe',
          title: 'CFO',
          createdAt: at('2025-01-01'),
        },
      ],
    });
    const q = `query($e: String!) { leadByExternalId(externalId: $e) { email firstName lastName title } }`;
    expect((await api.ok(q, { e: p }, Role.ANALYST)).leadByExternalId).toEqual({
      email: null,
      firstName: null,
      lastName: null,
      title: 'CFO',
    });
    expect((await api.ok(q, { e: p }, Role.SALES)).leadByExternalId).toEqual({
      email: 'jo@x.example',
      firstName: 'Jo',
      lastName: 'Doe',
      title: 'CFO',
    });
    expect((await api.ok(LEAD_BY_EXT, { e: p }, Role.ANALYST)).leadByExternalId.email).toBeNull();
  });

  it('tokens that are expired, wrongly signed, typed or addressed, unsigned, too long-lived, without exp or role: UNAUTHENTICATED', async () => {
    const { secret, issuer, audience } = testConfig.jwt;
    const sign = (payload: object, opts: jwt.SignOptions, key = secret) =>
      jwt.sign(payload, key, {
        algorithm: 'HS256',
        header: { alg: opts.algorithm ?? 'HS256', typ: 'at+jwt' },
        ...opts,
      });
    const good = { subject: 'x@y.example', issuer, audience, expiresIn: 600 } as const;
    const bad: [string, string][] = [
      [
        'expired',
        sign({ role: 'ADMIN', exp: Math.floor(Date.now() / 1000) - 120 }, { subject: 'x', issuer, audience }),
      ],
      ['wrong secret', sign({ role: 'ADMIN' }, good, 'another-secret-that-is-long-enough-000000000')],
      ['wrong issuer', sign({ role: 'ADMIN' }, { ...good, issuer: 'evil' })],
      ['wrong audience', sign({ role: 'ADMIN' }, { ...good, audience: 'other-api' })],
      ['no exp', sign({ role: 'ADMIN' }, { subject: 'x', issuer, audience })],
      ['unknown role', sign({ role: 'ROOT' }, good)],
      ['no sub', sign({ role: 'ADMIN' }, { issuer, audience, expiresIn: 600 })],
      [
        'alg none',
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ role: 'ADMIN', sub: 'x', iss: issuer, aud: audience, exp: 9999999999 })).toString('base64url')}.`,
      ],
      ['HS512', sign({ role: 'ADMIN' }, { ...good, algorithm: 'HS512' })],
      ['garbage', 'not.a.token'],
      ['typ JWT (not an access token)', jwt.sign({ role: 'ADMIN' }, secret, { ...good, algorithm: 'HS256' })],
      ['lives 30 days', sign({ role: 'ADMIN' }, { ...good, expiresIn: 30 * 86400 })],
    ];
    for (const [why, token] of bad) {
      const r = await api.gql(`{ me { role } }`, {}, null, { authorization: `Bearer ${token}` });
      expect([why, r.status, r.body.errors?.[0].extensions?.code]).toEqual([why, 401, 'UNAUTHENTICATED']);
    }
    const basic = await api.gql(`{ me { role } }`, {}, null, { authorization: 'Basic YTpi' });
    expect(basic.status).toBe(401);
    const ok = await api.gql(`{ me { role email } }`, {}, null, {
      authorization: `Bearer ${sign({ role: 'SALES' }, good)}`,
    });
    expect(ok.body.data).toEqual({ me: { role: 'SALES', email: 'x@y.example' } });
  });
});

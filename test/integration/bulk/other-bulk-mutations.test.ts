import { Role } from '../../../src/common/graphql/enums';
import {
  at,
  BulkOut,
  LEAD_BY_EXT,
  RECORD_LEAD_EVENTS,
  RECORD_SPEND,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_LEADS,
  UPSERT_USERS,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

describe('bulk mutations', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());
  const bulk = async (doc: string, input: unknown[], role = Role.SERVICE, allOrNone = false): Promise<BulkOut> =>
    Object.values(await api.ok<Record<string, BulkOut>>(doc, { input, allOrNone }, role))[0];
  const codes = (r: BulkOut) =>
    r.results.map((x) => (x.success ? (x.created ? 'created' : 'ok') : `${x.errors[0].code}:${x.errors[0].field}`));

  it('upsertUsers: keyed on the email, case-insensitively; a re-send creates nothing; bad emails fail alone', async () => {
    const p = unique('u');
    const r = await bulk(
      UPSERT_USERS,
      [
        { email: `${p}@X.example`, role: 'SALES', name: 'X' },
        { email: 'not-an-email', role: 'SALES' },
      ],
      Role.ADMIN,
    );
    expect(codes(r)).toEqual(['created', 'BAD_USER_INPUT:email']);
    const again = await bulk(UPSERT_USERS, [{ email: `${p}@x.example`, role: 'REVOPS' }], Role.ADMIN);
    expect(again.results[0]).toMatchObject({ created: false, id: r.results[0].id });
    const { users } = await api.ok(`{ users { email name role } }`);
    expect(users.filter((u: any) => u.email.startsWith(p))).toEqual([
      { email: `${p}@x.example`, name: 'X', role: 'REVOPS' },
    ]);
  });

  it('upsertCampaigns and recordCampaignSpend: spend per UTC day, re-recording a day replaces it, spend(from, to) sums [from, to)', async () => {
    const p = unique('c');
    const c = await bulk(UPSERT_CAMPAIGNS, [
      { externalId: p, name: 'Webinar', channel: 'WEBINAR', budget: 1000 },
      { externalId: `${p}-bad`, name: 'x', channel: 'EMAIL', budget: -1 },
    ]);
    expect(codes(c)).toEqual(['created', 'BAD_USER_INPUT:budget']);
    const spend = [
      { campaignExternalId: p, day: '2025-03-03T15:00:00Z', amount: 100 },
      { campaignExternalId: p, day: '2025-03-04T00:00:00Z', amount: 50.25 },
      { campaignExternalId: p, day: '2025-04-01T00:00:00Z', amount: 10 },
    ];
    expect(codes(await bulk(RECORD_SPEND, spend))).toEqual(['created', 'created', 'created']);
    expect(codes(await bulk(RECORD_SPEND, spend))).toEqual(['ok', 'ok', 'ok']);
    expect(
      codes(
        await bulk(RECORD_SPEND, [
          { ...spend[0], amount: 200 },
          { campaignExternalId: 'nope', day: spend[0].day, amount: 1 },
          { campaignExternalId: p, day: spend[1].day, amount: Number.MAX_VALUE },
          { ...spend[2], day: '2025-04-01T09:00:00Z' },
          { ...spend[2], day: '2025-04-01T23:00:00Z' },
        ]),
      ),
    ).toEqual([
      'ok',
      'NOT_FOUND:campaignExternalId',
      'BAD_USER_INPUT:amount',
      'DUPLICATE_IN_REQUEST:null',
      'DUPLICATE_IN_REQUEST:null',
    ]);
    const q = `query($id: ID!) { campaign(id: $id) { name channel budget all: spend march: spend(from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z") } }`;
    expect((await api.ok(q, { id: c.results[0].id })).campaign).toEqual({
      name: 'Webinar',
      channel: 'WEBINAR',
      budget: 1000,
      all: 260.25,
      march: 250.25,
    });
  });

  it('upsertLeads: references by external id and owner email, per-item NOT_FOUND, omitted fields unchanged', async () => {
    const p = unique('l');
    await bulk(UPSERT_ACCOUNTS, [{ externalId: `${p}-A`, name: 'A' }]);
    await bulk(UPSERT_USERS, [{ email: `${p}@owner.example`, role: 'SALES' }], Role.ADMIN);
    const r = await bulk(UPSERT_LEADS, [
      {
        externalId: `${p}-1`,
        email: 'a@b.example',
        firstName: 'Ann',
        accountExternalId: `${p}-A`,
        ownerEmail: `${p}@OWNER.example`,
        source: 'EMAIL',
        score: 5,
      },
      { externalId: `${p}-2`, accountExternalId: 'nope' },
      { externalId: `${p}-3`, ownerEmail: 'nobody@x.example' },
      { externalId: `${p}-4`, createdAt: new Date(Date.now() + 3_600_000).toISOString() },
      { externalId: '' },
    ]);
    expect(codes(r)).toEqual([
      'created',
      'NOT_FOUND:accountExternalId',
      'NOT_FOUND:ownerEmail',
      'BAD_USER_INPUT:createdAt',
      'BAD_USER_INPUT:externalId',
    ]);
    await bulk(UPSERT_LEADS, [{ externalId: `${p}-1`, score: 9, firstName: null }]);
    const q = `query($e: String!) { leadByExternalId(externalId: $e) { email firstName score source account { externalId } owner { email } } }`;
    expect((await api.ok(q, { e: `${p}-1` })).leadByExternalId).toEqual({
      email: 'a@b.example',
      firstName: null,
      score: 9,
      source: 'EMAIL',
      account: { externalId: `${p}-A` },
      owner: { email: `${p}@owner.example` },
    });
  });

  it('recordLeadStageChanges: a re-sent event is the same event; LEAD, misplaced reasons, unknown leads and future times are refused', async () => {
    const p = unique('ev');
    await bulk(UPSERT_LEADS, [{ externalId: p, createdAt: at('2025-01-01') }]);
    const events = [
      { leadExternalId: p, event: 'MQL', occurredAt: at('2025-01-05') },
      { leadExternalId: p, event: 'REJECTED', occurredAt: at('2025-01-06'), reason: 'TIMING', note: 'call in Q3' },
    ];
    expect(codes(await bulk(RECORD_LEAD_EVENTS, events, Role.MARKETING))).toEqual(['created', 'created']);
    expect(codes(await bulk(RECORD_LEAD_EVENTS, events, Role.SALES))).toEqual(['ok', 'ok']);
    const bad = await bulk(RECORD_LEAD_EVENTS, [
      { leadExternalId: p, event: 'LEAD', occurredAt: at('2025-01-07') },
      { leadExternalId: p, event: 'SQL', occurredAt: at('2025-01-07'), reason: 'TIMING' },
      { leadExternalId: 'nope', event: 'SQL', occurredAt: at('2025-01-07') },
      { leadExternalId: p, event: 'SQL', occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
    ]);
    expect(codes(bad)).toEqual([
      'BAD_USER_INPUT:event',
      'BAD_USER_INPUT:reason',
      'NOT_FOUND:leadExternalId',
      'BAD_USER_INPUT:occurredAt',
    ]);
    const lead = (await api.ok(LEAD_BY_EXT, { e: p })).leadByExternalId;
    expect(lead).toMatchObject({ stage: 'MQL', status: 'REJECTED', rejectionReason: 'TIMING' });
    expect(lead.stageHistory).toHaveLength(3);
    const all = await bulk(
      RECORD_LEAD_EVENTS,
      [
        { leadExternalId: p, event: 'SAL', occurredAt: at('2025-01-08') },
        { leadExternalId: 'nope', event: 'SQL', occurredAt: at('2025-01-09') },
      ],
      Role.SALES,
      true,
    );
    expect(codes(all)).toEqual(['ROLLED_BACK:null', 'NOT_FOUND:leadExternalId']);
    expect((await api.ok(LEAD_BY_EXT, { e: p })).leadByExternalId.stageHistory).toHaveLength(3);
  });

  it('moveLeadStage: one hand-off step, returning the lead as it is after it', async () => {
    const p = unique('mv');
    const [{ id }] = (await bulk(UPSERT_LEADS, [{ externalId: p, createdAt: at('2025-01-01') }])).results;
    const move = `mutation($input: MoveLeadStageInput!) { moveLeadStage(input: $input) { stage status rejectionReason mqlAt } }`;
    expect(
      (await api.ok(move, { input: { leadId: id, event: 'MQL', occurredAt: at('2025-01-02') } }, Role.MARKETING))
        .moveLeadStage,
    ).toEqual({ stage: 'MQL', status: 'OPEN', rejectionReason: null, mqlAt: at('2025-01-02') });
    expect(
      (await api.ok(move, { input: { leadId: id, event: 'DISQUALIFIED' } }, Role.SALES)).moveLeadStage,
    ).toMatchObject({ stage: 'MQL', status: 'DISQUALIFIED' });
    expect(
      (await api.gql(move, { input: { leadId: '999999999', event: 'SQL' } })).body.errors?.[0].extensions?.code,
    ).toBe('NOT_FOUND');
  });

  it('recordTouchpoints: 10,000 touchpoints in 20 calls of 500; a re-send creates none; channel follows the campaign', async () => {
    const p = unique('tp');
    await bulk(UPSERT_CAMPAIGNS, [
      { externalId: `${p}-C1`, name: 'C1', channel: 'EMAIL' },
      { externalId: `${p}-C2`, name: 'C2', channel: 'EVENT' },
    ]);
    await bulk(
      UPSERT_LEADS,
      Array.from({ length: 100 }, (_, i) => ({ externalId: `${p}-L${i}`, createdAt: at('2025-01-01') })),
    );
    const touches = Array.from({ length: 10_000 }, (_, i) => ({
      externalId: `${p}-T${i}`,
      leadExternalId: `${p}-L${i % 100}`,
      campaignExternalId: `${p}-C${1 + (i % 2)}`,
      type: 'EMAIL_CLICK',
      occurredAt: new Date(Date.UTC(2025, 0, 2) + i * 60_000).toISOString(),
    }));
    const t0 = Date.now();
    for (let i = 0; i < touches.length; i += 500)
      expect((await bulk(RECORD_TOUCHPOINTS, touches.slice(i, i + 500))).successCount).toBe(500);
    const ms = Date.now() - t0;
    process.stdout.write(`recordTouchpoints: 10,000 touchpoints in ${ms} ms\n`);
    const resend = await bulk(RECORD_TOUCHPOINTS, touches.slice(0, 500));
    expect(resend.results.every((r) => r.success && !r.created)).toBe(true);
    const count = async () =>
      Number((await api.ds.query(`SELECT count(*) AS n FROM touchpoints WHERE external_id LIKE $1`, [`${p}-%`]))[0].n);
    expect(await count()).toBe(10_000);
    const mixed = await bulk(RECORD_TOUCHPOINTS, [
      { ...touches[0], externalId: `${p}-new` },
      { ...touches[1], externalId: `${p}-x1`, leadExternalId: 'nope' },
      { ...touches[2], externalId: `${p}-x2`, campaignExternalId: 'nope' },
    ]);
    expect(codes(mixed)).toEqual(['created', 'NOT_FOUND:leadExternalId', 'NOT_FOUND:campaignExternalId']);
    await bulk(UPSERT_CAMPAIGNS, [{ externalId: `${p}-C1`, name: 'C1', channel: 'WEBINAR' }]);
    const q = `query($f: TouchpointFilter) { touchpoints(first: 3, filter: $f) { totalCount nodes { channel campaign { externalId } lead { externalId } } } }`;
    const lead0 = (await api.ok(LEAD_BY_EXT, { e: `${p}-L0` })).leadByExternalId.id;
    const r = await api.ok(q, { f: { leadId: lead0, channels: ['WEBINAR'] } });
    expect(r.touchpoints.totalCount).toBe(101);
    expect(r.touchpoints.nodes[0]).toEqual({
      channel: 'WEBINAR',
      campaign: { externalId: `${p}-C1` },
      lead: { externalId: `${p}-L0` },
    });
  });
});

import { Role } from '../../../src/common/graphql/enums';
import { EXAMPLE_DEFINITION, exampleAccounts } from '../../support/agreement-example';
import { bulkLoad } from '../../support/bulk-load';
import {
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_LEADS,
} from '../../support/ops';
import { startScratchApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';

/**
 * The life of a definition and automatic MQL (definitions.md §8; worked example 3, "activation"), on a database of
 * its own: an active definition applies to every write of its database, so no other test file may share it.
 */
const DEF = `id version status activatedAt retiredAt approvals { sub role at } history { action sub role }`;
const CREATE = `mutation($input: QualificationDefinitionInput!) { createQualificationDefinition(input: $input) { ${DEF} } }`;
const UPDATE = `mutation($id: ID!, $input: QualificationDefinitionInput!) { updateQualificationDefinition(id: $id, input: $input) { ${DEF} } }`;
const PROPOSE = `mutation($id: ID!) { proposeQualificationDefinition(id: $id) { ${DEF} } }`;
const APPROVE = `mutation($id: ID!) { approveQualificationDefinition(id: $id) { ${DEF} } }`;
const RETIRE = `mutation($id: ID!) { retireQualificationDefinition(id: $id) { ${DEF} } }`;
const LEAD = `query($e: String!) { leadByExternalId(externalId: $e) { stage fitScore engagementScore
  qualification { version qualifiedAt reasons { kind rule points } }
  stageHistory { event occurredAt actor qualificationVersion } } }`;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const w = (days: number) => 2 ** (-days / 14);

describe('qualification definitions: two-key activation and automatic MQL', () => {
  let api: TestApi;
  /** Calls as a given principal (sub) with a role. */
  const as = (role: Role, sub: string) => ({ authorization: `Bearer ${tokenFor(role, sub)}` });
  const call = (query: string, variables: Record<string, unknown>, role: Role, sub: string) =>
    api.gql(query, variables, role, as(role, sub));
  const ok = async (query: string, variables: Record<string, unknown>, role: Role, sub: string) => {
    const r = await call(query, variables, role, sub);
    if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
    return Object.values(r.body.data!)[0] as Record<string, any>;
  };
  const code = async (query: string, variables: Record<string, unknown>, role: Role, sub: string) => {
    const r = await call(query, variables, role, sub);
    return r.body.errors?.[0]?.extensions?.code ?? 'OK';
  };

  beforeAll(async () => {
    api = await startScratchApi('qualification');
    await bulkLoad(api, [
      [UPSERT_ACCOUNTS, exampleAccounts('x')],
      [
        UPSERT_CAMPAIGNS,
        [
          { externalId: 'EM1', name: 'EM1', channel: 'EMAIL' },
          { externalId: 'WEB1', name: 'WEB1', channel: 'WEBINAR' },
        ],
      ],
    ]);
  });
  afterAll(() => api?.close());

  it('refuses invalid rules with BAD_USER_INPUT and the field path, and saves nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ fitRules: [{ attribute: 'INDUSTRY', op: 'BETWEEN', min: 1, points: 5 }] }, 'fitRules[0].op'],
      [{ fitRules: [{ attribute: 'EMPLOYEES', op: 'CONTAINS_ANY', values: ['1'], points: 5 }] }, 'fitRules[0].op'],
      [{ fitRules: [{ attribute: 'EMPLOYEES', op: 'BETWEEN', points: 5 }] }, 'fitRules[0].min'],
      [{ fitRules: [{ attribute: 'TITLE', op: 'IN', values: [], points: 5 }] }, 'fitRules[0].values'],
      [{ fitRules: [{ attribute: 'TITLE', op: 'IN', values: ['vp', ' '], points: 5 }] }, 'fitRules[0].values[1]'],
      [{ fitRules: [{ attribute: 'TITLE', op: 'IN', values: ['vp'], points: 5 }], fitThreshold: 50 }, 'fitThreshold'],
      [
        { engagementRules: [{ touchType: 'EMAIL_CLICK', points: 10, maxCount: 2 }], engagementThreshold: 40 },
        'engagementThreshold',
      ],
      [{ engagementRules: [{ points: 10, maxCount: 0 }] }, 'engagementRules[0].maxCount'],
      [{ engagementWindowDays: 0 }, 'engagementWindowDays'],
      [{ engagementHalfLifeDays: -1 }, 'engagementHalfLifeDays'],
      [{ name: '  ' }, 'name'],
    ];
    const [{ n: before }] = await api.ds.query(`SELECT count(*)::int AS n FROM qualification_definitions`);
    for (const [patch, field] of bad) {
      const r = await call(CREATE, { input: { ...EXAMPLE_DEFINITION, ...patch } }, Role.MARKETING, 'm1');
      expect([field, r.body.errors?.[0]?.extensions?.code, r.body.errors?.[0]?.extensions?.field]).toEqual([
        field,
        'BAD_USER_INPUT',
        field,
      ]);
    }
    const [{ n: after }] = await api.ds.query(`SELECT count(*)::int AS n FROM qualification_definitions`);
    expect(after).toBe(before);
  });

  it('roles (§7): ANALYST and SERVICE read and backtest but change nothing; SALES cannot retire', async () => {
    expect(await code(CREATE, { input: EXAMPLE_DEFINITION }, Role.ANALYST, 'a1')).toBe('FORBIDDEN');
    expect(await code(CREATE, { input: EXAMPLE_DEFINITION }, Role.SERVICE, 's1')).toBe('FORBIDDEN');
    const d = await ok(CREATE, { input: EXAMPLE_DEFINITION }, Role.SALES, 'sales-1');
    expect(await code(PROPOSE, { id: d.id }, Role.ANALYST, 'a1')).toBe('FORBIDDEN');
    expect(await code(UPDATE, { id: d.id, input: EXAMPLE_DEFINITION }, Role.SERVICE, 's1')).toBe('FORBIDDEN');
    expect(await code(RETIRE, { id: d.id }, Role.SALES, 'sales-1')).toBe('FORBIDDEN');
    expect(await code(RETIRE, { id: d.id }, Role.MARKETING, 'm1')).toBe('FORBIDDEN');
    for (const role of [Role.ANALYST, Role.SERVICE]) {
      const r = await call(`{ qualificationDefinitions { id } activeQualificationDefinition { id } }`, {}, role, 'r');
      expect(r.body.errors).toBeUndefined();
    }
    expect(await code(APPROVE, { id: d.id }, Role.ANALYST, 'a1')).toBe('FORBIDDEN');
    expect(await code(APPROVE, { id: d.id }, Role.SERVICE, 's1')).toBe('FORBIDDEN');
    expect(await code(APPROVE, { id: 'nope' }, Role.ADMIN, 'x')).toBe('NOT_FOUND');
    // a draft is edited in place (same version); MARKETING may edit a SALES draft
    const edited = await ok(
      UPDATE,
      { id: d.id, input: { ...EXAMPLE_DEFINITION, name: 'edited' } },
      Role.MARKETING,
      'm1',
    );
    expect(edited.version).toBe(d.version);
    expect(edited.history.map((h: { action: string }) => h.action)).toEqual(['CREATED', 'UPDATED']);
  });

  it('the two-key rule: a draft, the same principal twice, two marketing approvals, a retired version are refused', async () => {
    const d = await ok(CREATE, { input: EXAMPLE_DEFINITION }, Role.MARKETING, 'm1');
    expect(await code(APPROVE, { id: d.id }, Role.MARKETING, 'm1')).toBe('CONFLICT'); // a draft
    const p = await ok(PROPOSE, { id: d.id }, Role.MARKETING, 'm1');
    expect(p.status).toBe('PROPOSED');
    expect(await code(UPDATE, { id: d.id, input: EXAMPLE_DEFINITION }, Role.MARKETING, 'm1')).toBe('CONFLICT');
    expect(await code(PROPOSE, { id: d.id }, Role.MARKETING, 'm1')).toBe('CONFLICT');
    const first = await ok(APPROVE, { id: d.id }, Role.REVOPS, 'ops-1');
    expect([first.status, first.approvals.length]).toEqual(['PROPOSED', 1]);
    // the same principal again, even with another role
    expect(await code(APPROVE, { id: d.id }, Role.ADMIN, 'ops-1')).toBe('CONFLICT');
    const d2 = await ok(
      PROPOSE,
      { id: (await ok(CREATE, { input: EXAMPLE_DEFINITION }, Role.MARKETING, 'm1')).id },
      Role.MARKETING,
      'm1',
    );
    await ok(APPROVE, { id: d2.id }, Role.MARKETING, 'm1');
    expect(await code(APPROVE, { id: d2.id }, Role.MARKETING, 'm2')).toBe('CONFLICT'); // two marketing approvals
    const withdrawn = await ok(RETIRE, { id: d2.id }, Role.REVOPS, 'ops-1');
    expect(withdrawn.status).toBe('RETIRED');
    expect(await code(APPROVE, { id: d2.id }, Role.SALES, 's9')).toBe('CONFLICT'); // after retire
    expect(await code(RETIRE, { id: d2.id }, Role.ADMIN, 'adm')).toBe('CONFLICT');
    // nothing is active yet
    expect((await api.ok(`{ activeQualificationDefinition { id } }`)).activeQualificationDefinition).toBeNull();
    await ok(RETIRE, { id: d.id }, Role.ADMIN, 'adm');
  });

  it('worked example 3, activation: backfill at A, automatic MQL at a later touch with reasons, and who gets nothing', async () => {
    const t0 = Date.now();
    const created = iso(t0 - 20 * DAY);
    const leads = [
      // L: fit 80 (as Q3), two clicks: 15.46 at A
      { externalId: 'L', createdAt: created, accountExternalId: 'x-AC3', title: 'Head of Sales', source: 'EMAIL' },
      // M: fit 80, a webinar the day before A: 38.07 at A
      { externalId: 'M', createdAt: created, accountExternalId: 'x-AC1', title: 'VP Sales', source: 'WEBINAR' },
      // P: fit 80, webinar + form an hour before A: 70 decayed a little ≥ 40 → MQL at A by the backfill
      { externalId: 'P', createdAt: created, accountExternalId: 'x-AC1', title: 'Director IT', source: 'WEBINAR' },
      // S1 already MQL, S2 REJECTED, S3 DISQUALIFIED: engaged enough, but nothing for them
      ...['S1', 'S2', 'S3'].map((x) => ({
        externalId: x,
        createdAt: created,
        accountExternalId: 'x-AC1',
        title: 'VP',
        source: 'EMAIL',
      })),
      // F: fit too low (student) whatever its engagement
      { externalId: 'F', createdAt: created, accountExternalId: 'x-AC1', title: 'Student', source: 'EMAIL' },
    ];
    const touch = (id: string, lead: string, type: string, ms: number, campaign = 'EM1') => ({
      externalId: id,
      leadExternalId: lead,
      campaignExternalId: campaign,
      type,
      occurredAt: iso(ms),
    });
    const engaged = (lead: string) => [
      touch(`${lead}-w`, lead, 'WEBINAR_ATTENDED', t0 - 3_600_000, 'WEB1'),
      touch(`${lead}-f`, lead, 'FORM_SUBMISSION', t0 - 3_600_000),
    ];
    await bulkLoad(api, [
      [UPSERT_LEADS, leads],
      [
        RECORD_TOUCHPOINTS,
        [
          touch('L-c1', 'L', 'EMAIL_CLICK', t0 - 9 * DAY),
          touch('L-c2', 'L', 'EMAIL_CLICK', t0 - 2 * DAY),
          touch('M-w', 'M', 'WEBINAR_ATTENDED', t0 - DAY, 'WEB1'),
          ...['P', 'S1', 'S2', 'S3', 'F'].flatMap(engaged),
        ],
      ],
      [
        RECORD_LEAD_EVENTS,
        [
          { leadExternalId: 'S1', event: 'MQL', occurredAt: iso(t0 - 10 * DAY) },
          { leadExternalId: 'S2', event: 'REJECTED', occurredAt: iso(t0 - 10 * DAY), reason: 'BAD_FIT' },
          { leadExternalId: 'S3', event: 'DISQUALIFIED', occurredAt: iso(t0 - 10 * DAY) },
        ],
      ],
    ]);
    const d = await ok(CREATE, { input: EXAMPLE_DEFINITION }, Role.MARKETING, 'mia');
    await ok(PROPOSE, { id: d.id }, Role.MARKETING, 'mia');
    await ok(APPROVE, { id: d.id }, Role.MARKETING, 'mia');
    const active = await ok(APPROVE, { id: d.id }, Role.SALES, 'sam');
    expect(active.status).toBe('ACTIVE');
    expect(active.approvals.map((a: { sub: string; role: string }) => [a.sub, a.role])).toEqual([
      ['mia', 'MARKETING'],
      ['sam', 'SALES'],
    ]);
    expect(active.history.map((h: { action: string }) => h.action)).toEqual([
      'CREATED',
      'PROPOSED',
      'APPROVED',
      'APPROVED',
      'ACTIVATED',
    ]);
    const A = Date.parse(active.activatedAt);
    expect(active.approvals[1].at).toBe(active.activatedAt);
    const lead = async (e: string) => (await api.ok(LEAD, { e })).leadByExternalId;

    // the backfill: P qualifies at A exactly (since = activatedAt), by version; nobody else
    const p = await lead('P');
    expect(p.stage).toBe('MQL');
    expect(p.qualification.version).toBe(d.version);
    expect(p.qualification.qualifiedAt).toBe(active.activatedAt);
    expect(p.stageHistory.at(-1)).toEqual({
      event: 'MQL',
      occurredAt: active.activatedAt,
      actor: `qualification:v${d.version}`,
      qualificationVersion: d.version,
    });
    for (const x of ['L', 'M', 'F']) expect([x, (await lead(x)).stage]).toEqual([x, 'LEAD']);
    const m = await lead('M');
    expect(m.fitScore).toBe(80);
    expect(m.engagementScore).toBeLessThan(40);
    expect(m.qualification).toBeNull();
    expect((await lead('F')).fitScore).toBe(-50 + 30 + 20 + 5);
    expect((await lead('S1')).stageHistory.filter((h: { event: string }) => h.event === 'MQL')).toHaveLength(1);
    for (const x of ['S2', 'S3'])
      expect((await lead(x)).stageHistory.some((h: { event: string }) => h.event === 'MQL')).toBe(false);

    // a form submission at F (A < F ≤ now) lifts L to ≈ 45.46: the service records the MQL at F in that write
    const F = A + 1000;
    while (Date.now() <= F) await new Promise((r) => setTimeout(r, 50));
    await bulkLoad(api, [[RECORD_TOUCHPOINTS, [touch('L-form', 'L', 'FORM_SUBMISSION', F)]]]);
    const l = await lead('L');
    expect(l.stage).toBe('MQL');
    expect(l.qualification.qualifiedAt).toBe(iso(F));
    expect(l.qualification.version).toBe(d.version);
    const days = (ms: number) => (F - ms) / DAY;
    const reasons = l.qualification.reasons as { kind: string; rule: string; points: number }[];
    expect(reasons.map((r) => [r.kind, r.rule])).toEqual([
      ['FIT', 'INDUSTRY'],
      ['FIT', 'EMPLOYEES'],
      ['FIT', 'TITLE'],
      ['FIT', 'REGION'],
      ['ENGAGEMENT', 'FORM_SUBMISSION'],
      ['ENGAGEMENT', 'EMAIL_CLICK'],
      ['ENGAGEMENT', 'EMAIL_CLICK'],
    ]);
    expect(reasons.slice(0, 5).map((r) => r.points)).toEqual([30, 20, 25, 5, 30]);
    expect(reasons[5].points).toBeCloseTo(10 * w(days(t0 - 2 * DAY)), 9);
    expect(reasons[6].points).toBeCloseTo(10 * w(days(t0 - 9 * DAY)), 9);
    expect(reasons[5].points).toBeCloseTo(9.0572, 3);
    expect(reasons[6].points).toBeCloseTo(6.4044, 3);

    // audited: the definition's rows and its transitions, by who did them
    const audit = await api.ds.query(
      `SELECT entity, action, actor FROM audit_log
       WHERE (entity = 'qualification_definitions' AND entity_id = $1)
          OR (entity = 'qualification_transitions' AND changes -> 'definition_id' ->> 1 = $1) ORDER BY id`,
      [d.id],
    );
    expect(audit.some((a: { actor: string }) => a.actor === 'sam')).toBe(true);
    expect(audit.some((a: { actor: string }) => a.actor === 'mia')).toBe(true);
  });

  it('concurrent writes that each qualify the same lead record one MQL (the lead is locked while it is evaluated)', async () => {
    await bulkLoad(api, [
      [UPSERT_LEADS, [{ externalId: 'C', accountExternalId: 'x-AC1', title: 'VP Growth', source: 'EMAIL' }]],
    ]);
    const at = Date.now() - 1000;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.gql(
          RECORD_TOUCHPOINTS,
          {
            input: [
              {
                externalId: `C-w${i}`,
                leadExternalId: 'C',
                campaignExternalId: 'WEB1',
                type: 'WEBINAR_ATTENDED',
                occurredAt: iso(at + i),
              },
            ],
          },
          Role.SERVICE,
        ),
      ),
    );
    for (const r of results)
      expect([r.body.errors ?? null, r.body.data?.recordTouchpoints.errorCount]).toEqual([null, 0]);
    const history = (await api.ok(LEAD, { e: 'C' })).leadByExternalId.stageHistory as { event: string }[];
    expect(history.filter((h) => h.event === 'MQL')).toHaveLength(1);
  });

  it('a second version: activation retires the first at the same instant; KPIs and hand-off use its SLA by default', async () => {
    const first = (await api.ok(`{ activeQualificationDefinition { id version } }`)).activeQualificationDefinition;
    const d = await ok(
      CREATE,
      { input: { ...EXAMPLE_DEFINITION, name: 'v2', responseSlaHours: 2 } },
      Role.SALES,
      'sam',
    );
    await ok(PROPOSE, { id: d.id }, Role.SALES, 'sam');
    await ok(APPROVE, { id: d.id }, Role.SALES, 'sam');
    const v2 = await ok(APPROVE, { id: d.id }, Role.ADMIN, 'root');
    const all = (await api.ok(`{ qualificationDefinitions { id status activatedAt retiredAt } }`))
      .qualificationDefinitions;
    const old = all.find((x: { id: string }) => x.id === first.id);
    expect([old.status, old.retiredAt]).toEqual(['RETIRED', v2.activatedAt]);
    expect(all.filter((x: { status: string }) => x.status === 'ACTIVE')).toHaveLength(1);
    const period = { from: iso(Date.now() - 30 * DAY), to: iso(Date.now() + DAY) };
    const K = `query($input: KpiInput!) { kpis(input: $input) { slaCompliance { numerator denominator } } }`;
    const byDefault = (await api.ok(K, { input: period })).kpis;
    expect(byDefault).toEqual((await api.ok(K, { input: { ...period, slaHours: 2 } })).kpis);
    const H = `query($input: HandoffFeedbackInput!) { handoffFeedback(input: $input) { slaHours total { mqls } } }`;
    expect((await api.ok(H, { input: { ...period, groupBy: 'QUALIFICATION_VERSION' } })).handoffFeedback.slaHours).toBe(
      2,
    );
    // retiring the active one leaves none active; KPIs fall back to 24 h
    await ok(RETIRE, { id: d.id }, Role.REVOPS, 'ops');
    expect((await api.ok(`{ activeQualificationDefinition { id } }`)).activeQualificationDefinition).toBeNull();
    expect((await api.ok(K, { input: period })).kpis).toEqual(
      (await api.ok(K, { input: { ...period, slaHours: 24 } })).kpis,
    );
    expect((await api.ok(LEAD, { e: 'M' })).leadByExternalId.fitScore).toBeNull();
  });

  it('hand-off by QUALIFICATION_VERSION separates automatic MQLs (their version) from manual ones', async () => {
    const H = `query($input: HandoffFeedbackInput!) { handoffFeedback(input: $input) { groups { key label mqls } } }`;
    const period = { from: iso(Date.now() - 30 * DAY), to: iso(Date.now() + DAY), groupBy: 'QUALIFICATION_VERSION' };
    const groups = (await api.ok(H, { input: period })).handoffFeedback.groups as { key: string; mqls: number }[];
    const [v] = await api.ds.query(
      `SELECT min(version) AS v FROM qualification_definitions WHERE activated_at IS NOT NULL`,
    );
    expect(Object.fromEntries(groups.map((g) => [g.key, g.mqls]))).toEqual({ [String(v.v)]: 3, MANUAL: 1 }); // P, L, C automatic; S1 by hand
  });

  it('bi.lead_scores and bi.handoff_daily answer', async () => {
    const scores = await api.ds.query(`SELECT count(*)::int AS n, count(qualified_at)::int AS q FROM bi.lead_scores`);
    expect(scores[0]).toEqual({ n: 8, q: 3 });
    const handoff = await api.ds.query(`SELECT sum(leads)::int AS n FROM bi.handoff_daily`);
    expect(handoff[0].n).toBe(4);
  });
});

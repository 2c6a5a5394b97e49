import { Role } from '../../../src/common/graphql/enums';
import { checkDefinition } from '../../../src/modules/qualification/definition.check';
import { backtestInstants, backtestSql } from '../../../src/modules/qualification/backtest.query';
import { sqlRows } from '../../../src/db/sql';
import { QualificationDefinitionInput } from '../../../src/modules/qualification/qualification.types';
import { EXAMPLE_DEFINITION, loadAgreementExample } from '../../support/agreement-example';
import { startTestApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';
import { HandoffGroupBy } from '../../../src/modules/qualification/qualification.types';
import { queryHandoffRollup } from '../../../src/modules/qualification/handoff-rollup.query';

/**
 * Worked example 3 (the qualification agreement, definitions.md §8, §9), every number exact: scores to 1e-6, instants
 * to the millisecond, the backtest and the hand-off feedback. Year 2013 (no other test writes it); the instants of
 * the example are month-day-hour, so the year changes nothing. No definition is activated here (activation is global
 * to a database: qualification-activation.test.ts has a database of its own).
 */
const YEAR = 2013;
const P = 'ag3';
const at = (md: string, hm = '12:00') => new Date(`${YEAR}-${md}T${hm}:00.000Z`);
const period = {
  from: at('03-01', '00:00').toISOString(),
  to: at('05-01', '00:00').toISOString(),
  asOf: at('06-01', '00:00').toISOString(),
};
const R = (numerator: number, denominator: number) => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

const SIDE = `qualified precisionSql { numerator denominator value } recallSql { numerator denominator value }
  precisionCustomer { numerator denominator value } recallCustomer { numerator denominator value }
  rejected rejectionReasons { reason count } medianDaysToQualify`;
const BACKTEST = `query($input: QualificationBacktestInput!) { qualificationBacktest(input: $input) {
  leads both onlyDefinition onlyActual definition { ${SIDE} } actual { ${SIDE} } } }`;
const GROUP = `key label mqls accepted returned pending acceptanceRate { numerator denominator value }
  rejectionReasons { reason count } responseHours { count mean median } slaCompliance { numerator denominator value }`;
const HANDOFF = `query($input: HandoffFeedbackInput!) { handoffFeedback(input: $input) { slaHours total { ${GROUP} } groups { ${GROUP} } } }`;

describe('worked example 3: the qualification agreement', () => {
  let api: TestApi;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    api = await startTestApi();
    await loadAgreementExample(api, P, YEAR);
    const r = await api.ds.query(`SELECT external_id, id::text AS id FROM leads WHERE external_id LIKE '${P}-Q%'`);
    for (const x of r as { external_id: string; id: string }[]) ids.set(x.external_id.slice(P.length + 1), x.id);
  });
  afterAll(() => api.close());

  const def = () => checkDefinition(EXAMPLE_DEFINITION as unknown as QualificationDefinitionInput);

  it('fit scores: "software" matches Software, a null attribute matches no rule (NOT_IN included)', async () => {
    const r = (await api.ds.query(
      `SELECT l.external_id AS lead, qualification_fit($1::jsonb, a.industry, a.region, a.employees, l.title, l.source) AS fit
       FROM leads l LEFT JOIN accounts a ON a.id = l.account_id WHERE l.external_id LIKE '${P}-Q%' ORDER BY l.external_id`,
      [JSON.stringify(def().fitRules)],
    )) as { lead: string; fit: number }[];
    expect(Object.fromEntries(r.map((x) => [x.lead.slice(P.length + 1), x.fit]))).toEqual({
      Q1: 80,
      Q2: 5,
      Q3: 80,
      Q4: -50,
      Q5: 80,
      Q6: 55,
    });
  });

  it('CONTAINS_ANY takes %, _ and \\ literally (the evaluation and qualification_fit agree)', async () => {
    const titles = ['a_b', 'ab', '100%', '100', 'x\\y', 'xy'];
    const leadIds: string[] = [];
    for (const [i, title] of titles.entries()) {
      const [{ id }] = await api.ds.query(
        `INSERT INTO leads (external_id, title, created_at) VALUES ($1, $2, $3) RETURNING id::text AS id`,
        [`${P}-like${i}`, title, new Date(`${YEAR}-01-15T00:00:00Z`)],
      );
      leadIds.push(id);
    }
    const spec = {
      ...def(),
      fitRules: [
        { attribute: 'TITLE', op: 'CONTAINS_ANY', values: ['_', '%', '\\'], min: null, max: null, points: 10 },
      ],
      fitThreshold: 10,
      engagementThreshold: 0,
    } as ReturnType<typeof def>;
    const q = await backtestInstants(api.ds, spec, leadIds, new Date(`${YEAR}-02-01T00:00:00Z`));
    const matched = q.map((x) => titles[leadIds.indexOf(x.leadId)]).sort();
    expect(matched).toEqual(['100%', 'a_b', 'x\\y']);
    const fit = (await api.ds.query(
      `SELECT l.title, qualification_fit($1::jsonb, NULL, NULL, NULL, l.title, NULL) AS fit FROM leads l WHERE l.id = ANY($2::bigint[])`,
      [JSON.stringify(spec.fitRules), leadIds],
    )) as { title: string; fit: number }[];
    expect(
      fit
        .filter((f) => f.fit === 10)
        .map((f) => f.title)
        .sort(),
    ).toEqual(matched);
  });

  it('engagement at the instants of the example (to 1e-6): decay, the 30-day window, maxCount', async () => {
    const d = def();
    const eng = async (lead: string, t: Date) => {
      const [r] = (await api.ds.query(
        `SELECT coalesce(sum(h.points), 0)::float8 AS e, count(*)::int AS n, coalesce(array_agg(t.external_id), '{}') AS touches
         FROM qualification_engagement_hits($1::jsonb, $2, $3, $4, $5) h JOIN touchpoints t ON t.id = h.touch_id`,
        [JSON.stringify(d.engagementRules), d.engagementWindowDays, d.engagementHalfLifeDays, ids.get(lead), t],
      )) as { e: number; n: number; touches: string[] }[];
      return r;
    };
    expect((await eng('Q1', at('03-05'))).e).toBe(40);
    expect((await eng('Q5', at('03-06'))).e).toBe(40);
    const q2 = await eng('Q2', at('03-22'));
    expect(q2.e).toBeCloseTo(10 + 10 * 2 ** (-1 / 14) + 5 * 2 ** (-20 / 14), 9);
    expect(q2.e).toBeCloseTo(21.374444, 6);
    expect(q2.n).toBe(3); // T05, T06 (maxCount 2: T04 left out) and T03 (PAID_SEARCH)
    const q3 = await eng('Q3', at('04-10'));
    expect(q3.e).toBeCloseTo(45.46167, 6);
    expect(q3.e).toBeCloseTo(30 + 10 * 2 ** (-2 / 14) + 10 * 2 ** (-9 / 14), 9);
    expect((await eng('Q6', at('04-21'))).e).toBe(35);
    // the window is (t − 30 d, t]: a touch exactly 30 days before counts nothing, 1 ms later it counts
    const t01 = at('03-05');
    expect((await eng('Q1', new Date(t01.getTime() + 30 * 86_400_000))).touches).toEqual([`${P}-T02`]);
    expect((await eng('Q1', new Date(t01.getTime() + 30 * 86_400_000 - 1))).touches.sort()).toEqual([
      `${P}-T01`,
      `${P}-T02`,
    ]);
  });

  it('qualifying instants from createdAt, to the millisecond: Q1 at T01, Q3 at T08, Q5 at T11; Q2, Q4, Q6 never', async () => {
    const r = await backtestInstants(api.ds, def(), [...ids.values()], at('06-01', '00:00'));
    const byLead = new Map([...ids].map(([k, v]) => [v, k]));
    expect(Object.fromEntries(r.map((x) => [byLead.get(x.leadId), x.at.toISOString()]))).toEqual({
      Q1: at('03-05').toISOString(),
      Q3: at('04-10').toISOString(),
      Q5: at('03-06').toISOString(),
    });
  });

  const expectedBacktest = {
    leads: 6,
    both: 2,
    onlyDefinition: 1,
    onlyActual: 3,
    definition: {
      qualified: 3,
      precisionSql: R(2, 3),
      recallSql: R(2, 2),
      precisionCustomer: R(1, 3),
      recallCustomer: R(1, 1),
      rejected: 0,
      rejectionReasons: [],
      medianDaysToQualify: 4,
    },
    actual: {
      qualified: 5,
      precisionSql: R(2, 5),
      recallSql: R(2, 2),
      precisionCustomer: R(1, 5),
      recallCustomer: R(1, 1),
      rejected: 2,
      rejectionReasons: [{ reason: 'BAD_FIT', count: 2 }],
      medianDaysToQualify: 2,
    },
  };

  it('qualificationBacktest of the definition inline, beside the actual practice', async () => {
    const out = await api.ok(BACKTEST, { input: { ...period, definition: EXAMPLE_DEFINITION } }, Role.ANALYST);
    expect(out.qualificationBacktest).toEqual(expectedBacktest);
  });

  it('qualificationBacktest of the same definition saved as a draft (by id) gives the same numbers', async () => {
    const created = await api.ok(
      `mutation($input: QualificationDefinitionInput!) { createQualificationDefinition(input: $input) { id status version } }`,
      { input: EXAMPLE_DEFINITION },
      Role.MARKETING,
    );
    expect(created.createQualificationDefinition.status).toBe('DRAFT');
    const out = await api.ok(
      BACKTEST,
      { input: { ...period, definitionId: created.createQualificationDefinition.id } },
      Role.SERVICE,
    );
    expect(out.qualificationBacktest).toEqual(expectedBacktest);
  });

  it("the backtest's dispositions from the KPI rollup equal those from the lead logs (as of a time after every fact)", async () => {
    const asOf = new Date('2100-01-01T00:00:00Z');
    const run = (from: 'ROLLUP' | 'LOGS') =>
      sqlRows(api.ds, backtestSql(def(), new Date(period.from), new Date(period.to), asOf, true, from));
    const [rollup, logs] = [await run('ROLLUP'), await run('LOGS')];
    expect(rollup).toEqual(logs);
    expect(rollup[0]).toMatchObject({ actual: { rejected: 2 } });
  });

  const group = (
    key: string,
    mqls: number,
    [accepted, returned, pending]: number[],
    reasons: number,
    [count, mean, median]: (number | null)[],
    [onTime, due]: number[],
  ) => ({
    key,
    mqls,
    accepted,
    returned,
    pending,
    acceptanceRate: R(accepted, accepted + returned),
    rejectionReasons: reasons ? [{ reason: 'BAD_FIT', count: reasons }] : [],
    responseHours: { count, mean, median },
    slaCompliance: R(onTime, due),
  });
  const strip = <T extends { label?: string }>(g: T) => {
    const { label: _label, ...rest } = g;
    return rest;
  };

  it('handoffFeedback by CAMPAIGN: the campaign that qualified each MQL, returns by reason, response hours, SLA', async () => {
    const out = (await api.ok(HANDOFF, { input: { ...period, groupBy: 'CAMPAIGN', slaHours: 24 } }, Role.ANALYST))
      .handoffFeedback;
    const campaigns = new Map(
      (
        (await api.ds.query(`SELECT id::text AS id, external_id FROM campaigns WHERE external_id LIKE '${P}-%'`)) as {
          id: string;
          external_id: string;
        }[]
      ).map((c) => [c.external_id.slice(P.length + 1), c.id]),
    );
    expect(out.slaHours).toBe(24);
    expect(strip(out.total)).toEqual(group('TOTAL', 5, [2, 2, 1], 2, [4, 26.75, 28], [2, 5]));
    expect(out.groups.map(strip)).toEqual(
      [
        group(campaigns.get('PS1')!, 2, [0, 1, 1], 1, [1, 48, 48], [0, 2]),
        group(campaigns.get('WEB1')!, 2, [1, 1, 0], 1, [2, 5.5, 5.5], [2, 2]),
        group(campaigns.get('EM1')!, 1, [1, 0, 0], 0, [1, 48, 48], [0, 1]),
      ].sort((a, b) => b.mqls - a.mqls || (a.key < b.key ? -1 : 1)),
    );
    expect(Object.fromEntries(out.groups.map((g: { label: string; mqls: number }) => [g.label, g.mqls]))).toEqual({
      [`${P} WEB1`]: 2,
      [`${P} PS1`]: 2,
      [`${P} EM1`]: 1,
    });
    // the groups sum to the total
    for (const f of ['mqls', 'accepted', 'returned', 'pending'] as const)
      expect(out.groups.reduce((s: number, g: Record<string, number>) => s + g[f], 0)).toBe(out.total[f]);
  });

  it('handoffFeedback by SOURCE', async () => {
    const out = (await api.ok(HANDOFF, { input: { ...period, groupBy: 'SOURCE', slaHours: 24 } })).handoffFeedback;
    expect(out.groups.map(strip)).toEqual([
      group('EMAIL', 2, [1, 1, 0], 1, [2, 25.5, 25.5], [1, 2]),
      group('PAID_SEARCH', 2, [0, 1, 1], 1, [1, 48, 48], [0, 2]),
      group('WEBINAR', 1, [1, 0, 0], 0, [1, 8, 8], [1, 1]),
    ]);
  });

  it('handoffFeedback by QUALIFICATION_VERSION and SCORE_BAND: manual MQLs, the lead score bands', async () => {
    const byVersion = (await api.ok(HANDOFF, { input: { ...period, groupBy: 'QUALIFICATION_VERSION', slaHours: 24 } }))
      .handoffFeedback;
    expect(byVersion.groups.map((g: { key: string; mqls: number }) => [g.key, g.mqls])).toEqual([['MANUAL', 5]]);
    const byBand = (await api.ok(HANDOFF, { input: { ...period, groupBy: 'SCORE_BAND', slaHours: 24 } }))
      .handoffFeedback;
    // Q1 80, Q2 30, Q3 55, Q4 10, Q6 60
    expect(Object.fromEntries(byBand.groups.map((g: { key: string; mqls: number }) => [g.key, g.mqls]))).toEqual({
      '75+': 1,
      '25-49': 1,
      '50-74': 2,
      '<25': 1,
    });
  });

  it('GET /export/handoff.csv and .json: the same feedback as flat rows, returns by reason as columns, TOTAL last', async () => {
    const origin = api.server.url.replace('/graphql', '');
    const qs = new URLSearchParams({ ...period, groupBy: 'source', slaHours: '24' });
    const headers = { authorization: `Bearer ${tokenFor(Role.ANALYST)}` };
    const csv = await fetch(`${origin}/export/handoff.csv?${qs}`, { headers });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0].split(',').slice(0, 6)).toEqual(['key', 'label', 'mqls', 'accepted', 'returned', 'pending']);
    expect(lines.map((l) => l.split(',')[0])).toEqual(['key', 'EMAIL', 'PAID_SEARCH', 'WEBINAR', 'TOTAL']);
    const json = (await (await fetch(`${origin}/export/handoff.json?${qs}`, { headers })).json()) as {
      columns: string[];
      rows: Record<string, unknown>[];
    };
    expect(json.rows.at(-1)).toMatchObject({
      key: 'TOTAL',
      mqls: 5,
      accepted: 2,
      returned: 2,
      pending: 1,
      acceptanceRate: 0.5,
      responses: 4,
      responseMeanHours: 26.75,
      responseMedianHours: 28,
      slaHours: 24,
      slaOnTime: 2,
      slaDue: 5,
      returned_BAD_FIT: 2,
      returned_OTHER: 0,
    });
    const bad = await fetch(`${origin}/export/handoff.csv?${new URLSearchParams({ ...period, groupBy: 'nope' })}`, {
      headers,
    });
    expect([
      bad.status,
      ((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code,
    ]).toEqual([400, 'BAD_USER_INPUT']);
  });

  it('backtest input errors are BAD_USER_INPUT with the field: both or neither definition, an invalid inline one, a bad period', async () => {
    const err = async (input: Record<string, unknown>) => {
      const r = await api.gql(BACKTEST, { input: { ...period, ...input } }, Role.ANALYST);
      return [r.status, r.body.errors?.[0]?.extensions?.code, r.body.errors?.[0]?.extensions?.field];
    };
    expect(await err({ definitionId: '1', definition: EXAMPLE_DEFINITION })).toEqual([
      200,
      'BAD_USER_INPUT',
      'definitionId',
    ]);
    expect(await err({})).toEqual([200, 'BAD_USER_INPUT', 'definitionId']);
    expect(await err({ definition: { ...EXAMPLE_DEFINITION, fitThreshold: 1000 } })).toEqual([
      200,
      'BAD_USER_INPUT',
      'definition.fitThreshold',
    ]);
    expect(await err({ definitionId: '999999999' })).toEqual([200, 'NOT_FOUND', 'definitionId']);
    expect(await err({ definition: EXAMPLE_DEFINITION, to: period.from })).toEqual([200, 'BAD_USER_INPUT', 'to']);
  });

  it('as of now over whole UTC days the hand-off rollup answers, with the same numbers', async () => {
    const now = { from: period.from, to: period.to };
    for (const groupBy of Object.values(HandoffGroupBy)) {
      const rollup = await queryHandoffRollup(
        api.ds,
        groupBy,
        new Date(now.from),
        new Date(now.to),
        new Date(Date.now() + 60_000),
        24,
      );
      expect([groupBy, rollup === null]).toEqual([groupBy, false]);
      const viaApi = (await api.ok(HANDOFF, { input: { ...now, groupBy, slaHours: 24 } })).handoffFeedback;
      const asOfJune = (await api.ok(HANDOFF, { input: { ...period, groupBy, slaHours: 24 } })).handoffFeedback;
      expect([groupBy, viaApi]).toEqual([groupBy, asOfJune]);
      expect(rollup!.map((r) => r.mqls)).toEqual([
        viaApi.total.mqls,
        ...viaApi.groups.map((g: { mqls: number }) => g.mqls),
      ]);
    }
  });
});

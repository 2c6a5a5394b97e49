import fc from 'fast-check';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../../../src/common/graphql/enums';
import { serviceTransactions } from '../../../src/container';
import { processDirtyRollups, rollupsPending } from '../../../src/modules/analytics/rollups';
import { KPI_FROM_SCRATCH, rebuildKpi } from '../../../src/modules/analytics/kpi/kpi-rollup';
import {
  kpiRollupPlan,
  queryDealKpisRollup,
  queryLeadKpisRollup,
} from '../../../src/modules/analytics/kpi/kpi-rollup.query';
import { queryDealKpis } from '../../../src/modules/analytics/kpi/deal-kpis.query';
import { KpiScope, queryLeadKpis } from '../../../src/modules/analytics/kpi/lead-kpis.query';
import { bulkLoad, freshOwner } from '../../support/bulk-load';
import {
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { arbLead, DAY, loadHistory, r6 } from '../../support/random-history';
import { expectStoredEqualsScratch } from '../../support/rollup-scratch';
import { startScratchApi, TestApi } from '../../support/test-server';
import { rolledBack, snapshot, withPendingWrite } from '../../support/transactions';
import { unique } from '../../support/unique';
import { HandoffGroupBy } from '../../../src/modules/qualification/qualification.types';
import { queryHandoff } from '../../../src/modules/qualification/handoff.query';
import { queryHandoffRollup } from '../../../src/modules/qualification/handoff-rollup.query';

// property runs: seconds alone, but over a minute beside the heaviest files on CI's two cores (the suite's 60 s is for
// single cases)
jest.setTimeout(180_000);

const MIDNIGHT = Date.UTC(2025, 0, 1);
const FUTURE = () => new Date(Date.now() + 10 * 60_000); // asOf after every fact, so the rollups may answer
const TABLES = ['kpi_handoff', 'kpi_deal', 'kpi_handoff_day', 'kpi_deal_day', 'handoff_day'] as const;

/** Means are sums over days in the rollup and over units on the fly: equal to 1e-6. Everything else exactly. */
const comparable = (rows: object[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /Mean/i.test(k) ? r6(v) : v])));

/** The rollups answer the scope (they must), and exactly as the on-the-fly queries. */
async function expectRollupEqualsLive(tx: EntityManager, s: KpiScope, slaHours: number) {
  const plan = kpiRollupPlan(s);
  expect(plan).not.toBeNull();
  const [leads, deals] = [await queryLeadKpisRollup(tx, s, plan!, slaHours), await queryDealKpisRollup(tx, s, plan!)];
  expect(leads).not.toBeNull();
  expect(deals).not.toBeNull();
  expect(comparable(leads!)).toEqual(comparable(await queryLeadKpis(tx, s, slaHours)));
  expect(comparable(deals!)).toEqual(comparable(await queryDealKpis(tx, s)));
}

/** Hand-off feedback over the scope's whole span by every groupBy: the rollup answers, exactly as on the fly. */
async function expectHandoffRollupEqualsLive(tx: EntityManager, s: KpiScope, slaHours: number) {
  const [from, to] = [s.edges[0], s.edges[s.edges.length - 1]];
  for (const g of Object.values(HandoffGroupBy)) {
    const rollup = await queryHandoffRollup(tx, g, from, to, s.asOf, slaHours);
    expect([g, rollup === null]).toEqual([g, false]);
    expect([g, comparable(rollup!)]).toEqual([
      g,
      comparable(await queryHandoff(tx, g, from, to, s.asOf, true, slaHours)),
    ]);
  }
}

/** The stored KPI rollups equal ones computed from scratch from the base tables, in one snapshot (or transaction). */
const expectRollupEqualsScratch = (db: DataSource | EntityManager) =>
  expectStoredEqualsScratch(
    db,
    ['funnel_dirty', 'kpi_deal_dirty'],
    TABLES.map((t) => ({ name: t, scratch: KPI_FROM_SCRATCH[t]() })),
  );

const arbScope = fc.record({
  from: fc.integer({ min: -5, max: 100 }),
  spans: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 3 }),
  windowDays: fc.option(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 60 })), { nil: null }),
  // around the generated hand-offs (0, 3, 30 hours and whole days), fractional too; 22.5 and 47.5 fall inside a
  // bucket holding 21 and 24 (45 and 48) hours, whose units are then read
  slaHours: fc.constantFrom(0.5, 3, 22.5, 24, 30, 47.5, 100.25),
  bySource: fc.boolean(),
});

describe('KPI rollups (kpi_handoff, kpi_deal and their day rows): incremental, exact, and used only where exact', () => {
  let api: TestApi;
  // its own database: its checks that nothing is left pending read every dirty queue, which other files write to
  beforeAll(async () => (api = await startScratchApi('kpi_rollup')));
  afterAll(() => api.close());

  it('answer random KPI series over random histories exactly as the on-the-fly queries (owner-scoped, property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbLead, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(arbScope, { minLength: 4, maxLength: 4 }),
        async (leads, oneAccount, scopes) => {
          const ownerId = await loadHistory(api, leads, oneAccount);
          await snapshot(api.ds, async (tx) => {
            for (const g of scopes) {
              const edges = [g.from, ...g.spans].map(
                (_, i, a) => new Date(MIDNIGHT + a.slice(0, i + 1).reduce((x, y) => x + y, 0) * DAY),
              );
              const common = {
                edges,
                asOf: FUTURE(),
                windowSeconds: g.windowDays === null ? null : g.windowDays * 86_400,
                currentOutcomes: true,
              };
              await expectRollupEqualsLive(tx, { ...common, sources: null, ownerIds: [ownerId] }, g.slaHours);
              await expectHandoffRollupEqualsLive(tx, { ...common, sources: null, ownerIds: null }, g.slaHours);
              // by source, over every owner's data: the whole database in one snapshot
              if (g.bySource)
                await expectRollupEqualsLive(tx, { ...common, sources: ['EMAIL'], ownerIds: null }, g.slaHours);
            }
          });
        },
      ),
      { seed: 20261124, numRuns: 20 },
    );
    await expectRollupEqualsScratch(api.ds);
  });

  it("stay equal to a from-scratch computation through edits: events, wins that move a customer's first win, touches, sources, owners, stage probabilities", async () => {
    const p = unique('kroll');
    const { email: owner, id: ownerId } = await freshOwner(api, p);
    const { email: other } = await freshOwner(api, `${p}o`);
    const at = (d: number, h = 12) => new Date(MIDNIGHT + d * DAY + h * 3_600_000).toISOString();
    await bulkLoad(api, [
      [UPSERT_ACCOUNTS, [{ externalId: `${p}-A`, name: 'A' }]],
      [UPSERT_CAMPAIGNS, [{ externalId: `${p}-C`, name: 'c', channel: 'EMAIL' }]],
      [
        UPSERT_LEADS,
        [0, 1, 2, 3].map((i) => ({
          externalId: `${p}-L${i}`,
          createdAt: at(i),
          ownerEmail: owner,
          source: 'REFERRAL',
          accountExternalId: `${p}-A`,
        })),
      ],
      [
        RECORD_LEAD_EVENTS,
        [
          { leadExternalId: `${p}-L0`, event: 'MQL', occurredAt: at(2) },
          { leadExternalId: `${p}-L0`, event: 'SAL', occurredAt: at(2, 20) },
          { leadExternalId: `${p}-L1`, event: 'MQL', occurredAt: at(3) },
          { leadExternalId: `${p}-L1`, event: 'REJECTED', reason: 'TIMING', occurredAt: at(5) },
          { leadExternalId: `${p}-L2`, event: 'MQL', occurredAt: at(4) },
          { leadExternalId: `${p}-L3`, event: 'MQL', occurredAt: at(6) },
          { leadExternalId: `${p}-L3`, event: 'SAL', occurredAt: at(6, 19.5) },
        ],
      ],
      [
        UPSERT_DEALS,
        [0, 1].map((i) => ({
          externalId: `${p}-D${i}`,
          name: 'd',
          amount: 100 + i,
          ownerEmail: owner,
          leadExternalIds: [`${p}-L${i}`],
          accountExternalId: `${p}-A`,
          createdAt: at(10 + i),
        })),
      ],
      [
        RECORD_DEAL_CHANGES,
        [
          { dealExternalId: `${p}-D0`, stage: 'WON', occurredAt: at(40) },
          { dealExternalId: `${p}-D1`, stage: 'PROPOSAL', occurredAt: at(20) },
        ],
      ],
    ]);
    await expectRollupEqualsScratch(api.ds);
    // responses of 8 and 7.5 hours share a bucket: an SLA of 7.75 hours between them is counted from the units
    const edges = [new Date(MIDNIGHT), new Date(MIDNIGHT + 60 * DAY)];
    await snapshot(api.ds, (tx) =>
      expectRollupEqualsLive(
        tx,
        { edges, asOf: FUTURE(), windowSeconds: null, sources: null, ownerIds: [ownerId], currentOutcomes: true },
        7.75,
      ),
    );
    const plan = kpiRollupPlan({
      edges,
      asOf: FUTURE(),
      windowSeconds: null,
      sources: null,
      ownerIds: [ownerId],
      currentOutcomes: true,
    });
    const [sla] = (await queryLeadKpisRollup(
      api.ds,
      { edges, asOf: FUTURE(), windowSeconds: null, sources: null, ownerIds: [ownerId], currentOutcomes: true },
      plan!,
      7.75,
    ))!;
    expect([sla.onTime, sla.breached, sla.responseMedianHours]).toEqual([1, 3, 8]);
    const firstWin = async () =>
      await api.ds.query(
        `SELECT d.external_id AS deal, k.first_win FROM kpi_deal k JOIN deals d ON d.id = k.deal_id WHERE d.external_id LIKE $1 AND k.first_win[1] ORDER BY 1`,
        [`${p}-%`],
      );
    expect(await firstWin()).toEqual([{ deal: `${p}-D0`, first_win: [true, true, true] }]);
    await bulkLoad(api, [
      // D1 is won before D0: the customer's first win moves to D1, in D0's and D1's rows
      [RECORD_DEAL_CHANGES, [{ dealExternalId: `${p}-D1`, stage: 'WON', occurredAt: at(30) }]],
      // a marketing touch of D0's lead within its influence window; L2 accepted (SQL) after 30 hours
      [
        RECORD_TOUCHPOINTS,
        [
          {
            externalId: `${p}-T`,
            leadExternalId: `${p}-L0`,
            campaignExternalId: `${p}-C`,
            type: 'AD_CLICK',
            occurredAt: at(15),
          },
        ],
      ],
      [RECORD_LEAD_EVENTS, [{ leadExternalId: `${p}-L2`, event: 'SQL', occurredAt: at(5, 18) }]],
    ]);
    await expectRollupEqualsScratch(api.ds);
    expect(await firstWin()).toEqual([{ deal: `${p}-D1`, first_win: [true, true, true] }]);
    const [{ influenced }] = await api.ds.query(
      `SELECT k.influenced FROM kpi_deal k JOIN deals d ON d.id = k.deal_id WHERE d.external_id = $1`,
      [`${p}-D0`],
    );
    expect(influenced).toBe(true);
    await bulkLoad(api, [
      // L1 moves to another owner and source: its hand-off's groups and its deal's source move
      [
        UPSERT_LEADS,
        [{ externalId: `${p}-L1`, createdAt: at(1), ownerEmail: other, source: 'EVENT', accountExternalId: `${p}-A` }],
      ],
      // D1 moves to another owner and out of the account: D0 is the account's first win again
      [
        UPSERT_DEALS,
        [
          {
            externalId: `${p}-D1`,
            name: 'd',
            amount: 150,
            ownerEmail: other,
            leadExternalIds: [`${p}-L1`],
            accountExternalId: null,
            createdAt: at(11),
          },
        ],
      ],
    ]);
    await expectRollupEqualsScratch(api.ds);
    expect((await firstWin()).map((r: { deal: string }) => r.deal)).toEqual([`${p}-D0`, `${p}-D1`]);
    // a stage's probability: every deal that entered it is recomputed (rolled back: other tests read the pipeline)
    await rolledBack(api.ds, async (tx) => {
      await tx.query(`UPDATE pipeline_stages SET probability = 0.55 WHERE key = 'PROPOSAL'`);
      expect(Number((await tx.query(`SELECT count(*) AS n FROM kpi_deal_dirty`))[0].n)).toBeGreaterThan(0);
      await processDirtyRollups(tx);
      await expectRollupEqualsScratch(tx);
    });
  });

  it('over the whole database, by every filter shape, equal the on-the-fly queries in one snapshot', async () => {
    await snapshot(api.ds, async (tx) => {
      const edges = [-30, 30, 90, 400].map((d) => new Date(MIDNIGHT + d * DAY));
      for (const f of [
        { sources: null, ownerIds: null },
        { sources: ['EMAIL'], ownerIds: null },
        { sources: ['REFERRAL'], ownerIds: null },
      ]) {
        for (const windowSeconds of [null, 7 * 86_400]) {
          await expectRollupEqualsLive(tx, { edges, asOf: FUTURE(), windowSeconds, currentOutcomes: true, ...f }, 24);
        }
      }
    });
  });

  it('are not used where they would not be exact: past asOf, partial days, fractional windows, two filters, two groups', () => {
    const s: KpiScope = {
      edges: [new Date(MIDNIGHT), new Date(MIDNIGHT + DAY)],
      asOf: FUTURE(),
      windowSeconds: 7 * 86_400,
      sources: null,
      ownerIds: null,
      currentOutcomes: true,
    };
    expect(kpiRollupPlan(s)).toEqual({ dim: 'ALL', grp: 'ALL', windowDays: 7 });
    expect(kpiRollupPlan({ ...s, sources: ['EMAIL'] })).toEqual({ dim: 'CHANNEL', grp: 'EMAIL', windowDays: 7 });
    expect(kpiRollupPlan({ ...s, ownerIds: ['7'] })).toEqual({ dim: 'OWNER', grp: '7', windowDays: 7 });
    expect(kpiRollupPlan({ ...s, currentOutcomes: false })).toBeNull();
    expect(kpiRollupPlan({ ...s, edges: [new Date(MIDNIGHT), new Date(MIDNIGHT + 3_600_000)] })).toBeNull();
    expect(kpiRollupPlan({ ...s, windowSeconds: 1.5 * 86_400 })).toBeNull();
    expect(kpiRollupPlan({ ...s, sources: ['EMAIL'], ownerIds: ['1'] })).toBeNull();
    expect(kpiRollupPlan({ ...s, sources: ['EMAIL', 'EVENT'] })).toBeNull();
  });

  it('fall back to the on-the-fly queries while a committed change is not applied, and answer the same through the API', async () => {
    const s: KpiScope = {
      edges: [new Date(MIDNIGHT), new Date(MIDNIGHT + 365 * DAY)],
      asOf: FUTURE(),
      windowSeconds: null,
      sources: null,
      ownerIds: null,
      currentOutcomes: true,
    };
    await rolledBack(api.ds, async (tx) => {
      await tx.query(`INSERT INTO kpi_deal_dirty VALUES (0)`);
      await tx.query(`INSERT INTO funnel_dirty VALUES (0)`);
      expect(await queryDealKpisRollup(tx, s, kpiRollupPlan(s)!)).toBeNull();
      expect(await queryLeadKpisRollup(tx, s, kpiRollupPlan(s)!, 24)).toBeNull();
    });
    // through the API, on one owner's data: answered on the fly while a change is pending, from the rollups after
    const ownerId = await loadHistory(api, fc.sample(arbLead, { seed: 7, numRuns: 6 }), true);
    const fields = `leads mqls sqls wonDeals revenue newCustomers winRate { numerator denominator } salesCycleDays { count mean median }
      mqlToSqlRate { numerator denominator } leadRejectionRate { numerator denominator } leadResponseHours { count median }
      slaCompliance { numerator denominator } openPipeline weightedPipeline`;
    const input = {
      from: new Date(MIDNIGHT).toISOString(),
      to: new Date(MIDNIGHT + 200 * DAY).toISOString(),
      ownerIds: [ownerId],
      slaHours: 30,
    };
    const report = async () =>
      (await api.ok(`query($input: KpiInput!) { kpis(input: $input) { ${fields} } }`, { input }, Role.ANALYST)).kpis;
    // committed dirty rows make every rollup read fall back, so no other file's snapshot reads meanwhile
    // another file's write transaction applies committed dirty rows too: the report counts as "pending" only when the
    // rows were there before and after it; otherwise the round is tried again
    const [live, viaRollup] = await withPendingWrite(api.ds, async () => {
      for (let round = 1; ; round++) {
        await api.ds.query(`INSERT INTO kpi_deal_dirty VALUES (0)`);
        await api.ds.query(`INSERT INTO funnel_dirty VALUES (0)`);
        const before = await rollupsPending(api.ds);
        const pending = await report();
        const after = await rollupsPending(api.ds);
        await serviceTransactions(api.ds).run(async () => undefined); // any write transaction applies what is pending
        if (!(before && after) && round < 20) continue;
        expect([before, after]).toEqual([true, true]);
        expect(await rollupsPending(api.ds)).toBe(false);
        return [pending, await report()];
      }
    });
    viaRollup.salesCycleDays.mean = r6(viaRollup.salesCycleDays.mean);
    live.salesCycleDays.mean = r6(live.salesCycleDays.mean);
    expect(viaRollup).toEqual(live);
    expect(live.leads).toBeGreaterThan(0);
  });

  it('the rebuild gives the same rows as the incremental path', async () => {
    await rolledBack(api.ds, async (tx) => {
      await tx.query(`LOCK TABLE ${TABLES.join(', ')} IN EXCLUSIVE MODE`); // no writer applies a change between the two readings
      const read = async () => {
        const out = []; // one statement at a time: a transaction is one connection
        for (const t of TABLES) out.push(await tx.query(`SELECT * FROM ${t} x ORDER BY x`));
        return out;
      };
      const before = await read();
      await rebuildKpi(tx);
      expect(await read()).toEqual(before);
    });
  });
});

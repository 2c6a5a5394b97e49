import fc from 'fast-check';
import { secondaryIndexes } from '../../../src/db/bulk-load';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../../../src/common/graphql/enums';
import { processDirtyRollups } from '../../../src/modules/analytics/rollups';
import {
  MARKOV_FROM_SCRATCH,
  MARKOV_LOCK,
  rebuildMarkov,
} from '../../../src/modules/analytics/attribution/markov-rollup';
import {
  AttributionQuery,
  queryAttribution,
  queryAttributionCredit,
} from '../../../src/modules/analytics/attribution/attribution.query';
import { attribution } from '../../../src/modules/analytics/attribution/attribution.service';
import { AttributionGroupBy, AttributionModel } from '../../../src/modules/analytics/attribution/attribution.types';
import {
  countsFromRows,
  TransitionCounts,
  transitionCounts,
} from '../../../src/modules/analytics/attribution/markov.calc';
import {
  BulkOut,
  RECORD_DEAL_CHANGES,
  RECORD_TOUCHPOINTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { expectStoredEqualsScratch } from '../../support/rollup-scratch';
import { startTestApi, TestApi } from '../../support/test-server';
import { rolledBack, snapshot } from '../../support/transactions';
import { unique } from '../../support/unique';

// property runs: seconds alone, but over a minute beside the heaviest files on CI's two cores (the suite's 60 s is for
// single cases)
jest.setTimeout(180_000);

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Two campaigns share a channel, so the channel chain collapses what the campaign chain keeps apart. */
const CHANNELS = ['EMAIL', 'EMAIL', 'PAID_SEARCH', 'WEBINAR'];
const TABLES = ['markov_touch', 'markov_won', 'markov_day'] as const;
const SPAN = 500;
const LATER = () => new Date(Date.now() + 10 * 60_000); // asOf after every fact, so the rollups may answer

/** A lead's touches (campaign, day in its run's 500 days, hour) and deals linking one or two leads, won or lost. */
const arbRun = fc.record({
  leads: fc.array(
    fc.array(
      fc.record({
        // early touches too, before the lookback of the periods below
        campaign: fc.integer({ min: 0, max: 3 }),
        day: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: SPAN - 60 })),
        hour: fc.constantFrom(0, 0, 13),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    { minLength: 2, maxLength: 10 },
  ),
  // close days mostly inside the periods below, so their leads leave the non-converting journeys
  deals: fc.array(
    fc.record({
      leads: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 2 }),
      created: fc.integer({ min: 320, max: SPAN - 100 }),
      closesAfter: fc.integer({ min: 0, max: 60 }),
      won: fc.constantFrom(true, true, true, false),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  // each period starts up to 30 days before a deal's close (not before day 300: the lookback stays in the run's days)
  periods: fc.array(
    fc.record({ deal: fc.nat(), before: fc.integer({ min: 0, max: 30 }), days: fc.integer({ min: 1, max: 150 }) }),
    { minLength: 1, maxLength: 3 },
  ),
});
type Run = typeof arbRun extends fc.Arbitrary<infer R> ? R : never;

let runs = 0;

/**
 * Loads a run through the bulk API in its own 500 days from 1980 on (no other test writes 1980–2007), so its journeys
 * are the only ones in its windows; returns its epoch.
 */
async function load(api: TestApi, run: Run): Promise<number> {
  if (runs >= 20) throw new Error('out of isolated time stretches');
  const base = Date.UTC(1980, 0, 1) + runs++ * SPAN * DAY;
  const iso = (ms: number) => new Date(base + ms).toISOString();
  const p = unique('markov');
  const send = async (doc: string, input: unknown[]) => {
    if (!input.length) return;
    const out = Object.values(await api.ok<Record<string, BulkOut>>(doc, { input, allOrNone: true }, Role.SERVICE))[0];
    expect(out.results.flatMap((r) => r.errors)).toEqual([]);
  };
  await send(
    UPSERT_CAMPAIGNS,
    CHANNELS.map((channel, k) => ({ externalId: `${p}-K${k}`, name: `K${k}`, channel })),
  );
  await send(
    UPSERT_LEADS,
    run.leads.map((_, i) => ({ externalId: `${p}-L${i}`, createdAt: iso(0) })),
  );
  await send(
    RECORD_TOUCHPOINTS,
    run.leads.flatMap((touches, i) =>
      touches.map((t, k) => ({
        externalId: `${p}-T${i}-${k}`,
        leadExternalId: `${p}-L${i}`,
        campaignExternalId: `${p}-K${t.campaign}`,
        type: 'WEB_VISIT',
        occurredAt: iso(t.day * DAY + t.hour * HOUR),
      })),
    ),
  );
  const deals = run.deals.map((d, j) => ({
    ...d,
    externalId: `${p}-D${j}`,
    leads: [...new Set(d.leads.map((l) => l % run.leads.length))],
  }));
  await send(
    UPSERT_DEALS,
    deals.map((d) => ({
      externalId: d.externalId,
      name: 'd',
      amount: 1000 + d.created,
      leadExternalIds: d.leads.map((l) => `${p}-L${l}`),
      createdAt: iso(d.created * DAY),
    })),
  );
  await send(
    RECORD_DEAL_CHANGES,
    deals.map((d) => ({
      dealExternalId: d.externalId,
      stage: d.won ? 'WON' : 'LOST',
      occurredAt: iso((d.created + d.closesAfter) * DAY + 5 * HOUR),
    })),
  );
  return base;
}

const sorted = (c: TransitionCounts) => [...c].map(([from, out]) => [from, [...out].sort()] as const).sort();

/** The rollup answers (it must), with the very transition counts of the journeys computed on the fly. */
async function expectCountsEqualLive(ds: DataSource, q: AttributionQuery) {
  await snapshot(ds, async (tx) => {
    const rolled = await queryAttributionCredit(tx, q);
    expect(rolled.stale).toBe(false);
    const live = await queryAttribution(tx, q);
    expect(sorted(countsFromRows(rolled.transitions ?? []))).toEqual(sorted(transitionCounts(live.journeys ?? [])));
  });
}

/** The stored MARKOV rollup equals one computed from scratch from the base tables, in one snapshot (or transaction). */
const expectRollupEqualsScratch = (db: DataSource | EntityManager) =>
  expectStoredEqualsScratch(
    db,
    ['markov_dirty', 'attribution_dirty'],
    TABLES.map((t) => ({ name: t, scratch: MARKOV_FROM_SCRATCH[t]() })),
  );

/** A report's rows (in key order: equal credit may sort either way) compared to the cent (revenue) and to 1e-9 (deals). */
const view = (r: Awaited<ReturnType<typeof attribution>>) => ({
  totals: [r.wonDeals, r.unattributedDeals, Math.round(r.unattributedRevenue * 100)],
  rows: r.rows.map((x) => [x.key, Math.round(x.revenue * 100), Number(x.deals.toFixed(9)), x.touchpoints]).sort(),
});

describe('MARKOV rollup (markov_touch, markov_won, markov_day) and SHAPLEY credit: incremental, exact, and used only where exact', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  it('random journeys (touches across the window edges, leads of several won deals, deals of two leads): the rollup’s transition counts equal the journeys’ for any whole-day period, by campaign and by channel; MARKOV and SHAPLEY reports equal the on-the-fly ones', async () => {
    await fc.assert(
      fc.asyncProperty(arbRun, async (run) => {
        const base = await load(api, run);
        for (const period of run.periods) {
          const deal = run.deals[period.deal % run.deals.length];
          const fromDay = Math.max(300, deal.created + deal.closesAfter - period.before);
          for (const groupBy of [AttributionGroupBy.CAMPAIGN, AttributionGroupBy.CHANNEL]) {
            const from = new Date(base + fromDay * DAY);
            const to = new Date(base + (fromDay + period.days) * DAY);
            const q = {
              model: AttributionModel.MARKOV,
              groupBy,
              from,
              to,
              asOf: LATER(),
              lookbackDays: 365,
              halfLifeDays: 7,
              currentOutcomes: true,
            };
            await expectCountsEqualLive(api.ds, q);
            for (const model of [AttributionModel.MARKOV, AttributionModel.SHAPLEY]) {
              const input = { model, groupBy, from, to, asOf: q.asOf };
              expect([model, view(await attribution(api.ds, input))]).toEqual([
                model,
                view(await attribution(api.ds, input, { rollup: false })),
              ]);
            }
          }
        }
      }),
      { seed: 20261125, numRuns: 12 },
    );
    await expectRollupEqualsScratch(api.ds);
  }, 240_000);

  it('edits of touches (moved across days, another campaign, removed), of links and of outcomes are applied before commit: the rollup equals a from-scratch computation', async () => {
    await load(api, fc.sample(arbRun, { seed: 11, numRuns: 1 })[0]);
    await expectRollupEqualsScratch(api.ds);
    const p = (
      await api.ds.query(`SELECT external_id FROM leads WHERE external_id LIKE 'markov%' ORDER BY id DESC LIMIT 1`)
    )[0].external_id.replace(/-L\d+$/, '');
    await rolledBack(api.ds, async (tx) => {
      // first touches alone, of a lead with exactly one won close day (its whole journey is a W row of that day)
      const [won] = await tx.query(
        `SELECT w.lead_id FROM markov_won w JOIN leads l ON l.id = w.lead_id WHERE l.external_id LIKE $1 || '%' AND w.n_x = 1
        AND (SELECT count(*) FROM touchpoints t WHERE t.lead_id = w.lead_id) >= 2 ORDER BY w.lead_id LIMIT 1`,
        [p],
      );
      expect(won).toBeDefined();
      const mine = (await tx.query(`SELECT id FROM touchpoints WHERE lead_id = $1 ORDER BY id`, [won.lead_id])).map(
        (r: { id: string }) => r.id,
      );
      // (another campaign keeps its lead's first and last days, so only its journey, not its markov_won row, changes)
      await tx.query(
        `UPDATE touchpoints t SET campaign_id = c.id, channel = c.channel FROM campaigns c
        WHERE t.id = $1 AND c.external_id = CASE WHEN t.channel = 'WEBINAR' THEN $2 || '-K2' ELSE $2 || '-K3' END`,
        [mine[1], p],
      );
      await processDirtyRollups(tx);
      await expectRollupEqualsScratch(tx);
      await tx.query(`UPDATE touchpoints SET occurred_at = occurred_at + interval '37 days 3 hours' WHERE id = $1`, [
        mine[0],
      ]);
      await processDirtyRollups(tx);
      await expectRollupEqualsScratch(tx);
      // then a removed touch, outcomes flipped and every lead linked to every deal of the run
      const touches = (
        await tx.query(
          `SELECT t.id FROM touchpoints t JOIN leads l ON l.id = t.lead_id WHERE l.external_id LIKE $1 || '%' ORDER BY t.id`,
          [p],
        )
      ).map((r: { id: string }) => r.id);
      await tx.query(`DELETE FROM touchpoints WHERE id = $1`, [touches[2]]);
      await tx.query(
        `UPDATE deals SET status = CASE status WHEN 'WON' THEN 'LOST' ELSE 'WON' END, closed_at = coalesce(closed_at, created_at) + interval '2 days'
        WHERE external_id LIKE $1 || '%'`,
        [p],
      );
      await tx.query(
        `INSERT INTO deal_leads (deal_id, lead_id) SELECT d.id, l.id FROM deals d, leads l
        WHERE d.external_id LIKE $1 || '%' AND l.external_id LIKE $1 || '%' ON CONFLICT DO NOTHING`,
        [p],
      );
      await processDirtyRollups(tx);
      await expectRollupEqualsScratch(tx);
    });
  }, 60_000);

  it('rebuild equals the incremental rows; a write not applied yet or a touch after asOf makes the report compute on the fly', async () => {
    await rolledBack(api.ds, async (tx) => {
      // other test files write meanwhile: their credit rollup writes markov_day's C rows, which MARKOV_LOCK leaves open
      await tx.query(MARKOV_LOCK);
      await tx.query(`LOCK TABLE markov_day IN EXCLUSIVE MODE`);
      await tx.query(`CREATE TEMP TABLE before_day AS SELECT * FROM markov_day`);
      const indexes = await secondaryIndexes(tx, ['markov_touch', 'markov_won']);
      expect(indexes.map((i) => i.name)).toEqual(
        expect.arrayContaining(['markov_touch_day_idx', 'markov_touch_span_idx', 'markov_won_x_day_idx']),
      );
      await rebuildMarkov(tx);
      // the indexes the load dropped are back, as they were
      expect(await secondaryIndexes(tx, ['markov_touch', 'markov_won'])).toEqual(indexes);
      expect(
        await tx.query(
          `SELECT * FROM (SELECT * FROM before_day EXCEPT SELECT * FROM markov_day) a UNION ALL SELECT * FROM (SELECT * FROM markov_day EXCEPT SELECT * FROM before_day) b LIMIT 5`,
        ),
      ).toEqual([]);
      await expectRollupEqualsScratch(tx);
    });
    const q = {
      model: AttributionModel.MARKOV,
      groupBy: AttributionGroupBy.CAMPAIGN,
      from: new Date(Date.UTC(1981, 0, 1)),
      to: new Date(Date.UTC(1982, 0, 1)),
      lookbackDays: 365,
      halfLifeDays: 7,
      currentOutcomes: true,
    };
    expect((await queryAttributionCredit(api.ds, { ...q, asOf: LATER() })).stale).toBe(false);
    await rolledBack(api.ds, async (tx) => {
      await tx.query(`INSERT INTO markov_dirty VALUES (0)`);
      expect((await queryAttributionCredit(tx, { ...q, asOf: LATER() })).stale).toBe(true);
    });
    const lastTouch = new Date((await api.ds.query(`SELECT max(occurred_at) AS at FROM touchpoints`))[0].at);
    expect((await queryAttributionCredit(api.ds, { ...q, asOf: new Date(lastTouch.getTime() - 1) })).stale).toBe(true);
  });
});

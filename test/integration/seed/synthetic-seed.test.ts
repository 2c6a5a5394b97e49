import { DataSource } from 'typeorm';
import { seedDatabase } from '../../../scripts/seed';
import { kpis } from '../../../src/modules/analytics/kpi/kpi.service';
import { secondaryIndexes } from '../../../src/db/bulk-load';
import { LOADED_TABLES } from '../../../src/seed/synthetic.sql';
import { scratchDatabase } from '../../support/scratch-db';

/** npm run seed -- --size small: the benchmark's synthetic funnel, loaded set-based with its rollups rebuilt. */
describe('synthetic seed (npm run seed)', () => {
  let db: { url: string; ds: DataSource; drop: () => Promise<void> };
  beforeAll(async () => (db = await scratchDatabase('funnel_synth')));
  afterAll(() => db.drop());

  it('loads 10k leads with history, touchpoints and deals, with its indexes back and rollups that answer; refuses a second seed', async () => {
    const indexes = await secondaryIndexes(db.ds.manager, LOADED_TABLES);
    expect(indexes.length).toBeGreaterThan(10);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true); // the progress bar
    try {
      await seedDatabase(db.url, 'small', 42);
    } finally {
      err.mockRestore();
    }
    const [c] = await db.ds
      .query(`SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM touchpoints)::int AS touchpoints,
      (SELECT count(*) FROM deals)::int AS deals, (SELECT count(*) FROM funnel_dirty)::int AS dirty, (SELECT count(*) FROM funnel_day)::int AS funnel_days`);
    expect(c.leads).toBe(10_000);
    // the load dropped the written tables' secondary indexes: every one is back, as it was
    expect(await secondaryIndexes(db.ds.manager, LOADED_TABLES)).toEqual(indexes);
    expect(c.touchpoints).toBeGreaterThan(40_000);
    expect(c.deals).toBeGreaterThan(1_000);
    expect(c).toMatchObject({ dirty: 0 });
    expect(c.funnel_days).toBeGreaterThan(0);
    const k = await kpis(db.ds, { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') });
    expect(k.leads).toBe(10_000);
    expect(k.wonDeals).toBeGreaterThan(0);
    await expect(seedDatabase(db.url, 'small', 42)).rejects.toThrow(/already holds the synthetic funnel/);
  }, 120_000);
});

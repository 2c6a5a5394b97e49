import { DataSource } from 'typeorm';
import { isEmpty, seedDemo } from '../../../src/seed/demo-seed';
import { scratchDatabase } from '../../support/scratch-db';
import { serviceTransactions } from '../../../src/container';

/** The demo funnel loads whole into an empty database, is deterministic, and re-running it creates nothing new. */
describe('demo seed', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ ds, drop } = await scratchDatabase('funnel_seed')));
  afterAll(() => drop());

  const counts = async () =>
    (
      await ds.query(`SELECT
    (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM deals)::int AS deals,
    (SELECT count(*) FROM touchpoints)::int AS touchpoints, (SELECT count(*) FROM lead_stage_changes)::int AS events,
    (SELECT count(*) FROM deal_stage_changes)::int AS deal_changes, (SELECT count(*) FROM deals WHERE status = 'WON')::int AS won,
    (SELECT count(*) FROM leads WHERE stage = 'CUSTOMER')::int AS customers`)
    )[0];

  it('loads a few hundred leads with history, campaigns, touchpoints and deals; a second run changes nothing', async () => {
    expect(await isEmpty(ds)).toBe(true);
    await seedDemo(serviceTransactions(ds));
    const first = await counts();
    expect(first.leads).toBe(300);
    expect(first.deals).toBeGreaterThan(30);
    expect(first.won).toBeGreaterThan(5);
    expect(first.customers).toBe(first.won);
    expect(first.touchpoints).toBeGreaterThan(500);
    await seedDemo(serviceTransactions(ds));
    expect(await counts()).toEqual(first);
  });
});

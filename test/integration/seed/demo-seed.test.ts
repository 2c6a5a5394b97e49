import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { createDataSource } from '../../../src/db/data-source';
import { isEmpty, seedDemo } from '../../../src/seed/demo-seed';
import { testDatabaseUrl } from '../../support/db';

/** The demo funnel loads whole into an empty database, is deterministic, and re-running it creates nothing new. */
describe('demo seed', () => {
  let ds: DataSource;
  const name = `funnel_seed_${process.pid}_${Date.now()}`;
  const admin = () => {
    const url = new URL(testDatabaseUrl());
    url.pathname = '/postgres';
    return new Client({ connectionString: url.toString() });
  };
  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${name}`;
    ds = createDataSource({ url: url.toString() });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await ds.destroy();
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  const counts = async () => (await ds.query(`SELECT
    (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM deals)::int AS deals,
    (SELECT count(*) FROM touchpoints)::int AS touchpoints, (SELECT count(*) FROM lead_stage_changes)::int AS events,
    (SELECT count(*) FROM deal_stage_changes)::int AS deal_changes, (SELECT count(*) FROM deals WHERE status = 'WON')::int AS won,
    (SELECT count(*) FROM leads WHERE stage = 'CUSTOMER')::int AS customers`))[0];

  it('loads a few hundred leads with history, campaigns, touchpoints and deals; a second run changes nothing', async () => {
    expect(await isEmpty(ds)).toBe(true);
    await seedDemo(ds);
    const first = await counts();
    expect(first.leads).toBe(300);
    expect(first.deals).toBeGreaterThan(30);
    expect(first.won).toBeGreaterThan(5);
    expect(first.customers).toBe(first.won);
    expect(first.touchpoints).toBeGreaterThan(500);
    await seedDemo(ds);
    expect(await counts()).toEqual(first);
  });
});

import { DataSource } from 'typeorm';
import { serviceTransactions } from '../../../src/container';
import { TransactionRunner } from '../../../src/db/transaction';
import { rebuildRollups, rollupsPending } from '../../../src/modules/analytics/rollups';
import { seedDemo } from '../../../src/seed/demo-seed';
import { upsertLeads } from '../../../src/modules/lead/lead.service';
import { Role } from '../../../src/common/graphql/enums';
import { scratchDatabase } from '../../support/scratch-db';

/** Every rollup table (not the dirty queues), each as one fingerprint of its rows in any order. */
async function rollupFingerprints(ds: DataSource): Promise<Record<string, string>> {
  const tables: { name: string }[] = await ds.query(`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name !~ '_dirty$'
      AND table_name ~ '^(attribution_credit|funnel_day|kpi_|markov_|closing_)' ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [{ n, h }] = await ds.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${name} t`,
    );
    out[name] = `${n} rows ${h}`;
  }
  return out;
}

/**
 * A script that writes through the services with the service's transaction runner (container.ts), and no HTTP server
 * started, keeps every rollup exactly as a rebuild from scratch would make it.
 */
describe('writes from a script, without the server', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ ds, drop } = await scratchDatabase('funnel_script')));
  afterAll(() => drop());

  it('the demo seed through serviceTransactions leaves the rollups equal to a rebuild', async () => {
    await seedDemo(serviceTransactions(ds));
    expect(await rollupsPending(ds)).toBe(false);
    const kept = await rollupFingerprints(ds);
    expect(Object.keys(kept).length).toBeGreaterThanOrEqual(5);
    expect(Object.values(kept).some((f) => !f.startsWith('0 rows'))).toBe(true);
    const tables = Object.keys(kept);
    for (const t of tables) await ds.query(`CREATE TABLE kept_${t} AS SELECT * FROM ${t}`);
    await rebuildRollups(ds);
    // every row that differs, either way (its text), so that a failure shows what the rebuild disagrees on
    const differing: Record<string, string[]> = {};
    for (const t of tables) {
      const diff: { side: string; row: string }[] = await ds.query(
        `(SELECT 'kept' AS side, k::text AS row FROM kept_${t} k EXCEPT ALL SELECT 'kept', r::text FROM ${t} r)
         UNION ALL (SELECT 'rebuilt', r::text FROM ${t} r EXCEPT ALL SELECT 'rebuilt', k::text FROM kept_${t} k)
         ORDER BY row, side LIMIT 20`,
      );
      if (diff.length) differing[t] = diff.map((d) => `${d.side} ${d.row}`);
    }
    expect(differing).toEqual({});
    expect(await rollupFingerprints(ds)).toEqual(kept);
  });

  it("a runner built without the service's steps leaves its changes pending (what the composition root adds)", async () => {
    const bare = new TransactionRunner(ds);
    await upsertLeads(
      bare,
      { sub: 'script', role: Role.SERVICE },
      [{ externalId: 'script-bare-1', createdAt: new Date('2024-01-02T00:00:00Z') }],
      true,
    );
    expect(await rollupsPending(ds)).toBe(true);
    await serviceTransactions(ds).run(async () => undefined); // the next service transaction applies them
    expect(await rollupsPending(ds)).toBe(false);
  });
});

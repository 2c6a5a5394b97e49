import { DataSource } from 'typeorm';
import { MAX_PREPARED_PER_CONNECTION, preparedRows, statementName } from '../../../src/db/prepared';
import { serviceTransactions } from '../../../src/container';
import { openTestDataSource } from '../../support/db';
import { unique } from '../../support/unique';

/** Named statements the (single) pooled connection holds, read on that very connection. */
const held = async (ds: DataSource): Promise<string[]> =>
  (await preparedRows<{ name: string }>(ds, `SELECT name FROM pg_prepared_statements ORDER BY name`)).map(
    (r) => r.name,
  );

describe('prepared reads (real PostgreSQL, one pooled connection)', () => {
  let ds: DataSource;
  beforeAll(async () => (ds = await openTestDataSource(1)));
  afterAll(() => ds.destroy());

  it('runs a read as a named statement parsed once per connection, with the same rows as a plain query', async () => {
    const text = `SELECT g AS n, $1::text AS tag FROM generate_series(1, 3) g ORDER BY g`;
    const first = await preparedRows(ds, text, ['a']);
    const again = await preparedRows(ds, text, ['b']);
    expect(first).toEqual(await ds.query(text, ['a']));
    expect(again.map((r) => r.tag)).toEqual(['b', 'b', 'b']);
    expect(await held(ds)).toContain(statementName(text));
  });

  it(`keeps at most ${MAX_PREPARED_PER_CONNECTION} statements per connection, deallocating the least recently used`, async () => {
    const tag = unique('lru');
    const texts = Array.from(
      { length: MAX_PREPARED_PER_CONNECTION + 10 },
      (_, i) => `SELECT ${i} AS i, '${tag}' AS tag`,
    );
    for (const t of texts) await preparedRows(ds, t);
    await preparedRows(ds, texts[texts.length - 1]); // most recently used again: no new statement
    const names = await held(ds);
    expect(names.length).toBeLessThanOrEqual(MAX_PREPARED_PER_CONNECTION);
    expect(names).toContain(statementName(texts[texts.length - 1]));
    expect(names).not.toContain(statementName(texts[0]));
    expect((await preparedRows<{ i: number }>(ds, texts[0]))[0].i).toBe(0); // evicted ones prepare again
  });

  it('a plan that outlived a schema change is dropped and the read runs once more', async () => {
    const table = `prep_${unique('t')
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()}`;
    await ds.query(`CREATE TABLE ${table} (v int)`);
    await ds.query(`INSERT INTO ${table} VALUES (1)`);
    const text = `SELECT * FROM ${table}`;
    expect(await preparedRows(ds, text)).toEqual([{ v: 1 }]);
    await ds.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE text`);
    expect(await preparedRows(ds, text)).toEqual([{ v: '1' }]);
    await ds.query(`DROP TABLE ${table}`);
  });

  it('a failing read gives the driver error (SQLSTATE in code) and leaves the connection usable', async () => {
    await expect(preparedRows(ds, `SELECT 1 / $1::int AS x`, [0])).rejects.toMatchObject({ code: '22012' });
    await expect(preparedRows(ds, `SELEC nothing`)).rejects.toMatchObject({ code: '42601' });
    expect(await preparedRows(ds, `SELECT 1 / $1::int AS x`, [1])).toEqual([{ x: 1 }]);
  });

  it('inside a transaction it runs on the transaction, seeing its uncommitted rows', async () => {
    const name = unique('prep-tx');
    const seen = await serviceTransactions(ds).run(async (tx) => {
      await tx.query(`CREATE TEMP TABLE prep_tx (name text) ON COMMIT DROP`);
      await tx.query(`INSERT INTO prep_tx VALUES ($1)`, [name]);
      return preparedRows<{ name: string }>(tx, `SELECT name FROM prep_tx`);
    });
    expect(seen).toEqual([{ name }]);
  });
});

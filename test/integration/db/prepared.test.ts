import { DataSource } from 'typeorm';
import { MAX_PREPARED_PER_CONNECTION, preparedRows, singleIdForm, statementName } from '../../../src/db/prepared';
import { serviceTransactions } from '../../../src/container';
import { openTestDataSource } from '../../support/db';
import { unique } from '../../support/unique';
import { dealSort, listDeals } from '../../../src/modules/deal/deal.repository';
import { DealOrder, DealOrderField } from '../../../src/modules/deal/deal.inputs';

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

  it('a one-id batch runs as `= $1::bigint`, which PostgreSQL plans once (generic plan), with the same rows', async () => {
    const many = `SELECT g::text AS id FROM generate_series(1, 100) g WHERE g = ANY($1::bigint[]) ORDER BY g`;
    const plans = async (text: string) =>
      (
        await preparedRows<{ generic: string; custom: string }>(
          ds,
          `SELECT generic_plans::text AS generic, custom_plans::text AS custom FROM pg_prepared_statements WHERE name = $1`,
          [statementName(text)],
        )
      )[0];
    for (let i = 1; i <= 8; i++) expect(await preparedRows(ds, many, [[String(i)]])).toEqual([{ id: String(i) }]);
    const one = singleIdForm(many, [['1']]).text;
    expect(one).toContain('g = $1::bigint');
    // PostgreSQL plans the first five executions for their values, then keeps the generic plan it found as cheap
    expect(await plans(one)).toEqual({ generic: '3', custom: '5' });
    expect(await plans(many)).toBeUndefined(); // the array form was never prepared for one id
    expect(await preparedRows(ds, many, [['3', '5', '404']])).toEqual([{ id: '3' }, { id: '5' }]);
    expect(await plans(many)).toEqual({ generic: '0', custom: '1' });
  });

  it('the one-id form applies only where every $1 is the id comparison', () => {
    const keep = (text: string, params: unknown[]) => expect(singleIdForm(text, params)).toEqual({ text, params });
    keep(`SELECT 1 WHERE x = ANY($1::bigint[]) AND cardinality($1::bigint[]) > 0`, [['1']]);
    keep(`SELECT 1 WHERE x = ANY($1::bigint[]) AND y = $10`, [['1']]);
    keep(`SELECT 1 WHERE x = ANY($1::bigint[])`, [['1', '2']]);
    keep(`SELECT 1 WHERE x = ANY($1::bigint[])`, [[]]);
    keep(`SELECT 1 WHERE x = ANY($1::text[])`, [['a']]);
    expect(singleIdForm(`SELECT 1 WHERE x = ANY($1::bigint[]) AND y = $2`, [['7'], 'b'])).toEqual({
      text: `SELECT 1 WHERE x = $1::bigint AND y = $2`,
      params: ['7', 'b'],
    });
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

describe('keyset pages as prepared statements', () => {
  let ds: DataSource;
  beforeAll(async () => (ds = await openTestDataSource(1)));
  afterAll(() => ds.destroy());

  it('a page after a cursor is planned once (generic plan), whatever the cursor', async () => {
    const sort = dealSort({ field: DealOrderField.CREATED_AT, direction: 'DESC' } as DealOrder);
    for (let i = 0; i < 8; i++) {
      const after = { v: new Date(Date.UTC(2030, 0, 1) - i * 86_400_000).toISOString(), id: String(1e12 - i) };
      await listDeals(ds, null, sort, { limit: 3, after, before: null, backward: false });
    }
    const plans = await preparedRows<{ generic: string; custom: string }>(
      ds,
      `SELECT generic_plans::text AS generic, custom_plans::text AS custom FROM pg_prepared_statements
       WHERE statement LIKE '%FROM deals d%' AND statement LIKE '%(SELECT $_::timestamptz)%'
         AND statement NOT LIKE '%pg_prepared_statements%'`,
    );
    // the first five executions are planned for their values, then the generic plan is kept
    expect(plans).toEqual([{ generic: '3', custom: '5' }]);
  });
});

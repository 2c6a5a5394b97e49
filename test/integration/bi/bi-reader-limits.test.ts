import { BI_READER_TEST_PASSWORD } from '../../support/bi-example';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { biConnectionString, setBiReaderPassword } from '../../../src/modules/bi/bi-reader';
import { BiWatchdog, startBiWatchdog } from '../../../src/modules/bi/bi-watchdog';
import { scratchDatabase } from '../../support/scratch-db';

const PASSWORD = BI_READER_TEST_PASSWORD;

/**
 * bi_reader as a BI tool that tries to lift its own limits would. On a database of its own: the watchdog's short limit
 * cancels every bi_reader statement in its database, and another test file's BI queries share the test database (one
 * was cancelled in CI).
 */
describe('bi_reader cannot lift its limits (real PostgreSQL)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  let reader: Client;
  let watchdog: BiWatchdog;
  beforeAll(async () => {
    const db = await scratchDatabase('bi_limits');
    ({ ds, drop } = db);
    expect(await setBiReaderPassword(ds, PASSWORD)).toBe(true);
    reader = new Client({ connectionString: biConnectionString(db.url, PASSWORD) });
    await reader.connect();
    watchdog = startBiWatchdog(ds, 800);
  });
  afterAll(async () => {
    watchdog.stop();
    await reader.end();
    await drop();
  });

  it('SET statement_timeout = 0 does not help: a statement past the limit is cancelled (57014) by the watchdog', async () => {
    await reader.query('SET statement_timeout = 0');
    expect((await reader.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('0');
    const t = Date.now();
    const err = await reader.query('SELECT pg_sleep(20)').then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect([err?.code, Date.now() - t < 5000]).toEqual(['57014', true]);
    expect((await reader.query('SELECT 1 AS ok')).rows[0].ok).toBe(1); // the session lives on
  });

  it('a statement under the limit is left alone', async () => {
    expect((await reader.query('SELECT pg_sleep(0.2), 1 AS ok')).rows[0].ok).toBe(1);
  });

  it('no temporary tables, even in a read-write transaction it asked for', async () => {
    const err = await reader.query('BEGIN READ WRITE; CREATE TEMP TABLE mine (x int)').then(
      () => null,
      (e: { code?: string }) => e,
    );
    await reader.query('ROLLBACK');
    expect(err?.code).toBe('42501');
  });

  it('the service itself still creates temporary tables', async () => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('CREATE TEMP TABLE service_scratch (x int)');
      await runner.query('DROP TABLE service_scratch');
    } finally {
      await runner.release();
    }
  });
});

import { DataSource } from 'typeorm';
import { openTestDataSource } from '../../support/db';

describe('migrations and entities', () => {
  let ds: DataSource;
  beforeAll(async () => (ds = await openTestDataSource(2)));
  afterAll(() => ds.destroy());

  it('the TypeORM entities describe exactly the migrated schema (nothing to generate)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('every migration has run and none is pending', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });

  it('seeds the default pipeline stages (definitions.md section 3)', async () => {
    const stages = await ds.query(
      `SELECT key, category, probability::float8 AS p FROM pipeline_stages ORDER BY position`,
    );
    expect(stages).toEqual([
      { key: 'QUALIFICATION', category: 'OPEN', p: 0.1 },
      { key: 'DISCOVERY', category: 'OPEN', p: 0.2 },
      { key: 'PROPOSAL', category: 'OPEN', p: 0.5 },
      { key: 'NEGOTIATION', category: 'OPEN', p: 0.75 },
      { key: 'WON', category: 'WON', p: 1 },
      { key: 'LOST', category: 'LOST', p: 0 },
    ]);
  });

  it('service connections run with JIT off and the statement timeout set (SESSION_OPTIONS, data-source.ts)', async () => {
    const [{ jit, statement_timeout }] = await ds.query(
      `SELECT current_setting('jit') AS jit, current_setting('statement_timeout') AS statement_timeout`,
    );
    expect(jit).toBe('off');
    expect(statement_timeout).not.toBe('0');
  });
});

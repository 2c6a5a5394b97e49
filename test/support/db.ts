import { execFileSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source';

export function testDatabaseUrl(): string {
  const url = process.env.FUNNEL_TEST_DATABASE_URL;
  if (!url) throw new Error('FUNNEL_TEST_DATABASE_URL is not set: run the suite through jest (global setup)');
  return url;
}

/** A DataSource on the migrated test database, for one test file. */
export async function openTestDataSource(
  poolSize = 10,
  limits: { connectTimeoutMs?: number; statementTimeoutMs?: number } = {},
): Promise<DataSource> {
  const ds = createDataSource({ url: testDatabaseUrl(), poolSize, ...limits });
  await ds.initialize();
  return ds;
}

/** Whether the psql client is on this machine (tests that run it say so and skip outside CI when it is not). */
export const havePsql = (() => {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

import { Pool, PoolClient } from 'pg';

/** A peer's pool on DATABASE_URL that counts the SQL statements it sends (served as GET /stats by the peer servers). */
export function countingPool(): { pool: Pool; statements: () => number } {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  let statements = 0;
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements++;
      return query(...args);
    };
  });
  return { pool, statements: () => statements };
}

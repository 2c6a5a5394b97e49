import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source';
import { testDatabaseUrl } from './db';

/** A database of its own on the test server (created, migrated; dropped by `drop`), for tests that need one whole. */
export async function scratchDatabase(
  prefix: string,
): Promise<{ url: string; ds: DataSource; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const url = new URL(testDatabaseUrl());
    url.pathname = '/postgres';
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  const ds = createDataSource({ url: url.toString() });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return {
    url: url.toString(),
    ds,
    drop: async () => {
      if (ds.isInitialized) await ds.destroy();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

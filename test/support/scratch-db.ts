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
  // one scratch database migrates at a time: the migrations also alter server-wide rows (the bi_reader role's settings
  // and comment), and two at once failed with "tuple concurrently updated" in CI
  const lockUrl = new URL(testDatabaseUrl());
  lockUrl.pathname = '/postgres';
  const lock = new Client({ connectionString: lockUrl.toString() });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(1903, 7)`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.end(); // the session's lock ends with it
  }
  return {
    url: url.toString(),
    ds,
    drop: async () => {
      if (ds.isInitialized) await ds.destroy();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

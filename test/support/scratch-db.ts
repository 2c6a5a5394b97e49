import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source';
import { testDatabaseUrl } from './db';

/** The test server's maintenance database (`postgres`): where databases are created and dropped. */
function maintenanceUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = '/postgres';
  return url.toString();
}

/** Runs one statement on the test server's maintenance database (CREATE/DROP DATABASE). */
export async function adminQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: maintenanceUrl() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * Runs `migrate` while no other scratch database migrates: the migrations also alter server-wide rows (the bi_reader
 * role's settings and comment), and two at once failed with "tuple concurrently updated" in CI.
 */
export async function oneMigrationAtATime<T>(migrate: () => Promise<T>): Promise<T> {
  const lock = new Client({ connectionString: maintenanceUrl() });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(1903, 7)`);
    return await migrate();
  } finally {
    await lock.end(); // the session's lock ends with it
  }
}

/** A database of its own on the test server (created, migrated; dropped by `drop`), for tests that need one whole. */
export async function scratchDatabase(
  prefix: string,
): Promise<{ url: string; ds: DataSource; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  const ds = createDataSource({ url: url.toString() });
  await ds.initialize();
  await oneMigrationAtATime(() => ds.runMigrations({ transaction: 'each' }));
  return {
    url: url.toString(),
    ds,
    drop: async () => {
      if (ds.isInitialized) await ds.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

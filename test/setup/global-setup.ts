import 'reflect-metadata';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../../src/data-source';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh database on the server TEST_DATABASE_URL points at (dropped again by the teardown). */
async function freshDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `funnel_test_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Starts the database once for the whole run: real PostgreSQL from `embedded-postgres` (fsync off) unless
 * TEST_DATABASE_URL names a server; then runs the migrations once. Workers read the URL from the environment.
 */
export default async function globalSetup(): Promise<void> {
  let url: string;
  let stop: () => Promise<void>;
  if (process.env.TEST_DATABASE_URL) {
    const db = await freshDatabase(process.env.TEST_DATABASE_URL);
    url = db.url;
    stop = db.drop;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'funnel-test-'));
    fs.chmodSync(dir, 0o755);
    const db = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), ephemeral: true });
    url = db.url;
    stop = async () => {
      await db.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const ds = createDataSource({ url });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.FUNNEL_TEST_DATABASE_URL = url;
  (globalThis as Record<string, unknown>).__funnelTestStop = stop;
}

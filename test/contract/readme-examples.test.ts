import { BI_READER_TEST_PASSWORD } from '../support/bi-example';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/graphql/enums';
import { biConnectionString, setBiReaderPassword } from '../../src/modules/bi/bi-reader';
import { seedDemo } from '../../src/seed/demo-seed';
import { createServer, RunningServer } from '../../src/server';
import { havePsql } from '../support/db';
import { scratchDatabase } from '../support/scratch-db';
import { testConfig, tokenFor } from '../support/tokens';
import { serviceTransactions } from '../../src/container';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** The README's bash blocks marked `<!-- tested -->` (or `<!-- tested: what it does -->`), in order. */
function testedBlocks(): { label: string; code: string }[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/<!-- tested(?:: ([^>]*?))? -->\n```bash\n([\s\S]*?)```/g)].map((m) => ({
    label: m[1] ?? m[2].split('\n')[0].slice(0, 80),
    code: m[2],
  }));
}

describe('the README examples for each user run as written (demo data, real PostgreSQL)', () => {
  let db: { url: string; ds: DataSource; drop: () => Promise<void> };
  let server: RunningServer;
  let env: Record<string, string>;
  const blocks = testedBlocks();

  beforeAll(async () => {
    db = await scratchDatabase('funnel_readme');
    await seedDemo(serviceTransactions(db.ds));
    const password = BI_READER_TEST_PASSWORD; // the role is the whole server's: every test file sets the same one
    await setBiReaderPassword(db.ds, password);
    server = await createServer(testConfig, db.ds, 0);
    env = {
      ...process.env,
      API: server.url.replace('/graphql', '').replace('localhost', '127.0.0.1'),
      TOKEN: tokenFor(Role.ADMIN),
      MARKETING_TOKEN: tokenFor(Role.MARKETING, 'mia@demo.example'),
      SALES_TOKEN: tokenFor(Role.SALES, 'bo@demo.example'),
      BI_URL: biConnectionString(db.url, password),
    } as Record<string, string>;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    fs.rmSync(path.join(ROOT, 'examples', 'deals.sample.csv.failed.csv'), { force: true });
  });

  it('the README has tested examples for front ends, BI tools and scripts', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    const all = blocks.map((b) => b.code).join('\n');
    for (const door of [
      '/graphql',
      'graphql-codegen',
      'graphql-ws',
      'psql "$BI_URL"',
      '/export/kpis.csv',
      'idempotency-key',
      'examples/sync-deals.mjs',
      'examples/agreement-loop.mjs',
    ])
      expect(all).toContain(door);
  });

  it.each(testedBlocks().map((b) => [b.label, b] as const))(
    '%s',
    async (_label, block) => {
      if (block.code.includes('psql') && !havePsql) {
        if (process.env.CI) throw new Error('CI needs psql');
        return;
      }
      if (block.code.includes('dealChanged')) {
        // waits for the next deal change: make one once it is subscribed
        const child = spawn('bash', ['-euo', 'pipefail', '-c', block.code], { cwd: ROOT, env });
        let out = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.stderr.on('data', (d) => (out += String(d)));
        const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
        // the subscriber is ready when it hears a change: make changes until it has printed one and exited
        let done = false;
        void exited.then(() => (done = true));
        const deadline = Date.now() + 10_000;
        for (let n = 1; !done && Date.now() < deadline; n++) {
          const res = await fetch(`${env.API}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${env.TOKEN}` },
            body: JSON.stringify({
              query: `mutation { upsertDeals(input: [{ externalId: "readme-live-1", name: "Live deal", amount: ${700 + n}, createdAt: "2026-05-01T09:00:00Z" }]) { successCount } }`,
            }),
          });
          expect(res.status).toBe(200);
          await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
        }
        if (!done) child.kill();
        const code = await exited;
        expect([code, out]).toEqual([0, expect.stringContaining('"name":"Live deal"')]);
        return;
      }
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block.code], { cwd: ROOT, env, timeout: 60_000 });
      expect(stdout.trim()).not.toBe('');
      const json = (() => {
        try {
          return JSON.parse(stdout);
        } catch {
          return null;
        }
      })();
      expect(json?.errors ?? null).toBeNull();
      if (block.code.includes('/export/kpis.csv'))
        expect(stdout.split('\r\n')[0]).toBe(
          'metric,periodStart,periodEnd,value,numerator,denominator,period,timeZone',
        );
      if (block.code.includes('upsertDeals'))
        expect(JSON.parse(stdout).data.upsertDeals).toMatchObject({ successCount: 1, errorCount: 0 });
      if (block.code.includes('sync-deals'))
        expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ rows: 3, created: 3, failed: 0 });
      if (block.code.includes('psql')) expect(stdout).toMatch(/WIN_RATE/);
      if (block.code.includes('agreement-loop'))
        expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({
          status: 'ACTIVE',
          qualified: true,
          returned: 1,
        });
    },
    90_000,
  );
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Role } from '../../../src/common/graphql/enums';
import { loadConfig } from '../../../src/config/config';
import { DEAL_BY_EXT } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig, tokenFor } from '../../support/tokens';
import { unique } from '../../support/unique';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '..', '..', '..', 'examples', 'sync-deals.mjs');

describe('examples/sync-deals.mjs (a script syncing deals from CSV, against the real server)', () => {
  let api: TestApi;
  let dir: string;
  // a bucket of 25 points refilled at 10 a second: the third mutation in a row (10 points each) is RATE_LIMITED
  beforeAll(async () => {
    api = await startTestApi(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        JWT_SECRET: testConfig.jwt.secret,
        LOG_LEVEL: 'warn',
        RATE_BUCKET_CAPACITY: '25',
        RATE_REFILL_PER_SECOND: '10',
      }),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-deals-'));
  });
  afterAll(async () => {
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sync = (file: string) =>
    run(process.execPath, [SCRIPT, file, '--url', api.server.url.replace('localhost', '127.0.0.1'), '--batch', '2'], {
      env: { ...process.env, TOKEN: tokenFor(Role.SERVICE) },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
    );

  const summaryOf = (r: { stdout: string }) => JSON.parse(r.stdout.trim().split('\n').pop()!);
  const countDeals = async (p: string) =>
    (await api.ds.query(`SELECT count(*)::int AS n FROM deals WHERE external_id LIKE $1`, [`${p}-%`]))[0].n;
  const versionsOf = (p: string) =>
    api.ds.query(`SELECT external_id, version FROM deals WHERE external_id LIKE $1 ORDER BY 1`, [`${p}-%`]);

  it('upserts every good row, retries through 429s, fails bad rows alone into <file>.failed.csv, and counts truthfully', async () => {
    const p = unique('csv');
    const file = path.join(dir, 'deals.csv');
    const header = 'externalId,name,amount,createdAt,stage,stageAt';
    const good = [
      `${p}-1,"Acme, Inc. – Platform",24000,1974-05-01T09:00:00Z,PROPOSAL,1974-05-10T09:00:00Z`,
      `${p}-2,Globex,1200.50,1974-05-02T09:00:00Z,,`,
      `${p}-3,"Initech ""Pilot""",5000,1974-05-03T09:00:00Z,WON,1974-06-01T09:00:00Z`,
      `${p}-5,Umbrella,800,1974-05-05T09:00:00Z,,`,
      `${p}-6,Hooli,9900,1974-05-06T09:00:00Z,NEGOTIATION,`,
    ];
    const bad = [
      `${p}-4,Bad amount,-5,1974-05-04T09:00:00Z,,`, // refused by the server
      `,No key,100,1974-05-04T09:00:00Z,,`, // refused here: no externalId
      `${p}-7,European number,"24.000,50",1974-05-04T09:00:00Z,,`, // refused here: not a plain number
      `${p}-8,No amount,,1974-05-04T09:00:00Z,,`, // refused by the server: amount is needed to create
    ];
    const mixed = [good[0], bad[0], good[1], bad[1], good[2], bad[2], good[3], bad[3], good[4]];
    fs.writeFileSync(file, [header, ...mixed].join('\n') + '\n');

    const first = await sync(file);
    expect([first.code, first.stderr]).toEqual([1, '']);
    const summary = summaryOf(first);
    expect(summary).toMatchObject({ rows: 9, created: 5, updated: 0, unchanged: 0, replayed: 0, failed: 4 });
    expect(summary.retries).toBeGreaterThan(0); // 4 calls of 10 points against a 25-point bucket
    expect(await countDeals(p)).toBe(5);

    const failed = fs.readFileSync(`${file}.failed.csv`, 'utf8').trim().split('\r\n');
    expect(failed[0]).toBe(`${header},errorCode,errorField,errorMessage`);
    const reasons = failed
      .slice(1)
      .map((l) => /,([A-Z_]+),(\w+),("(?:[^"]|"")*"|[^,]*)$/.exec(l)!.slice(1, 3).join(' '));
    expect(reasons.sort()).toEqual(
      ['BAD_USER_INPUT amount', 'BAD_USER_INPUT amount', 'INVALID_ROW amount', 'INVALID_ROW externalId'].sort(),
    );

    const d1 = (await api.ok(DEAL_BY_EXT, { e: `${p}-1` }, Role.ANALYST)).dealByExternalId;
    expect(d1).toMatchObject({ name: 'Acme, Inc. – Platform', amount: 24000, stage: { key: 'PROPOSAL' } });
    expect(d1.stageHistory.map((h: { occurredAt: string }) => h.occurredAt)).toEqual([
      '1974-05-01T09:00:00.000Z',
      '1974-05-10T09:00:00.000Z',
    ]);
    expect((await api.ok(DEAL_BY_EXT, { e: `${p}-3` }, Role.ANALYST)).dealByExternalId).toMatchObject({
      name: 'Initech "Pilot"',
      status: 'WON',
    });
    const versions = await versionsOf(p);

    // the same file again: the same batches carry the same keys, the server replays its answers and writes nothing
    const again = await sync(file);
    expect(summaryOf(again)).toMatchObject({ rows: 9, created: 0, updated: 0, unchanged: 0, replayed: 5, failed: 4 });
    expect(await versionsOf(p)).toEqual(versions);

    // an edit run (other bodies, so other keys): one row changed; a stage without stageAt is where the deal already is
    const edited = good.map((l) => l.replace('Umbrella,800', 'Umbrella,850'));
    fs.writeFileSync(file, [header, ...edited].join('\n') + '\n');
    const edit = await sync(file);
    expect([edit.code, summaryOf(edit)]).toMatchObject([
      0,
      // the last batch ([row 6] alone) is the first run's last batch again, so the server replays it
      { rows: 5, created: 0, updated: 1, unchanged: 3, replayed: 1, failed: 0 },
    ]);
    expect(fs.existsSync(`${file}.failed.csv`)).toBe(false); // nothing failed: the old failed file is gone
    // sent once more in other batches (other keys, so no replay): every row UNCHANGED, no version moved
    fs.writeFileSync(file, [header, ...[...edited].reverse()].join('\n') + '\n');
    expect(summaryOf(await sync(file))).toMatchObject({ rows: 5, created: 0, updated: 0, unchanged: 5, replayed: 0 });
    expect(await versionsOf(p)).toEqual(
      versions.map((v: { external_id: string; version: number }) =>
        v.external_id === `${p}-5` ? { ...v, version: v.version + 1 } : v,
      ),
    );
    expect(await countDeals(p)).toBe(5);
  }, 60_000);

  it('--all-or-none: an invalid row means no row is sent', async () => {
    const p = unique('csv');
    const file = path.join(dir, 'all-or-none.csv');
    fs.writeFileSync(file, `externalId,name,amount\n${p}-1,Fine,10\n${p}-2,Broken,1e5\n`);
    const r = await run(process.execPath, [SCRIPT, file, '--url', api.server.url, '--all-or-none'], {
      env: { ...process.env, TOKEN: tokenFor(Role.SERVICE) },
    }).catch((e) => e);
    expect([r.code, summaryOf(r)]).toMatchObject([1, { rows: 2, created: 0, failed: 2 }]);
    expect(await countDeals(p)).toBe(0);
  });

  it('without a token or a file it says how to call it (exit 2)', async () => {
    const r = await run(process.execPath, [SCRIPT], { env: { ...process.env, TOKEN: '' } }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: TOKEN=/);
  });
});

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

  it('upserts every good row, retries through 429s, writes the bad ones to <file>.failed.csv, and a re-run writes nothing', async () => {
    const p = unique('csv');
    const file = path.join(dir, 'deals.csv');
    fs.writeFileSync(
      file,
      [
        'externalId,name,amount,createdAt,stage,stageAt',
        `${p}-1,"Acme, Inc. – Platform",24000,1974-05-01T09:00:00Z,PROPOSAL,1974-05-10T09:00:00Z`,
        `${p}-2,Globex,1200.50,1974-05-02T09:00:00Z,,`,
        `${p}-3,"Initech ""Pilot""",5000,1974-05-03T09:00:00Z,WON,1974-06-01T09:00:00Z`,
        `${p}-4,Bad amount,-5,1974-05-04T09:00:00Z,,`,
        `${p}-5,Umbrella,800,1974-05-05T09:00:00Z,,`,
        `${p}-6,Hooli,9900,1974-05-06T09:00:00Z,NEGOTIATION,1974-05-20T09:00:00Z`,
      ].join('\n') + '\n',
    );

    const first = await sync(file);
    expect([first.code, first.stderr]).toEqual([1, '']); // one row failed
    const summary = JSON.parse(first.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ rows: 6, created: 5, updated: 0, failed: 1, stageChanges: 3 });
    expect(summary.retries).toBeGreaterThan(0); // 3 upsert calls + 3 stage calls against a 25-point bucket

    const failed = fs.readFileSync(`${file}.failed.csv`, 'utf8').split('\r\n');
    expect(failed[0]).toBe('externalId,name,amount,createdAt,stage,stageAt,errorCode,errorField,errorMessage');
    expect(failed[1]).toMatch(new RegExp(`^${p}-4,Bad amount,-5,.*,BAD_USER_INPUT,amount,`));

    const d1 = (await api.ok(DEAL_BY_EXT, { e: `${p}-1` }, Role.ANALYST)).dealByExternalId;
    expect(d1).toMatchObject({ name: 'Acme, Inc. – Platform', amount: 24000, stage: { key: 'PROPOSAL' } });
    expect((await api.ok(DEAL_BY_EXT, { e: `${p}-3` }, Role.ANALYST)).dealByExternalId).toMatchObject({
      name: 'Initech "Pilot"',
      status: 'WON',
    });
    const version = d1.version;

    // the same file again: the same batches carry the same keys, so the server replays its answers and writes nothing
    const again = await sync(file);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!)).toMatchObject({
      rows: 6,
      created: 5,
      updated: 0,
      failed: 1,
    });
    expect(
      (await api.ds.query(`SELECT count(*)::int AS n FROM deals WHERE external_id LIKE $1`, [`${p}-%`]))[0].n,
    ).toBe(5);
    expect((await api.ok(DEAL_BY_EXT, { e: `${p}-1` }, Role.ANALYST)).dealByExternalId.version).toBe(version); // nothing changed, no version bump
  }, 60_000);

  it('without a token or a file it says how to call it (exit 2)', async () => {
    const r = await run(process.execPath, [SCRIPT], { env: { ...process.env, TOKEN: '' } }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: TOKEN=/);
  });
});

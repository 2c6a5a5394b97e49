import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { signToken } from '../src/common/auth/jwt';
import { SESSION_OPTIONS } from '../src/data-source';
import { Role } from '../src/common/graphql/enums';
import { compile } from '../src/db/sql-tag';
import { closingProfileSql } from '../src/modules/analytics/closing-profile/closing-profile.query';
import { closingRollupSql } from '../src/modules/analytics/closing-profile/closing-rollup.query';
import { checkProfileInput } from '../src/modules/analytics/closing-profile/closing-profile.service';
import { ClosingProfileInput, ProfilePopulation } from '../src/modules/analytics/closing-profile/closing-profile.types';
import { openDataset, Size, SIZES } from './dataset';
import { arg, closeClients, median, postGraphQL } from './load';
import { startService } from './processes';

/**
 * `npm run bench:closing -- --size large [--runs 15]`: closingProfile (issue 20) over the dataset's last year, every
 * dimension, DEALS and MQLS, as of now, through the API (the service as its own production process) beside the same
 * statement through pg (the rollup's; the statistics are the difference), and the on-the-fly statement (a past asOf,
 * or writes not applied yet) through pg for scale. The cached dataset is only read. Writes
 * bench/results/closing-profile-<size>.json and .md.
 */
const SIZE = arg('size', 'medium') as Size;
const RUNS = Number(arg('runs', '100'));
const WARM_UP = 10;
const JWT_SECRET = randomBytes(36).toString('base64url');

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  if (!(SIZE in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const root = path.join(__dirname, '..', '..');
  const dataset = await openDataset(SIZE, 42, 54600 + Object.keys(SIZES).indexOf(SIZE));
  const pool = new Pool({ connectionString: dataset.url, max: 2, options: SESSION_OPTIONS }); // as the service's
  const service = await startService(root, dataset.url, 54721, JWT_SECRET);
  const jwt = {
    secret: JWT_SECRET,
    issuer: 'revenue-funnel',
    audience: 'revenue-funnel-api',
    maxLifetimeSeconds: 86400,
  };
  const headers = { authorization: `Bearer ${signToken({ sub: 'bench@closing.example', role: Role.ANALYST }, jwt)}` };
  const out: Record<string, unknown> = {
    size: SIZE,
    counts: dataset.counts,
    at: new Date().toISOString(),
    node: process.version,
  };
  try {
    const [{ last }] = (await pool.query(`SELECT max(created_at) AS last FROM leads`)).rows as { last: Date }[];
    const to = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 1));
    const from = new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), 1));
    for (const population of [ProfilePopulation.DEALS, ProfilePopulation.MQLS]) {
      const query = `{ closingProfile(input: { population: ${population}, from: "${from.toISOString()}", to: "${to.toISOString()}" }) {
        successes failures signals { dimension key successes failures oddsRatio pValue qValue } } }`;
      const api = async () => {
        const r = await postGraphQL(service.url, query, headers);
        if (!r.ok) throw new Error(JSON.stringify(r.body.errors ?? r.status));
        return r.body.data as { closingProfile: { successes: number; failures: number; signals: unknown[] } };
      };
      const frame = () => checkProfileInput({ population, from, to } as ClosingProfileInput);
      const raw = async () => {
        const q = compile(closingRollupSql(frame()));
        const rows = (await pool.query(q.text, q.values)).rows as { ok: boolean }[];
        if (!rows[0]?.ok) throw new Error('the rollup does not answer (rows pending?)');
      };
      const onTheFly = () => {
        const q = compile(closingProfileSql(frame()));
        return pool.query(q.text, q.values);
      };
      const answer = (await api()).closingProfile;
      // warm both sides up alike: the service's JIT and its prepared statement (PostgreSQL weighs a generic plan after
      // five executions), pg's connections
      for (let i = 0; i < WARM_UP; i++) await Promise.all([api(), raw()]);
      const [apiMs, pgMs, flyMs, ratios] = [[] as number[], [] as number[], [] as number[], [] as number[]];
      for (let i = 0; i < RUNS; i++) {
        apiMs.push(await timed(api));
        pgMs.push(await timed(raw));
        ratios.push(apiMs[i] / pgMs[i]);
      }
      for (let i = 0; i < Math.min(RUNS, 3); i++) flyMs.push(await timed(onTheFly));
      const r = {
        apiP50: median(apiMs),
        pgP50: median(pgMs),
        ratio: median(ratios),
        onTheFlyP50: median(flyMs),
        p50Ratio: median(apiMs) / median(pgMs),
        apiMs: apiMs.map((x) => Number(x.toFixed(2))),
        pgMs: pgMs.map((x) => Number(x.toFixed(2))),
        units: answer.successes + answer.failures,
        signals: answer.signals.length,
      };
      console.error(
        `${population}: API p50 ${r.apiP50.toFixed(0)} ms, pg p50 ${r.pgP50.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)}; on the fly ${r.onTheFlyP50.toFixed(0)} ms`,
      );
      out[population] = r;
    }
  } finally {
    closeClients();
    await service.stop();
    await pool.end();
    await dataset.stop();
  }
  const dir = path.join(root, 'bench', 'results');
  fs.writeFileSync(path.join(dir, `closing-profile-${SIZE}.json`), JSON.stringify(out, null, 2) + '\n');
  const o = out as any;
  const row = (p: string) =>
    `| ${p}, every dimension, the last year, as of now (p50) | ${o[p].units.toLocaleString('en-US')} units, ${o[p].signals} signals | ${o[p].apiP50.toFixed(0)} ms | ${o[p].pgP50.toFixed(0)} ms | ${o[p].ratio.toFixed(2)} | ${o[p].onTheFlyP50.toFixed(0)} ms |`;
  const md = `# Benchmark: closingProfile at ${SIZE} (${o.counts.leads.toLocaleString('en-US')} leads, ${o.counts.deals.toLocaleString('en-US')} deals, ${o.counts.touchpoints.toLocaleString('en-US')} touchpoints)

${o.at}, Node ${o.node}; ${RUNS} runs each, API and pg alternating, after ${WARM_UP} warm-up runs of both; the service as
its own process (production build); ratio = the median of the runs' ratios.
"pg" = the same counting statement straight through pg (the rollup's: closing_day's whole days and the units of the
ragged ends; the statistics are the rest). "on the fly" = the statement without the rollup (a past asOf, or writes
not applied yet) through pg, ${Math.min(RUNS, 3)} runs.

| what | population | ours | pg | ratio | on the fly |
|---|---|---|---|---|---|
${row('DEALS')}
${row('MQLS')}
`;
  fs.writeFileSync(path.join(dir, `closing-profile-${SIZE}.md`), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

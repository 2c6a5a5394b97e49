import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { SESSION_OPTIONS } from '../src/data-source';
import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { compile } from '../src/db/sql-tag';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { BACKTEST_SETTINGS, backtestSql } from '../src/modules/qualification/backtest.query';
import { checkDefinition } from '../src/modules/qualification/definition.check';
import { handoffSql } from '../src/modules/qualification/handoff.query';
import { handoffRollupSql } from '../src/modules/qualification/handoff-rollup.query';
import { HandoffGroupBy, QualificationDefinitionInput } from '../src/modules/qualification/qualification.types';
import { openDataset, Size, SIZES } from './dataset';
import { arg, closeClients, median, percentile, postGraphQL } from './load';
import { startService } from './processes';

/**
 * `npm run bench:agreement -- --size large [--runs 5]`: the qualification agreement (issue 19) at a size, on a copy of
 * the cached benchmark dataset (the original stays as generated), the service as its own process (production build):
 * - backtest of a 5-rule definition over the dataset's last year through the API, beside the same SQL through pg;
 * - handoffFeedback by campaign over that year through the API, beside its SQL through pg;
 * - bulk recordTouchpoints (500 per call) without a definition, then with one active: items/s and the ratio;
 * - activation (the second approval, which evaluates every lead), with a writer sending one touchpoint every 50 ms
 *   meanwhile: the activation's duration and the writer's worst latency (how long any write was held up).
 * Writes bench/results/agreement-<size>.json and .md.
 */
const SIZE = arg('size', 'medium') as Size;
const RUNS = Number(arg('runs', '5'));
const BATCHES = Number(arg('batches', '20'));
/**
 * --heavy: activate a variant of the definition (two-year window, no decay) that makes a sixth of the dataset's leads
 * MQLs at once (its touches are all in the past), instead of the definition itself (which, with decay, qualifies none).
 */
const HEAVY = process.argv.includes('--heavy');
/** --writes-only: bulk touchpoints and activation alone (the read numbers of the last full run stay in the results). */
const WRITES_ONLY = process.argv.includes('--writes-only');
/** --handoff-only: the hand-off feedback alone (every other number of the last full run stays in the results). */
const HANDOFF_ONLY = process.argv.includes('--handoff-only');
const JWT_SECRET = randomBytes(36).toString('base64url');

/**
 * Five rules (three fit, two engagement: the issue's "5-rule definition") on what the synthetic data has: account
 * industry and region, lead source, web visits on campaigns of every channel.
 */
const DEFINITION = {
  name: 'bench: engaged leads from target industries',
  fitRules: [
    { attribute: 'INDUSTRY', op: 'IN', values: ['Software', 'Finance'], points: 30 },
    { attribute: 'SOURCE', op: 'IN', values: ['EMAIL', 'WEBINAR', 'PAID_SEARCH', 'CONTENT'], points: 20 },
    { attribute: 'REGION', op: 'NOT_IN', values: ['APAC'], points: 5 },
  ],
  engagementRules: [
    { touchType: 'WEB_VISIT', points: 10, maxCount: 5 },
    { channel: 'EMAIL', points: 15 },
  ],
  fitThreshold: 30,
  engagementThreshold: 30,
  engagementWindowDays: 90,
  engagementHalfLifeDays: 30,
  responseSlaHours: 24,
};
const gqlValue = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(gqlValue).join(', ')}]`
    : v !== null && typeof v === 'object'
      ? `{ ${Object.entries(v)
          .map(([k, x]) => `${k}: ${['attribute', 'op', 'touchType', 'channel'].includes(k) ? String(x) : gqlValue(x)}`)
          .join(', ')} }`
      : JSON.stringify(v);

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const out = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, out];
}

async function main(): Promise<void> {
  if (!(SIZE in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const root = path.join(__dirname, '..', '..');
  const port = 54600 + Object.keys(SIZES).indexOf(SIZE);
  // the cached dataset, then a copy of its cluster to write into
  const original = await openDataset(SIZE, 42, port);
  const counts = original.counts;
  await original.stop();
  const cache = path.join(root, 'bench', '.cache');
  const source = fs
    .readdirSync(cache)
    .filter((d) => d.startsWith(`${SIZE}-seed42-`) && fs.existsSync(path.join(cache, d, 'READY')))
    .sort()
    .pop()!;
  const copy = path.join(cache, `agreement-${SIZE}-${Date.now()}`);
  const [copyMs] = await timed(async () => execFileSync('cp', ['-a', path.join(cache, source), copy]));
  console.error(`dataset ${SIZE} ${JSON.stringify(counts)} copied in ${(copyMs / 1000).toFixed(1)} s`);
  const db = await startEmbeddedPostgres({ dataDir: copy, port: port + 50, database: 'bench' });
  const pool = new Pool({ connectionString: db.url, max: 4, options: SESSION_OPTIONS }); // as the service's
  const service = await startService(root, db.url, 54720, JWT_SECRET);
  const jwt = {
    secret: JWT_SECRET,
    issuer: 'revenue-funnel',
    audience: 'revenue-funnel-api',
    maxLifetimeSeconds: 86400,
  };
  const auth = (role: Role, sub: string) => ({ authorization: `Bearer ${signToken({ sub, role }, jwt)}` });
  const as = {
    marketing: auth(Role.MARKETING, 'mia@bench.example'),
    sales: auth(Role.SALES, 'sam@bench.example'),
    service: auth(Role.SERVICE, 'etl@bench.example'),
  };
  const call = async (who: keyof typeof as, query: string, variables?: Record<string, unknown>) => {
    const r = await postGraphQL(service.url, query, as[who], variables);
    if (!r.ok) throw new Error(JSON.stringify(r.body.errors ?? r.status));
    return r.body.data as Record<string, any>;
  };
  const out: Record<string, unknown> = { size: SIZE, counts, at: new Date().toISOString(), node: process.version };
  try {
    const [{ last }] = (await pool.query(`SELECT max(created_at) AS last FROM leads`)).rows as { last: Date }[];
    const to = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 1));
    const from = new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), 1));
    const period = `from: "${from.toISOString()}", to: "${to.toISOString()}"`;
    const asOf = new Date();
    const [{ max_id: maxId }] = (await pool.query(`SELECT max(id)::int AS max_id, min(id)::int AS min_id FROM leads`))
      .rows as { max_id: number }[];
    const leadIds = (
      await pool.query(`SELECT external_id FROM leads WHERE id > $1 - 200000 ORDER BY random() LIMIT 20000`, [maxId])
    ).rows.map((r: { external_id: string }) => r.external_id);
    const campaigns = (await pool.query(`SELECT external_id FROM campaigns ORDER BY id LIMIT 20`)).rows.map(
      (r: { external_id: string }) => r.external_id,
    );

    // backtest: the API beside the same statement through pg
    const { createQualificationDefinition: draft } = await call(
      'marketing',
      `mutation { createQualificationDefinition(input: ${gqlValue(DEFINITION)}) { id version } }`,
    );
    const spec = checkDefinition(DEFINITION as unknown as QualificationDefinitionInput);
    // as a user asks: as of now (the hand-off dispositions then come from the KPI rollup)
    const backtestQuery = `{ qualificationBacktest(input: { definitionId: "${draft.id}", ${period} }) {
      leads both definition { qualified precisionSql { value } } actual { qualified } } }`;
    const backtestPg = () => compile(backtestSql(spec, from, to, new Date(), true));
    // as a dashboard asks: as of now, whole UTC days (the rollup answers); pg runs the same statement
    const handoffQuery = `{ handoffFeedback(input: { ${period}, groupBy: CAMPAIGN, slaHours: 24 }) { total { mqls } groups { key mqls } } }`;
    const handoffPg = () => compile(handoffRollupSql(HandoffGroupBy.CAMPAIGN, from, to, new Date(), 24));
    const handoffOnTheFly = compile(handoffSql(HandoffGroupBy.CAMPAIGN, from, to, asOf, false, 24));
    const sample = async (label: string, api: () => Promise<unknown>, raw: () => Promise<unknown>) => {
      await api(); // warm
      const apiMs: number[] = [];
      const pgMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        apiMs.push((await timed(api))[0]);
        pgMs.push((await timed(raw))[0]);
      }
      const r = {
        apiP50: median(apiMs),
        apiP95: percentile(apiMs, 95),
        pgP50: median(pgMs),
        ratio: median(apiMs) / median(pgMs),
      };
      console.error(
        `${label}: API p50 ${r.apiP50.toFixed(0)} ms, pg p50 ${r.pgP50.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)}`,
      );
      return r;
    };
    const sampleHandoff = () =>
      sample(
        'handoff by campaign',
        () => call('sales', handoffQuery),
        () => {
          const q = handoffPg();
          return pool.query(q.text, q.values);
        },
      );
    const previous = path.join(root, 'bench', 'results', `agreement-${SIZE}.json`);
    if (HANDOFF_ONLY) {
      const last = JSON.parse(fs.readFileSync(previous, 'utf8'));
      const { at: _at, ...kept } = last;
      Object.assign(out, kept, {
        readsAt: last.readsAt ?? last.at,
        writesAt: last.writesAt ?? last.at,
        handoffAt: out.at,
      });
      out.handoff = await sampleHandoff();
    } else if (WRITES_ONLY) {
      const last = JSON.parse(fs.readFileSync(previous, 'utf8'));
      Object.assign(out, { backtestResult: last.backtestResult, backtest: last.backtest, handoff: last.handoff });
      Object.assign(out, { handoffOnTheFly: last.handoffOnTheFly, readsAt: last.readsAt ?? last.at });
    } else {
      out.readsAt = out.at;
      const bt = await call('sales', backtestQuery);
      out.backtestResult = bt.qualificationBacktest;
      out.backtest = await sample(
        'backtest',
        () => call('sales', backtestQuery),
        async () => {
          // the same statement in a transaction with the same settings as the service's
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await c.query(BACKTEST_SETTINGS);
            const q = backtestPg();
            await c.query(q.text, q.values);
            await c.query('COMMIT');
          } finally {
            c.release();
          }
        },
      );
      out.handoff = await sampleHandoff();
      // the same feedback computed from the base tables (what a past asOf or a partial day costs)
      out.handoffOnTheFly = await sample(
        'handoff by campaign, on the fly (asOf in the past)',
        () => pool.query(handoffOnTheFly.text, handoffOnTheFly.values),
        () => pool.query(handoffOnTheFly.text, handoffOnTheFly.values),
      );
    }

    if (!HANDOFF_ONLY) {
      // bulk touchpoints, 500 per call, without and then with an active definition
      let n = 0;
      const batch = () =>
        Array.from({ length: 500 }, () => {
          const i = n++;
          return {
            externalId: `bench-agreement-${i}`,
            leadExternalId: leadIds[i % leadIds.length],
            campaignExternalId: campaigns[i % campaigns.length],
            type: i % 3 === 0 ? 'WEBINAR_ATTENDED' : 'EMAIL_CLICK',
            occurredAt: new Date(Date.now() - (i % 1000) * 60_000).toISOString(),
          };
        });
      const bulk = async (label: string) => {
        const ms: number[] = [];
        for (let b = 0; b < BATCHES; b++) {
          const q = `mutation($t: [TouchpointInput!]!) { recordTouchpoints(input: $t) { errorCount } }`;
          const [t, d] = await timed(() => call('service', q, { t: batch() }));
          if (d.recordTouchpoints.errorCount) throw new Error('bulk touchpoints refused');
          ms.push(t);
        }
        const r = { itemsPerSecond: (500 * BATCHES) / (ms.reduce((a, b) => a + b, 0) / 1000), p50Ms: median(ms) };
        console.error(
          `bulk touchpoints ${label}: ${r.itemsPerSecond.toFixed(0)} items/s (p50 ${r.p50Ms.toFixed(0)} ms per 500)`,
        );
        return r;
      };
      const without = await bulk('without a definition');

      // activation, with a writer sending one touchpoint every 50 ms meanwhile, of a variant that qualifies leads of this
      // dataset at the activation instant (its touches are all in the past: a two-year window, no decay)
      const live = HEAVY
        ? (
            await call(
              'marketing',
              `mutation { createQualificationDefinition(input: ${gqlValue({ ...DEFINITION, name: 'bench: activated', engagementWindowDays: 730, engagementHalfLifeDays: null })}) { id version } }`,
            )
          ).createQualificationDefinition
        : draft;
      await call('marketing', `mutation { proposeQualificationDefinition(id: "${live.id}") { id } }`);
      await call('marketing', `mutation { approveQualificationDefinition(id: "${live.id}") { id } }`);
      let writing = true;
      const writerMs: number[] = [];
      const writer = (async () => {
        while (writing) {
          const i = n++;
          const q = `mutation { recordTouchpoints(input: [{ externalId: "bench-agreement-w${i}", leadExternalId: "${leadIds[i % leadIds.length]}",
          campaignExternalId: "${campaigns[0]}", type: EMAIL_CLICK, occurredAt: "${new Date().toISOString()}" }]) { errorCount } }`;
          writerMs.push((await timed(() => call('service', q)))[0]);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const [activationMs] = await timed(() =>
        call('sales', `mutation { approveQualificationDefinition(id: "${live.id}") { status } }`),
      );
      writing = false;
      await writer;
      const [{ mqls }] = (
        await pool.query(`SELECT count(*)::int AS mqls FROM lead_stage_changes WHERE qualification_version = $1`, [
          live.version,
        ])
      ).rows as { mqls: number }[];
      out.activation = {
        ms: activationMs,
        automaticMqls: mqls,
        writes: writerMs.length,
        writerP50Ms: median(writerMs),
        writerMaxMs: Math.max(...writerMs),
      };
      console.error(
        `activation: ${(activationMs / 1000).toFixed(1)} s, ${mqls} automatic MQLs; ${writerMs.length} writes meanwhile, p50 ${median(writerMs).toFixed(0)} ms, worst ${Math.max(...writerMs).toFixed(0)} ms`,
      );
      const withDef = await bulk('with an active definition');
      out.bulkTouchpoints = { without, with: withDef, ratio: withDef.itemsPerSecond / without.itemsPerSecond };
    }
  } finally {
    closeClients();
    await service.stop();
    await pool.end();
    await db.stop();
    fs.rmSync(copy, { recursive: true, force: true });
  }
  const dir = path.join(root, 'bench', 'results');
  fs.writeFileSync(
    path.join(dir, `agreement-${SIZE}${HEAVY ? '-heavy' : ''}.json`),
    JSON.stringify(out, null, 2) + '\n',
  );
  const o = out as any;
  const md = `# Benchmark: the qualification agreement at ${SIZE} (${o.counts.leads.toLocaleString('en-US')} leads, ${o.counts.touchpoints.toLocaleString('en-US')} touchpoints)

${o.at}, Node ${o.node}; ${RUNS} runs each after a warm-up; the service as its own process (production build), on a copy
of the cached dataset. "pg" = the same SQL statement straight through pg.${o.readsAt !== o.at ? ` Reads measured at ${o.readsAt}.` : ''}${o.handoffAt ? ` Hand-off measured at ${o.handoffAt}; the rest at ${o.writesAt ?? o.at}.` : ''}

| what | ours | pg | ratio |
|---|---|---|---|
| qualificationBacktest, 5 rules, the last year, as of now (p50) | ${o.backtest.apiP50.toFixed(0)} ms | ${o.backtest.pgP50.toFixed(0)} ms | ${o.backtest.ratio.toFixed(2)} |
| handoffFeedback by campaign, the last year, as of now (rollup; p50) | ${o.handoff.apiP50.toFixed(0)} ms | ${o.handoff.pgP50.toFixed(0)} ms | ${o.handoff.ratio.toFixed(2)} |
| the same on the fly (asOf in the past; pg only, p50) | | ${o.handoffOnTheFly.pgP50.toFixed(0)} ms | |

| what | number |
|---|---|
| bulk recordTouchpoints, no definition | ${o.bulkTouchpoints.without.itemsPerSecond.toFixed(0)} items/s |
| bulk recordTouchpoints, a definition active | ${o.bulkTouchpoints.with.itemsPerSecond.toFixed(0)} items/s (${o.bulkTouchpoints.ratio.toFixed(2)}×) |
| activation${HEAVY ? ' of the heavy variant (--heavy)' : ''} (second approval, every lead evaluated) | ${(o.activation.ms / 1000).toFixed(1)} s, ${o.activation.automaticMqls} automatic MQLs |
| writes during activation (one touchpoint every 50 ms) | ${o.activation.writes} writes, p50 ${o.activation.writerP50Ms.toFixed(0)} ms, worst ${o.activation.writerMaxMs.toFixed(0)} ms |

Backtest answer: ${JSON.stringify(o.backtestResult)}
`;
  fs.writeFileSync(path.join(dir, `agreement-${SIZE}${HEAVY ? '-heavy' : ''}.md`), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

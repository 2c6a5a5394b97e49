import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { loadConfig } from '../src/config/config';
import { createDataSource, SESSION_OPTIONS } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { CapturingLogger } from './capture';
import { createServer } from '../src/server';
import { KpiMetric } from '../src/modules/analytics/kpi/kpi-series.types';
import { generateSql } from './generate.sql';
import { runInTransaction } from '../src/db/transaction';
import { rebuildCredit } from '../src/modules/analytics/attribution/attribution-credit';

/**
 * Latency of analytics at 100k leads / 20k deals: each operation over HTTP GraphQL against the same SQL run directly
 * through pg (captured from the service), median of interleaved rounds. `npm run bench:analytics [-- --leads N]`.
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const LEADS = arg('leads', 100_000);
const ROUNDS = arg('rounds', 7);


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const KPI_FIELDS = 'leads mqls wonDeals revenue winRate { value } slaCompliance { value } openPipeline pipelineVelocity cac marketingInfluencedRevenue';
const ALL_METRICS = Object.values(KpiMetric).join(', ');
const MODELS = ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR', 'U_SHAPED', 'W_SHAPED', 'FULL_PATH', 'TIME_DECAY', 'MARKOV', 'SHAPLEY'];
const attribution = (model: string) =>
  `{ attribution(input: { model: ${model}, from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { wonDeals revenue unattributedRevenue rows { key label revenue deals roi { value } } } }`;
const OPS: Record<string, string> = {
  'funnel 1y whole ladder by CHANNEL': `{ funnel(input: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", breakdown: CHANNEL, conversionWindowDays: 90 }) { steps { count } groups { key } } }`,
  'funnel 1y FLOW': `{ funnel(input: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", basis: FLOW }) { steps { count } } }`,
  'pipelineFunnel 1y': `{ pipelineFunnel(input: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { steps { count } } }`,
  ...Object.fromEntries(MODELS.map((m) => [`attribution 1y ${m} by campaign`, attribution(m)])),
  'kpis 1 quarter': `{ kpis(input: { from: "2025-04-01T00:00:00Z", to: "2025-07-01T00:00:00Z" }) { ${KPI_FIELDS} } }`,
  'kpis 1y': `{ kpis(input: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { ${KPI_FIELDS} } }`,
  'kpiSeries 1y by DAY, all 18 metrics': `{ kpiSeries(input: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", interval: DAY, metrics: [${ALL_METRICS}] }) { metric value } }`,
  'kpiSeries 1y by WEEK in Europe/Berlin, all 18 metrics': `{ kpiSeries(input: { from: "2024-12-31T23:00:00Z", to: "2025-12-31T23:00:00Z", interval: WEEK, timeZone: "Europe/Berlin", metrics: [${ALL_METRICS}] }) { metric value } }`,
};

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-that-is-long-enough-0000000000', LOG_LEVEL: 'error' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'funnel-bench-'));
  fs.chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: dir, port: 54400 + Math.floor(Math.random() * 500), ephemeral: true });
  const logger = new CapturingLogger();
  const ds = createDataSource({ url: db.url, poolSize: 4, statementTimeoutMs: 120_000, logger });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  let t = Date.now();
  const gen = new Client({ connectionString: db.url });
  await gen.connect();
  for (const step of generateSql(LEADS)) await gen.query(step.sql);
  await runInTransaction(ds, (tx) => rebuildCredit(tx)); // the load skips triggers: rollups from scratch
  const counts = (await gen.query(`SELECT (SELECT count(*) FROM leads) AS leads, (SELECT count(*) FROM deals) AS deals, (SELECT count(*) FROM touchpoints) AS touchpoints`)).rows[0];
  console.log(`generated ${counts.leads} leads, ${counts.deals} deals, ${counts.touchpoints} touchpoints in ${Date.now() - t} ms`);

  const pgPool = new Pool({ connectionString: db.url, max: 4, options: SESSION_OPTIONS }); // the service's pool size and session settings
  const server = await createServer(config, ds, 0);
  const token = signToken({ sub: 'bench@example.com', role: Role.ANALYST }, config.jwt);
  const http = async (query: string) => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const rows: string[] = ['| operation | GraphQL p50 ms | same SQL via pg p50 ms | ratio |', '|---|---|---|---|'];
  for (const [name, query] of Object.entries(OPS)) {
    logger.captured = [];
    await http(query); // warm-up, and capture the SQL the service ran
    const statements = logger.captured.filter((c) => !/^(START|COMMIT|ROLLBACK|SELECT 1$)/i.test(c.sql));
    const api: number[] = [];
    const raw: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      t = performance.now();
      await http(query);
      api.push(performance.now() - t);
      t = performance.now();
      await Promise.all(statements.map((s) => pgPool.query(s.sql, s.params as unknown[])));
      raw.push(performance.now() - t);
    }
    rows.push(`| ${name} (${statements.length} SQL) | ${median(api).toFixed(1)} | ${median(raw).toFixed(1)} | ${(median(api) / median(raw)).toFixed(2)} |`);
  }
  console.log(`\n${LEADS} leads, ${ROUNDS} interleaved rounds, medians:\n${rows.join('\n')}`);
  await gen.end();
  await pgPool.end();
  await server.stop();
  await ds.destroy();
  await db.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { generateInto, Size } from '../src/seed/synthetic';
import { freePort, startHaproxy } from '../scripts/topology/haproxy';
import { replicaCluster } from '../scripts/topology/replica-cluster';
import { arg, closeClients, closedLoop, median, percentile, postGraphQL } from './load';
import { buildOps } from './ops';
import { cpuMsOf, ServerProcess, startService } from './processes';

/**
 * `npm run bench:scaling -- --size small [--seconds 8] [--rounds 3] [--clients 16]`: read throughput of one instance
 * on the primary against three instances behind HAProxy with a streaming replica (DATABASE_READ_URLS), on the same
 * data, in interleaved rounds. A primary and a replica are made from the machine's PostgreSQL binaries and loaded
 * with the synthetic funnel (the replica streams it). CPU per request is reported for every process (the API
 * instances together, HAProxy, the primary's and the replica's server processes), so that the scaling on machines
 * with more cores can be projected: on this one all of them share 2 cores.
 */
const SIZE = arg('size', 'small') as Size;
const SECONDS = Number(arg('seconds', '8'));
const ROUNDS = Number(arg('rounds', '3'));
const CLIENTS = Number(arg('clients', '16'));

/**
 * CPU ms of a PostgreSQL server: its postmaster's own and its exited children's (cutime + cstime: the postmaster
 * reaps every backend), plus the live children's. Monotonic, whatever connections open and close meanwhile.
 */
function serverCpuMs(dataDir: string): number {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const fields = (pid: number | string) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  const own = fields(postmaster);
  let total = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) * 10; // USER_HZ = 100
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fields(pid);
      if (Number(f[1]) === postmaster) total += (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      /* gone meanwhile: its time is in the postmaster's cutime once reaped */
    }
  }
  return total;
}

async function caughtUp(primaryUrl: string, replicaUrl: string): Promise<void> {
  const p = new Client({ connectionString: primaryUrl });
  const r = new Client({ connectionString: replicaUrl });
  await p.connect();
  await r.connect();
  try {
    const [{ lsn }] = (await p.query(`SELECT pg_current_wal_lsn()::text AS lsn`)).rows;
    for (;;) {
      const [{ ok }] = (await r.query(`SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok`, [lsn])).rows;
      if (ok) return;
      await new Promise((res) => setTimeout(res, 200));
    }
  } finally {
    await p.end();
    await r.end();
  }
}

interface Row {
  config: string;
  op: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpu: { api: number; haproxy: number; primary: number; replica: number; total: number };
  replicaShare: number;
}

async function main(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const cluster = await replicaCluster();
  if (!cluster) throw new Error('no PostgreSQL server binaries (PG_BIN) for a primary and a replica');
  const stops: (() => Promise<void>)[] = [() => cluster.close()];
  try {
    const generatedMs = await generateInto(cluster.primaryUrl, SIZE, 42);
    await caughtUp(cluster.primaryUrl, cluster.replicaUrl);
    const secret = randomBytes(36).toString('base64url');
    const token = signToken(
      { sub: 'bench@example.com', role: Role.REVOPS },
      { secret, issuer: 'revenue-funnel', audience: 'revenue-funnel-api', maxLifetimeSeconds: 86400 },
    );
    const auth = { authorization: `Bearer ${token}` };
    const start = async (extra: Record<string, string>) => {
      const s = await startService(root, cluster.primaryUrl, await freePort(), secret, extra);
      stops.push(() => s.stop());
      return s;
    };
    const one = await start({});
    const three: ServerProcess[] = [];
    for (let i = 0; i < 3; i++)
      three.push(await start({ DATABASE_READ_URLS: cluster.replicaUrl, REPLICA_POLL_MS: '200', DB_POOL_SIZE: '10' }));
    const proxy = await startHaproxy(three.map((s) => Number(new URL(s.url).port)));
    if (!proxy) throw new Error('HAProxy is not installed');
    stops.push(() => proxy.stop());
    const configs = [
      { name: '1 instance, primary only', url: one.url, api: [one], haproxy: false },
      { name: '3 instances + replica (HAProxy)', url: `${proxy.origin}/graphql`, api: three, haproxy: true },
    ];
    const none = { ourCursor: '', pgCursor: '', pg5Cursor: '', page1Last: { created_at: '', id: '' }, dealId: '1' };
    const ops = buildOps(none).filter((o) => ['kpis 1y', 'funnel 1y, whole ladder, by channel'].includes(o.name));
    const samples = new Map<string, Row[]>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const op of ops) {
        for (const c of configs) {
          process.stderr.write(`round ${round}/${ROUNDS}: ${c.name}: ${op.name}\n`);
          let replicaHits = 0;
          const once = async () => {
            const r = await postGraphQL(c.url, op.ours, auth);
            if (r.body?.extensions?.readFrom?.source === 'REPLICA') replicaHits++;
            return r.ok;
          };
          if (round === 1) await closedLoop(once, CLIENTS, 1000); // warm-up
          replicaHits = 0;
          const cpu0 = {
            api: c.api.reduce((n, s) => n + s.cpuMs(), 0),
            haproxy: c.haproxy ? cpuMsOf(proxy.pid) : 0,
            primary: serverCpuMs(cluster.primaryDir),
            replica: serverCpuMs(cluster.replicaDir),
          };
          const r = await closedLoop(once, CLIENTS, SECONDS * 1000);
          const per = (ms: number) => ms / Math.max(1, r.requests);
          const cpu = {
            api: per(c.api.reduce((n, s) => n + s.cpuMs(), 0) - cpu0.api),
            haproxy: per((c.haproxy ? cpuMsOf(proxy.pid) : 0) - cpu0.haproxy),
            primary: per(serverCpuMs(cluster.primaryDir) - cpu0.primary),
            replica: per(serverCpuMs(cluster.replicaDir) - cpu0.replica),
            total: 0,
          };
          cpu.total = cpu.api + cpu.haproxy + cpu.primary + cpu.replica;
          const row: Row = {
            config: c.name,
            op: op.name,
            rps: (r.requests / r.ms) * 1000,
            p50: median(r.latencies),
            p99: percentile(r.latencies, 99),
            errors: r.errors,
            cpu,
            replicaShare: replicaHits / Math.max(1, r.requests),
          };
          const key = `${op.name}|${c.name}`;
          samples.set(key, [...(samples.get(key) ?? []), row]);
        }
      }
    }
    const med = (rows: Row[], f: (r: Row) => number) => median(rows.map(f));
    const rows = [...samples.values()].map((rs) => ({
      config: rs[0].config,
      op: rs[0].op,
      rps: med(rs, (r) => r.rps),
      spread: [Math.min(...rs.map((r) => r.rps)), Math.max(...rs.map((r) => r.rps))],
      p50: med(rs, (r) => r.p50),
      p99: med(rs, (r) => r.p99),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      replicaShare: med(rs, (r) => r.replicaShare),
      cpu: {
        api: med(rs, (r) => r.cpu.api),
        haproxy: med(rs, (r) => r.cpu.haproxy),
        primary: med(rs, (r) => r.cpu.primary),
        replica: med(rs, (r) => r.cpu.replica),
        total: med(rs, (r) => r.cpu.total),
      },
    }));
    const f1 = (n: number) => n.toFixed(1);
    const f2 = (n: number) => n.toFixed(2);
    const md = [
      `# Scaling: 1 instance vs 3 instances + a streaming replica (${SIZE} dataset, generated in ${(generatedMs / 1000).toFixed(0)} s)`,
      '',
      `${new Date().toISOString()}, Node ${process.version}, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CLIENTS} concurrent clients, medians (req/s range over rounds). ` +
        'Every process shares the same 2 cores, so the totals say what a request costs, and the per-process columns where it would go on more cores.',
      '',
      '| operation | configuration | req/s (range) | p50 / p99 ms | replica answered | CPU ms/req: API | HAProxy | primary | replica | total | errors |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.op} | ${r.config} | ${f1(r.rps)} (${f1(r.spread[0])}–${f1(r.spread[1])}) | ${f1(r.p50)} / ${f1(r.p99)} | ${Math.round(r.replicaShare * 100)}% | ${f2(r.cpu.api)} | ${f2(r.cpu.haproxy)} | ${f2(r.cpu.primary)} | ${f2(r.cpu.replica)} | ${f2(r.cpu.total)} | ${r.errors} |`,
      ),
      '',
    ].join('\n');
    const out = path.join(root, 'bench', 'results');
    fs.writeFileSync(path.join(out, `scaling-${SIZE}.md`), md);
    fs.writeFileSync(path.join(out, `scaling-${SIZE}.json`), JSON.stringify({ size: SIZE, rows }, null, 2));
    console.log(md);
  } finally {
    closeClients();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

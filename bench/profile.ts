import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { openDataset, Size, SIZES } from './dataset';
import { arg, closeClients, closedLoop, median, postGraphQL } from './load';
import { buildOps } from './ops';
import { startService } from './processes';

/**
 * `npm run bench:profile -- --size medium [--op "deal by id" | --query '{ … }'] [--seconds 20] [--clients 8]`: where the service's CPU
 * goes per request. Runs the production build under `--cpu-prof`, drives one list operation of the benchmark for the
 * given time, stops the server (which writes the profile to bench/.profiles) and prints the functions with the most
 * self time, grouped by package (our code, graphql-js, Apollo, Express, pg, node internals), per request.
 */
const SIZE = arg('size', 'medium') as Size;
const OP = arg('op', 'deal by id');
/** A query of your own instead of a benchmark operation (e.g. a closingProfile). */
const QUERY = arg('query', '');
const SECONDS = Number(arg('seconds', '20'));
const CLIENTS = Number(arg('clients', '8'));
const TOP = Number(arg('top', '25'));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which package a frame's URL belongs to (node_modules/<pkg>), `ours`, `node:` internals or `(vm)`. */
function packageOf(url: string): string {
  if (!url) return '(native/gc/idle)';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return url.includes('/dist/') ? 'ours' : url;
}

/** Self time per function and per package, in microseconds, from a V8 .cpuprofile (samples × time deltas). */
export function selfTimes(p: CpuProfile): { byFunction: Map<string, number>; byPackage: Map<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const us = p.timeDeltas[i] ?? 0;
    const f = n.callFrame;
    if (f.functionName === '(idle)') return;
    const pkg = packageOf(f.url);
    const key = `${f.functionName || '(anonymous)'} ${pkg === 'ours' ? path.basename(f.url) : pkg}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  });
  return { byFunction, byPackage };
}

async function main(): Promise<void> {
  if (!(SIZE in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const root = path.join(__dirname, '..', '..');
  const dir = path.join(root, 'bench', '.profiles');
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const dataset = await openDataset(SIZE, 42, 54600 + Object.keys(SIZES).indexOf(SIZE));
  const secret = randomBytes(36).toString('base64url');
  const service = await startService(root, dataset.url, 54720, secret, {}, ['--cpu-prof', '--cpu-prof-dir', dir]);
  let requests = 0;
  try {
    const token = signToken(
      { sub: 'bench@example.com', role: Role.REVOPS },
      { secret, issuer: 'revenue-funnel', audience: 'revenue-funnel-api', maxLifetimeSeconds: 86400 },
    );
    const auth = { authorization: `Bearer ${token}` };
    const none = { ourCursor: '', pgCursor: '', pg5Cursor: '', page1Last: { created_at: '', id: '' }, dealId: '1' };
    const p1 = (await postGraphQL(service.url, buildOps(none)[0].ours, auth)).body.data.deals;
    const op = QUERY
      ? { name: 'your query', ours: QUERY }
      : buildOps({ ...none, ourCursor: p1.pageInfo.endCursor, dealId: p1.nodes[0].id }).find((o) =>
          o.name.includes(OP),
        );
    if (!op) throw new Error(`no operation named like "${OP}"`);
    await closedLoop(async () => (await postGraphQL(service.url, op.ours, auth)).ok, CLIENTS, 3000); // warm-up
    const cpu0 = service.cpuMs();
    const r = await closedLoop(async () => (await postGraphQL(service.url, op.ours, auth)).ok, CLIENTS, SECONDS * 1000);
    const cpu = service.cpuMs() - cpu0;
    requests = r.requests;
    console.log(
      `${op.name}: ${r.requests} requests in ${(r.ms / 1000).toFixed(1)} s = ${((r.requests / r.ms) * 1000).toFixed(0)} req/s, p50 ${median(r.latencies).toFixed(2)} ms, errors ${r.errors}, server CPU ${(cpu / r.requests).toFixed(3)} ms/req (incl. warm-up's share of profiling)`,
    );
  } finally {
    closeClients();
    await service.stop();
    await dataset.stop();
  }
  const file = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the server wrote no profile');
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  const { byFunction, byPackage } = selfTimes(profile);
  const per = (us: number) => (us / 1000 / Math.max(1, requests)).toFixed(4);
  const total = [...byPackage.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\nprofile ${file}: busy ${(total / 1000).toFixed(0)} ms, ${per(total)} ms/request\n\nby package (ms/request):`,
  );
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${per(v)}  ${k}`);
  console.log(`\ntop ${TOP} functions by self time (ms/request):`);
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${per(v)}  ${k}`);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });

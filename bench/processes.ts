import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const TICK_MS = 10; // Linux USER_HZ = 100

/** A server under test in its own process: CPU time and peak RSS read from /proc. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  cpuMs(): number;
  peakRssMb(): number;
  /** The last 4 KB the process wrote to stderr (its error log). */
  stderr(): string;
  stop(): Promise<void>;
}

export function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime + stime
}

export function peakRssMbOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Spawns `node [nodeArgs] script` with env, waits until readyUrl answers 200 (60 s at most). */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  url: string,
  readyUrl: string,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(readyUrl)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid!;
  return {
    name,
    url,
    pid,
    cpuMs: () => cpuMsOf(pid),
    peakRssMb: () => peakRssMbOf(pid),
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The service's production build (dist/src/main.js under `root`) as its own process on a bench database: production
 * mode, errors-only log, public metrics, no bi_reader, rate and cost limits out of the way, long statements allowed;
 * `extra` adds or overrides variables.
 */
export function startService(
  root: string,
  databaseUrl: string,
  port: number,
  jwtSecret: string,
  extra: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  return startServer(
    'service',
    path.join(root, 'dist', 'src', 'main.js'),
    {
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      PORT: String(port),
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'error',
      METRICS_PUBLIC: 'true',
      BI_READER_DISABLED: 'true',
      RATE_BUCKET_CAPACITY: '1000000000',
      RATE_REFILL_PER_SECOND: '1000000000',
      COST_LIMIT: '1000000',
      DB_STATEMENT_TIMEOUT_MS: '600000',
      ...extra,
    },
    `http://127.0.0.1:${port}/graphql`,
    `http://127.0.0.1:${port}/readyz`,
    nodeArgs,
  );
}

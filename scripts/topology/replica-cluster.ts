import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './haproxy';
import { Client } from 'pg';

const run = promisify(execFile);

/**
 * A primary and a streaming replica made from the machine's PostgreSQL binaries (`pg_basebackup -R`), both on
 * loopback ports in a temporary directory, removed by close(). Null when no PostgreSQL server binaries are installed
 * (PG_BIN, else /usr/lib/postgresql/<newest>/bin).
 */
export interface ReplicaCluster {
  primaryUrl: string;
  replicaUrl: string;
  /** The data directories (postmaster.pid names each server's process). */
  primaryDir: string;
  replicaDir: string;
  /** Runs SQL on the replica as the superuser (pg_wal_replay_pause() and friends). */
  onReplica(sql: string): Promise<void>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  close(): Promise<void>;
}

export function postgresBin(): string | null {
  const given = process.env.PG_BIN;
  const candidates = given
    ? [given]
    : fs.existsSync('/usr/lib/postgresql')
      ? fs
          .readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  return (
    candidates.find((d) => ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => fs.existsSync(path.join(d, b)))) ?? null
  );
}

export async function replicaCluster(): Promise<ReplicaCluster | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'replica-cluster-'));
  // PostgreSQL refuses to run as root: as root, its files and processes belong to the postgres user
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('chown', ['postgres', root]);
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: root })
      : run(path.join(bin, tool), args, { cwd: root });
  const primaryDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const options = (port: number) =>
    `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${root} -c fsync=off ` +
    `-c max_wal_senders=4 -c hot_standby=on -c wal_receiver_status_interval=1s`;
  const start = (dir: string, port: number) =>
    pg('pg_ctl', ['-D', dir, '-o', options(port), '-l', `${dir}.log`, '-w', '-t', '60', 'start']);
  const stop = (dir: string) => pg('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);

  await pg('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  await start(primaryDir, primaryPort);
  await pg('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primaryPort),
    '-U',
    'postgres',
    '-D',
    replicaDir,
    '-R',
    '-X',
    'stream',
    '--no-sync',
  ]);
  await start(replicaDir, replicaPort);
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    primaryDir,
    replicaDir,
    async onReplica(sql) {
      const c = new Client({ connectionString: url(replicaPort) });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    },
    async stopReplica() {
      await pg('pg_ctl', ['-D', replicaDir, '-m', 'immediate', '-w', 'stop']);
    },
    async startReplica() {
      await start(replicaDir, replicaPort);
    },
    async close() {
      await stop(replicaDir);
      await stop(primaryDir);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

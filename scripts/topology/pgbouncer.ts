import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './haproxy';

/** Debian's PgBouncer binary (PGBOUNCER overrides); null when not installed. */
export function pgbouncerBin(): string | null {
  const candidates = [process.env.PGBOUNCER, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].filter(Boolean) as string[];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

export interface Bouncer {
  /** The pooled URL of the target database (same user, password and database name). */
  url: string;
  stop(): Promise<void>;
}

/**
 * PgBouncer in transaction mode in front of `target` (a postgres URL), on a loopback port, with the service's session
 * settings as the pool's connect_query (as README, Scaling, says to set them); stopped and removed by stop().
 */
export async function startPgbouncer(target: string, connectQuery: string): Promise<Bouncer | null> {
  const bin = pgbouncerBin();
  if (!bin) return null;
  const t = new URL(target);
  const db = t.pathname.slice(1);
  const user = decodeURIComponent(t.username);
  const password = decodeURIComponent(t.password);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-'));
  const port = await freePort();
  const server = [
    `host=${t.hostname}`,
    `port=${t.port || 5432}`,
    `dbname=${db}`,
    `user=${user}`,
    password ? `password=${password}` : '',
    `connect_query='${connectQuery.replace(/'/g, "''")}'`,
  ]
    .filter(Boolean)
    .join(' ');
  fs.writeFileSync(path.join(dir, 'users.txt'), `"${user}" ""\n`);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${db} = ${server}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres', dir]);
  const ini = path.join(dir, 'pgbouncer.ini');
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', bin, ini], { stdio: 'ignore', detached: true })
    : spawn(bin, [ini], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    async stop() {
      const exited = new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      process.kill(-child.pid!, 'SIGINT'); // its process group: runuser and PgBouncer
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

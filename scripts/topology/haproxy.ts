import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on loopback (the kernel's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Proxy {
  /** http://127.0.0.1:<port> */
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy in front of API instances on loopback: round robin, health-checked on /readyz every 300 ms (two
 * failures take an instance out), a request whose connection to an instance fails or gets no response is retried on
 * another one (`retry-on conn-failure empty-response`, `option redispatch`); bulk writes are idempotent by external
 * id, so a retried write that had committed is an update. Null when haproxy is not installed.
 */
export async function startHaproxy(ports: number[]): Promise<Proxy | null> {
  const bin = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((b) => fs.existsSync(b));
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-'));
  const port = await freePort();
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  retries 3',
      '  option redispatch',
      '  retry-on conn-failure empty-response',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend apis',
      'backend apis',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  default-server inter 300ms fall 2 rise 2',
      ...ports.map((p, i) => `  server api${i + 1} 127.0.0.1:${p} check`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, ['-f', cfg, '-db'], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${origin}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

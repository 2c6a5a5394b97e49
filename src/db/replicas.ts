import { DataSource } from 'typeorm';
import { logger } from '../common/log/logger';
import { createDataSource, DataSourceOptions } from '../data-source';

/**
 * Streaming replicas of the primary (DATABASE_READ_URLS) and how far behind each one is. Every `pollMs` the primary's
 * WAL position is read, then each replica's replay position: a replica that has replayed it is caught up (lag 0);
 * otherwise its lag is the age of the last transaction it replayed (`now() - pg_last_xact_replay_timestamp()`, the
 * primary's commit time of that transaction). A replica is healthy when it answered the last poll and its lag is at
 * most `maxLagMs`; one that fails a read at the connection level is marked down at once (skipReplica) until a poll
 * finds it again.
 */
export interface Replica {
  /** `replica-1`, `replica-2`, … in DATABASE_READ_URLS order (never the URL: it can carry a password). */
  name: string;
  ds: DataSource;
  healthy: boolean;
  lagMs: number | null;
  /** The last replay position read (LSN as a number); replay only moves forward, so the replica is at least here. */
  replayLsn: bigint | null;
  /** Why it is not healthy (for /metrics and logs). */
  problem: string | null;
}

/** `16/B374D848` → its 64-bit position. */
export function parseLsn(text: string): bigint | null {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  return m ? (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`) : null;
}

/** The server's current WAL position (`16/B374D848`): on the primary, what a replica must have replayed to be current. */
export async function walPosition(ds: DataSource): Promise<string> {
  const [{ lsn }] = await ds.query(`SELECT pg_current_wal_lsn()::text AS lsn`);
  return lsn;
}

/** A read on this replica failed at the connection level: skipped until a poll of its set reaches it again. */
export function skipReplica(r: Replica, err: Error): void {
  if (!r.healthy) return;
  r.healthy = false;
  r.problem = err.message;
  logger.warn('replica skipped', { replica: r.name, problem: err.message });
}

export class ReplicaSet {
  readonly replicas: Replica[];
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private next = 0;

  constructor(
    private readonly primary: DataSource,
    urls: string[],
    private readonly opts: { maxLagMs: number; pollMs: number; db?: Omit<DataSourceOptions, 'url'> },
  ) {
    this.replicas = urls.map((url, i) => ({
      name: `replica-${i + 1}`,
      ds: createDataSource({ ...opts.db, url }),
      healthy: false,
      lagMs: null,
      replayLsn: null,
      problem: 'not polled yet',
    }));
  }

  /** Polls now and then every pollMs (the timer does not keep the process alive). */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs);
    this.timer.unref();
  }

  /** One round: the primary's position, then every replica's (side by side). Never throws. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = null));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    let primaryLsn: bigint | null = null;
    try {
      if (this.primary.isInitialized) {
        primaryLsn = parseLsn(await walPosition(this.primary));
      }
    } catch {
      /* the primary out of reach: replicas are judged by the age of their last replayed transaction alone */
    }
    await Promise.all(this.replicas.map((r) => this.pollReplica(r, primaryLsn)));
  }

  private async pollReplica(r: Replica, primaryLsn: bigint | null): Promise<void> {
    const was = r.healthy;
    try {
      if (!r.ds.isInitialized) await r.ds.initialize();
      const [row] = await r.ds.query(
        `SELECT pg_is_in_recovery() AS standby, coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text AS lsn,
           (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS age`,
      );
      r.replayLsn = parseLsn(row.lsn);
      // a server not in recovery (a promoted replica, or the primary itself listed) is as current as it gets
      const caughtUp = !row.standby || (r.replayLsn !== null && primaryLsn !== null && r.replayLsn >= primaryLsn);
      r.lagMs = caughtUp ? 0 : row.age === null ? null : Math.max(0, Math.round(row.age));
      r.healthy = r.lagMs !== null && r.lagMs <= this.opts.maxLagMs;
      r.problem = r.healthy ? null : r.lagMs === null ? 'nothing replayed yet' : `lag ${r.lagMs} ms`;
    } catch (err) {
      r.healthy = false;
      r.lagMs = null;
      r.problem = (err as Error).message;
    }
    if (was !== r.healthy)
      logger[r.healthy ? 'info' : 'warn'](r.healthy ? 'replica healthy' : 'replica skipped', {
        replica: r.name,
        lagMs: r.lagMs,
        problem: r.problem ?? undefined,
      });
  }

  /**
   * A healthy replica that has replayed `minLsn` (when given), round robin; null when none may serve, with why.
   */
  choose(
    minLsn: bigint | null,
  ): { replica: Replica } | { replica: null; reason: 'NO_HEALTHY_REPLICA' | 'NOT_CAUGHT_UP' } {
    const healthy = this.replicas.filter((r) => r.healthy);
    const usable = minLsn === null ? healthy : healthy.filter((r) => r.replayLsn !== null && r.replayLsn >= minLsn);
    if (!usable.length) return { replica: null, reason: healthy.length ? 'NOT_CAUGHT_UP' : 'NO_HEALTHY_REPLICA' };
    return { replica: usable[this.next++ % usable.length] };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await Promise.all(this.replicas.map((r) => (r.ds.isInitialized ? r.ds.destroy() : undefined)));
  }
}

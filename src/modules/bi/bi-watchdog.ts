import { DataSource } from 'typeorm';
import { logger } from '../../common/log/logger';

export interface BiWatchdog {
  /** Cancels bi_reader statements over the limit now; how many were cancelled. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * Holds bi_reader to its statement limit even when a session lifts it (`SET statement_timeout = 0` is allowed to any
 * role): every `limitMs / 4` (at most every 5 s) it cancels, with pg_cancel_backend, each bi_reader statement running
 * longer than `limitMs` in this service's database (another database on the server has its own service and limit). The
 * cancelled client gets SQLSTATE 57014, as for its own timeout. The service's role sees
 * and may signal bi_reader's sessions as a member of the role (migration 1764892800000).
 */
export function startBiWatchdog(ds: DataSource, limitMs: number): BiWatchdog {
  const sweep = async (): Promise<number> => {
    // the statements over the limit first (a materialised CTE), then the cancels: in one WHERE, the planner may call
    // pg_cancel_backend before the other conditions, on any backend (this one included)
    const rows: { pid: number }[] = await ds.query(
      `WITH over AS MATERIALIZED (
         SELECT pid FROM pg_stat_activity
          WHERE usename = 'bi_reader' AND datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
            AND clock_timestamp() - query_start > $1::int * interval '1 millisecond')
       SELECT pid FROM over WHERE pg_cancel_backend(pid)`,
      [limitMs],
    );
    if (rows.length) logger.warn('bi_reader statements over the limit cancelled', { count: rows.length, limitMs });
    return rows.length;
  };
  let running = false;
  const timer = setInterval(
    () => {
      if (running || !ds.isInitialized) return;
      running = true;
      sweep()
        .catch((err) => logger.warn('bi_reader watchdog sweep failed', { err: (err as Error).message }))
        .finally(() => (running = false));
    },
    Math.min(5000, Math.max(50, Math.floor(limitMs / 4))),
  );
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}

import { CountingLogger } from '../src/db/counting-logger';

/** Keeps every statement the service sends, so the very same SQL can be replayed straight through pg. */
export class CapturingLogger extends CountingLogger {
  captured: { sql: string; params: unknown[] }[] = [];
  override logQuery(query: string, parameters?: unknown[]): void {
    super.logQuery(query, parameters);
    this.captured.push({ sql: query, params: parameters ?? [] });
  }
  /** The statements of one request, without transaction control, actor settings and readiness probes. */
  take(): { sql: string; params: unknown[] }[] {
    const out = this.captured.filter(
      (c) => !/^(START|BEGIN|COMMIT|ROLLBACK|SELECT 1$|SELECT set_config)/i.test(c.sql.trim()),
    );
    this.captured = [];
    return out;
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Won deals by close instant, covering amount and creation: an attribution report's won totals (count and revenue of
 * the deals won in its period) are read by an index-only scan instead of a scan of every deal (at 1M leads, 200k deals:
 * the largest part of a rule-based report read from the credit rollup).
 */
export class WonDealsIndex1764633600000 implements MigrationInterface {
  name = 'WonDealsIndex1764633600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX deals_won_closed_at_idx ON deals (closed_at) INCLUDE (amount, created_at) WHERE status = 'WON'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deals_won_closed_at_idx`);
  }
}

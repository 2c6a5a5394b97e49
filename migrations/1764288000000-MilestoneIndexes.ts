import { MigrationInterface, QueryRunner } from 'typeorm';

const MILESTONES = ['first_mql_at', 'first_sal_at', 'first_sql_at', 'first_opportunity_at', 'first_customer_at'];

/**
 * Indexes on the leads' first-entry milestones: funnel and lead-KPI statements read only the leads with a first
 * entry in the requested period (funnel.query.ts anyFirstEntryIn), a bitmap OR over these and leads_created_at_id_idx.
 */
export class MilestoneIndexes1764288000000 implements MigrationInterface {
  name = 'MilestoneIndexes1764288000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const c of MILESTONES) await q.query(`CREATE INDEX leads_${c}_idx ON leads (${c})`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const c of MILESTONES) await q.query(`DROP INDEX IF EXISTS leads_${c}_idx`);
  }
}

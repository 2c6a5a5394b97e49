import { DataSource, EntityManager } from 'typeorm';
import { MARKOV_FROM_SCRATCH } from '../../src/modules/analytics/attribution/markov-rollup';
import { fromScratchSql } from '../../src/modules/analytics/funnel/funnel-rollup';
import { KPI_FROM_SCRATCH } from '../../src/modules/analytics/kpi/kpi-rollup';
import { snapshot } from './transactions';

/** A stored rollup table (or a SELECT of its columns) and the SQL that computes it from scratch. */
export interface ScratchTable {
  name: string;
  stored?: string;
  scratch: string;
}

/**
 * The rollup's dirty tables are empty and each stored table equals its from-scratch SQL (EXCEPT both ways; the first
 * differing rows are reported), in one snapshot, or in the caller's transaction.
 */
export async function expectStoredEqualsScratch(
  db: DataSource | EntityManager,
  dirty: string[],
  tables: ScratchTable[],
): Promise<void> {
  const check = async (tx: EntityManager) => {
    // rows still marked dirty, with the record each names (so a failure says whose write was not applied)
    const pending: { queue: string; id: string }[] = await tx.query(
      dirty.map((t) => `(SELECT '${t}' AS queue, x::text AS id FROM ${t} x LIMIT 10)`).join(' UNION ALL '),
    );
    expect(pending).toEqual([]);
    for (const t of tables) {
      const diff = await tx.query(`
        WITH stored AS (${t.stored ?? `SELECT * FROM ${t.name}`}), scratch AS (${t.scratch})
        SELECT '${t.name} missing' AS side, * FROM (SELECT * FROM scratch EXCEPT SELECT * FROM stored) x
        UNION ALL SELECT '${t.name} extra', * FROM (SELECT * FROM stored EXCEPT SELECT * FROM scratch) y LIMIT 5`);
      expect(diff).toEqual([]);
    }
  };
  return db instanceof DataSource ? snapshot(db, check) : check(db);
}

/** The funnel, KPI and MARKOV rollups have nothing pending and equal their from-scratch SQL. */
export const expectFunnelKpiMarkovEqualScratch = (db: DataSource | EntityManager) =>
  expectStoredEqualsScratch(
    db,
    ['funnel_dirty', 'kpi_deal_dirty', 'markov_dirty', 'attribution_dirty'],
    [
      { name: 'funnel_day', stored: 'SELECT day, a, b, dim, grp, n, inf FROM funnel_day', scratch: fromScratchSql() },
      ...(['kpi_handoff', 'kpi_deal', 'kpi_handoff_day', 'kpi_deal_day', 'handoff_day'] as const).map((t) => ({
        name: t,
        scratch: KPI_FROM_SCRATCH[t](),
      })),
      ...(['markov_touch', 'markov_won', 'markov_day'] as const).map((t) => ({
        name: t,
        scratch: MARKOV_FROM_SCRATCH[t](),
      })),
    ],
  );

import { DataSource } from 'typeorm';
import { Queryable, sqlRows } from '../../db/sql';
import { param, sql, Sql } from '../../db/sql-tag';
import { dispositionSql } from '../analytics/kpi/lead-kpis.query';
import { leadFirstEntries } from '../analytics/funnel/funnel.query';
import { handoffUnitsHoldSql } from './handoff-rollup.query';
import { DefinitionSpec } from './definition.check';
import { definitionParams, qualifiedSql } from './qualify.sql';

/** One side of a backtest (the definition's Q, or the actual practice's A), as counts. */
export interface BacktestSideRow {
  qualified: number;
  withSql: number;
  withCustomer: number;
  rejected: number;
  reasons: { reason: string; count: number }[] | null;
  medianDays: number | null;
}

export interface BacktestRow {
  leads: number;
  sqls: number;
  customers: number;
  both: number;
  onlyDefinition: number;
  onlyActual: number;
  definition: BacktestSideRow;
  actual: BacktestSideRow;
}

/** One side's numbers over the per-lead rows `x` where the side's instant column is set. */
const side = (at: string) => sql`json_build_object(
      'qualified', count(*) FILTER (WHERE ${at} IS NOT NULL),
      'withSql', count(*) FILTER (WHERE ${at} IS NOT NULL AND s IS NOT NULL),
      'withCustomer', count(*) FILTER (WHERE ${at} IS NOT NULL AND c IS NOT NULL),
      'rejected', count(*) FILTER (WHERE ${at} IS NOT NULL AND kind = 'RETURNED'),
      'reasons', (SELECT json_agg(json_build_object('reason', y.reason, 'count', y.n) ORDER BY y.reason)
        FROM (SELECT reason, count(*)::int AS n FROM x WHERE ${at} IS NOT NULL AND kind = 'RETURNED' GROUP BY reason) y),
      'medianDays', percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${at} - created_at)::float8 / 86400)
        FILTER (WHERE ${at} IS NOT NULL))`;

/**
 * The backtest of definitions.md §8 in one statement: population U = live leads created in [from, to) (and by
 * asOf); q = each one's first qualifying instant under D from its createdAt, counted when ≤ asOf; beside it the actual
 * practice (reach_MQL ≤ asOf), and the SQL and CUSTOMER reaches and hand-off dispositions as of asOf.
 */
export async function queryBacktest(
  ds: DataSource,
  def: DefinitionSpec,
  from: Date,
  to: Date,
  asOf: Date,
  current: boolean,
): Promise<BacktestRow> {
  return ds.transaction(async (tx) => {
    await tx.query(BACKTEST_SETTINGS);
    const [row] = await sqlRows<BacktestRow>(tx, backtestSql(def, from, to, asOf, current));
    return row;
  });
}

/**
 * The backtest sorts and hashes every touch of a year's leads (millions at the large size): with PostgreSQL's default
 * 4 MB per sort they spill to disk (bench/results/agreement-large.md), so its transaction allows more memory.
 */
export const BACKTEST_SETTINGS = `SET LOCAL work_mem = '256MB'`;

/**
 * The backtest's one statement (queryBacktest; the benchmark runs it through pg alone too). `dispositions`: where the
 * hand-off dispositions come from — the KPI rollup when it holds every fact up to asOf (AUTO), or always one of them
 * (a test compares the two).
 */
export function backtestSql(
  def: DefinitionSpec,
  from: Date,
  to: Date,
  asOf: Date,
  current: boolean,
  dispositions: 'AUTO' | 'ROLLUP' | 'LOGS' = 'AUTO',
): Sql {
  const p = definitionParams(def);
  const [asOfP, currentP] = [param(asOf), param(current)];
  return sql`
    WITH u AS (
      SELECT l.id, l.created_at, l.title, l.source, l.account_id, ${leadFirstEntries(asOfP, currentP)}
      FROM live_leads l
      WHERE l.created_at >= ${param(from)} AND l.created_at < ${param(to)} AND l.created_at <= ${asOfP}
    ),
    pop AS (SELECT id AS lead_id, created_at AS since, title, source, account_id FROM u)${qualifiedSql(p, asOfP)},
    r AS (
      SELECT u.id, u.created_at, u.f5, least(u.f2, u.f3, u.f4, u.f5, u.f6) AS a, least(u.f4, u.f5, u.f6) AS s, u.f6 AS c, q.at AS q
      FROM u LEFT JOIN qualified q ON q.lead_id = u.id
    ),
    -- the hand-off dispositions: from the KPI rollup's units when it holds every fact up to asOf (then they are the
    -- same), else from the lead logs
    ok AS (SELECT ${dispositions === 'AUTO' ? handoffUnitsHoldSql(asOfP) : String(dispositions === 'ROLLUP')} AS ok),
    x AS (
      SELECT r.*, h.kind, h.reason FROM r LEFT JOIN kpi_handoff h ON h.lead_id = r.id AND h.kind <> 'NONE' AND r.a IS NOT NULL
      WHERE (SELECT ok FROM ok)
      UNION ALL
      SELECT r.*, d.kind, d.reason FROM r
      LEFT JOIN LATERAL (${dispositionSql('r.id', 'r.a', 'r.f5', asOfP)}) d ON r.a IS NOT NULL
      WHERE NOT (SELECT ok FROM ok)
    )
    SELECT count(*)::int AS leads, count(s)::int AS sqls, count(c)::int AS customers,
      count(*) FILTER (WHERE q IS NOT NULL AND a IS NOT NULL)::int AS both,
      count(*) FILTER (WHERE q IS NOT NULL AND a IS NULL)::int AS "onlyDefinition",
      count(*) FILTER (WHERE q IS NULL AND a IS NOT NULL)::int AS "onlyActual",
      ${side('q')} AS definition, ${side('a')} AS actual
    FROM x`;
}

/**
 * Each lead's first qualifying instant under D from its createdAt, at or before asOf (the backtest's q, per lead).
 * `eraHalfLives`: the decay grid's era (tests shorten it so that short histories cross eras).
 */
export async function backtestInstants(
  db: Queryable,
  def: DefinitionSpec,
  leadIds: readonly string[],
  asOf: Date,
  eraHalfLives?: number,
): Promise<{ leadId: string; at: Date }[]> {
  const asOfP = param(asOf);
  return sqlRows(
    db,
    sql`WITH pop AS (SELECT l.id AS lead_id, l.created_at AS since, l.title, l.source, l.account_id FROM leads l WHERE l.id = ANY(${param(leadIds)}::bigint[]))
    ${qualifiedSql(definitionParams(def, eraHalfLives), asOfP)}
    SELECT lead_id::text AS "leadId", at FROM qualified ORDER BY lead_id`,
  );
}

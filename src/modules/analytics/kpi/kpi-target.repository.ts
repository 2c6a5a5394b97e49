import { EntityManager } from 'typeorm';
import { Queryable, sqlRows } from '../../../db/sql';
import { param, sql } from '../../../db/sql-tag';
import { KpiMetric } from './kpi-series.types';
import { KpiTargetInput } from './kpi-target.types';

export interface KpiTargetRow {
  id: string;
  metric: KpiMetric;
  periodStart: Date;
  periodEnd: Date;
  target: number;
}

const COLUMNS = `id::text AS id, metric, period_start AS "periodStart", period_end AS "periodEnd", target::float8 AS target`;

/** Sets targets: one per (metric, period); setting it again replaces the number. */
export async function upsertTargets(tx: EntityManager, input: KpiTargetInput[]): Promise<KpiTargetRow[]> {
  const [metrics, starts, ends, targets] = [
    input.map((t) => t.metric),
    input.map((t) => t.periodStart),
    input.map((t) => t.periodEnd),
    input.map((t) => t.target),
  ].map(param);
  return sqlRows<KpiTargetRow>(
    tx,
    sql`
    INSERT INTO kpi_targets AS t (metric, period_start, period_end, target)
    SELECT * FROM unnest(${metrics}::text[], ${starts}::timestamptz[], ${ends}::timestamptz[], ${targets}::numeric[])
    ON CONFLICT (metric, period_start, period_end) DO UPDATE SET target = EXCLUDED.target, updated_at = now()
    RETURNING ${COLUMNS}`,
  );
}

/** Targets whose period overlaps [from, to). */
export async function targetsOverlapping(db: Queryable, from: Date, to: Date): Promise<KpiTargetRow[]> {
  return sqlRows<KpiTargetRow>(
    db,
    sql`SELECT ${COLUMNS} FROM kpi_targets WHERE period_start < ${param(to)} AND period_end > ${param(from)} ORDER BY period_start, metric, period_end`,
  );
}

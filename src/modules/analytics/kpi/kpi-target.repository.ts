import { EntityManager } from 'typeorm';
import { Queryable, rows } from '../../../db/sql';
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
  return rows<KpiTargetRow>(
    tx,
    `
    INSERT INTO kpi_targets AS t (metric, period_start, period_end, target)
    SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::numeric[])
    ON CONFLICT (metric, period_start, period_end) DO UPDATE SET target = EXCLUDED.target, updated_at = now()
    RETURNING ${COLUMNS}`,
    [
      input.map((t) => t.metric),
      input.map((t) => t.periodStart),
      input.map((t) => t.periodEnd),
      input.map((t) => t.target),
    ],
  );
}

/** Targets whose period overlaps [from, to). */
export async function targetsOverlapping(db: Queryable, from: Date, to: Date): Promise<KpiTargetRow[]> {
  return rows<KpiTargetRow>(
    db,
    `SELECT ${COLUMNS} FROM kpi_targets WHERE period_start < $2 AND period_end > $1 ORDER BY period_start, metric, period_end`,
    [from, to],
  );
}

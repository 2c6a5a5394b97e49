import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { TransactionRunner } from '../../../db/transaction';
import { ratio } from '../core/ratio.calc';
import { checkPeriod } from '../core/period';
import { metricValue } from './kpi-metric.calc';
import { KpiTargetRow, targetsOverlapping, upsertTargets } from './kpi-target.repository';
import { KpiTarget, KpiTargetInput } from './kpi-target.types';
import { kpis } from './kpi.service';

const MAX_TARGETS = 500;

/** Actual (the same `kpis` code, as of now) and attainment for each target; one KPI computation per distinct period. */
async function withActuals(ds: DataSource, targets: KpiTargetRow[]): Promise<KpiTarget[]> {
  const periods = new Map<string, Promise<Awaited<ReturnType<typeof kpis>>>>();
  const now = new Date();
  for (const t of targets) {
    const key = `${t.periodStart.toISOString()}|${t.periodEnd.toISOString()}`;
    if (!periods.has(key)) periods.set(key, kpis(ds, { from: t.periodStart, to: t.periodEnd, asOf: now }));
  }
  return Promise.all(
    targets.map(async (t) => {
      const report = await periods.get(`${t.periodStart.toISOString()}|${t.periodEnd.toISOString()}`)!;
      const actual = metricValue(t.metric, report).value;
      return { ...t, actual, attainment: ratio(actual ?? 0, t.target) };
    }),
  );
}

export async function kpiTargets(ds: DataSource, from: Date, to: Date): Promise<KpiTarget[]> {
  const p = checkPeriod(from, to, null);
  return withActuals(ds, await targetsOverlapping(ds, p.from, p.to));
}

/** Sets targets all-or-nothing (every item is validated before anything is written). */
export async function setKpiTargets(transactions: TransactionRunner, input: KpiTargetInput[]): Promise<KpiTarget[]> {
  if (input.length > MAX_TARGETS) throw badInput(`At most ${MAX_TARGETS} targets per call`, 'input');
  const seen = new Set<string>();
  input.forEach((t, i) => {
    checkPeriod(t.periodStart, t.periodEnd, null, undefined, {
      from: 'periodStart',
      to: 'periodEnd',
      at: `input[${i}].`,
    });
    if (!Number.isFinite(t.target) || t.target < 0 || t.target > 1e13)
      throw badInput(`input[${i}].target must be a finite number ≥ 0`, 'target');
    const key = `${t.metric}|${t.periodStart.toISOString()}|${t.periodEnd.toISOString()}`;
    if (seen.has(key)) throw badInput(`input[${i}] repeats a metric and period of this call`, 'input');
    seen.add(key);
  });
  const written = await transactions.run((tx) => upsertTargets(tx, input));
  return withActuals(transactions.ds, written);
}

import { DataSource } from 'typeorm';
import { checkPeriod, checkSlaHours, ownerFilter, windowSeconds } from '../core/period';
import { queryDealKpis } from './deal-kpis.query';
import { queryLeadKpis } from './lead-kpis.query';
import { toKpiReport } from './kpi.calc';
import { kpiRollupPlan, queryDealKpisRollup, queryLeadKpisRollup } from './kpi-rollup.query';
import { KpiInput, KpiReport } from './kpi.types';
import { activeSlaHours } from '../../qualification/qualification.repository';

export type KpiOptions = Pick<KpiInput, 'conversionWindowDays' | 'slaHours' | 'sources' | 'ownerIds'>;

/**
 * The shared KPIs (definitions.md section 5) for the consecutive periods [edges[i], edges[i+1]), all as of asOf, from
 * two statements whatever the number of periods: `kpis` is the one-period case, so a series bucket equals `kpis` over
 * that bucket by construction. Each statement reads the KPI rollups when they answer exactly (kpiRollupPlan, and no
 * write pending), the base tables otherwise; both give the same numbers (tested).
 */
export async function kpiReports(
  ds: DataSource,
  edges: Date[],
  asOf: Date,
  o: KpiOptions,
  now = new Date(),
): Promise<KpiReport[]> {
  const slaHours = checkSlaHours(o.slaHours ?? (await activeSlaHours(ds)));
  const scope = {
    edges,
    asOf,
    windowSeconds: windowSeconds(o.conversionWindowDays),
    sources: o.sources ?? null,
    ownerIds: ownerFilter(o.ownerIds),
    currentOutcomes: asOf >= now,
  };
  const plan = kpiRollupPlan(scope);
  // each side falls back on its own; both run at once
  const [leads, deals] = await Promise.all([
    (async () =>
      (plan && (await queryLeadKpisRollup(ds, scope, plan, slaHours))) ?? queryLeadKpis(ds, scope, slaHours))(),
    (async () => (plan && (await queryDealKpisRollup(ds, scope, plan))) ?? queryDealKpis(ds, scope))(),
  ]);
  return leads.map((l, i) => toKpiReport({ from: edges[i], to: edges[i + 1], asOf }, l, deals[i]));
}

/** The shared KPIs for [from, to) as of asOf. */
export async function kpis(ds: DataSource, input: KpiInput): Promise<KpiReport> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  return (await kpiReports(ds, [from, to], asOf, input, now))[0];
}

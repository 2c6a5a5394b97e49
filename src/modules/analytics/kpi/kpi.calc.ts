import { RejectionReason } from '../../../common/graphql/enums';
import { ratio } from '../core/ratio.calc';
import { DealKpiRow } from './deal-kpis.query';
import { LeadKpiRow } from './lead-kpis.query';
import { KpiReport } from './kpi.types';

/** x / y, null when either is missing or y is 0. */
const div = (x: number | null, y: number | null): number | null => (x === null || y === null || y === 0 ? null : x / y);

/** Pipeline velocity per day: open deals × win rate × average deal size / mean sales cycle; null when any is null or 0. */
export function pipelineVelocity(
  openDeals: number,
  winRate: number | null,
  averageDealSize: number | null,
  cycleDays: number | null,
): number | null {
  if (!openDeals || !winRate || !averageDealSize || !cycleDays) return null;
  return (openDeals * winRate * averageDealSize) / cycleDays;
}

/** Assembles the KPI report (definitions.md section 5) from the two query rows: rates with their parts. */
export function toKpiReport(period: { from: Date; to: Date; asOf: Date }, l: LeadKpiRow, d: DealKpiRow): KpiReport {
  const winRate = ratio(d.wonDeals, d.wonDeals + d.lostDeals);
  const averageDealSize = div(d.revenue, d.wonDeals);
  return {
    ...period,
    leads: l.leads,
    mqls: l.mqls,
    sals: l.sals,
    sqls: l.sqls,
    opportunities: d.opportunities,
    pipelineCreated: d.pipelineCreated,
    wonDeals: d.wonDeals,
    lostDeals: d.lostDeals,
    revenue: d.revenue,
    winRate,
    winRateByValue: ratio(d.revenue, d.revenue + d.lostAmount),
    averageDealSize,
    salesCycleDays: { count: d.cycleCount, mean: d.cycleMeanDays, median: d.cycleMedianDays },
    mqlToSqlRate: ratio(l.mqlToSql, l.mqlCohort),
    leadRejectionRate: ratio(l.returned, l.accepted + l.returned),
    rejectionReasons: (l.reasons ?? []).map((r) => ({ reason: r.reason as RejectionReason, count: r.count })),
    leadResponseHours: { count: l.accepted + l.returned, mean: l.responseMeanHours, median: l.responseMedianHours },
    slaCompliance: ratio(l.onTime, l.onTime + l.breached),
    spend: d.spend,
    newCustomers: d.newCustomers,
    cac: div(d.spend, d.newCustomers),
    marketingSourcedRevenue: d.marketingSourcedRevenue,
    marketingInfluencedRevenue: d.marketingInfluencedRevenue,
    openPipeline: d.openPipeline,
    weightedPipeline: d.weightedPipeline,
    pipelineVelocity: pipelineVelocity(d.openDeals, winRate.value, averageDealSize, d.cycleMeanDays),
  };
}

import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { calendarBuckets, Weekday } from '../core/buckets.query';
import { checkPeriod } from '../core/period';
import { metricValue } from './kpi-metric.calc';
import { KpiPoint, KpiSeriesInput } from './kpi-series.types';
import { kpiReports } from './kpi.service';

/**
 * One row per metric × bucket. The buckets partition [from, to), so their edges go to the same two KPI statements as
 * `kpis` (which is the one-bucket case): each bucket's numbers are `kpis` over exactly that bucket, same asOf.
 */
export async function kpiSeries(ds: DataSource, input: KpiSeriesInput): Promise<KpiPoint[]> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  if (input.metrics.length === 0) throw badInput('metrics must name at least one metric', 'metrics');
  const metrics = [...new Set(input.metrics)];
  const buckets = await calendarBuckets(
    ds,
    from,
    to,
    input.interval,
    input.timeZone ?? 'UTC',
    input.weekStart ?? Weekday.MONDAY,
  );
  const edges = [...buckets.map((b) => b.start), buckets[buckets.length - 1].end];
  const reports = await kpiReports(ds, edges, asOf, { sources: input.sources }, now);
  return metrics.flatMap((metric) =>
    buckets.map((b, i) => ({ metric, periodStart: b.start, periodEnd: b.end, ...metricValue(metric, reports[i]) })),
  );
}

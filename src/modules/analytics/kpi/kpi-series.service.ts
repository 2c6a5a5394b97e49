import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { calendarBuckets, Weekday } from '../shared/buckets.query';
import { checkPeriod } from '../shared/period';
import { metricValue } from './kpi-metric.calc';
import { KpiPoint, KpiSeriesInput } from './kpi-series.types';
import { kpis } from './kpi.service';

const PARALLEL = 4;

/** One row per metric × bucket; each bucket's numbers are `kpis` over exactly that bucket (same code, same asOf). */
export async function kpiSeries(ds: DataSource, input: KpiSeriesInput): Promise<KpiPoint[]> {
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf);
  if (input.metrics.length === 0) throw badInput('metrics must name at least one metric', 'metrics');
  const metrics = [...new Set(input.metrics)];
  const buckets = await calendarBuckets(ds, from, to, input.interval, input.timeZone ?? 'UTC', input.weekStart ?? Weekday.MONDAY);
  const reports = new Array(buckets.length);
  for (let i = 0; i < buckets.length; i += PARALLEL) {
    const batch = buckets.slice(i, i + PARALLEL);
    const done = await Promise.all(batch.map((b) => kpis(ds, { from: b.start, to: b.end, asOf, sources: input.sources })));
    done.forEach((r, j) => (reports[i + j] = r));
  }
  return metrics.flatMap((metric) =>
    buckets.map((b, i) => ({ metric, periodStart: b.start, periodEnd: b.end, ...metricValue(metric, reports[i]) })));
}

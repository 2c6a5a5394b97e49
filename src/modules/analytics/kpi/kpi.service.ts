import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { checkPeriod, ownerFilter, windowSeconds } from '../shared/period';
import { queryDealKpis } from './deal-kpis.query';
import { queryLeadKpis } from './lead-kpis.query';
import { toKpiReport } from './kpi.calc';
import { KpiInput, KpiReport } from './kpi.types';

/** The shared KPIs (definitions.md section 5) for [from, to) as of asOf. */
export async function kpis(ds: DataSource, input: KpiInput): Promise<KpiReport> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const slaHours = input.slaHours ?? 24;
  if (!Number.isFinite(slaHours) || slaHours <= 0 || slaHours > 24 * 366) throw badInput('slaHours must be a number of hours from 0 to 8784', 'slaHours');
  const scope = {
    from, to, asOf, windowSeconds: windowSeconds(input.conversionWindowDays), sources: input.sources ?? null,
    ownerIds: ownerFilter(input.ownerIds), currentOutcomes: asOf >= now,
  };
  const [leads, deals] = await Promise.all([queryLeadKpis(ds, scope, slaHours), queryDealKpis(ds, scope)]);
  return toKpiReport({ from, to, asOf }, leads, deals);
}

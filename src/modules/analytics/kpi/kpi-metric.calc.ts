import { ratio } from '../core/ratio.calc';
import { Ratio } from '../analytics.types';
import { KpiMetric } from './kpi-series.types';
import { KpiReport } from './kpi.types';

export interface MetricValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

const count = (value: number): MetricValue => ({ value, numerator: null, denominator: null });
const rate = (r: Ratio): MetricValue => ({ value: r.value, numerator: r.numerator, denominator: r.denominator });

/** One metric of a KPI report as a tidy value; rates and averages keep their numerator and denominator. */
export function metricValue(metric: KpiMetric, k: KpiReport): MetricValue {
  switch (metric) {
    case KpiMetric.LEADS:
      return count(k.leads);
    case KpiMetric.MQLS:
      return count(k.mqls);
    case KpiMetric.SALS:
      return count(k.sals);
    case KpiMetric.SQLS:
      return count(k.sqls);
    case KpiMetric.OPPORTUNITIES:
      return count(k.opportunities);
    case KpiMetric.PIPELINE_CREATED:
      return count(k.pipelineCreated);
    case KpiMetric.WON_DEALS:
      return count(k.wonDeals);
    case KpiMetric.LOST_DEALS:
      return count(k.lostDeals);
    case KpiMetric.REVENUE:
      return count(k.revenue);
    case KpiMetric.WIN_RATE:
      return rate(k.winRate);
    case KpiMetric.AVERAGE_DEAL_SIZE:
      return rate(ratio(k.revenue, k.wonDeals));
    case KpiMetric.MQL_TO_SQL_RATE:
      return rate(k.mqlToSqlRate);
    case KpiMetric.LEAD_REJECTION_RATE:
      return rate(k.leadRejectionRate);
    case KpiMetric.SLA_COMPLIANCE:
      return rate(k.slaCompliance);
    case KpiMetric.SPEND:
      return count(k.spend);
    case KpiMetric.CAC:
      return rate(ratio(k.spend, k.newCustomers));
    case KpiMetric.MARKETING_SOURCED_REVENUE:
      return count(k.marketingSourcedRevenue);
    case KpiMetric.MARKETING_INFLUENCED_REVENUE:
      return count(k.marketingInfluencedRevenue);
  }
}

import { pipelineVelocity, toKpiReport } from '../kpi.calc';

const lead = {
  leads: 0,
  mqls: 0,
  sals: 0,
  sqls: 0,
  mqlCohort: 0,
  mqlToSql: 0,
  accepted: 0,
  returned: 0,
  responseMeanHours: null,
  responseMedianHours: null,
  onTime: 0,
  breached: 0,
  reasons: null,
};
const deal = {
  opportunities: 0,
  pipelineCreated: 0,
  wonDeals: 0,
  lostDeals: 0,
  revenue: 0,
  lostAmount: 0,
  cycleMeanDays: null,
  cycleMedianDays: null,
  cycleCount: 0,
  openDeals: 0,
  openPipeline: 0,
  weightedPipeline: 0,
  newCustomers: 0,
  marketingSourcedRevenue: 0,
  marketingInfluencedRevenue: 0,
  spend: 0,
};
const period = { from: new Date(0), to: new Date(1), asOf: new Date(2) };

describe('kpi.calc', () => {
  it('velocity is open deals × win rate × average deal size / cycle, null when any part is missing or 0', () => {
    expect(pipelineVelocity(1, 0.5, 10000, 41)).toBeCloseTo(121.9512, 4);
    expect(pipelineVelocity(0, 0.5, 10000, 41)).toBeNull();
    expect(pipelineVelocity(3, null, 10000, 41)).toBeNull();
    expect(pipelineVelocity(3, 0.5, null, 41)).toBeNull();
    expect(pipelineVelocity(3, 0.5, 10000, 0)).toBeNull();
  });

  it('an empty period gives zero counts and null values, never 0% or 100%', () => {
    const r = toKpiReport(period, lead, deal);
    expect([
      r.winRate.value,
      r.winRateByValue.value,
      r.mqlToSqlRate.value,
      r.leadRejectionRate.value,
      r.slaCompliance.value,
    ]).toEqual([null, null, null, null, null]);
    expect([r.averageDealSize, r.cac, r.pipelineVelocity]).toEqual([null, null, null]);
    expect(r.rejectionReasons).toEqual([]);
  });

  it('CAC is spend per new customer', () => {
    expect(toKpiReport(period, lead, { ...deal, spend: 9000, newCustomers: 3 }).cac).toBe(3000);
  });
});

import { ConversionBasis } from '../../analytics.types';
import { toFunnelSteps } from '../funnel-steps.calc';
import { ratio } from '../ratio.calc';

const steps = ['LEAD', 'MQL', 'SQL'].map((stage) => ({ stage, label: stage }));
const agg = (count: number, inferred = 0) => ({ count, inferred, durations: count, meanDays: 1, medianDays: 1 });

describe('toFunnelSteps', () => {
  it('gives rates with their parts, and drop-off for cohorts', () => {
    const out = toFunnelSteps(steps, [agg(4), agg(3, 1), agg(0)], ConversionBasis.COHORT);
    expect(out.map((s) => [s.count, s.inferredCount, s.dropOff])).toEqual([
      [4, 0, null],
      [3, 1, 1],
      [0, 0, 3],
    ]);
    expect(out[1].conversionFromPrevious).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
    expect(out[2].conversionFromFirst).toEqual({ numerator: 0, denominator: 4, value: 0 });
    expect(out[0].daysFromPrevious).toBeNull();
  });

  it('never turns a zero denominator into 0 or 1, and has no drop-off for FLOW', () => {
    const out = toFunnelSteps(steps, [undefined, agg(1), agg(2)], ConversionBasis.FLOW);
    expect(out[1].conversionFromPrevious).toEqual({ numerator: 1, denominator: 0, value: null });
    expect(out[2].conversionFromPrevious!.value).toBe(2);
    expect(out.map((s) => s.dropOff)).toEqual([null, null, null]);
    expect(out[1].daysFromPrevious).toEqual({ count: 1, mean: 1, median: 1 });
    expect(ratio(0, 0).value).toBeNull();
  });
});

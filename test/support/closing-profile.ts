import { DataSource } from 'typeorm';
import { CLOSING_FROM_SCRATCH } from '../../src/modules/analytics/closing-profile/closing-rollup';
import { expectStoredEqualsScratch } from './rollup-scratch';

/** The closing profile query with every field (definitions.md §10). */
export const PROFILE = `query($input: ClosingProfileInput!) { closingProfile(input: $input) {
  population successes failures baseRate { numerator denominator value }
  signals { dimension key label successes failures rate { numerator denominator value } rateLow rateHigh
    oddsRatio oddsRatioLow oddsRatioHigh pValue qValue lift } } }`;

/** The closing rollup has nothing pending and its units and day rows equal a computation from scratch. */
export const expectClosingRollupExact = (ds: DataSource) =>
  expectStoredEqualsScratch(
    ds,
    ['closing_dirty'],
    (['closing_unit', 'closing_day'] as const).map((name) => ({ name, scratch: CLOSING_FROM_SCRATCH[name]() })),
  );

/** The closing profile query with every field (definitions.md §10). */
export const PROFILE = `query($input: ClosingProfileInput!) { closingProfile(input: $input) {
  population successes failures baseRate { numerator denominator value }
  signals { dimension key label successes failures rate { numerator denominator value } rateLow rateHigh
    oddsRatio oddsRatioLow oddsRatioHigh pValue qValue lift } } }`;

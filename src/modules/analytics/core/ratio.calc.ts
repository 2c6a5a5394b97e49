import { Ratio } from '../analytics.types';

/** A rate with its parts; value is null (never 0 or 1) when the denominator is 0 (definitions.md section 4). */
export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { checkPeriod } from '../core/period';
import { ratio } from '../core/ratio.calc';
import { benjaminiHochberg, fisherTwoSided, oddsRatio, wilson, zOf } from './closing-profile.calc';
import { ProfileCountRow, queryClosingProfile } from './closing-profile.query';
import { queryClosingRollup } from './closing-rollup.query';
import {
  ClosingProfile,
  ClosingProfileInput,
  ProfileDimension,
  ProfilePopulation,
  ProfileSignal,
} from './closing-profile.types';

/** Every dimension that applies to a population (AMOUNT_BAND only to deals). */
const dimensionsOf = (population: ProfilePopulation) =>
  Object.values(ProfileDimension).filter(
    (d) => population === ProfilePopulation.DEALS || d !== ProfileDimension.AMOUNT_BAND,
  );

/** The input checked: the period, the dimensions (default: every one that applies), minSupport and confidence. */
export function checkProfileInput(input: ClosingProfileInput, now = new Date()) {
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const population = input.population ?? ProfilePopulation.DEALS;
  const dimensions = [...new Set(input.dimensions ?? dimensionsOf(population))];
  if (!dimensions.length) throw badInput('dimensions must name at least one dimension (or be left out)', 'dimensions');
  if (population === ProfilePopulation.MQLS && dimensions.includes(ProfileDimension.AMOUNT_BAND))
    throw badInput('AMOUNT_BAND applies to DEALS only (an MQL has no amount)', 'dimensions');
  const minSupport = input.minSupport ?? 5;
  if (!Number.isInteger(minSupport) || minSupport < 1 || minSupport > 1_000_000_000)
    throw badInput('minSupport must be an integer from 1', 'minSupport');
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw badInput('confidence must be between 0 and 1 (exclusive)', 'confidence');
  return { population, from, to, asOf, current: asOf >= now, dimensions, minSupport, confidence };
}

/**
 * The statistics of definitions.md §10 over the counts: per value with n ≥ minSupport, the rate with its Wilson
 * interval, the odds ratio against the rest of the population with its interval, Fisher's two-sided p, lift; then
 * Benjamini–Hochberg over all of them, and the report's order.
 */
export function profileFromCounts(
  population: ProfilePopulation,
  rows: readonly ProfileCountRow[],
  minSupport: number,
  confidence: number,
): ClosingProfile {
  const total = rows.find((r) => r.dimension == null);
  const [S, F] = [total?.successes ?? 0, total?.failures ?? 0];
  const baseRate = ratio(S, S + F);
  const z = zOf(confidence);
  const kept = rows.filter((r) => r.dimension != null && r.successes + r.failures >= minSupport);
  const signals: ProfileSignal[] = kept.map((r) => {
    const [s, f] = [r.successes, r.failures];
    const [s2, f2] = [S - s, F - f];
    const rate = ratio(s, s + f);
    const [rateLow, rateHigh] = wilson(s, s + f, z);
    const [or, orLow, orHigh] = oddsRatio(s, f, s2, f2, z);
    return {
      dimension: r.dimension!,
      key: r.key!,
      label: r.label ?? r.key!,
      successes: s,
      failures: f,
      rate,
      rateLow,
      rateHigh,
      oddsRatio: or,
      oddsRatioLow: orLow,
      oddsRatioHigh: orHigh,
      pValue: fisherTwoSided(s, f, s2, f2),
      qValue: 0,
      lift: rate.value == null || !baseRate.value ? null : rate.value / baseRate.value,
    };
  });
  benjaminiHochberg(signals.map((x) => x.pValue)).forEach((q, i) => (signals[i].qValue = q));
  // each signal's strength once (a logarithm and a rounding), not twice per comparison of the sort
  const order = signals.map((x) => ({ x, strength: strength(x) }));
  order.sort(
    (a, b) =>
      a.x.qValue - b.x.qValue ||
      b.strength - a.strength ||
      (a.x.dimension < b.x.dimension ? -1 : a.x.dimension > b.x.dimension ? 1 : 0) ||
      (a.x.key < b.x.key ? -1 : a.x.key > b.x.key ? 1 : 0),
  );
  return { population, successes: S, failures: F, baseRate, signals: order.map((o) => o.x) };
}

/**
 * |ln oddsRatio|, rounded to 12 significant digits: ratios that are reciprocal in exact arithmetic (3 and 1/3) are
 * equally strong, though their logarithms can differ in the last bit, and then the dimension and key decide.
 */
const strength = (s: ProfileSignal) => Number(Math.abs(Math.log(s.oddsRatio)).toPrecision(12));

/**
 * Which deals close — or which MQLs sales accepts — by property value, with honest statistics (definitions.md §10):
 * the counts from the rollup as of now, on the fly otherwise (a past asOf, or writes not applied yet).
 */
export async function closingProfile(ds: DataSource, input: ClosingProfileInput): Promise<ClosingProfile> {
  const q = checkProfileInput(input);
  const rows = (await queryClosingRollup(ds, q)) ?? (await queryClosingProfile(ds, q));
  return profileFromCounts(q.population, rows, q.minSupport, q.confidence);
}

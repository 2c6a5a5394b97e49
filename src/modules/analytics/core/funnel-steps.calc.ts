import { ConversionBasis, FunnelStep } from '../analytics.types';
import { ratio } from './ratio.calc';

/** One step's aggregates as the SQL returns them (per group, or for all units). */
export interface StepAggregate {
  count: number;
  inferred: number;
  durations: number;
  meanDays: number | null;
  medianDays: number | null;
}

/** Turns per-step aggregates into funnel steps: conversion from previous and first, drop-off (COHORT only). */
export function toFunnelSteps(
  steps: { stage: string; label: string }[],
  aggregates: (StepAggregate | undefined)[],
  basis: ConversionBasis,
): FunnelStep[] {
  const counts = steps.map((_, k) => aggregates[k]?.count ?? 0);
  return steps.map((s, k) => {
    const a = aggregates[k];
    return {
      stage: s.stage,
      label: s.label,
      count: counts[k],
      inferredCount: a?.inferred ?? 0,
      conversionFromPrevious: k === 0 ? null : ratio(counts[k], counts[k - 1]),
      conversionFromFirst: ratio(counts[k], counts[0]),
      dropOff: k === 0 || basis === ConversionBasis.FLOW ? null : counts[k - 1] - counts[k],
      daysFromPrevious:
        k === 0 ? null : { count: a?.durations ?? 0, mean: a?.meanDays ?? null, median: a?.medianDays ?? null },
    };
  });
}

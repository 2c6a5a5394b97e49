import { ConversionBasis, FunnelReport } from '../analytics.types';
import { StepAggregate, toFunnelSteps } from './funnel-steps.calc';
import { FunnelRow } from './funnel-steps.sql';

export interface ReportFrame {
  basis: ConversionBasis;
  from: Date;
  to: Date;
  asOf: Date;
  windowSeconds: number | null;
  steps: { stage: string; label: string }[];
  withGroups: boolean;
  /** The group keys are campaign ids (CAMPAIGN breakdown). */
  campaignGroups?: boolean;
}

const aggregate = (r: FunnelRow): StepAggregate => ({
  count: r.count,
  inferred: r.inferred,
  durations: r.durations,
  meanDays: r.meanDays,
  medianDays: r.medianDays,
});

/** Shapes the shared step aggregation rows into a FunnelReport (totals, groups sorted by key, completeness). */
export function toFunnelReport(frame: ReportFrame, rows: FunnelRow[]): FunnelReport {
  const perStep = (list: FunnelRow[]) =>
    frame.steps.map((_, i) => list.find((r) => r.k === i + 1)).map((r) => (r ? aggregate(r) : undefined));
  const keys = [...new Set(rows.filter((r) => !r.total).map((r) => r.grp!))].sort();
  const maxAnchor = rows[0]?.maxAnchor ?? null;
  const { basis, from, to, asOf, windowSeconds: win } = frame;
  return {
    basis,
    from,
    to,
    asOf,
    steps: toFunnelSteps(frame.steps, perStep(rows.filter((r) => r.total)), basis),
    // COHORT: complete once every cohort unit's window has closed; FLOW: once the period is over.
    isComplete:
      basis === ConversionBasis.COHORT
        ? win !== null && (maxAnchor === null || maxAnchor.getTime() + win * 1000 <= asOf.getTime())
        : to <= asOf,
    groups: frame.withGroups
      ? keys.map((key) => ({
          key,
          campaign: frame.campaignGroups === true && key !== 'NONE',
          steps: toFunnelSteps(frame.steps, perStep(rows.filter((r) => !r.total && r.grp === key)), basis),
        }))
      : [],
  };
}

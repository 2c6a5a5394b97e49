import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { LifecycleStage } from '../../../common/graphql/enums';
import { ConversionBasis, FunnelReport, SkippedStagePolicy } from '../analytics.types';
import { checkPeriod, ownerFilter, windowSeconds } from '../shared/period';
import { StepAggregate, toFunnelSteps } from './funnel.calc';
import { FunnelInput } from './funnel.inputs';
import { FunnelRow, queryFunnel } from './funnel.query';

const LADDER = Object.values(LifecycleStage);
const LABELS: Record<LifecycleStage, string> = {
  LEAD: 'Lead', MQL: 'Marketing qualified', SAL: 'Sales accepted', SQL: 'Sales qualified', OPPORTUNITY: 'Opportunity', CUSTOMER: 'Customer',
};

function checkSteps(steps: LifecycleStage[] | null | undefined): LifecycleStage[] {
  if (!steps) return LADDER;
  if (steps.length === 0) throw badInput('steps must name at least one stage', 'steps');
  for (let i = 1; i < steps.length; i++) {
    if (LADDER.indexOf(steps[i]) <= LADDER.indexOf(steps[i - 1])) throw badInput('steps must be distinct and in ladder order', 'steps');
  }
  return steps;
}

const aggregate = (r: FunnelRow): StepAggregate =>
  ({ count: r.count, inferred: r.inferred, durations: r.durations, meanDays: r.meanDays, medianDays: r.medianDays });

/** The lifecycle funnel (definitions.md section 4) for leads. */
export async function funnel(ds: DataSource, input: FunnelInput): Promise<FunnelReport> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const steps = checkSteps(input.steps);
  const basis = input.basis ?? ConversionBasis.COHORT;
  const win = windowSeconds(input.conversionWindowDays);
  const rows = await queryFunnel(ds, {
    steps, basis, policy: input.skippedStages ?? SkippedStagePolicy.INFER, from, to, asOf, windowSeconds: win,
    breakdown: input.breakdown ?? null, sources: input.sources ?? null, ownerIds: ownerFilter(input.ownerIds), currentOutcomes: asOf >= now,
  });
  const stepDefs = steps.map((s) => ({ stage: s, label: LABELS[s] }));
  const perStep = (list: FunnelRow[]) => steps.map((_, i) => list.find((r) => r.k === i + 1)).map((r) => (r ? aggregate(r) : undefined));
  const totals = rows.filter((r) => r.total);
  const keys = [...new Set(rows.filter((r) => !r.total).map((r) => r.grp!))];
  const maxAnchor = rows[0]?.maxAnchor ?? null;
  return {
    basis, from, to, asOf,
    steps: toFunnelSteps(stepDefs, perStep(totals), basis),
    // COHORT: complete once every cohort unit's window has closed; FLOW: once the period is over.
    isComplete: basis === ConversionBasis.COHORT
      ? win !== null && (maxAnchor === null || maxAnchor.getTime() + win * 1000 <= asOf.getTime())
      : to <= asOf,
    groups: input.breakdown ? keys.map((key) => ({ key, steps: toFunnelSteps(stepDefs, perStep(rows.filter((r) => !r.total && r.grp === key)), basis) })) : [],
  };
}

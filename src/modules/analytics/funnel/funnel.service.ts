import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { LADDER, LifecycleStage } from '../../../common/graphql/enums';
import { ConversionBasis, FunnelBreakdown, FunnelReport, SkippedStagePolicy } from '../analytics.types';
import { toFunnelReport } from '../core/funnel-report';
import { checkPeriod, ownerFilter, windowSeconds } from '../core/period';
import { FunnelInput } from './funnel.inputs';
import { FunnelQuery, queryFunnel } from './funnel.query';
import { queryFunnelRollup, RollupPlan, rollupPlan } from './funnel-rollup.query';
import { FunnelRow } from '../core/funnel-steps.sql';

const LABELS: Record<LifecycleStage, string> = {
  LEAD: 'Lead',
  MQL: 'Marketing qualified',
  SAL: 'Sales accepted',
  SQL: 'Sales qualified',
  OPPORTUNITY: 'Opportunity',
  CUSTOMER: 'Customer',
};

function checkSteps(steps: readonly LifecycleStage[] | null | undefined): readonly LifecycleStage[] {
  if (!steps) return LADDER;
  if (steps.length === 0) throw badInput('steps must name at least one stage', 'steps');
  for (let i = 1; i < steps.length; i++) {
    if (LADDER.indexOf(steps[i]) <= LADDER.indexOf(steps[i - 1]))
      throw badInput('steps must be distinct and in ladder order', 'steps');
  }
  return steps;
}

/** How a funnel the rollup answers is read: alone (queryFunnelRollup), or batched with the request's others. */
export type RollupReader = (q: FunnelQuery, plan: RollupPlan) => Promise<FunnelRow[] | null>;

/**
 * The lifecycle funnel (definitions.md section 4) for leads: from the per-day rollup when it answers the question
 * exactly (rollupPlan), on the fly otherwise. `needsDurations`: the operation reads daysFromPrevious.
 */
export async function funnel(
  ds: DataSource,
  input: FunnelInput,
  needsDurations = true,
  readRollup: RollupReader = (q, plan) => queryFunnelRollup(ds, q, plan),
): Promise<FunnelReport> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const steps = checkSteps(input.steps);
  const basis = input.basis ?? ConversionBasis.COHORT;
  const win = windowSeconds(input.conversionWindowDays);
  const q: FunnelQuery = {
    steps,
    basis,
    policy: input.skippedStages ?? SkippedStagePolicy.INFER,
    from,
    to,
    asOf,
    windowSeconds: win,
    breakdown: input.breakdown ?? null,
    sources: input.sources ?? null,
    ownerIds: ownerFilter(input.ownerIds),
    currentOutcomes: asOf >= now,
  };
  const plan = rollupPlan(q, needsDurations);
  const rows = (plan && (await readRollup(q, plan))) ?? (await queryFunnel(ds, q));
  return toFunnelReport(
    {
      basis,
      from,
      to,
      asOf,
      windowSeconds: win,
      steps: steps.map((s) => ({ stage: s, label: LABELS[s] })),
      withGroups: !!input.breakdown,
      campaignGroups: input.breakdown === FunnelBreakdown.CAMPAIGN,
    },
    rows,
  );
}

import { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors/app-error';
import { StageCategory } from '../../../common/graphql/enums';
import { allStages } from '../../pipeline-stage/pipeline-stage.repository';
import { PipelineStage } from '../../pipeline-stage/pipeline-stage.type';
import { ConversionBasis, FunnelBreakdown, FunnelReport, SkippedStagePolicy } from '../analytics.types';
import { toFunnelReport } from '../core/funnel-report';
import { checkPeriod, ownerFilter, windowSeconds } from '../core/period';
import { PipelineFunnelInput } from './pipeline-funnel.inputs';
import { PipelineFunnelQuery, queryPipelineFunnel } from './pipeline-funnel.query';

/** The pipeline ladder (definitions.md section 3): OPEN stages by position, then the WON stage(s); LOST is not on it. */
export function pipelineLadder(stages: PipelineStage[]): PipelineStage[] {
  const open = stages.filter((s) => s.category === StageCategory.OPEN).sort((a, b) => a.position - b.position);
  const won = stages.filter((s) => s.category === StageCategory.WON).sort((a, b) => a.position - b.position);
  return [...open, ...won];
}

function checkSteps(ladder: PipelineStage[], steps: string[] | null | undefined): PipelineStage[] {
  if (!steps) return ladder;
  if (steps.length === 0) throw badInput('steps must name at least one stage', 'steps');
  const picked = steps.map((key) => {
    const i = ladder.findIndex((s) => s.key === key);
    if (i < 0)
      throw badInput(`${JSON.stringify(key)} is not a stage on the pipeline ladder (OPEN or WON stages)`, 'steps');
    return i;
  });
  for (let i = 1; i < picked.length; i++)
    if (picked[i] <= picked[i - 1]) throw badInput('steps must be distinct and in ladder order', 'steps');
  return picked.map((i) => ladder[i]);
}

const DEAL_BREAKDOWNS = [FunnelBreakdown.OWNER, FunnelBreakdown.INDUSTRY, FunnelBreakdown.REGION] as const;

/** The pipeline funnel (definitions.md sections 3–4) for deals. */
export async function pipelineFunnel(ds: DataSource, input: PipelineFunnelInput): Promise<FunnelReport> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const steps = checkSteps(pipelineLadder(await allStages(ds)), input.steps);
  const breakdown = input.breakdown ?? null;
  if (breakdown && !(DEAL_BREAKDOWNS as readonly string[]).includes(breakdown)) {
    throw badInput('Deals break down by OWNER, INDUSTRY or REGION (definitions.md section 4)', 'breakdown');
  }
  const basis = input.basis ?? ConversionBasis.COHORT;
  const win = windowSeconds(input.conversionWindowDays);
  const rows = await queryPipelineFunnel(ds, {
    steps: steps.map((s) => s.key),
    basis,
    policy: input.skippedStages ?? SkippedStagePolicy.INFER,
    from,
    to,
    asOf,
    windowSeconds: win,
    breakdown: breakdown as PipelineFunnelQuery['breakdown'],
    ownerIds: ownerFilter(input.ownerIds),
    currentOutcomes: asOf >= now,
  });
  return toFunnelReport(
    {
      basis,
      from,
      to,
      asOf,
      windowSeconds: win,
      steps: steps.map((s) => ({ stage: s.key, label: s.label })),
      withGroups: !!breakdown,
    },
    rows,
  );
}

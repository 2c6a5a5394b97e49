import { Queryable } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { StageCategory } from '../../common/graphql/enums';
import { PipelineStage } from './pipeline-stage.type';

export async function allStages(db: Queryable): Promise<PipelineStage[]> {
  return preparedRows<PipelineStage>(
    db,
    `SELECT key, label, position, category, probability::float8 AS probability FROM pipeline_stages ORDER BY position`,
  );
}

/** The stage a deal starts in when none is given: the first OPEN stage by position. */
export function firstOpenStage(stages: PipelineStage[]): PipelineStage {
  const open = stages.find((s) => s.category === StageCategory.OPEN);
  if (!open) throw new Error('No OPEN pipeline stage is configured');
  return open;
}

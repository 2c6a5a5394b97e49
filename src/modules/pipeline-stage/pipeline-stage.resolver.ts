import { Authorized, Query, Resolver } from 'type-graphql';
import { Deps } from '../../context';
import { allStages } from './pipeline-stage.repository';
import { PipelineStage } from './pipeline-stage.type';

@Authorized()
@Resolver(() => PipelineStage)
export class PipelineStageResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => [PipelineStage])
  pipelineStages(): Promise<PipelineStage[]> {
    return allStages(this.deps.ds);
  }
}

import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { byKey } from '../../common/dataloader/batch';
import { allStages } from './pipeline-stage.repository';

/** A request's pipeline stages by key (one read of the whole, small table). */
export const pipelineStageLoaders = (ds: DataSource) => ({
  stage: new DataLoader(async (keys: readonly string[]) => byKey(keys, await allStages(ds), (s) => s.key)),
});

import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { byKey } from '../../common/dataloader/batch';
import { leadQualifications, leadScores } from './lead-scores.query';

/** A request's qualification lookups per lead: scores under the active definition, the automatic MQL and its reasons. */
export const qualificationLoaders = (ds: DataSource) => ({
  leadScore: new DataLoader(async (ids: readonly string[]) => byKey(ids, await leadScores(ds, ids), (r) => r.leadId)),
  leadQualification: new DataLoader(async (ids: readonly string[]) =>
    byKey(ids, await leadQualifications(ds, ids), (r) => r.leadId),
  ),
});

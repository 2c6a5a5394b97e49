import { Role } from '../../../src/common/graphql/enums';
import { startTestApi, TestApi } from '../../support/test-server';

/** NOT_FOUND names the kind of record it could not find, so a client can tell a missing lead from a missing deal. */
describe('NOT_FOUND says which entity', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  it.each([
    [
      'moveDealStage on an unknown deal',
      'mutation { moveDealStage(input: { dealId: "999999999", stage: "PROPOSAL", expectedVersion: 1 }) { id } }',
      'Deal',
      'dealId',
    ],
    [
      'moveLeadStage on an unknown lead',
      'mutation { moveLeadStage(input: { leadId: "999999999", event: MQL }) { id } }',
      'Lead',
      'leadId',
    ],
    [
      'convertLead of an unknown lead',
      'mutation { convertLead(input: { leadId: "999999999", deal: { externalId: "nf-1", name: "x", amount: 1 } }) { id } }',
      'Lead',
      'leadId',
    ],
  ])('%s', async (_what, query, entity, field) => {
    const r = await api.gql(query, {}, Role.REVOPS);
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', entity, field });
  });
});
